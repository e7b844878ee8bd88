package ai.stigmer.cli;

import ai.stigmer.config.JmxConfig;
import ai.stigmer.daemon.StigmerHome;
import ai.stigmer.jmx.JmxCredentials;
import ai.stigmer.jmx.ObjectNames;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.rmi.NotBoundException;
import java.rmi.registry.LocateRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import javax.management.Attribute;
import javax.management.JMException;
import javax.management.MBeanException;
import javax.management.MBeanServerConnection;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.rmi.RMIConnector;
import javax.management.remote.rmi.RMIServer;

/**
 * The command line's JMX connection to the daemon, logged in as one role. Every call has a deadline,
 * so a stopped (SIGSTOP) or overloaded daemon cannot hold the command line. Every failure becomes a
 * {@link CliException} that tells apart (SPEC §7): no daemon ({@link CliException.NotRunning}, nobody
 * holds the home's lock), a daemon that does not answer ({@link CliException.NotAnswering}) and one
 * that refuses the credentials ({@link CliException.CredentialsRefused}).
 */
final class DaemonClient implements AutoCloseable {
    /** The whole login (registry lookup, handshake, authentication) must be done within this. */
    static final Duration CONNECT_DEADLINE = Duration.ofSeconds(10);
    /** How long a new RMI connection may wait for the daemon's handshake. */
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    private static final String[] DAEMON_ATTRIBUTES = {"Pid", "UptimeSeconds", "Version", "MonitoringActive", "ComponentNames",
        "Containment", "MonitoringProblem"};
    private static final String[] COMPONENT_ATTRIBUTES = {"Name", "Kind", "State", "Ready", "Pid", "ContainerId",
        "UptimeSeconds", "Restarts", "RestartsInWindow", "ConsecutiveFailures", "NextRestartInMillis", "LastError",
        "LastExitCode", "Stopping", "StopRemainingMillis", "LaunchQueuePosition", "HasReadinessProbe",
        "ReadinessProblem", "WaitingFor"};

    private final JMXConnector connector;
    private final MBeanServerConnection connection;
    private final JmxConfig jmx;
    private final StigmerHome home;
    private final Duration responseTimeout;

    private DaemonClient(JMXConnector connector, JmxConfig jmx, StigmerHome home, Duration responseTimeout)
            throws IOException {
        this.connector = connector;
        this.connection = connector.getMBeanServerConnection();
        this.jmx = jmx;
        this.home = home;
        this.responseTimeout = responseTimeout;
    }

    /**
     * Connects as {@code role} with its password from the home's {@code jmx/}, within
     * {@link #CONNECT_DEADLINE}. A later call that gets no reply within {@code responseTimeout}
     * fails (the JVM's RMI client reads this setting once, at its first connection).
     */
    static DaemonClient connect(JmxConfig jmx, StigmerHome home, String role, Duration responseTimeout) {
        System.setProperty("sun.rmi.transport.tcp.responseTimeout", String.valueOf(responseTimeout.toMillis()));
        System.setProperty("sun.rmi.transport.tcp.handshakeTimeout", String.valueOf(HANDSHAKE_TIMEOUT.toMillis()));
        Path file = home.jmx().resolve(JmxCredentials.PASSWORD_FILE);
        String password = password(jmx, home, role);
        Map<String, Object> env = new HashMap<>();
        env.put(JMXConnector.CREDENTIALS, new String[] {role, password});
        env.put("jmx.remote.x.client.connection.check.period", 0L);
        // A follower's fetch of notifications is a long poll: it must end well before a reply counts as missing.
        env.put("jmx.remote.x.notification.fetch.timeout", responseTimeout.dividedBy(2).toMillis());
        FutureTask<JMXConnector> login = new FutureTask<>(() -> {
            // What service:jmx:rmi:///jndi/rmi://host:port/jmxrmi means, without loading JNDI (status speed).
            RMIServer server = (RMIServer) LocateRegistry.getRegistry(jmx.host(), jmx.port()).lookup("jmxrmi");
            JMXConnector connector = new RMIConnector(server, env);
            connector.connect(env);
            return connector;
        });
        // The RMI timeouts bound each read; this bounds the whole login, however many reads it takes.
        Thread thread = new Thread(login, "stigmer-jmx-connect");
        thread.setDaemon(true);
        long started = System.nanoTime();
        thread.start();
        try {
            return new DaemonClient(login.get(CONNECT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS), jmx, home,
                    responseTimeout);
        } catch (TimeoutException e) {
            thread.interrupt();
            throw unreachable(jmx, home, "no reply within " + CONNECT_DEADLINE.toSeconds() + "s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(jmx, home, "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SecurityException) {
                long pid = DaemonLock.holder(home.run()).map(DaemonLock.Holder::pid).orElse(-1L);
                throw new CliException.CredentialsRefused("stigmer daemon" + (pid > 0 ? " (pid " + pid + ")" : "")
                        + " on " + jmx.host() + ":" + jmx.port() + " refused the credentials of role " + role
                        + " read from " + file + " (" + cause.getMessage() + ")");
            } else if (cause instanceof NotBoundException) {
                throw unreachable(jmx, home, "its registry has no jmxrmi");
            } else if (cause instanceof IOException io) {
                throw unreachable(jmx, home, reason(io, Duration.ofNanos(System.nanoTime() - started)));
            }
            throw new CliException(ExitCode.FAILURE, "JMX connection to " + jmx.host() + ":" + jmx.port()
                    + " failed: " + cause);
        } catch (IOException e) {
            throw unreachable(jmx, home, reason(e, Duration.ofNanos(System.nanoTime() - started)));
        }
    }

    /**
     * What a failed connection or call means: not running when nobody holds the home's daemon lock,
     * otherwise a daemon that does not answer.
     */
    static CliException unreachable(JmxConfig jmx, StigmerHome home, String reason) {
        return DaemonLock.holder(home.run())
                .<CliException>map(h -> new CliException.NotAnswering(h.pid(), jmx.host(), jmx.port(), reason))
                .orElseGet(() -> new CliException.NotRunning(jmx.host(), jmx.port()));
    }

    /** "connection refused", "no reply within 5s" (as long as it waited) or the first line of the message. */
    private static String reason(IOException e, Duration waited) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return "no reply within " + Math.max(1, Math.round(waited.toMillis() / 1000.0)) + "s";
            } else if (t instanceof ConnectException) {
                return "connection refused";
            }
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    /** Whether anything accepts connections on the JMX port: cheap, no login. */
    static boolean answers(JmxConfig jmx) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(jmx.host(), jmx.port()), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String password(JmxConfig jmx, StigmerHome home, String role) {
        Path file = home.jmx().resolve(JmxCredentials.PASSWORD_FILE);
        try {
            String password = JmxCredentials.readPasswords(file).get(role);
            if (password == null) {
                throw new CliException(ExitCode.NOT_ANSWERING, "no password for the JMX role " + role + " in " + file);
            }
            return password;
        } catch (NoSuchFileException e) {
            // No daemon has ever started with this home: say "not running" if nothing else says otherwise.
            if (DaemonLock.holder(home.run()).isEmpty() && !answers(jmx)) {
                throw new CliException.NotRunning(jmx.host(), jmx.port());
            }
            throw new CliException(ExitCode.NOT_ANSWERING, "cannot read the JMX credentials: " + file + " does not exist");
        } catch (IOException e) {
            throw new CliException(ExitCode.NOT_ANSWERING, "cannot read the JMX credentials in " + file + ": " + e.getMessage());
        }
    }

    /**
     * The daemon and every component, in start order: one round trip, the daemon's attributes with
     * its {@code Components} rows; a daemon without that attribute is read component by component.
     */
    StatusReport status() {
        return status(this::attributes);
    }

    /** {@link #status()} from the attributes {@code read} gives: the daemon reads its own beans so. */
    static StatusReport status(BiFunction<ObjectName, String[], Map<String, Object>> read) {
        String[] names = Arrays.copyOf(DAEMON_ATTRIBUTES, DAEMON_ATTRIBUTES.length + 1);
        names[DAEMON_ATTRIBUTES.length] = "Components";
        Map<String, Object> d = read.apply(ObjectNames.daemon(), names);
        List<StatusReport.Component> components = new ArrayList<>();
        if (d.get("Components") instanceof CompositeData[] rows) {
            for (CompositeData row : rows) {
                Map<String, Object> c = new HashMap<>();
                for (String key : row.getCompositeType().keySet()) {
                    c.put(Character.toUpperCase(key.charAt(0)) + key.substring(1), row.get(key));
                }
                components.add(component(str(c, "Name"), c));
            }
        } else {
            for (String name : names(d)) {
                components.add(component(name, read.apply(ObjectNames.component(name), COMPONENT_ATTRIBUTES)));
            }
        }
        return new StatusReport(num(d, "Pid", -1), str(d, "Version"), num(d, "UptimeSeconds", 0),
                Boolean.TRUE.equals(d.get("MonitoringActive")), components, str(d, "Containment"),
                str(d, "MonitoringProblem"));
    }

    private static StatusReport.Component component(String name, Map<String, Object> c) {
        return new StatusReport.Component(name, str(c, "Kind"), str(c, "State"),
                Boolean.TRUE.equals(c.get("Ready")), num(c, "Pid", -1), str(c, "ContainerId"),
                num(c, "UptimeSeconds", 0), (int) num(c, "Restarts", 0), (int) num(c, "RestartsInWindow", 0),
                (int) num(c, "ConsecutiveFailures", 0), num(c, "NextRestartInMillis", -1), str(c, "LastError"),
                (int) num(c, "LastExitCode", -1),
                // A daemon without these attributes (older than SPEC §6's Stopping) is never stopping.
                Boolean.TRUE.equals(c.get("Stopping")), num(c, "StopRemainingMillis", -1),
                // Nor does one without a launch limit wait for a slot.
                (int) num(c, "LaunchQueuePosition", 0),
                // Nor does one without these tell readiness problems or dependencies apart from errors.
                Boolean.TRUE.equals(c.get("HasReadinessProbe")), str(c, "ReadinessProblem"), str(c, "WaitingFor"));
    }

    /** The component notifications the daemon remembers ({@code RecentEvents}), oldest first. */
    List<EventLine> recentEvents() {
        Object rows = attributes(ObjectNames.daemon(), new String[] {"RecentEvents"}).get("RecentEvents");
        if (!(rows instanceof CompositeData[] array)) {
            throw new CliException(ExitCode.FAILURE, "this stigmer daemon remembers no events (no RecentEvents attribute)");
        }
        return Arrays.stream(array).map(EventLine::ofRow).toList();
    }

    /**
     * Hands every notification of every Component MXBean to {@code events} from now on, and what
     * happens to the connection ({@code JMXConnectionNotification}s: failed, closed, notifications
     * lost) to {@code connectionEvents}.
     */
    void subscribe(NotificationListener events, NotificationListener connectionEvents) {
        connector.addConnectionNotificationListener(connectionEvents, null, null);
        for (String name : componentNames()) {
            try {
                connection.addNotificationListener(ObjectNames.component(name), events, null, null);
            } catch (IOException e) {
                throw unreachable(jmx, home, reason(e, responseTimeout));
            } catch (JMException | RuntimeException e) {
                throw failure("listening to " + name, e);
            }
        }
    }

    /** What a connection lost while in use means, as for a failed login: not running (3) or not answering (4). */
    CliException lost(String reason) {
        return unreachable(jmx, home, reason);
    }

    /** The component names, in start order. */
    List<String> componentNames() {
        return names(attributes(ObjectNames.daemon(), new String[] {"ComponentNames"}));
    }

    /** A component's State word. */
    String state(String component) {
        return str(attributes(ObjectNames.component(component), new String[] {"State"}), "State");
    }

    /** Calls {@code operation} (restart, stop, start) on a component and waits for it. */
    void invoke(String component, String operation) {
        call(ObjectNames.component(component), operation);
    }

    /** Asks the daemon to shut down; it stops its components on a thread of its own. */
    void shutdown() {
        try {
            connection.invoke(ObjectNames.daemon(), "shutdown", null, null);
        } catch (IOException e) {
            // The daemon may close the connector before the reply leaves: it is shutting down.
        } catch (JMException | RuntimeException e) {
            throw failure("shutdown", e);
        }
    }

    /**
     * The daemon's {@code reload()}: what it changed, in its words. A config it refuses (invalid, or
     * changing what needs a restart) is exit 2 with its reason; nothing was changed then.
     */
    String reload() {
        try {
            return String.valueOf(connection.invoke(ObjectNames.daemon(), "reload", null, null));
        } catch (IOException e) {
            throw unreachable(jmx, home, "during reload: " + reason(e, responseTimeout));
        } catch (JMException | RuntimeException e) {
            Throwable cause = e instanceof RuntimeMBeanException r && r.getTargetException() != null
                    ? r.getTargetException() : e instanceof MBeanException m && m.getTargetException() != null
                    ? m.getTargetException() : e;
            if (cause instanceof IllegalArgumentException refused) {
                throw new CliException(ExitCode.USAGE, refused.getMessage());
            }
            throw failure("reload", e);
        }
    }

    private void call(ObjectName bean, String operation) {
        try {
            connection.invoke(bean, operation, null, null);
        } catch (IOException e) {
            throw unreachable(jmx, home, "during " + operation + ": " + reason(e, responseTimeout));
        } catch (JMException | RuntimeException e) {
            throw failure(operation, e);
        }
    }

    private Map<String, Object> attributes(ObjectName bean, String[] names) {
        try {
            Map<String, Object> values = new HashMap<>();
            for (Attribute a : connection.getAttributes(bean, names).asList()) {
                values.put(a.getName(), a.getValue());
            }
            return values;
        } catch (IOException e) {
            throw unreachable(jmx, home, reason(e, responseTimeout));
        } catch (JMException | RuntimeException e) {
            throw failure("reading " + bean, e);
        }
    }

    /** The operator-facing reason: the daemon's own message, not the JMX wrapping around it. */
    private static CliException failure(String what, Exception e) {
        Throwable cause = e;
        if (e instanceof RuntimeMBeanException r && r.getTargetException() != null) {
            cause = r.getTargetException();
        } else if (e instanceof MBeanException m && m.getTargetException() != null) {
            cause = m.getTargetException();
        }
        if (cause instanceof SecurityException) {
            return new CliException(ExitCode.FAILURE, what + " refused: " + cause.getMessage());
        }
        return new CliException(ExitCode.FAILURE, cause.getMessage() != null ? cause.getMessage() : what + " failed: " + cause);
    }

    private static List<String> names(Map<String, Object> daemon) {
        Object names = daemon.get("ComponentNames");
        return names instanceof String[] a ? Arrays.asList(a) : List.of();
    }

    private static String str(Map<String, Object> values, String key) {
        Object v = values.get(key);
        return v == null ? "" : v.toString();
    }

    private static long num(Map<String, Object> values, String key, long missing) {
        return values.get(key) instanceof Number n ? n.longValue() : missing;
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (IOException e) {
            // nothing to do: the connection is gone either way
        }
    }
}
