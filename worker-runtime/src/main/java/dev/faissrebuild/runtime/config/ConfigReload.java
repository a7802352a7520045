package dev.faissrebuild.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP ({@code systemctl reload}): the configuration file is read and validated again. A file that
 * does not pass is refused with its reasons and the running configuration stays. Otherwise each changed
 * field is applied where a service registered for it ({@link #onChange}: the schedule, the log level),
 * and the reload's log line lists the changed fields that need a restart to take effect.
 */
public final class ConfigReload {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);
    private static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .findAndRegisterModules();

    /** What a reload did. */
    public sealed interface Outcome {
        /** @param live the changed fields now in effect; @param needRestart the changed fields that take effect at the next start */
        record Applied(List<String> live, List<String> needRestart) implements Outcome {}

        record Refused(String reason) implements Outcome {}
    }

    private final Map<String, Consumer<FaissRebuildConfig>> live = new LinkedHashMap<>();
    private volatile FaissRebuildConfig current;
    private volatile Supplier<FaissRebuildConfig> reader;
    private volatile java.util.function.BiConsumer<String, Outcome> listener = (who, o) -> { };

    public ConfigReload(FaissRebuildConfig initial) {
        this.current = initial;
    }

    /** Where the configuration is read from again (the file and data dir the process started with). */
    public ConfigReload readFrom(Supplier<FaissRebuildConfig> reader) {
        this.reader = reader;
        return this;
    }

    /** {@code apply} is called with the new configuration when {@code field} (e.g. scheduler.rebuild_schedule) changed. */
    public synchronized ConfigReload onChange(String field, Consumer<FaissRebuildConfig> apply) {
        live.merge(field, apply, Consumer::andThen);
        return this;
    }

    /** {@code listener} hears every reload, by whom it was asked ("signal:HUP", or the caller's name) and what it did: the audit log. */
    public ConfigReload onOutcome(java.util.function.BiConsumer<String, Outcome> listener) {
        this.listener = listener;
        return this;
    }

    public FaissRebuildConfig current() {
        return current;
    }

    public Outcome reload() {
        return reload("process:" + System.getProperty("user.name", "unknown"));
    }

    /** @param who who asked, for the audit log */
    public synchronized Outcome reload(String who) {
        Outcome o = read();
        log(o);
        listener.accept(who, o);
        return o;
    }

    private Outcome read() {
        if (reader == null) return new Outcome.Refused("this process has no configuration file to read again");
        FaissRebuildConfig next;
        try {
            next = reader.get();
        } catch (RuntimeException e) {
            return new Outcome.Refused(e.getMessage());
        }
        Map<String, JsonNode> before = leaves(current);
        Map<String, JsonNode> after = leaves(next);
        List<String> applied = new ArrayList<>();
        List<String> restart = new ArrayList<>();
        for (String field : after.keySet()) {
            if (Objects.equals(before.get(field), after.get(field))) continue;
            (live.containsKey(field) ? applied : restart).add(field);
        }
        current = next;
        for (String field : applied) live.get(field).accept(next);
        return new Outcome.Applied(applied, restart);
    }

    /** Reloads on every SIGHUP, from a thread of its own (a signal handler must return at once). */
    public ConfigReload onSignal() {
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> Thread.ofPlatform().name("config-reload").start(() -> reload("signal:HUP")));
        return this;
    }

    private static void log(Outcome o) {
        switch (o) {
            case Outcome.Applied a -> LOG.info("event=config_reloaded live={} need_restart={}", a.live(), a.needRestart());
            case Outcome.Refused r -> LOG.warn("event=config_reload_refused reason=\"{}\" kept=running_config", r.reason().replace('"', '\''));
        }
    }

    /** The outcome in one phrase (the audit line's outcome). */
    public static String describe(Outcome o) {
        return switch (o) {
            case Outcome.Applied a -> "applied live=" + a.live() + " need_restart=" + a.needRestart();
            case Outcome.Refused r -> "refused: " + r.reason() + " (the running configuration is kept)";
        };
    }

    /** Every field as "section.name" (lists and maps compared whole). */
    private static Map<String, JsonNode> leaves(FaissRebuildConfig c) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        JSON.valueToTree(c).fields().forEachRemaining(section -> {
            if (section.getValue().isObject()) {
                section.getValue().fields().forEachRemaining(f -> out.put(section.getKey() + "." + f.getKey(), f.getValue()));
            } else {
                out.put(section.getKey(), section.getValue());
            }
        });
        return out;
    }
}
