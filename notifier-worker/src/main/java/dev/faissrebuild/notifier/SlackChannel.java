package dev.faissrebuild.notifier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Map;

/**
 * Slack incoming webhook (https://api.slack.com/messaging/webhooks): a JSON POST with {@code text} (the
 * plain-text fallback every client shows) and Block Kit {@code blocks}: a section with the title and
 * text in mrkdwn, then the facts as section fields (Slack allows at most 10 fields of 2,000 characters,
 * and 3,000 characters of section text). {@code channel} and {@code username} are honoured only by
 * legacy webhooks and are sent when configured.
 */
public final class SlackChannel implements Channel {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI webhook;
    private final String channel;
    private final String username;
    private final HttpPoster http;

    public SlackChannel(URI webhook, String channel, String username, HttpPoster http) {
        this.webhook = webhook;
        this.channel = channel;
        this.username = username;
        this.http = http;
    }

    @Override
    public String name() {
        return "slack";
    }

    @Override
    public void send(Notification n) throws Exception {
        http.post(webhook, payload(n), Map.of());
    }

    String payload(Notification n) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        root.put("text", limit(icon(n) + " " + n.title() + ": " + n.text(), 3000));
        if (channel != null && !channel.isBlank()) root.put("channel", channel);
        if (username != null && !username.isBlank()) root.put("username", username);
        ArrayNode blocks = root.putArray("blocks");
        ObjectNode head = blocks.addObject().put("type", "section");
        head.putObject("text").put("type", "mrkdwn").put("text", limit(icon(n) + " *" + escape(n.title()) + "*\n" + escape(n.text()), 3000));
        ObjectNode facts = blocks.addObject().put("type", "section");
        ArrayNode fields = facts.putArray("fields");
        n.fields().entrySet().stream().limit(10).forEach(f -> fields.addObject().put("type", "mrkdwn")
                .put("text", limit("*" + escape(f.getKey()) + "*\n" + escape(f.getValue()), 2000)));
        if (fields.isEmpty()) blocks.remove(1);
        return JSON.writeValueAsString(root);
    }

    private static String icon(Notification n) {
        return switch (n.severity()) {
            case CRITICAL -> ":rotating_light:";
            case WARNING -> ":warning:";
            default -> ":white_check_mark:";
        };
    }

    /** Slack's mrkdwn needs only &, < and > escaped. */
    private static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String limit(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
