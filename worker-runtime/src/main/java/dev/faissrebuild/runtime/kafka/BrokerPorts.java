package dev.faissrebuild.runtime.kafka;

import dev.faissrebuild.runtime.files.DurableFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's and the controller's listener ports, remembered in the data dir: clients configured
 * with the bootstrap address of an earlier run still connect after a restart.
 */
record BrokerPorts(int broker, int controller) {
    static final String HOST = "127.0.0.1";
    private static final Logger log = LoggerFactory.getLogger(BrokerPorts.class);
    private static final String BROKER = "broker.port";
    private static final String CONTROLLER = "controller.port";

    /** An explicit {@code requestedBroker} (> 0) wins; otherwise the saved port when it is free, else a new one. */
    static BrokerPorts choose(Path file, int requestedBroker) throws IOException {
        Properties saved = new Properties();
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                saved.load(in);
            }
        }
        int broker = requestedBroker > 0 ? requestedBroker : reuseOrPick(saved, BROKER, -1);
        int controller = reuseOrPick(saved, CONTROLLER, broker);
        BrokerPorts ports = new BrokerPorts(broker, controller);
        if (!ports.equals(parse(saved))) ports.save(file);
        return ports;
    }

    private static int reuseOrPick(Properties saved, String key, int taken) throws IOException {
        int port = Integer.parseInt(saved.getProperty(key, "0"));
        if (port > 0 && port != taken && isFree(port)) return port;
        if (port > 0) log.warn("{} {} from an earlier run is in use; the embedded broker moves to a new port", key, port);
        int fresh;
        do {
            fresh = pickFree();
        } while (fresh == taken);
        return fresh;
    }

    private static BrokerPorts parse(Properties saved) {
        return new BrokerPorts(Integer.parseInt(saved.getProperty(BROKER, "0")), Integer.parseInt(saved.getProperty(CONTROLLER, "0")));
    }

    private void save(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty(BROKER, Integer.toString(broker));
        p.setProperty(CONTROLLER, Integer.toString(controller));
        StringWriter text = new StringWriter();
        p.store(text, "listener ports of the embedded Kafka broker, reused on restart");
        DurableFiles.writeString(file, text.toString());
    }

    /** Probes the way Kafka binds (SO_REUSEADDR on), so a port left in TIME_WAIT by our last run counts as free. */
    static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int pickFree() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        }
    }
}
