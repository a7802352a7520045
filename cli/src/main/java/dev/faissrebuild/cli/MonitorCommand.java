package dev.faissrebuild.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faissrebuild.runtime.config.FaissRebuildConfig;
import dev.faissrebuild.trigger.PrometheusRules;
import java.io.InputStream;
import java.io.PrintWriter;
import dev.faissrebuild.runtime.http.ApiToken;
import dev.faissrebuild.runtime.http.Tls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = {"Reads the running system's monitoring endpoints: --health (exit 0 healthy, 1 warning, 2 critical or",
                "unreachable), --metrics (the faiss_* series), --alerts (active alerts), --dashboard (the Grafana dashboard JSON);",
                "--rules prints the Prometheus alert rules for the effective config (no running system needed)."})
final class MonitorCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin GlobalOptions global;

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    static final class What {
        @Option(names = "--health", description = "The health JSON.") boolean health;
        @Option(names = "--metrics", description = "The faiss_* metrics.") boolean metrics;
        @Option(names = "--alerts", description = "Active alerts.") boolean alerts;
        @Option(names = "--dashboard", description = "The Grafana dashboard (import it in Grafana).") boolean dashboard;
        @Option(names = "--rules", description = "The Prometheus alert rules, thresholds from the config (save as faiss-rebuild-rules.yml).") boolean rules;
    }

    @Option(names = "--url", description = "Base URL of a process's endpoint (default: the local system's, else monitoring.* of the config).")
    String url;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (what.dashboard) return print(out, dashboard());
        FaissRebuildConfig c = global.config();
        try {
            return read(c, out);
        } catch (Unreachable e) {
            spec.commandLine().getErr().println("monitor: " + e.getMessage());
            return 2; // as the help says: unreachable counts as critical
        }
    }

    /** The system could not be reached at all. */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message);
        }
    }

    private Integer read(FaissRebuildConfig c, PrintWriter out) throws Exception {
        if (what.rules) return print(out, PrometheusRules.yaml(c));
        if (what.metrics) {
            if (url == null && !c.monitoring().enablePrometheus()) {
                throw new UserError("metrics are not served: monitoring.enable_prometheus is false in the configuration");
            }
            String body = get(c, base(c, "metrics_url", c.monitoring().metricsPort()) + "/metrics");
            body.lines().filter(l -> l.contains("faiss_")).forEach(out::println);
            out.flush();
            return 0;
        }
        JsonNode health = Json.MAPPER.readTree(get(c, base(c, "health_url", c.monitoring().healthCheckPort()) + "/health"));
        if (what.health) {
            out.println(Json.MAPPER.writeValueAsString(health));
        } else if (health.path("active_alerts").isEmpty()) {
            out.println("no active alerts");
        } else {
            for (JsonNode a : health.path("active_alerts")) {
                out.printf("%-34s %-8s since %s  %s%n", a.path("name").asText(), a.path("severity").asText(), a.path("since").asText(), a.path("summary").asText());
            }
        }
        out.flush();
        return switch (health.path("status").asText()) {
            case "healthy" -> 0;
            case "warning" -> 1;
            default -> 2;
        };
    }

    private static int print(PrintWriter out, String text) {
        out.print(text);
        out.flush();
        return 0;
    }

    private static String dashboard() throws java.io.IOException {
        try (InputStream in = MonitorCommand.class.getResourceAsStream("/deploy/faiss-rebuild-dashboard.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private String base(FaissRebuildConfig c, String endpointKey, int port) {
        if (url != null) return url.replaceAll("/+$", "");
        return Connection.local(c).map(e -> ((String) e.get(endpointKey)).replaceAll("/(health|metrics)$", ""))
                .orElse((c.monitoring().tls() ? "https://" : "http://") + c.monitoring().bindAddress() + ":" + port);
    }

    /** GET, with the configured API token if there is one (the server asks for it on /metrics and /api/*). */
    private static String get(FaissRebuildConfig c, String url) throws Exception {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        Tls.of(c.monitoring(), c.paths().data(), System.getenv()).ifPresent(t -> builder.sslContext(t.client())); // trusts our own certificate
        HttpClient client = builder.build();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        ApiToken.of(c.monitoring(), c.paths().data(), System.getenv()).ifPresent(t -> request.header("Authorization", t.header()));
        try {
            HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 401) {
                throw new UserError(url + " needs the API token: set monitoring.api_token_file or api_token_env in the configuration given to this command");
            }
            return r.body();
        } catch (java.io.IOException e) {
            throw new Unreachable("cannot reach " + url + " (" + e + "); is faiss-rebuild running? (faiss-rebuild up)");
        }
    }
}
