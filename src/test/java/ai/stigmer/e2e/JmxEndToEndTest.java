package ai.stigmer.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.Version;
import ai.stigmer.jmx.ComponentNotifications;
import ai.stigmer.jmx.JmxCredentials;
import ai.stigmer.jmx.ObjectNames;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.StigmerInstall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.management.Attribute;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JMX control plane of SPEC §6 against the real daemon ({@code bin/stigmer server}) and real
 * child processes, through the real RMI connector with the generated credentials. One daemon for
 * the class; each test has a component of its own, so they do not disturb one another.
 */
class JmxEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Set<String> COMPONENT_ATTRIBUTES = Set.of("Name", "Kind", "State", "Ready", "Pid",
            "ContainerId", "UptimeSeconds", "Restarts", "RestartsInWindow", "ConsecutiveFailures",
            "NextRestartInMillis", "LastError", "LastExitCode", "Stopping", "StopRemainingMillis",
            "LaunchQueuePosition", "StateCode", "HasReadinessProbe", "ReadinessProblem", "WaitingFor");
    private static final Set<String> DAEMON_ATTRIBUTES =
            Set.of("Pid", "UptimeSeconds", "Version", "MonitoringActive", "ComponentNames", "Containment",
                    "MonitoringProblem", "Components", "RecentEvents");
    private static final List<String> HEALTH_EVENTS =
            List.of(ComponentNotifications.UNHEALTHY, ComponentNotifications.RESTARTING, ComponentNotifications.RESTARTED);

    @TempDir
    static Path dir;
    private static StigmerInstall install;
    private static Path okFile;

    @BeforeAll
    static void startDaemon() {
        okFile = dir.resolve("flaky-may-run");
        install = new StigmerInstall(dir);
        install.config("""
                defaults:
                  restart:
                    backoff: { initial: 100ms, multiplier: 2.0, max: 1s }
                    minUptime: 1s
                  stop: { timeout: 2s }
                  probes:
                    liveness: { period: 1s, timeout: 1s }
                components:
                  steady:
                    process: { command: [sleep, '1000'] }
                    probes: { liveness: { checks: [ { process: {} } ] } }
                  victim:
                    process: { command: [sleep, '1001'] }
                    probes: { liveness: { checks: [ { process: {} } ] } }
                  sluggish:
                    process: { command: [sleep, '1002'] }
                    probes: { liveness: { checks: [ { process: {} } ] } }
                  flaky:
                    restart: { maxRestarts: 2 }
                    process: { command: [sh, -c, "test -f '%s' && exec sleep 1003 || exit 1"] }
                """.formatted(okFile));
        install.start();
        for (String c : List.of("steady", "victim", "sluggish")) {
            install.awaitState(c, "Running", WAIT);
        }
    }

    @AfterAll
    static void stopDaemon() {
        if (install != null) {
            install.close();
        }
    }

    private static ObjectName component(String name) {
        return ObjectNames.component(name);
    }

    @Test
    void aRemoteClientReadsEveryAttributeOfTheComponentAndDaemonMXBeans() throws Exception {
        try (JMXConnector c = install.connect(JmxCredentials.MONITOR)) {
            MBeanServerConnection mbs = c.getMBeanServerConnection();

            Map<String, Object> steady = readAll(mbs, component("steady"));
            assertEquals(COMPONENT_ATTRIBUTES, steady.keySet());
            assertEquals("steady", steady.get("Name"));
            assertEquals("process", steady.get("Kind"));
            assertEquals("Running", steady.get("State"));
            assertEquals(2, steady.get("StateCode"), "Running is StateCode 2");
            assertInstanceOf(Boolean.class, steady.get("Ready"));
            long pid = (Long) steady.get("Pid");
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "Pid is the live instance");
            assertTrue(ProcessHandle.of(pid).orElseThrow().info().command().orElse("sleep").endsWith("sleep"));
            assertEquals("", steady.get("ContainerId"));
            assertTrue((Long) steady.get("UptimeSeconds") >= 0);
            assertEquals(0, steady.get("Restarts"));
            assertEquals(0, steady.get("RestartsInWindow"));
            assertEquals(0, steady.get("ConsecutiveFailures"));
            assertEquals(-1L, steady.get("NextRestartInMillis"));
            assertInstanceOf(String.class, steady.get("LastError"));
            assertInstanceOf(Integer.class, steady.get("LastExitCode"));

            Map<String, Object> daemon = readAll(mbs, ObjectNames.daemon());
            assertEquals(DAEMON_ATTRIBUTES, daemon.keySet());
            assertEquals(install.daemonPid(), daemon.get("Pid"));
            assertTrue((Long) daemon.get("UptimeSeconds") >= 0);
            assertEquals(Version.VERSION, daemon.get("Version"));
            assertEquals(true, daemon.get("MonitoringActive"));
            assertArrayEquals(new String[] {"steady", "victim", "sluggish", "flaky"}, (String[]) daemon.get("ComponentNames"));
            // One read for a whole status: a row per component, in start order, with its MXBean's attributes.
            CompositeData[] rows = (CompositeData[]) daemon.get("Components");
            assertArrayEquals(new String[] {"steady", "victim", "sluggish", "flaky"},
                    Arrays.stream(rows).map(r -> r.get("name")).toArray());
            assertEquals(COMPONENT_ATTRIBUTES, rows[0].getCompositeType().keySet().stream()
                    .map(k -> Character.toUpperCase(k.charAt(0)) + k.substring(1)).collect(Collectors.toSet()));
            assertEquals("Running", rows[0].get("state"));
            assertEquals(2, rows[0].get("stateCode"));
            assertEquals(pid, rows[0].get("pid"));
            assertEquals("process", rows[0].get("kind"));

            Set<ObjectName> beans = mbs.queryNames(ObjectNames.components(), null);
            assertEquals(Set.of(component("steady"), component("victim"), component("sluggish"), component("flaky")), beans);
            List<String> declared = Arrays.stream(mbs.getMBeanInfo(component("steady")).getNotifications())
                    .flatMap(n -> Arrays.stream(n.getNotifTypes())).toList();
            assertTrue(declared.containsAll(List.of("jmx.attribute.change", ComponentNotifications.UNHEALTHY,
                    ComponentNotifications.RESTARTING, ComponentNotifications.RESTARTED, ComponentNotifications.FAILED,
                    ComponentNotifications.READY, ComponentNotifications.NOT_READY)), declared.toString());
        }
    }

    /** Every attribute the MBeanInfo lists, each read on its own and all in one call, which must agree on names. */
    private static Map<String, Object> readAll(MBeanServerConnection mbs, ObjectName bean) throws Exception {
        MBeanAttributeInfo[] infos = mbs.getMBeanInfo(bean).getAttributes();
        String[] names = Arrays.stream(infos).map(MBeanAttributeInfo::getName).toArray(String[]::new);
        for (MBeanAttributeInfo info : infos) {
            assertTrue(info.isReadable(), info.getName());
            assertFalse(info.getDescription() == null || info.getDescription().isBlank(), "described: " + info.getName());
            mbs.getAttribute(bean, info.getName());
        }
        Map<String, Object> values = mbs.getAttributes(bean, names).asList().stream()
                .collect(Collectors.toMap(Attribute::getName, a -> a.getValue() == null ? "<null>" : a.getValue()));
        assertEquals(names.length, values.size(), "every attribute answers: " + values);
        return values;
    }

    @Test
    void killMinusNineSendsUnhealthyRestartingRestartedInThatOrder() throws Exception {
        try (JMXConnector c = install.connect(JmxCredentials.MONITOR)) {
            MBeanServerConnection mbs = c.getMBeanServerConnection();
            List<Notification> seen = new CopyOnWriteArrayList<>();
            mbs.addNotificationListener(component("victim"), (n, handback) -> seen.add(n), null, null);
            long before = install.pid("victim");

            StigmerInstall.kill9(before);

            Await.until("restarted notification", WAIT, () -> types(seen).contains(ComponentNotifications.RESTARTED));
            assertEquals(HEALTH_EVENTS, types(seen).stream().filter(HEALTH_EVENTS::contains).toList(), describe(seen));
            Notification unhealthy = first(seen, ComponentNotifications.UNHEALTHY);
            CompositeData data = (CompositeData) unhealthy.getUserData();
            assertEquals("victim", data.get("component"));
            assertEquals(component("victim"), unhealthy.getSource());
            assertTrue(seen.stream().anyMatch(n -> n.getType().equals("jmx.attribute.change")), describe(seen));
            long[] sequence = seen.stream().mapToLong(Notification::getSequenceNumber).toArray();
            for (int i = 1; i < sequence.length; i++) {
                assertTrue(sequence[i] > sequence[i - 1], "sequence numbers increase: " + describe(seen));
            }

            install.awaitState("victim", "Running", WAIT);
            assertNotEquals(before, install.pid("victim"));
            assertEquals(1, install.restarts("victim"));
        }
    }

    @Test
    void aCrashLoopEndsFailedWithTheErrorLineAndControlBringsItBackWithRestart() throws Exception {
        install.awaitState("flaky", "Failed", WAIT); // its first crash loop, from the daemon's start
        assertTrue(install.log("flaky").contains(ComponentNotifications.FAILED_MESSAGE), install.log("flaky"));
        try (JMXConnector control = install.connect(JmxCredentials.CONTROL);
                JMXConnector monitor = install.connect(JmxCredentials.MONITOR)) {
            List<Notification> seen = new CopyOnWriteArrayList<>();
            monitor.getMBeanServerConnection().addNotificationListener(component("flaky"), (n, h) -> seen.add(n), null, null);
            MBeanServerConnection mbs = control.getMBeanServerConnection();

            // A second crash loop, now that someone listens: restart() resets the counters, so it runs to Failed again.
            mbs.invoke(component("flaky"), "restart", null, null);
            Await.until("failed notification", WAIT, () -> types(seen).contains(ComponentNotifications.FAILED));
            Notification failed = first(seen, ComponentNotifications.FAILED);
            assertEquals("Component has exceeded maximum restart limit - manual intervention required", failed.getMessage());
            assertEquals("flaky", ((CompositeData) failed.getUserData()).get("component"));
            assertEquals(2, seen.stream().filter(n -> n.getType().equals(ComponentNotifications.RESTARTING)).count(),
                    "maxRestarts 2: " + describe(seen));
            install.awaitState("flaky", "Failed", WAIT);
            assertEquals(-1L, install.pid("flaky"));
            assertEquals(5, install.attribute("flaky", "StateCode"), "Failed is StateCode 5");

            Files.createFile(okFile);
            mbs.invoke(component("flaky"), "restart", null, null);
            install.awaitState("flaky", "Running", WAIT);
            assertTrue(ProcessHandle.of(install.pid("flaky")).map(ProcessHandle::isAlive).orElse(false));
            assertEquals(0, install.restarts("flaky"), "counters reset by a manual restart");
        }
    }

    @Test
    void noCredentialsAWrongPasswordAndMonitorCallingOperationsAreRefused() throws Exception {
        assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(install.jmxUrl()).close());
        assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(install.jmxUrl(),
                Map.of(JMXConnector.CREDENTIALS, new String[] {"control", install.password("control") + "x"})).close());
        assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(install.jmxUrl(),
                Map.of(JMXConnector.CREDENTIALS, new String[] {"nobody", install.password("control")})).close());

        long pid = install.pid("steady");
        try (JMXConnector c = install.connect(JmxCredentials.MONITOR)) {
            MBeanServerConnection mbs = c.getMBeanServerConnection();
            assertThrows(SecurityException.class, () -> mbs.invoke(component("steady"), "restart", null, null));
            assertThrows(SecurityException.class, () -> mbs.invoke(ObjectNames.daemon(), "shutdown", null, null));
            assertEquals("Running", mbs.getAttribute(component("steady"), "State"), "a read still works");
        }
        assertEquals(pid, install.pid("steady"), "nothing was restarted");
        assertEquals(0, install.restarts("steady"));
    }

    @Test
    void aListenerThatBlocksForeverDoesNotDelayARestart() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        NotificationListener blocking = (n, handback) -> {
            entered.countDown();
            try {
                release.await(); // forever, as far as this test is concerned
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        List<Notification> seen = new CopyOnWriteArrayList<>();
        try (JMXConnector stuck = install.connect(JmxCredentials.MONITOR);
                JMXConnector normal = install.connect(JmxCredentials.MONITOR)) {
            stuck.getMBeanServerConnection().addNotificationListener(component("sluggish"), blocking, null, null);
            normal.getMBeanServerConnection().addNotificationListener(component("sluggish"), (n, h) -> seen.add(n), null, null);
            long before = install.pid("sluggish");
            long killedAt = System.nanoTime();

            StigmerInstall.kill9(before);

            Await.until("sluggish replaced", WAIT, () -> "Running".equals(install.state("sluggish"))
                    && install.pid("sluggish") != before);
            Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
            assertTrue(entered.await(30, TimeUnit.SECONDS), "the blocking listener was called (and is stuck in it)");
            // Backoff is 100ms: anything near a probe period or an operation timeout would mean it waited.
            assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "back to Running after " + took);
            Await.until("the normal listener hears the restart", WAIT,
                    () -> types(seen).contains(ComponentNotifications.RESTARTED));
            assertEquals(HEALTH_EVENTS, types(seen).stream().filter(HEALTH_EVENTS::contains).toList(), describe(seen));
            assertEquals("Running", install.state("steady"), "the daemon answers as usual");
        } finally {
            release.countDown();
        }
    }

    private static List<String> types(List<Notification> seen) {
        return seen.stream().map(Notification::getType).toList();
    }

    private static Notification first(List<Notification> seen, String type) {
        return seen.stream().filter(n -> n.getType().equals(type)).findFirst().orElseThrow();
    }

    private static String describe(List<Notification> seen) {
        return seen.stream().map(n -> "#" + n.getSequenceNumber() + " " + n.getType() + ": " + n.getMessage())
                .collect(Collectors.joining("\n", "notifications:\n", "\n")) + install.daemonOut();
    }
}
