package ai.stigmer.jmx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.stigmer.config.JmxConfig;
import ai.stigmer.supervisor.ComponentEvent;
import ai.stigmer.supervisor.ComponentStatus;
import ai.stigmer.supervisor.State;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.management.Attribute;
import javax.management.AttributeChangeNotification;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerConnection;
import javax.management.MBeanServerFactory;
import javax.management.Notification;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmxControlPlaneTest {
    private static final ObjectName SERVER = ObjectNames.component("stigmer-server");
    private static final ObjectName AGENT = ObjectNames.component("agent-runner");

    @TempDir Path jmxDir;
    private final FakeComponent server = FakeComponent.running("stigmer-server", "process", 4321, "");
    private final FakeComponent agent = FakeComponent.running("agent-runner", "docker", -1, "abc123456789ffff");
    private final FakeSupervision supervision = new FakeSupervision(server, agent);
    private final CountDownLatch shutdownCalled = new CountDownLatch(1);
    private final MBeanServer mbeans = MBeanServerFactory.newMBeanServer();
    private int port;
    private JmxControlPlane plane;

    @BeforeEach
    void start() throws IOException {
        port = JmxTestSupport.freePort();
        plane = JmxControlPlane.start(new JmxConfig("127.0.0.1", port), jmxDir, supervision, shutdownCalled::countDown, mbeans);
    }

    @AfterEach
    void stop() {
        plane.close();
    }

    @Test
    void monitorReadsEveryComponentAndDaemonAttributeRemotely() throws Exception {
        try (JMXConnector c = JmxTestSupport.connect(port, jmxDir, JmxCredentials.MONITOR)) {
            MBeanServerConnection conn = c.getMBeanServerConnection();
            Map<String, Object> s = attributes(conn, SERVER);
            assertEquals(Map.ofEntries(
                    Map.entry("Name", "stigmer-server"), Map.entry("Kind", "process"), Map.entry("State", "Running"),
                    Map.entry("Ready", true), Map.entry("Pid", 4321L), Map.entry("ContainerId", ""),
                    Map.entry("UptimeSeconds", 125L), Map.entry("Restarts", 2), Map.entry("RestartsInWindow", 1),
                    Map.entry("ConsecutiveFailures", 0), Map.entry("NextRestartInMillis", -1L),
                    Map.entry("LastError", ""), Map.entry("LastExitCode", -1), Map.entry("Stopping", false),
                    Map.entry("StopRemainingMillis", -1L), Map.entry("LaunchQueuePosition", 0),
                    Map.entry("StateCode", 2), Map.entry("HasReadinessProbe", false), Map.entry("ReadinessProblem", ""),
                    Map.entry("WaitingFor", "")), s);
            assertEquals("abc123456789ffff", conn.getAttribute(AGENT, "ContainerId"));
            assertEquals("docker", conn.getAttribute(AGENT, "Kind"));

            Map<String, Object> d = attributes(conn, ObjectNames.daemon());
            assertEquals(ProcessHandle.current().pid(), d.get("Pid"));
            assertEquals(4242L, d.get("UptimeSeconds"));
            assertEquals(ai.stigmer.Version.VERSION, d.get("Version"));
            assertEquals(true, d.get("MonitoringActive"));
            assertArrayEquals(new String[] {"stigmer-server", "agent-runner"}, (String[]) d.get("ComponentNames"));
        }
    }

    @Test
    void controlCallsRestartAndSeesOperationErrorsAsPlainMessages() throws Exception {
        try (JMXConnector c = JmxTestSupport.connect(port, jmxDir, JmxCredentials.CONTROL)) {
            MBeanServerConnection conn = c.getMBeanServerConnection();
            conn.invoke(SERVER, "restart", null, null);
            assertEquals(1, server.restarts.get());
            conn.invoke(AGENT, "start", null, null);
            assertEquals(1, agent.starts.get());

            RuntimeMBeanException e = assertThrows(RuntimeMBeanException.class, () -> conn.invoke(AGENT, "stop", null, null));
            assertInstanceOf(IllegalStateException.class, e.getTargetException());
            assertEquals("stop of agent-runner failed: docker daemon unreachable", e.getTargetException().getMessage());
        }
    }

    @Test
    void daemonShutdownRunsTheShutdownAction() throws Exception {
        try (JMXConnector c = JmxTestSupport.connect(port, jmxDir, JmxCredentials.CONTROL)) {
            c.getMBeanServerConnection().invoke(ObjectNames.daemon(), "shutdown", null, null);
        }
        assertTrue(shutdownCalled.await(10, TimeUnit.SECONDS));
    }

    @Test
    void monitorCallingRestartIsRefused() throws Exception {
        try (JMXConnector c = JmxTestSupport.connect(port, jmxDir, JmxCredentials.MONITOR)) {
            MBeanServerConnection conn = c.getMBeanServerConnection();
            assertThrows(SecurityException.class, () -> conn.invoke(SERVER, "restart", null, null));
            assertThrows(SecurityException.class, () -> conn.invoke(ObjectNames.daemon(), "shutdown", null, null));
        }
        assertEquals(0, server.restarts.get());
        assertEquals(1, shutdownCalled.getCount());
    }

    @Test
    void connectionsWithoutCredentialsOrWithAWrongPasswordAreRefused() {
        assertThrows(SecurityException.class, () -> JmxTestSupport.connect(port, (String) null, null).close());
        assertThrows(SecurityException.class, () -> JmxTestSupport.connect(port, "control", "wrong").close());
        assertThrows(SecurityException.class, () -> JmxTestSupport.connect(port, "nobody", "x").close());
    }

    @Test
    void connectorListensOnLoopbackOnly() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            assertTrue(s.isConnected());
        }
        Optional<InetAddress> other = nonLoopbackAddress();
        assumeTrue(other.isPresent(), "this machine has no non-loopback address");
        try (Socket s = new Socket()) {
            assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress(other.get(), port), 2000));
        }
    }

    @Test
    void stateChangesAndFailuresReachRemoteListenersWithIncreasingSequenceNumbers() throws Exception {
        BlockingQueue<Notification> received = new LinkedBlockingQueue<>();
        try (JMXConnector c = JmxTestSupport.connect(port, jmxDir, JmxCredentials.MONITOR)) {
            c.getMBeanServerConnection().addNotificationListener(SERVER, (n, h) -> received.add(n), null, null);

            server.fire(ComponentEvent.Type.STATE_CHANGED, State.RUNNING, State.UNHEALTHY, "process exited with code 1");
            server.fire(ComponentEvent.Type.FAILED, State.RESTARTING, State.FAILED,
                    "Component has exceeded maximum restart limit - manual intervention required (10/10 in 10m)");

            AttributeChangeNotification change = assertInstanceOf(AttributeChangeNotification.class,
                    received.poll(10, TimeUnit.SECONDS));
            assertEquals(AttributeChangeNotification.ATTRIBUTE_CHANGE, change.getType());
            assertEquals("State", change.getAttributeName());
            assertEquals("Running", change.getOldValue());
            assertEquals("Unhealthy", change.getNewValue());
            assertEquals(SERVER, change.getSource());

            Notification failed = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(failed);
            assertEquals("ai.stigmer.component.failed", failed.getType());
            assertEquals("Component has exceeded maximum restart limit - manual intervention required", failed.getMessage());
            assertTrue(failed.getSequenceNumber() > change.getSequenceNumber());
            CompositeData data = (CompositeData) failed.getUserData();
            assertEquals("stigmer-server", data.get("component"));
            assertEquals("Failed", data.get("to"));
        }
    }

    @Test
    void aLaunchWaitingForASlotShowsItsPlaceInLineWithADescription() throws Exception {
        server.setStatus(new ComponentStatus("stigmer-server", "process", State.STARTING, false, -1, "", 0, 1, 1, 1,
                -1, "", 137, List.of(), false, -1, 3));
        try (JMXConnector c = JmxTestSupport.connect(port, jmxDir, JmxCredentials.MONITOR)) {
            MBeanServerConnection conn = c.getMBeanServerConnection();
            assertEquals(3, conn.getAttribute(SERVER, "LaunchQueuePosition"));
            assertEquals("Starting", conn.getAttribute(SERVER, "State"));
            String description = Arrays.stream(conn.getMBeanInfo(SERVER).getAttributes())
                    .filter(a -> a.getName().equals("LaunchQueuePosition")).findFirst().orElseThrow().getDescription();
            assertTrue(description.startsWith("Place in the host-wide line of launches waiting for a slot"), description);
        }
    }

    @Test
    void aStopInFlightShowsStoppingTheOldPidAndTheTimeLeftBeforeSigkill() throws Exception {
        server.setStatus(FakeComponent.stopping("stigmer-server", 4321, 2500).status());
        try (JMXConnector c = JmxTestSupport.connect(port, jmxDir, JmxCredentials.MONITOR)) {
            MBeanServerConnection conn = c.getMBeanServerConnection();
            assertEquals(true, conn.getAttribute(SERVER, "Stopping"));
            assertEquals(2500L, conn.getAttribute(SERVER, "StopRemainingMillis"));
            assertEquals(4321L, conn.getAttribute(SERVER, "Pid"));
            assertEquals("Stopped", conn.getAttribute(SERVER, "State"));
            MBeanInfo info = conn.getMBeanInfo(SERVER);
            Map<String, String> descriptions = Arrays.stream(info.getAttributes())
                    .collect(Collectors.toMap(MBeanAttributeInfo::getName, MBeanAttributeInfo::getDescription));
            assertTrue(descriptions.get("Stopping").startsWith("True while an instance is being stopped"),
                    descriptions.get("Stopping"));
            assertTrue(descriptions.get("StopRemainingMillis").startsWith("Milliseconds left before SIGKILL"),
                    descriptions.get("StopRemainingMillis"));
        }
    }

    @Test
    void notificationInfoListsEveryTypeAndAttributesHaveDescriptions() throws Exception {
        try (JMXConnector c = JmxTestSupport.connect(port, jmxDir, JmxCredentials.MONITOR)) {
            MBeanInfo info = c.getMBeanServerConnection().getMBeanInfo(SERVER);
            Set<String> types = Arrays.stream(info.getNotifications())
                    .flatMap(n -> Arrays.stream(n.getNotifTypes())).collect(Collectors.toSet());
            assertEquals(Set.of("jmx.attribute.change", "ai.stigmer.component.unhealthy",
                    "ai.stigmer.component.restarting", "ai.stigmer.component.restarted", "ai.stigmer.component.failed",
                    "ai.stigmer.component.rearmed",
                    "ai.stigmer.component.ready", "ai.stigmer.component.not-ready"), types);
            MBeanAttributeInfo state = Arrays.stream(info.getAttributes())
                    .filter(a -> a.getName().equals("State")).findFirst().orElseThrow();
            assertTrue(state.getDescription().startsWith("State: Starting"), state.getDescription());
            MBeanAttributeInfo ready = Arrays.stream(info.getAttributes())
                    .filter(a -> a.getName().equals("Ready")).findFirst().orElseThrow();
            assertTrue(ready.getDescription().startsWith("Whether the readiness probe passes"), ready.getDescription());
            assertTrue(Arrays.stream(info.getOperations()).allMatch(o -> !o.getDescription().equals("Operation exposed for management")));
        }
        MBeanNotificationInfo[] local = mbeans.getMBeanInfo(SERVER).getNotifications();
        assertEquals(2, local.length);
    }

    @Test
    void aListenerThatBlocksForeverDelaysNeitherTheWatchdogNorOtherListeners() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        BlockingQueue<Notification> other = new LinkedBlockingQueue<>();
        mbeans.addNotificationListener(SERVER, (n, h) -> {
            blocked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, null, null);
        mbeans.addNotificationListener(SERVER, (n, h) -> other.add(n), null, null);
        try {
            long begin = System.nanoTime();
            server.fire(ComponentEvent.Type.UNHEALTHY, State.RUNNING, State.UNHEALTHY, "liveness failed");
            assertTrue(blocked.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 20; i++) {
                server.fire(ComponentEvent.Type.READY, State.RUNNING, State.RUNNING, "ready " + i);
            }
            long firing = System.nanoTime() - begin;
            assertTrue(firing < TimeUnit.SECONDS.toNanos(5), "the watchdog was held up " + firing / 1_000_000 + " ms");

            assertEquals("liveness failed", other.poll(10, TimeUnit.SECONDS).getMessage());
            for (int i = 0; i < 20; i++) {
                Notification n = other.poll(10, TimeUnit.SECONDS);
                assertNotNull(n, "notification " + i);
                assertEquals("ai.stigmer.component.ready", n.getType());
                assertEquals("ready " + i, n.getMessage());
            }
        } finally {
            release.countDown();
        }
    }

    @Test
    void aTakenPortFailsWithAnIOExceptionNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int takenPort = taken.getLocalPort();
            IOException e = assertThrows(IOException.class, () -> JmxControlPlane.start(
                    new JmxConfig("127.0.0.1", takenPort), jmxDir, supervision, () -> {}, MBeanServerFactory.newMBeanServer()));
            assertTrue(e.getMessage().contains(String.valueOf(takenPort)), e.getMessage());
        }
    }

    @Test
    void aNonLoopbackHostIsRefused() {
        IOException e = assertThrows(IOException.class, () -> JmxControlPlane.start(
                new JmxConfig("8.8.8.8", port), jmxDir, supervision, () -> {}, MBeanServerFactory.newMBeanServer()));
        assertTrue(e.getMessage().contains("not a loopback address"), e.getMessage());
    }

    @Test
    void closingUnregistersTheBeansAndStopsListening() throws Exception {
        plane.close();
        assertFalse(mbeans.isRegistered(SERVER));
        assertFalse(mbeans.isRegistered(ObjectNames.daemon()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (listening(port)) {
            assertTrue(System.nanoTime() < deadline, "port " + port + " still accepts connections");
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertThrows(IOException.class, () -> JmxTestSupport.connect(port, jmxDir, JmxCredentials.MONITOR));
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Map<String, Object> attributes(MBeanServerConnection conn, ObjectName name) throws Exception {
        String[] names = Arrays.stream(conn.getMBeanInfo(name).getAttributes()).map(MBeanAttributeInfo::getName)
                .toArray(String[]::new);
        return conn.getAttributes(name, names).asList().stream()
                .collect(Collectors.toMap(Attribute::getName, Attribute::getValue));
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        Set<InetAddress> all = new HashSet<>();
        for (NetworkInterface nif : List.copyOf(java.util.Collections.list(NetworkInterface.getNetworkInterfaces()))) {
            if (nif.isUp()) {
                all.addAll(java.util.Collections.list(nif.getInetAddresses()));
            }
        }
        return all.stream().filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress()).findFirst();
    }
}
