package ai.stigmer.daemon;

import ai.stigmer.jmx.JmxCredentials;
import ai.stigmer.supervisor.State;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The training run of the daemon's class-data archive: {@code bin/stigmer} runs it once per build
 * (and JDK) with {@code -XX:ArchiveClassesAtExit}, so that every later daemon maps the classes of
 * its start from that archive instead of loading them from the jars.
 *
 * <p>It runs a real daemon ({@link DaemonMain}) in a temporary home, on a free loopback port, with
 * one {@code sleep} component and no HTTP endpoints: the start path, the launch and containment of a
 * process, the log lines of a component, a JMX client's login and status query, and the orderly
 * shutdown that stops the component. Then it removes the home and exits 0; 1 if the daemon did not
 * come up (no archive is kept then), saying why on stderr, which bin/stigmer discards: an archive
 * that cannot be made is no error.
 */
public final class DaemonTrainer {
    private static final long WAIT_MILLIS = 15_000;

    private DaemonTrainer() {}

    /** The daemon's entry ({@code stigmer server --foreground}), which a daemon in this JVM does not pass. */
    private static final String[] ENTRY = {"ai.stigmer.cli.Main", "ai.stigmer.cli.StatusCommand",
        "ai.stigmer.cli.ServerCommand", "ai.stigmer.cli.CliException", "picocli.CommandLine$IFactory"};

    public static void main(String[] args) throws IOException {
        for (String name : ENTRY) {
            try {
                Class.forName(name, false, DaemonTrainer.class.getClassLoader()); // by name: the daemon does not depend on cli
            } catch (ClassNotFoundException e) {
                // a class renamed: loaded from its jar as before, nothing else changes
            }
        }
        Path dir = Files.createTempDirectory("stigmer-train-");
        int code;
        try {
            code = train(dir);
        } finally {
            removeAll(dir);
        }
        System.exit(code);
    }

    private static int train(Path dir) throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path config = dir.resolve("stigmer.yaml");
        Files.writeString(config, "daemon:\n  jmx: { host: 127.0.0.1, port: " + port + " }\n  http: { enabled: false }\n"
                + "components:\n  trainee:\n    process: { command: [sleep, '60'] }\n");
        StigmerHome home = new StigmerHome(dir.resolve("home"));
        boolean[] answered = {false};
        int code = DaemonMain.runForeground(home, config, System.err,
                (daemon, shutdown) -> {
                    try {
                        answered[0] = awaitRunning(daemon) && askOverJmx(home, port);
                    } finally {
                        shutdown.run();
                    }
                });
        if (code == 0 && !answered[0]) {
            System.err.println("stigmer: the training run's daemon did not run its component or answer over JMX");
        }
        return code == 0 && answered[0] ? 0 : 1;
    }

    /** True once the one component is Running (launched, in its enclosure, its record written). */
    private static boolean awaitRunning(Daemon daemon) {
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (daemon.supervisor().components().stream().allMatch(c -> c.status().state() == State.RUNNING)) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** What a status query makes the daemon load: the RMI login, the role check, the beans' attributes. */
    private static boolean askOverJmx(StigmerHome home, int port) {
        try {
            String password = JmxCredentials.readPasswords(home.jmx().resolve(JmxCredentials.PASSWORD_FILE))
                    .get(JmxCredentials.MONITOR);
            JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
            try (JMXConnector connector = JMXConnectorFactory.connect(url,
                    Map.of(JMXConnector.CREDENTIALS, new String[] {JmxCredentials.MONITOR, password}))) {
                MBeanServerConnection server = connector.getMBeanServerConnection();
                for (ObjectName name : server.queryNames(new ObjectName("ai.stigmer:*"), null)) {
                    for (var attribute : server.getMBeanInfo(name).getAttributes()) {
                        server.getAttribute(name, attribute.getName());
                    }
                }
            }
            return true;
        } catch (Exception e) {
            System.err.println("stigmer: the training run's JMX query failed: " + e);
            return false;
        }
    }

    private static void removeAll(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder: what is left is the system's to clear
        }
    }
}
