package ai.stigmer.jmx;

import ai.stigmer.Threads;
import ai.stigmer.config.ConfigChanges;
import ai.stigmer.config.JmxConfig;
import ai.stigmer.supervisor.ComponentSetListener;
import ai.stigmer.supervisor.SupervisedComponent;
import ai.stigmer.supervisor.Supervision;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.rmi.NoSuchObjectException;
import java.rmi.server.ExportException;
import java.rmi.server.UnicastRemoteObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIJRMPServerImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MXBeans of SPEC §6 and the password-protected RMI connector that serves them: registry and
 * connector on the one configured port, bound to the loopback address only, at
 * {@code service:jmx:rmi:///jndi/rmi://<host>:<port>/jmxrmi}. Roles and passwords come from the
 * files {@link JmxCredentials} generates. The registry is read-only ({@link ReadOnlyRegistry}), a
 * login may send a user name and password and nothing else ({@link #LOGIN_FILTER}), and every call
 * is judged by the login's role ({@link RoleScopedMBeanServer}).
 */
public final class JmxControlPlane implements AutoCloseable {
    /** How long a JMX operation waits for the watchdog to carry out restart, stop or start. */
    static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(60);
    /** What the JVM needs for {@link ReadOnlyRegistry} (bin/stigmer and the build pass it). */
    public static final String REGISTRY_EXPORTS = "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED";
    /**
     * What a login may send before it is authenticated: a {@code String[]} of user and password
     * (or a string), nothing else, nothing deep or big (SPEC §6: no other type is ever read).
     */
    static final String LOGIN_FILTER = "maxdepth=2;maxrefs=8;maxarray=2;maxbytes=65536;java.lang.String;!*";
    /**
     * What an authenticated session may send: the JMX classes, strings, numbers, collections and
     * arrays of them that JConsole, VisualVM and the command line pass (names, queries, filters,
     * attribute values, open data); no class of any library on the daemon's class path.
     */
    static final String SESSION_FILTER = "maxdepth=32;maxrefs=100000;maxarray=1000000;java.lang.*;java.util.*;"
            + "java.math.*;java.rmi.MarshalledObject;javax.management.*;javax.management.openmbean.*;"
            + "javax.management.relation.*;javax.management.remote.*;"
            + "javax.security.auth.Subject;javax.security.auth.Subject$SecureSet;!*";
    private static final Logger LOG = LoggerFactory.getLogger(JmxControlPlane.class);

    private final MBeanServer server;
    /** Guarded by this: every bean registered, the daemon's first. */
    private final List<ObjectName> registered = new ArrayList<>();
    /** Guarded by this: each component's bean, by component name. */
    private final Map<String, ComponentBean> components = new HashMap<>();
    private final AtomicLong reloadSequence = new AtomicLong();
    private LaneBroadcaster daemonBroadcaster;
    private final RecentEvents recent = new RecentEvents();
    private final ExecutorService dispatch = Executors.newSingleThreadExecutor(Threads.daemon("stigmer-jmx-events"));
    private final ExecutorService lanes = Executors.newCachedThreadPool(Threads.daemon("stigmer-jmx-notify"));
    private ReadOnlyRegistry registry;
    private JMXConnectorServer connector;
    private JMXServiceURL address;

    private JmxControlPlane(MBeanServer server) {
        this.server = server;
    }

    /**
     * Registers the daemon and component MXBeans and starts the connector on {@code config}.
     * {@code jmxDir} holds the credentials (generated on first start). {@code shutdown} is run when
     * an operator calls the daemon's {@code shutdown()}. Fails with an IOException naming the port
     * if the port is taken, or if the host is not a loopback address.
     */
    public static JmxControlPlane start(JmxConfig config, Path jmxDir, Supervision supervision, Runnable shutdown)
            throws IOException {
        return start(config, jmxDir, supervision, shutdown, NO_RELOAD, ManagementFactory.getPlatformMBeanServer());
    }

    /**
     * As {@link #start(JmxConfig, Path, Supervision, Runnable)}; {@code reload} is run by the daemon's
     * {@code reload()} operation and returns its summary line (it throws IllegalArgumentException for
     * a refused config, IllegalStateException when it cannot reload now).
     */
    public static JmxControlPlane start(JmxConfig config, Path jmxDir, Supervision supervision, Runnable shutdown,
            Supplier<String> reload) throws IOException {
        return start(config, jmxDir, supervision, shutdown, reload, ManagementFactory.getPlatformMBeanServer());
    }

    private static final Supplier<String> NO_RELOAD = () -> {
        throw new IllegalStateException("this daemon cannot reload its config");
    };

    /** As {@link #start(JmxConfig, Path, Supervision, Runnable)}, on the given MBean server. */
    static JmxControlPlane start(JmxConfig config, Path jmxDir, Supervision supervision, Runnable shutdown,
            MBeanServer server) throws IOException {
        return start(config, jmxDir, supervision, shutdown, NO_RELOAD, server);
    }

    static JmxControlPlane start(JmxConfig config, Path jmxDir, Supervision supervision, Runnable shutdown,
            Supplier<String> reload, MBeanServer server) throws IOException {
        InetAddress host = InetAddress.getByName(config.host());
        if (!host.isLoopbackAddress()) {
            throw new IOException("JMX host " + config.host() + " is not a loopback address; refusing to listen on it");
        }
        JmxCredentials.ensure(jmxDir);
        JmxControlPlane plane = new JmxControlPlane(server);
        try {
            plane.registerBeans(supervision, shutdown, reload);
            plane.startConnector(host, config.port(), jmxDir);
            return plane;
        } catch (IOException | RuntimeException e) {
            plane.close();
            throw e;
        }
    }

    /** Where the beans are registered: in-daemon listeners (alert hooks) subscribe here. */
    public MBeanServer mbeanServer() {
        return server;
    }

    /** The address clients connect to. */
    public JMXServiceURL address() {
        return address;
    }

    /** One component's bean: a reload that changes the component points it at the new one. */
    private record ComponentBean(ObjectName name, ComponentAdapter adapter, ComponentNotifier notifier) {}

    private synchronized void registerBeans(Supervision supervision, Runnable shutdown, Supplier<String> reload)
            throws IOException {
        daemonBroadcaster = new LaneBroadcaster(lanes, ReloadNotifications.info());
        register(ObjectNames.daemon(), new DescribedEmitterMBean(new DaemonAdapter(supervision, shutdown, reload, recent),
                DaemonMXBean.class, daemonBroadcaster));
        for (SupervisedComponent component : supervision.components()) {
            registerComponent(component);
        }
        supervision.addComponentSetListener(new ComponentSetListener() {
            @Override
            public void added(SupervisedComponent component) {
                try {
                    registerComponent(component);
                } catch (IOException e) {
                    LOG.error("No MXBean for added component {}: {}", component.name(), e.getMessage());
                }
            }

            @Override
            public void replaced(SupervisedComponent old, SupervisedComponent now) {
                retarget(now);
            }

            @Override
            public void removed(SupervisedComponent component) {
                unregisterComponent(component.name());
            }
        });
    }

    private synchronized void registerComponent(SupervisedComponent component) throws IOException {
        ObjectName name = ObjectNames.component(component.name());
        LaneBroadcaster broadcaster = new LaneBroadcaster(lanes, ComponentNotifications.info());
        ComponentAdapter adapter = new ComponentAdapter(component, OPERATION_TIMEOUT);
        register(name, new DescribedEmitterMBean(adapter, ComponentMXBean.class, broadcaster));
        ComponentNotifier notifier = new ComponentNotifier(name, broadcaster, dispatch, recent);
        components.put(component.name(), new ComponentBean(name, adapter, notifier));
        component.addListener(notifier);
    }

    /** The same bean, listeners and notification sequence, now showing and steering {@code now}. */
    private synchronized void retarget(SupervisedComponent now) {
        ComponentBean bean = components.get(now.name());
        if (bean != null) {
            bean.adapter().retarget(now);
            now.addListener(bean.notifier());
        }
    }

    private synchronized void unregisterComponent(String component) {
        ComponentBean bean = components.remove(component);
        if (bean == null) {
            return;
        }
        bean.notifier().close();
        registered.remove(bean.name());
        try {
            server.unregisterMBean(bean.name());
        } catch (JMException e) {
            LOG.warn("Unregistering {} failed: {}", bean.name(), e.getMessage());
        }
    }

    /**
     * Sends {@code ai.stigmer.daemon.reloaded} from the Daemon MXBean: {@code message} is the summary
     * line, the user data {@link ReloadNotifications#USER_DATA}.
     */
    public void reloaded(String file, ConfigChanges changes, String message) {
        LaneBroadcaster broadcaster = daemonBroadcaster;
        if (broadcaster != null) {
            broadcaster.sendNotification(ReloadNotifications.toNotification(ObjectNames.daemon(),
                    reloadSequence.incrementAndGet(), file, changes, message));
        }
    }

    private void register(ObjectName name, Object bean) throws IOException {
        try {
            server.registerMBean(bean, name);
            registered.add(name);
        } catch (JMException e) {
            throw new IOException("Cannot register " + name + ": " + e.getMessage(), e);
        }
    }

    private void startConnector(InetAddress host, int port, Path jmxDir) throws IOException {
        String literal = host instanceof Inet6Address ? "[" + host.getHostAddress() + "]" : host.getHostAddress();
        // RMI stubs carry this host name: clients must be sent to the loopback address we listen on.
        System.setProperty("java.rmi.server.hostname", host.getHostAddress());
        LoopbackServerSocketFactory sockets = new LoopbackServerSocketFactory(host);
        try {
            registry = new ReadOnlyRegistry(port, sockets);
        } catch (ExportException e) {
            throw new IOException("JMX port " + literal + ":" + port + " is not available (already in use?): "
                    + e.getCause().getMessage(), e);
        } catch (IllegalAccessError e) {
            throw new IOException("the JVM was started without " + REGISTRY_EXPORTS
                    + ", which the read-only JMX registry needs (bin/stigmer sets it)", e);
        }
        Map<String, Object> env = new HashMap<>();
        env.put(JMXConnectorServer.AUTHENTICATOR, new PasswordAuthenticator(
                jmxDir.resolve(JmxCredentials.PASSWORD_FILE), jmxDir.resolve(JmxCredentials.ACCESS_FILE)));
        env.put(RMIConnectorServer.CREDENTIALS_FILTER_PATTERN, LOGIN_FILTER);
        env.put(RMIConnectorServer.SERIAL_FILTER_PATTERN, SESSION_FILTER);
        RMIJRMPServerImpl rmiServer = new QuietServerImpl(port, sockets, env);
        connector = new RMIConnectorServer(
                new JMXServiceURL("service:jmx:rmi://" + literal + ":" + port), env, rmiServer, server);
        connector.setMBeanServerForwarder(new RoleScopedMBeanServer());
        connector.start();
        // Served only once the connector is up; the registry never takes a binding over the wire.
        registry.serve(rmiServer.toStub());
        address = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + literal + ":" + port + "/" + ReadOnlyRegistry.NAME);
        LOG.info("JMX connector listening on {} (credentials in {})", address, jmxDir);
    }

    /**
     * The connector's remote object, whose one unauthenticated call besides the login,
     * {@code getVersion()}, would tell anyone on the machine the exact Java build.
     */
    private static final class QuietServerImpl extends RMIJRMPServerImpl {
        QuietServerImpl(int port, LoopbackServerSocketFactory sockets, Map<String, ?> env) throws IOException {
            super(port, null, sockets, env);
        }

        @Override
        public String getVersion() {
            return "1.0"; // the protocol version the JMX Remote API asks for, and nothing of the runtime
        }
    }

    /** Stops the connector, unregisters the MXBeans and stops delivering notifications. */
    @Override
    public synchronized void close() {
        components.values().forEach(b -> b.notifier().close());
        if (connector != null) {
            try {
                connector.stop();
            } catch (IOException e) {
                LOG.warn("Stopping the JMX connector failed", e);
            }
        }
        if (registry != null) {
            try {
                UnicastRemoteObject.unexportObject(registry, true);
            } catch (NoSuchObjectException e) {
                // already gone
            }
        }
        for (ObjectName name : registered) {
            try {
                server.unregisterMBean(name);
            } catch (JMException e) {
                LOG.debug("Unregistering {} failed", name, e);
            }
        }
        registered.clear();
        dispatch.shutdownNow();
        lanes.shutdownNow();
    }

}
