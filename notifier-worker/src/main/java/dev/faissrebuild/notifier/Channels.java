package dev.faissrebuild.notifier;

import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The channels a configuration asks for: the log always; Slack, email and webhooks when listed and notifications are on. */
public final class Channels {
    private Channels() {}

    /** @param env reads environment variables (secrets are never in the configuration file) */
    public static List<Channel> from(FaissRebuildConfig c, Function<String, String> env) {
        List<Channel> out = new ArrayList<>(List.of(new LogChannel()));
        if (!c.scheduler().enableNotifications()) return out;
        List<String> wanted = c.scheduler().notificationChannels();
        FaissRebuildConfig.Notifications n = c.notifications();
        HttpPoster http = new HttpPoster(Duration.ofSeconds(15));
        if (wanted.contains("slack")) out.add(new SlackChannel(URI.create(n.slack().webhookUrl()), n.slack().channel(), n.slack().username(), http));
        if (wanted.contains("email")) {
            FaissRebuildConfig.Email e = n.email();
            out.add(new EmailChannel(e.smtpHost(), e.smtpPort(), e.starttls(), e.username(), secret(env, e.passwordEnv()), e.from(), e.to()));
        }
        if (wanted.contains("webhook")) {
            for (FaissRebuildConfig.Webhook w : n.webhooks()) out.add(new WebhookChannel(URI.create(w.url()), secret(env, w.secretEnv()), w.headers(), http));
        }
        return out;
    }

    private static String secret(Function<String, String> env, String variable) {
        return variable == null || variable.isBlank() ? null : env.apply(variable);
    }
}
