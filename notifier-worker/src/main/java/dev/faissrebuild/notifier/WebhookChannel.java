package dev.faissrebuild.notifier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A generic webhook: the notification as JSON ({@code kind, severity, title, text, fields, at}). With a
 * secret, the body is signed HMAC-SHA256 in {@code X-FaissRebuild-Signature: sha256=<hex>} so the receiver
 * can tell it came from us (as GitHub signs its webhooks); extra headers come from the configuration.
 */
public final class WebhookChannel implements Channel {
    public static final String SIGNATURE_HEADER = "X-FaissRebuild-Signature";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI url;
    private final String secret;
    private final Map<String, String> headers;
    private final HttpPoster http;

    public WebhookChannel(URI url, String secret, Map<String, String> headers, HttpPoster http) {
        this.url = url;
        this.secret = secret;
        this.headers = headers == null ? Map.of() : Map.copyOf(headers);
        this.http = http;
    }

    @Override
    public String name() {
        return "webhook:" + url.getHost();
    }

    @Override
    public void send(Notification n) throws Exception {
        String body = body(n);
        Map<String, String> h = new HashMap<>(headers);
        if (secret != null && !secret.isEmpty()) h.put(SIGNATURE_HEADER, "sha256=" + sign(secret, body));
        http.post(url, body, h);
    }

    static String body(Notification n) throws Exception {
        ObjectNode o = JSON.createObjectNode().put("kind", n.kind()).put("severity", n.severity().name().toLowerCase())
                .put("title", n.title()).put("text", n.text()).put("at", n.at().toString());
        ObjectNode f = o.putObject("fields");
        n.fields().forEach(f::put);
        return JSON.writeValueAsString(o);
    }

    public static String sign(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
