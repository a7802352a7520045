package dev.faissrebuild.runtime.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations HTTP endpoint of a process: {@code /health} and {@code /metrics}, plus any routes a
 * service adds (the trigger's API). JDK's own HTTP server: no framework for four routes. Loopback by
 * default; the seed asks for the health endpoint to stay internal.
 */
public final class OpsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
            .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    /** The largest request body served: a rebuild command is a few hundred bytes. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** How much of a too large body is read and discarded so the client hears the 413 (loopback: ~10 ms per 32 MiB). */
    static final long DRAIN_BYTES = 64L << 20;
    private final HttpServer server;
    private volatile ApiToken token;
    private volatile java.util.function.Consumer<Refusal> refusals = r -> { };
    private final ExecutorService executor = Executors.newFixedThreadPool(4, Thread.ofPlatform().daemon().name("ops-http-", 0).factory());

    /** A route's answer. */
    public record Response(int status, String contentType, String body) {
        public static Response json(int status, Object value) {
            try {
                return new Response(status, "application/json", JSON.writeValueAsString(value));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public static Response text(int status, String body) {
            return new Response(status, "text/plain; charset=utf-8", body);
        }
    }

    /** A request answered 401: who (the client's address), what it asked for, and why (no token, or a wrong one). */
    public record Refusal(String remote, String method, String path, String reason) {}

    /** Handles one request: method, path (with query) and body in, response out. */
    @FunctionalInterface
    public interface Route {
        Response handle(String method, String pathAndQuery, String body) throws Exception;
    }

    private OpsServer(HttpServer server) {
        this.server = server;
        server.setExecutor(executor);
    }

    public static OpsServer start(String bindAddress, int port) {
        return start(bindAddress, port, null);
    }

    /** @param tls null: plain HTTP; else HTTPS with its server context */
    public static OpsServer start(String bindAddress, int port, Tls tls) {
        try {
            InetSocketAddress address = new InetSocketAddress(bindAddress, port);
            HttpServer http;
            if (tls == null) {
                http = HttpServer.create(address, 32);
            } else {
                HttpsServer https = HttpsServer.create(address, 32);
                https.setHttpsConfigurator(new HttpsConfigurator(tls.server()));
                http = https;
            }
            OpsServer ops = new OpsServer(http);
            ops.server.start();
            LOG.info("event=http_listening address={} port={} scheme={}", bindAddress, ops.port(), ops.scheme());
            return ops;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + bindAddress + ":" + port + " (" + e.getMessage() + ")", e);
        }
    }

    /** From now on every path but {@code /health*} needs {@code Authorization: Bearer <token>} (401 otherwise). */
    public OpsServer requireToken(ApiToken token) {
        this.token = token;
        return this;
    }

    /** {@code sink} hears every request refused for want of the token (the audit log). */
    public OpsServer onRefused(java.util.function.Consumer<Refusal> sink) {
        this.refusals = sink;
        return this;
    }

    /**
     * Serves {@code route} for {@code method} requests to {@code path} (exactly, or everything below it
     * when it ends with "/"); other methods get 405 with the allowed one, other paths 404.
     */
    public OpsServer route(String path, String method, Route route) {
        server.createContext(path, exchange -> {
            String p = exchange.getRequestURI().getPath();
            String m = exchange.getRequestMethod();
            ApiToken t = token;
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (t != null && !path.startsWith("/health") && !t.admits(authorization)) {
                refusals.accept(new Refusal(exchange.getRemoteAddress().getAddress().getHostAddress(), m, p,
                        authorization == null ? "no Authorization header" : "a wrong token"));
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"faiss-rebuild\"");
                respond(exchange, Response.json(401, java.util.Map.of("error", "this endpoint needs Authorization: Bearer <token> "
                        + "(monitoring.api_token_file / api_token_env)")));
            } else if (!path.endsWith("/") && !p.equals(path)) {
                respond(exchange, Response.json(404, java.util.Map.of("error", "no such path: " + p)));
            } else if (!m.equals(method) && !(m.equals("HEAD") && method.equals("GET"))) {
                exchange.getResponseHeaders().set("Allow", method);
                respond(exchange, Response.json(405, java.util.Map.of("error", m + " is not allowed on " + path + "; use " + method)));
            } else {
                serve(exchange, route);
            }
        });
        return this;
    }

    /**
     * {@code GET /health}: the seed's JSON; HTTP 503 only when a check is down (a worker loop stopped, the
     * live set is broken), not for an alert — alerts are the status of the rebuilds, not of the process, and
     * a probe that restarts on 503 must not restart a healthy process because rebuilds failed.
     * {@code GET /health/live}: liveness alone (200 while no check is down), for a supervisor's probe.
     */
    public OpsServer health(Health health) {
        route("/health/live", "GET", (m, p, b) -> {
            Health.Report r = health.report();
            boolean alive = r.checks().values().stream().noneMatch(c -> c.level() == Health.Level.DOWN);
            return Response.json(alive ? 200 : 503, java.util.Map.of("status", alive ? "alive" : "down", "timestamp", r.timestamp().toString()));
        });
        return route("/health", "GET", (m, p, b) -> {
            Health.Report r = health.report();
            boolean down = r.checks().values().stream().anyMatch(c -> c.level() == Health.Level.DOWN);
            return Response.json(down ? 503 : 200, r);
        });
    }

    /** {@code GET /metrics}: the registry's series, then the {@link TextGauges} Micrometer cannot name. */
    public OpsServer metrics(io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry, TextGauges extra) {
        return route("/metrics", "GET", (m, p, b) -> new Response(200, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape() + extra.render()));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url(String path) {
        return scheme() + "://" + server.getAddress().getHostString() + ":" + port() + path;
    }

    private String scheme() {
        return server instanceof HttpsServer ? "https" : "http";
    }

    private static void serve(HttpExchange exchange, Route route) throws IOException {
        Response response;
        try {
            String body = body(exchange);
            response = body == null ? Response.json(413, java.util.Map.of("error", "the request body exceeds " + MAX_BODY_BYTES + " bytes"))
                    : route.handle(exchange.getRequestMethod(), exchange.getRequestURI().toString(), body);
        } catch (IllegalArgumentException e) {
            response = Response.json(400, java.util.Map.of("error", String.valueOf(e.getMessage())));
        } catch (Exception e) {
            LOG.warn("event=http_error path={} error=\"{}\"", exchange.getRequestURI(), e.toString());
            response = Response.json(500, java.util.Map.of("error", e.toString()));
        }
        respond(exchange, response);
    }

    /**
     * The body as text, or null when it is larger than {@link #MAX_BODY_BYTES}. No request makes the server
     * hold more than that: beyond it the rest is read and thrown away (so the client, which may still be
     * sending, receives the 413), up to {@link #DRAIN_BYTES}; a body larger still is not read at all and
     * the connection is closed. A client that sends {@code Expect: 100-continue} (curl does for large
     * bodies) gets the 413 before it sends anything.
     */
    private static String body(HttpExchange exchange) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        long length = declared != null && declared.matches("[0-9]{1,18}") ? Long.parseLong(declared) : -1;
        if (length > MAX_BODY_BYTES) {
            if (length <= DRAIN_BYTES && !"100-continue".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Expect"))) {
                exchange.getRequestBody().skip(length);
            }
            return null;
        }
        var in = exchange.getRequestBody();
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length <= MAX_BODY_BYTES) return new String(bytes, StandardCharsets.UTF_8);
        in.skip(DRAIN_BYTES);
        return null;
    }

    private static void respond(HttpExchange exchange, Response response) throws IOException {
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        if (response.status() == 413) exchange.getResponseHeaders().set("Connection", "close");
        exchange.sendResponseHeaders(response.status(), bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
