package dev.faissrebuild.notifier;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured line per notification: {@code kind=… severity=… title="…" key=value …}, at INFO, WARN
 * or ERROR by severity, under {@code dev.faissrebuild.notifications} (so the project's log level applies:
 * a level above INFO drops INFO notifications, and the notifier counts them as suppressed, not sent).
 */
public final class LogChannel implements Channel {
    private static final Logger LOG = LoggerFactory.getLogger("dev.faissrebuild.notifications");

    @Override
    public String name() {
        return "log";
    }

    @Override
    public void send(Notification n) {
        String line = format(n);
        switch (n.severity()) {
            case CRITICAL -> LOG.error(line);
            case WARNING -> LOG.warn(line);
            default -> LOG.info(line);
        }
    }

    @Override
    public boolean delivers(Notification n) {
        return switch (n.severity()) {
            case CRITICAL -> LOG.isErrorEnabled();
            case WARNING -> LOG.isWarnEnabled();
            default -> LOG.isInfoEnabled();
        };
    }

    static String format(Notification n) {
        StringBuilder sb = new StringBuilder("event=notification kind=").append(n.kind()).append(" severity=")
                .append(n.severity().name().toLowerCase()).append(" title=").append(quote(n.title()));
        for (Map.Entry<String, String> f : n.fields().entrySet()) sb.append(' ').append(f.getKey()).append('=').append(quote(f.getValue()));
        return sb.toString();
    }

    private static String quote(String v) {
        if (v == null) return "\"\"";
        return v.matches("[A-Za-z0-9._:/@+-]+") ? v : "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + "\"";
    }
}
