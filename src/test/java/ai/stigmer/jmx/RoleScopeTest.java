package ai.stigmer.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.management.Attribute;
import javax.management.MBeanServer;
import javax.management.MBeanServerConnection;
import javax.management.MBeanServerDelegate;
import javax.management.ObjectName;
import javax.management.Query;
import javax.management.relation.MBeanServerNotificationFilter;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Show 2 of issue 8 (SPEC §6): roles scoped by domain, over a real connector on the JVM's platform
 * MBean server (where the JVM's own beans live). {@code control} calls the {@code ai.stigmer}
 * operations and nothing of the JVM's: no heap dump, no agent load, no gc. {@code monitor} calls no
 * operation that changes anything. Both still see what JConsole's Overview, Memory and Threads tabs
 * show.
 */
class RoleScopeTest extends WithControlPlane {
    private static final ObjectName SERVER = ObjectNames.component("stigmer-server");
    private static final ObjectName HOTSPOT = name("com.sun.management:type=HotSpotDiagnostic");
    private static final ObjectName DIAGNOSTIC = name("com.sun.management:type=DiagnosticCommand");
    private static final ObjectName MEMORY = name(ManagementFactory.MEMORY_MXBEAN_NAME);
    private static final ObjectName THREADING = name(ManagementFactory.THREAD_MXBEAN_NAME);

    @TempDir Path dumps;

    @Override
    MBeanServer mbeanServer() {
        return ManagementFactory.getPlatformMBeanServer();
    }

    @Test
    void controlCannotDumpTheHeapLoadAnAgentOrRunGcButCanRestart() throws Exception {
        try (JMXConnector c = JmxTestSupport.connect(port, jmxDir, JmxCredentials.CONTROL)) {
            MBeanServerConnection conn = c.getMBeanServerConnection();
            Path dump = dumps.resolve("heap.hprof");
            SecurityException heap = assertThrows(SecurityException.class, () -> conn.invoke(HOTSPOT, "dumpHeap",
                    new Object[] {dump.toString(), true}, new String[] {String.class.getName(), boolean.class.getName()}));
            assertTrue(heap.getMessage().contains("control may not invoke"), heap.getMessage());
            assertFalse(Files.exists(dump), "no heap dump was written");

            assertTrue(Arrays.stream(conn.getMBeanInfo(DIAGNOSTIC).getOperations())
                    .anyMatch(o -> o.getName().equals("jvmtiAgentLoad")), "this JVM offers jvmtiAgentLoad");
            assertThrows(SecurityException.class, () -> conn.invoke(DIAGNOSTIC, "jvmtiAgentLoad",
                    new Object[] {new String[] {dumps.resolve("agent.so").toString()}},
                    new String[] {String[].class.getName()}));
            assertThrows(SecurityException.class, () -> conn.invoke(DIAGNOSTIC, "threadPrint",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()}));
            assertThrows(SecurityException.class, () -> conn.invoke(MEMORY, "gc", null, null));

            conn.invoke(SERVER, "restart", null, null);
            assertEquals(1, server.restarts.get());
        }
    }

    @Test
    void monitorCannotCallRestartStopStartOrShutdown() throws Exception {
        try (JMXConnector c = JmxTestSupport.connect(port, jmxDir, JmxCredentials.MONITOR)) {
            MBeanServerConnection conn = c.getMBeanServerConnection();
            for (String op : List.of("restart", "stop", "start")) {
                SecurityException e = assertThrows(SecurityException.class, () -> conn.invoke(SERVER, op, null, null));
                assertTrue(e.getMessage().contains("need the control role"), e.getMessage());
            }
            assertThrows(SecurityException.class, () -> conn.invoke(ObjectNames.daemon(), "shutdown", null, null));
            assertThrows(SecurityException.class, () -> conn.invoke(MEMORY, "gc", null, null));
        }
        assertEquals(0, server.restarts.get());
        assertEquals(0, server.starts.get());
        assertEquals(0, server.stops.get());
    }

    @Test
    void monitorCannotReloadTheConfigControlCan() throws Exception {
        try (JMXConnector c = JmxTestSupport.connect(port, jmxDir, JmxCredentials.MONITOR)) {
            SecurityException e = assertThrows(SecurityException.class,
                    () -> c.getMBeanServerConnection().invoke(ObjectNames.daemon(), "reload", null, null));
            assertTrue(e.getMessage().contains("need the control role"), e.getMessage());
        }
        assertEquals(0, reloads.get(), "the refused call never reached the daemon");
        try (JMXConnector c = JmxTestSupport.connect(port, jmxDir, JmxCredentials.CONTROL)) {
            assertEquals("Reloaded #1", c.getMBeanServerConnection().invoke(ObjectNames.daemon(), "reload", null, null));
        }
        assertEquals(1, reloads.get());
    }

    @Test
    void noRoleWritesTheJvmsAttributesOrCreatesRegistersOrUnregistersBeans() throws Exception {
        for (String role : List.of(JmxCredentials.MONITOR, JmxCredentials.CONTROL)) {
            try (JMXConnector c = JmxTestSupport.connect(port, jmxDir, role)) {
                MBeanServerConnection conn = c.getMBeanServerConnection();
                assertThrows(SecurityException.class, () -> conn.setAttribute(MEMORY, new Attribute("Verbose", true)), role);
                assertThrows(SecurityException.class, () -> conn.setAttribute(
                        THREADING, new Attribute("ThreadCpuTimeEnabled", false)), role);
                assertThrows(SecurityException.class, () -> conn.invoke(THREADING, "resetPeakThreadCount", null, null), role);
                assertThrows(SecurityException.class, () -> conn.invoke(HOTSPOT, "setVMOption",
                        new Object[] {"HeapDumpOnOutOfMemoryError", "true"},
                        new String[] {String.class.getName(), String.class.getName()}), role);
                assertThrows(SecurityException.class, () -> conn.createMBean(
                        "javax.management.timer.Timer", name("evil:type=Timer")), role);
                assertThrows(SecurityException.class, () -> conn.unregisterMBean(SERVER), role);
                assertThrows(SecurityException.class, () -> conn.unregisterMBean(MEMORY), role);
            }
        }
        assertFalse(ManagementFactory.getMemoryMXBean().isVerbose());
        assertTrue(ManagementFactory.getPlatformMBeanServer().isRegistered(SERVER));
        assertFalse(ManagementFactory.getPlatformMBeanServer().isRegistered(name("evil:type=Timer")));
    }

    /** What JConsole's Overview, Memory, Threads and MBeans tabs call (jdk.jconsole's ProxyClient, ThreadTab). */
    @Test
    void monitorSeesWhatJConsolesOverviewMemoryAndThreadsTabsShow() throws Exception {
        try (JMXConnector c = JmxTestSupport.connect(port, jmxDir, JmxCredentials.MONITOR)) {
            MBeanServerConnection conn = c.getMBeanServerConnection();
            MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(conn, ManagementFactory.MEMORY_MXBEAN_NAME,
                    MemoryMXBean.class);
            assertTrue(memory.getHeapMemoryUsage().getUsed() > 0);
            for (ObjectName pool : conn.queryNames(name(ManagementFactory.MEMORY_POOL_MXBEAN_DOMAIN_TYPE + ",*"), null)) {
                assertNotNull(ManagementFactory.newPlatformMXBeanProxy(conn, pool.toString(), MemoryPoolMXBean.class).getUsage());
            }
            RuntimeMXBean runtime = ManagementFactory.newPlatformMXBeanProxy(conn, ManagementFactory.RUNTIME_MXBEAN_NAME,
                    RuntimeMXBean.class);
            assertTrue(runtime.getUptime() > 0);
            assertNotNull(conn.getAttribute(name(ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME), "ProcessCpuTime"));
            assertNotNull(conn.getAttribute(name(ManagementFactory.CLASS_LOADING_MXBEAN_NAME), "LoadedClassCount"));

            com.sun.management.ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(conn,
                    ManagementFactory.THREAD_MXBEAN_NAME, com.sun.management.ThreadMXBean.class);
            long[] ids = threads.getAllThreadIds();
            ThreadInfo[] infos = threads.getThreadInfo(ids, Integer.MAX_VALUE);
            assertTrue(Arrays.stream(infos).anyMatch(i -> i != null && i.getStackTrace().length > 0));
            assertTrue(threads.dumpAllThreads(true, false).length > 0);
            assertNotNull(threads.getThreadInfo(ids[0], Integer.MAX_VALUE));
            threads.findDeadlockedThreads(); // null: none, but the call is allowed
            threads.findMonitorDeadlockedThreads();
            assertTrue(threads.getThreadCpuTime(ids).length == ids.length);

            // The MBeans tab: every name, every MBeanInfo, registration notifications with a filter.
            Set<ObjectName> all = conn.queryNames(null, null);
            assertTrue(all.contains(SERVER) && all.contains(MEMORY) && all.contains(DIAGNOSTIC));
            for (ObjectName n : all) {
                assertNotNull(conn.getMBeanInfo(n));
            }
            assertEquals(Set.of(SERVER), conn.queryNames(name("ai.stigmer:*"),
                    Query.eq(Query.attr("Kind"), Query.value("process"))));
            MBeanServerNotificationFilter filter = new MBeanServerNotificationFilter();
            filter.enableAllObjectNames();
            conn.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, (n, h) -> {}, filter, null);
            assertEquals("stigmer-server", conn.getAttribute(SERVER, "Name"));
        }
    }

    private static ObjectName name(String name) {
        try {
            return new ObjectName(name);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
