package dev.faissrebuild.notifier;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** JSON POSTs for the HTTP channels: bounded time, and anything but a 2xx answer is a failure the loop retries. */
public final class HttpPoster {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Duration timeout;

    public HttpPoster(Duration timeout) {
        this.timeout = timeout;
    }

    public void post(URI uri, String json, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(req::header);
        HttpResponse<String> res = client.send(req.build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() / 100 != 2) {
            throw new IOException("POST " + shown(uri) + " answered " + res.statusCode() + ": "
                    + res.body().substring(0, Math.min(200, res.body().length())));
        }
    }

    /**
     * Where a POST went, as errors may say it: scheme, host and port only. Slack's and most webhooks'
     * URLs carry their token in the path or query, and error messages reach logs and dead letters.
     */
    static String shown(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + "/…";
    }
}
