package ai.stigmer.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.PrivilegedExceptionAction;
import java.util.Set;
import java.util.stream.Stream;
import javax.management.Attribute;
import javax.management.JMException;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The role table of SPEC §6, row by row, on the forwarder alone: a call the forwarder lets through
 * reaches an empty MBean server and fails there with "not found"; a refused one never gets there.
 */
class RoleScopedMBeanServerTest {
    private final RoleScopedMBeanServer forwarder = new RoleScopedMBeanServer();

    RoleScopedMBeanServerTest() {
        forwarder.setMBeanServer(MBeanServerFactory.newMBeanServer());
    }

    static Stream<Arguments> operations() {
        return Stream.of(
                Arguments.of(Access.READONLY, "ai.stigmer:type=Component,name=x", "restart", false),
                Arguments.of(Access.READWRITE, "ai.stigmer:type=Component,name=x", "restart", true),
                Arguments.of(Access.READONLY, "ai.stigmer:type=Daemon", "shutdown", false),
                Arguments.of(Access.READWRITE, "ai.stigmer:type=Daemon", "shutdown", true),
                Arguments.of(Access.READONLY, "ai.stigmer:type=Daemon", "reload", false),
                Arguments.of(Access.READWRITE, "ai.stigmer:type=Daemon", "reload", true),
                Arguments.of(Access.READWRITE, "ai.stigmer.evil:type=Daemon", "shutdown", false),
                Arguments.of(Access.READWRITE, "com.sun.management:type=HotSpotDiagnostic", "dumpHeap", false),
                Arguments.of(Access.READWRITE, "com.sun.management:type=HotSpotDiagnostic", "setVMOption", false),
                Arguments.of(Access.READONLY, "com.sun.management:type=HotSpotDiagnostic", "getVMOption", true),
                Arguments.of(Access.READWRITE, "com.sun.management:type=DiagnosticCommand", "jvmtiAgentLoad", false),
                Arguments.of(Access.READWRITE, "com.sun.management:type=DiagnosticCommand", "threadPrint", false),
                Arguments.of(Access.READWRITE, "java.lang:type=Memory", "gc", false),
                Arguments.of(Access.READWRITE, "java.lang:type=MemoryPool,name=Eden", "resetPeakUsage", false),
                Arguments.of(Access.READONLY, "java.lang:type=Threading", "getThreadInfo", true),
                Arguments.of(Access.READONLY, "java.lang:type=Threading", "dumpAllThreads", true),
                Arguments.of(Access.READONLY, "java.lang:type=Threading", "findDeadlockedThreads", true),
                Arguments.of(Access.READONLY, "java.lang:type=Threading", "findMonitorDeadlockedThreads", true),
                Arguments.of(Access.READONLY, "java.lang:type=Threading", "getThreadCpuTime", true),
                Arguments.of(Access.READWRITE, "java.lang:type=Threading", "resetPeakThreadCount", false),
                Arguments.of(Access.READWRITE, "java.lang:type=Threading,x=y", "getThreadInfo", false),
                Arguments.of(Access.READWRITE, "jdk.management.jfr:type=FlightRecorder", "startRecording", false),
                Arguments.of(Access.READONLY, "java.util.logging:type=Logging", "getLoggerLevel", true),
                Arguments.of(Access.READWRITE, "java.util.logging:type=Logging", "setLoggerLevel", false));
    }

    @ParameterizedTest(name = "{0} invoke {1} {2}: {3}")
    @MethodSource("operations")
    void invoke(Access access, String name, String operation, boolean allowed) throws Exception {
        assertEquals(allowed, passes(access, () -> forwarder.invoke(new ObjectName(name), operation, null, null)));
    }

    @Test
    void onlyControlWritesAndOnlyToStigmerBeans() throws Exception {
        Attribute verbose = new Attribute("Verbose", true);
        for (Access access : Access.values()) {
            assertEquals(false, passes(access, () -> {
                forwarder.setAttribute(new ObjectName("java.lang:type=Memory"), verbose);
                return null;
            }), access + " writes a JVM attribute");
        }
        assertEquals(false, passes(Access.READONLY, () -> {
            forwarder.setAttribute(ObjectNames.daemon(), verbose);
            return null;
        }));
        assertEquals(true, passes(Access.READWRITE, () -> {
            forwarder.setAttribute(ObjectNames.daemon(), verbose);
            return null;
        }));
    }

    @Test
    void everyRoleReadsAndNoRoleCreatesRegistersOrUnregisters() throws Exception {
        ObjectName memory = new ObjectName("java.lang:type=Memory");
        for (Access access : Access.values()) {
            assertEquals(true, passes(access, () -> forwarder.getAttribute(memory, "HeapMemoryUsage")));
            assertEquals(true, passes(access, () -> forwarder.getMBeanInfo(memory)));
            assertEquals(true, passes(access, () -> forwarder.queryNames(null, null)));
            assertEquals(false, passes(access, () -> forwarder.createMBean("javax.management.timer.Timer",
                    new ObjectName("x:type=Timer"))));
            assertEquals(false, passes(access, () -> forwarder.registerMBean(new Object(), new ObjectName("x:type=Y"))));
            assertEquals(false, passes(access, () -> {
                forwarder.unregisterMBean(memory);
                return null;
            }));
            assertEquals(false, passes(access, () -> forwarder.getClassLoader(null)));
        }
    }

    @Test
    void aLoginWithoutAnAccessLevelIsRefusedEvenReads() {
        Subject noLevel = new Subject(true, Set.of(new JMXPrincipal("stranger")), Set.of(), Set.of());
        assertThrows(SecurityException.class, () -> as(noLevel, () -> forwarder.queryNames(null, null)));
    }

    @Test
    void theConnectorsOwnCallsWithoutASubjectPass() throws Exception {
        assertThrows(JMException.class, () -> forwarder.invoke(new ObjectName("java.lang:type=Memory"), "gc", null, null));
    }

    /** True if the call got past the forwarder (it may then fail in the empty server: that is fine). */
    private static boolean passes(Access access, PrivilegedExceptionAction<Object> call) throws Exception {
        Subject subject = new Subject(true, Set.of(new JMXPrincipal(access == Access.READONLY ? "monitor" : "control"),
                new AccessPrincipal(access)), Set.of(), Set.of());
        try {
            as(subject, call);
            return true;
        } catch (SecurityException e) {
            return false;
        } catch (JMException | RuntimeException e) {
            return true;
        }
    }

    @SuppressWarnings("removal")
    private static Object as(Subject subject, PrivilegedExceptionAction<Object> call) throws Exception {
        try {
            return Subject.doAs(subject, call);
        } catch (java.security.PrivilegedActionException e) {
            throw e.getException();
        }
    }
}
