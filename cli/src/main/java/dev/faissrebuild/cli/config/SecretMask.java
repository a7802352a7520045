package dev.faissrebuild.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URI;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What {@code config show} hides: the credentials a configuration may hold, shown up to where the value
 * stops being an address and starts being a secret. Names of environment variables that hold secrets
 * ({@code password_env}, {@code secret_env}) are not secrets and stay visible.
 */
final class SecretMask {
    static final String HIDDEN = "****";
    /** kafka.client_properties keys that carry credentials: sasl.jaas.config, ssl.key.password, *.token, ... */
    private static final Pattern SECRET_KEY = Pattern.compile("(?i)password|secret|jaas|token|key");

    private SecretMask() {}

    static JsonNode mask(String path, JsonNode value) {
        return switch (path) {
            case "notifications.slack.webhook_url" -> host(value);
            case "notifications.webhooks" -> webhooks(value);
            case "kafka.client_properties" -> properties(value);
            default -> value;
        };
    }

    /**
     * A webhook URL shown to its host: Slack's incoming webhooks, and Discord's, Teams' and Mattermost's
     * alike, carry their token in the path, so the path is the secret.
     */
    static JsonNode host(JsonNode url) {
        if (!url.isTextual() || url.asText().isEmpty()) return url;
        try {
            URI u = URI.create(url.asText());
            if (u.getScheme() == null || u.getHost() == null) return TextNode.valueOf(HIDDEN);
            return TextNode.valueOf(u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + "/" + HIDDEN);
        } catch (IllegalArgumentException e) {
            return TextNode.valueOf(HIDDEN);
        }
    }

    /** Each webhook's URL to its host, every header value hidden (they are API keys and bearer tokens). */
    private static JsonNode webhooks(JsonNode list) {
        ArrayNode out = list.deepCopy();
        for (JsonNode w : out) {
            if (!(w instanceof ObjectNode o)) continue;
            if (o.has("url")) o.set("url", host(o.get("url")));
            if (o.get("headers") instanceof ObjectNode headers) hideAll(headers);
        }
        return out;
    }

    private static JsonNode properties(JsonNode props) {
        ObjectNode out = props.deepCopy();
        for (Map.Entry<String, JsonNode> e : out.properties()) {
            if (SECRET_KEY.matcher(e.getKey()).find()) e.setValue(TextNode.valueOf(HIDDEN));
        }
        return out;
    }

    private static void hideAll(ObjectNode node) {
        for (Map.Entry<String, JsonNode> e : node.properties()) e.setValue(TextNode.valueOf(HIDDEN));
    }
}
