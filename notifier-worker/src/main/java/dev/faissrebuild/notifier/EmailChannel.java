package dev.faissrebuild.notifier;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Email over SMTP (Jakarta Mail): one plain-text message per notification, subject
 * {@code [faiss-rebuild] CRITICAL: …}. STARTTLS and authentication when configured; the password comes
 * from an environment variable, never from the configuration file.
 */
public final class EmailChannel implements Channel {
    private final Session session;
    private final String from;
    private final List<String> to;
    private final String username;
    private final String password;

    public EmailChannel(String host, int port, boolean starttls, String username, String password, String from, List<String> to) {
        Properties p = new Properties();
        p.put("mail.smtp.host", host);
        p.put("mail.smtp.port", String.valueOf(port));
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "10000");
        p.put("mail.smtp.writetimeout", "10000");
        if (starttls) p.put("mail.smtp.starttls.required", "true");
        boolean auth = username != null && !username.isBlank();
        p.put("mail.smtp.auth", String.valueOf(auth));
        this.session = Session.getInstance(p);
        this.from = from;
        this.to = List.copyOf(to);
        this.username = auth ? username : null;
        this.password = password;
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public void send(Notification n) throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(from));
        for (String r : to) m.addRecipient(Message.RecipientType.TO, new InternetAddress(r));
        m.setSubject("[faiss-rebuild] " + n.severity().name() + ": " + n.title(), "UTF-8");
        m.setSentDate(Date.from(n.at() == null ? Instant.now() : n.at()));
        m.setText(body(n), "UTF-8");
        if (username != null) Transport.send(m, username, password);
        else Transport.send(m);
    }

    static String body(Notification n) {
        StringBuilder sb = new StringBuilder(n.text()).append("\n\n");
        for (Map.Entry<String, String> f : n.fields().entrySet()) sb.append(f.getKey()).append(": ").append(f.getValue()).append('\n');
        sb.append("\nat ").append(n.at()).append(" (").append(n.kind()).append(")\n");
        return sb.toString();
    }
}
