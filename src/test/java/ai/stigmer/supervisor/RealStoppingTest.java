package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.Threads;
import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ProcessSpec;
import ai.stigmer.config.RestartSpec;
import ai.stigmer.runtime.process.ProcStat;
import ai.stigmer.runtime.process.ProcessRuntime;
import ai.stigmer.testing.Await;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real TERM-ignoring process: while its stop runs, status says Stopping with the old pid and the
 * time left before SIGKILL, and "Component stopped" is logged only once it is gone.
 */
class RealStoppingTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final ScheduledExecutorService watchdog =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("test-watchdog"));
    private final ExecutorService blocking = Executors.newCachedThreadPool(Threads.daemon("test-runtime"));
    private ComponentSupervisor supervisor;

    @AfterEach
    void tearDown() throws Exception {
        if (supervisor != null) {
            supervisor.stop().get();
        }
        watchdog.shutdownNow();
        blocking.shutdownNow();
    }

    @Test
    void aTermIgnoringInstanceShowsStoppingWithItsPidUntilItIsGone() throws Exception {
        ComponentConfig config = new ComponentConfig("stubborn", List.of(), RestartSpec.DEFAULT, Duration.ofSeconds(3),
                null, null, null, new ProcessSpec(List.of("sh", "-c", "trap '' TERM; sleep 1000"), Map.of(), null),
                null);
        ProcessRuntime runtime = new ProcessRuntime(config.name(), "test", config.process(), dir.resolve("stubborn.log"));
        RecordingLog log = new RecordingLog();
        supervisor = new ComponentSupervisor(config, runtime, (kind, instance, uptime, done) -> {},
                new ExecutorScheduler(watchdog, Clock.systemUTC()), blocking, new SynchronizedLog(log),
                InstanceStore.NONE, new Backoff(config.restart().backoff(), () -> 0.5));
        supervisor.start();
        long pid = Await.value("running", WAIT, supervisor::status, s -> s.state() == State.RUNNING && s.pid() > 0).pid();
        Await.until("the sleep started", WAIT, () -> ProcStat.members(pid, pid).size() >= 2);

        CompletableFuture<Void> stopped = supervisor.stop();
        ComponentStatus during = Await.value("stopping", WAIT, supervisor::status, ComponentStatus::stopping);
        assertEquals(State.STOPPED, during.state());
        assertEquals(pid, during.pid(), "the old pid while it is being stopped");
        assertTrue(during.stopRemainingMillis() > 0 && during.stopRemainingMillis() <= 3000,
                "time left before SIGKILL: " + during.stopRemainingMillis());
        assertFalse(ProcStat.read(pid).map(ProcStat::gone).orElse(true), "still running: it ignores SIGTERM");
        synchronized (log) {
            assertEquals(0, log.count("INFO", "Component stopped"), "not logged while it still runs");
        }

        stopped.get();
        ComponentStatus after = supervisor.status();
        assertFalse(after.stopping());
        assertEquals(-1, after.pid());
        assertTrue(ProcStat.read(pid).map(ProcStat::gone).orElse(true), "gone when stop() completes");
        synchronized (log) {
            assertEquals(1, log.count("INFO", "Component stopped (stop requested)"));
        }
    }

    /** The watchdog writes, the test reads: one lock around the recorded lines. */
    private record SynchronizedLog(RecordingLog log) implements ComponentLog {
        public void debug(String m) { synchronized (log) { log.debug(m); } }

        public void info(String m) { synchronized (log) { log.info(m); } }

        public void warn(String m) { synchronized (log) { log.warn(m); } }

        public void error(String m) { synchronized (log) { log.error(m); } }
    }
}
