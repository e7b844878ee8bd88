package ai.stigmer.cli;

import ai.stigmer.config.JmxConfig;
import ai.stigmer.jmx.JmxCredentials;
import ai.stigmer.jmx.ObjectNames;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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
import javax.management.Attribute;
import javax.management.JMException;
import javax.management.MBeanException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.remote.JMXConnector;
import javax.management.remote.rmi.RMIConnector;
import javax.management.remote.rmi.RMIServer;

/**
 * The command line's JMX connection to the daemon, logged in as one role. Every failure becomes a
 * {@link CliException}: no answer is {@link CliException.NotRunning}.
 */
final class DaemonClient implements AutoCloseable {
    private static final String[] DAEMON_ATTRIBUTES = {"Pid", "UptimeSeconds", "Version", "MonitoringActive", "ComponentNames"};
    private static final String[] COMPONENT_ATTRIBUTES = {"Name", "Kind", "State", "Ready", "Pid", "ContainerId",
        "UptimeSeconds", "Restarts", "RestartsInWindow", "ConsecutiveFailures", "NextRestartInMillis", "LastError",
        "LastExitCode"};

    private final JMXConnector connector;
    private final MBeanServerConnection connection;

    private DaemonClient(JMXConnector connector) throws IOException {
        this.connector = connector;
        this.connection = connector.getMBeanServerConnection();
    }

    /**
     * Connects as {@code role} with its password from {@code jmxDir}. A call that gets no reply
     * within {@code responseTimeout} fails (the JVM's RMI client reads this setting once).
     */
    static DaemonClient connect(JmxConfig jmx, Path jmxDir, String role, Duration responseTimeout) {
        System.setProperty("sun.rmi.transport.tcp.responseTimeout", String.valueOf(responseTimeout.toMillis()));
        System.setProperty("sun.rmi.transport.tcp.handshakeTimeout", "5000");
        String password = password(jmx, jmxDir, role);
        Map<String, Object> env = new HashMap<>();
        env.put(JMXConnector.CREDENTIALS, new String[] {role, password});
        env.put("jmx.remote.x.client.connection.check.period", 0L);
        try {
            // What service:jmx:rmi:///jndi/rmi://host:port/jmxrmi means, without loading JNDI (status speed).
            RMIServer server = (RMIServer) LocateRegistry.getRegistry(jmx.host(), jmx.port()).lookup("jmxrmi");
            JMXConnector connector = new RMIConnector(server, env);
            connector.connect(env);
            return new DaemonClient(connector);
        } catch (NotBoundException e) {
            throw new CliException.NotRunning(jmx.host(), jmx.port()); // a registry, but no daemon (yet)
        } catch (SecurityException e) {
            throw new CliException(ExitCode.FAILURE, "JMX login as " + role + " refused on " + jmx.host() + ":"
                    + jmx.port() + " (" + e.getMessage() + "; password in " + jmxDir.resolve(JmxCredentials.PASSWORD_FILE) + ")");
        } catch (IOException e) {
            throw new CliException.NotRunning(jmx.host(), jmx.port());
        }
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

    private static String password(JmxConfig jmx, Path jmxDir, String role) {
        Path file = jmxDir.resolve(JmxCredentials.PASSWORD_FILE);
        try {
            String password = JmxCredentials.readPasswords(file).get(role);
            if (password == null) {
                throw new CliException(ExitCode.FAILURE, "no password for the JMX role " + role + " in " + file);
            }
            return password;
        } catch (NoSuchFileException e) {
            // No daemon has ever started with this home: say "not running" if the port is silent too.
            if (!answers(jmx)) {
                throw new CliException.NotRunning(jmx.host(), jmx.port());
            }
            throw new CliException(ExitCode.FAILURE, "cannot read the JMX credentials: " + file + " does not exist");
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot read the JMX credentials in " + file + ": " + e.getMessage());
        }
    }

    /** The daemon and every component, in start order. */
    StatusReport status() {
        Map<String, Object> d = attributes(ObjectNames.daemon(), DAEMON_ATTRIBUTES);
        List<StatusReport.Component> components = new ArrayList<>();
        for (String name : names(d)) {
            Map<String, Object> c = attributes(ObjectNames.component(name), COMPONENT_ATTRIBUTES);
            components.add(new StatusReport.Component(name, str(c, "Kind"), str(c, "State"),
                    Boolean.TRUE.equals(c.get("Ready")), num(c, "Pid", -1), str(c, "ContainerId"),
                    num(c, "UptimeSeconds", 0), (int) num(c, "Restarts", 0), (int) num(c, "RestartsInWindow", 0),
                    (int) num(c, "ConsecutiveFailures", 0), num(c, "NextRestartInMillis", -1), str(c, "LastError"),
                    (int) num(c, "LastExitCode", -1)));
        }
        return new StatusReport(num(d, "Pid", -1), str(d, "Version"), num(d, "UptimeSeconds", 0),
                Boolean.TRUE.equals(d.get("MonitoringActive")), components);
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

    /** Asks the daemon to shut down; returns its pid. */
    long shutdown() {
        long pid = num(attributes(ObjectNames.daemon(), new String[] {"Pid"}), "Pid", -1);
        try {
            connection.invoke(ObjectNames.daemon(), "shutdown", null, null);
        } catch (IOException e) {
            // The daemon may close the connector before the reply leaves: it is shutting down.
        } catch (JMException | RuntimeException e) {
            throw failure("shutdown", e);
        }
        return pid;
    }

    private void call(ObjectName bean, String operation) {
        try {
            connection.invoke(bean, operation, null, null);
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "lost the connection to the daemon during " + operation + ": " + e.getMessage());
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
            throw new CliException(ExitCode.FAILURE, "lost the connection to the daemon: " + e.getMessage());
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
