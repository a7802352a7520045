package dev.faissrebuild.runtime.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.TypeFactory;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shape of the configuration, read from the {@link FaissRebuildConfig} records themselves so that
 * it cannot drift from them. It checks a user's JSON against that shape and reports every unknown field
 * and every wrong type at once (a data binder stops at the first), merges the file over the defaults,
 * and lists the leaves of a tree for {@code config show}.
 */
final class ConfigSchema {
    private static final PropertyNamingStrategies.NamingBase SNAKE = (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;
    private static final JavaType ROOT = TypeFactory.defaultInstance().constructType(FaissRebuildConfig.class);

    /** One field of a record, as named in JSON. */
    private record Property(String name, JavaType type) {}

    private ConfigSchema() {}

    /**
     * Checks {@code user} against the configuration's types. A field that is unknown or of the wrong type
     * is reported in {@code problems} and removed, so the rest can still be read and checked.
     *
     * @param defaults the built-in values: null is accepted where the default is null
     * @return the dotted paths of the values the user set (a list or a map counts as one value)
     */
    static Set<String> check(ObjectNode user, JsonNode defaults, List<String> problems) {
        Set<String> set = new LinkedHashSet<>();
        object(ROOT, user, defaults, "", problems, set);
        return set;
    }

    /** Merges {@code user} into {@code base}: sections and nested objects field by field, values (lists, maps) replaced whole. */
    static void merge(ObjectNode base, JsonNode user) {
        merge(ROOT, base, user);
    }

    /** Every leaf of a configuration tree by its dotted path, in the records' order. */
    static Map<String, JsonNode> leaves(JsonNode tree) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        leaves(ROOT, tree, "", out);
        return out;
    }

    private static void object(JavaType type, ObjectNode node, JsonNode defaults, String path, List<String> problems, Set<String> set) {
        Map<String, Property> known = properties(type);
        for (String name : new ArrayList<>(iterable(node.fieldNames()))) {
            String where = path.isEmpty() ? name : path + "." + name;
            Property p = known.get(name);
            JsonNode def = defaults == null ? null : defaults.get(name);
            if (p == null) {
                problems.add(unknown(where, path.isEmpty(), known.keySet()));
                node.remove(name);
            } else if (!value(p.type(), node.get(name), def, where, problems, set)) {
                node.remove(name);
            }
        }
    }

    /** Checks one value; false (and a problem added) when it cannot be used. */
    private static boolean value(JavaType t, JsonNode v, JsonNode def, String where, List<String> problems, Set<String> set) {
        Class<?> raw = t.getRawClass();
        if (v.isNull()) {
            if (raw != String.class || def != null && !def.isNull()) return wrong(where, v, t, problems);
            set.add(where);
            return true;
        }
        if (raw.isRecord()) {
            if (!v.isObject()) return wrong(where, v, t, problems);
            object(t, (ObjectNode) v, def, where, problems, set);
            return true;
        }
        boolean ok;
        if (t.isMapLikeType()) {
            ok = v.isObject() && iterable(v.elements()).stream().allMatch(JsonNode::isValueNode);
        } else if (t.isCollectionLikeType()) {
            if (!v.isArray()) return wrong(where, v, t, problems);
            int before = problems.size();
            ok = elements(t.getContentType(), v, where, problems);
            if (problems.size() > before) return false; // an entry's own fields were reported
        } else {
            ok = scalar(raw, v);
        }
        if (!ok) return wrong(where, v, t, problems);
        set.add(where);
        return true;
    }

    /** Every entry of a list against the list's item type: objects field by field (reporting their own problems), values by type. */
    private static boolean elements(JavaType item, JsonNode list, String where, List<String> problems) {
        boolean record = item.getRawClass().isRecord();
        for (int i = 0; i < list.size(); i++) {
            JsonNode e = list.get(i);
            if (record && e instanceof ObjectNode o) object(item, o, null, where + "[" + i + "]", problems, new LinkedHashSet<>());
            else if (record || !scalar(item.getRawClass(), e)) return false;
        }
        return true;
    }

    private static boolean scalar(Class<?> raw, JsonNode v) {
        if (raw == boolean.class || raw == Boolean.class) return v.isBoolean();
        if (raw == int.class || raw == Integer.class) return v.isNumber() && v.canConvertToExactIntegral() && v.canConvertToInt();
        if (raw == long.class || raw == Long.class) return v.isNumber() && v.canConvertToExactIntegral() && v.canConvertToLong();
        if (raw == double.class || raw == Double.class) return v.isNumber();
        if (raw == String.class) return v.isTextual();
        throw new IllegalStateException("config type " + raw + " is not handled by ConfigSchema");
    }

    private static boolean wrong(String where, JsonNode v, JavaType expected, List<String> problems) {
        String shown = v.toString();
        if (shown.length() > 60) shown = shown.substring(0, 57) + "...";
        problems.add("field '" + where + "' has the wrong type: " + shown + " given, expected " + describe(expected));
        return false;
    }

    static String describe(JavaType t) {
        Class<?> raw = t.getRawClass();
        if (raw.isRecord()) return "an object with fields " + String.join(", ", properties(t).keySet());
        if (t.isMapLikeType()) return "an object of names to text values";
        if (t.isCollectionLikeType()) return "a list of " + plural(t.getContentType());
        if (raw == boolean.class || raw == Boolean.class) return "true or false";
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) return "an integer";
        if (raw == double.class || raw == Double.class) return "a number";
        return "a string";
    }

    private static String plural(JavaType item) {
        Class<?> raw = item.getRawClass();
        if (raw.isRecord()) return "objects with fields " + String.join(", ", properties(item).keySet());
        if (raw == Integer.class) return "integers";
        if (raw == String.class) return "strings";
        return "values";
    }

    private static String unknown(String where, boolean section, Collection<String> known) {
        String hint = SeedFields.hint(where).map(h -> ": " + h).orElse("");
        return section
                ? "unknown section '" + where + "'" + hint + "; known sections: " + String.join(", ", known)
                : "unknown field '" + where + "'" + hint + "; known fields there: " + String.join(", ", known.stream().sorted().toList());
    }

    private static void merge(JavaType type, ObjectNode base, JsonNode user) {
        Map<String, Property> known = properties(type);
        for (String name : iterable(user.fieldNames())) {
            Property p = known.get(name);
            JsonNode existing = base.get(name);
            if (p != null && p.type().getRawClass().isRecord() && existing instanceof ObjectNode o && user.get(name).isObject()) {
                merge(p.type(), o, user.get(name));
            } else {
                base.set(name, user.get(name));
            }
        }
    }

    private static void leaves(JavaType type, JsonNode node, String path, Map<String, JsonNode> out) {
        for (Property p : properties(type).values()) {
            String where = path.isEmpty() ? p.name() : path + "." + p.name();
            JsonNode v = node == null ? null : node.get(p.name());
            if (p.type().getRawClass().isRecord() && v != null && v.isObject()) leaves(p.type(), v, where, out);
            else out.put(where, v == null ? NullNode.getInstance() : v);
        }
    }

    /** A record's fields by JSON name ({@code @JsonProperty} on the accessor, else snake_case), in declaration order. */
    private static Map<String, Property> properties(JavaType type) {
        Map<String, Property> out = new LinkedHashMap<>();
        for (RecordComponent c : type.getRawClass().getRecordComponents()) {
            JsonProperty named = c.getAccessor().getAnnotation(JsonProperty.class);
            String name = named != null ? named.value() : SNAKE.translate(c.getName());
            out.put(name, new Property(name, TypeFactory.defaultInstance().constructType(c.getGenericType())));
        }
        return out;
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
