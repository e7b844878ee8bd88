package ai.stigmer.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ConfigLoader;
import ai.stigmer.supervisor.ComponentStatus;
import ai.stigmer.supervisor.ComponentSupervisor;
import ai.stigmer.supervisor.State;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.LiveInstances;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon that cannot get a thread for a launch or a stop (a thread factory that refuses, as the JVM
 * does under a low {@code ulimit -u}: {@code OutOfMemoryError: unable to create native thread}) reports
 * a failed launch or stop with the reason: never a component stuck in Starting, never a second
 * instance, never a shutdown that claims success while an instance is left. Real daemon wiring, real
 * processes.
 */
class ThreadRefusalTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NO_THREAD = "unable to create native thread: possibly out of memory or process/resource limits reached";

    @TempDir
    Path dir;
    private final AtomicBoolean refuse = new AtomicBoolean();
    private Daemon daemon;
    private StigmerHome home;

    /** Makes threads while allowed; otherwise ones whose start fails as the JVM's does when out of native threads. */
    private final ThreadFactory threads = task -> refuse.get() ? new Thread(task) {
        @Override
        public synchronized void start() {
            throw new OutOfMemoryError(NO_THREAD);
        }
    } : new Thread(task);

    private ComponentSupervisor sleeper() throws Exception {
        return daemonOf("sleeper", """
                components:
                  sleeper:
                    process: { command: [sleep, '1000'] }
                """);
    }

    /** A daemon of {@code yaml} whose threads come from {@link #threads}; returns its component {@code name}. */
    private ComponentSupervisor daemonOf(String name, String yaml) throws Exception {
        home = new StigmerHome(dir.resolve("home")).ensure();
        Path config = Files.writeString(dir.resolve("stigmer.yaml"), yaml);
        daemon = new Daemon(ConfigLoader.load(config, home.configVariables(dir)), home, threads,
                java.util.function.UnaryOperator.identity());
        return daemon.supervisor().component(name).orElseThrow();
    }

    @AfterEach
    void cleanUp() {
        refuse.set(false);
        if (daemon != null) {
            daemon.stopComponents();
            daemon.close();
        }
    }

    @Test
    void aLaunchNoThreadCanBeMadeForFailsWithTheReasonAndTheComponentLaunchesOnceThreadsAreBack() throws Exception {
        ComponentSupervisor sleeper = sleeper();
        refuse.set(true);
        daemon.start();

        ComponentStatus failed = Await.value("the launch failed", WAIT, sleeper::status,
                s -> s.state() == State.RESTARTING);
        assertEquals("launch failed: no thread to launch on: java.lang.OutOfMemoryError: " + NO_THREAD, failed.lastError());
        assertEquals(-1, failed.pid());
        assertEquals(0, LiveInstances.of(home.id(), "sleeper"), "nothing was launched");

        refuse.set(false);
        Await.until("Running once threads are back", WAIT, () -> sleeper.status().state() == State.RUNNING);
        assertTrue(sleeper.status().restarts() >= 1);
        assertEquals(1, LiveInstances.of(home.id(), "sleeper"), "exactly one instance");
    }

    @Test
    void aShutdownWhoseStopGetsNoThreadIsAFailureAndLeavesNoSecondInstance() throws Exception {
        ComponentSupervisor sleeper = sleeper();
        daemon.start();
        Await.until("Running", WAIT, () -> sleeper.status().state() == State.RUNNING);
        long pid = sleeper.status().pid();

        refuse.set(true);
        assertFalse(daemon.stopComponents(), "the daemon's stop could not run: not a success");
        ComponentStatus s = sleeper.status();
        assertEquals(State.FAILED, s.state());
        assertEquals("stop failed: no thread to stop on: java.lang.OutOfMemoryError: " + NO_THREAD, s.lastError());
        assertEquals(pid, s.pid(), "what is left is shown");
        assertEquals(1, LiveInstances.of(home.id(), "sleeper"), "still there, and only one");

        refuse.set(false);
        sleeper.stop().get();
        assertEquals(0, LiveInstances.of(home.id(), "sleeper"), "the retried stop ended it");
    }

    @Test
    void whileNoThreadCanRunTheChecksMonitoringIsNotActiveAndNothingIsRestarted() throws Exception {
        try (java.net.ServerSocket port = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            ComponentSupervisor probed = daemonOf("probed", """
                    components:
                      probed:
                        process: { command: [sleep, '1000'] }
                        probes:
                          startup: { initialDelay: 5s, period: 500ms, timeout: 500ms, checks: [ { tcp: { port: %d } } ] }
                    """.formatted(port.getLocalPort()));
            daemon.start();
            Await.until("launched", WAIT, () -> probed.status().pid() > 0);
            refuse.set(true); // before the first check: no thread will ever run it

            Await.until("monitoring not active", WAIT, () -> !daemon.supervisor().monitoringActive());
            ComponentStatus s = probed.status();
            assertEquals(State.STARTING, s.state(), "checks that cannot run are no failures");
            assertEquals(0, s.restarts());
            assertEquals(1, LiveInstances.of(home.id(), "probed"), "no second instance");

            refuse.set(false);
            Await.until("Running once threads are back", WAIT, () -> probed.status().state() == State.RUNNING);
            Await.until("monitoring active again", WAIT, () -> daemon.supervisor().monitoringActive());
            assertEquals(0, probed.status().restarts());
        }
    }
}
