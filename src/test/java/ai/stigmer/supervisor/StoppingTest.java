package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4, a stop is done when nothing of the instance is left: until then status says Stopping
 * with the old pid and the time left before SIGKILL, and no new instance is launched.
 */
class StoppingTest {
    private final DeferredExecutor blocking = new DeferredExecutor();
    private final Harness h = new Harness(Harness.component(null, null, null), blocking);

    private void startRunning() {
        h.supervisor.start();
        blocking.runAll(h.scheduler);
        assertEquals(State.RUNNING, h.state());
    }

    @Test
    void aStopInFlightShowsStoppingTheOldPidAndTheTimeLeftBeforeSigkill() {
        startRunning();
        CompletableFuture<Void> stopped = h.supervisor.stop();
        h.scheduler.runDue();

        ComponentStatus s = h.status();
        assertEquals(State.STOPPED, s.state(), "State keeps the six words");
        assertTrue(s.stopping());
        assertEquals(1000, s.pid(), "the old pid until it is gone");
        assertEquals(10_000, s.stopRemainingMillis(), "stop.timeout 10s before SIGKILL");
        h.advance(Duration.ofMillis(3_500));
        assertEquals(6_500, h.status().stopRemainingMillis());
        assertFalse(stopped.isDone(), "stop() completes when the instance is gone");
        assertEquals(0, h.log.count("INFO", "Component stopped"), "not logged before the instance is gone");

        blocking.runAll(h.scheduler);
        s = h.status();
        assertFalse(s.stopping());
        assertEquals(-1, s.pid());
        assertEquals(-1, s.stopRemainingMillis());
        assertTrue(stopped.isDone() && !stopped.isCompletedExceptionally());
        assertEquals(1, h.log.count("INFO", "Component stopped (stop requested)"));
        assertEquals(1, h.runtime.last().stops);
    }

    /** Lines are written at the end of the watchdog's task: a stop completes only after its own. */
    @Test
    void aStopCompletesOnceTheLinesItCausedAreWritten() {
        startRunning();
        java.util.List<String> atCompletion = new java.util.ArrayList<>();
        CompletableFuture<Void> stopped = h.supervisor.stop().thenRun(() -> atCompletion.addAll(h.log.lines));
        h.scheduler.runDue();
        blocking.runAll(h.scheduler); // the stop returns

        assertTrue(stopped.isDone());
        assertTrue(atCompletion.stream().anyMatch(l -> l.startsWith("INFO Component stopped")),
                "the stop's last line was in the log when it completed: " + atCompletion);
    }

    @Test
    void restartLaunchesOnlyOnceTheOldInstanceIsGone() {
        startRunning();
        h.supervisor.restart();
        h.scheduler.runDue();
        h.advance(Duration.ofSeconds(35)); // within the stop's deadline of 10s + 30s
        assertEquals(1, h.runtime.launched.size(), "no second instance while the first may live");
        assertTrue(h.status().stopping());

        blocking.runOne(h.scheduler); // the stop returns
        assertEquals(State.STARTING, h.state());
        blocking.runAll(h.scheduler); // the launch
        assertEquals(State.RUNNING, h.state());
        assertEquals(2, h.runtime.launched.size());
        assertEquals(1001, h.status().pid());
    }

    @Test
    void aRestartAfterACrashWaitsForTheCrashedInstanceToBeGone() {
        startRunning();
        h.runtime.last().exit(1);
        h.scheduler.runDue();
        assertEquals(State.RESTARTING, h.state());
        assertTrue(h.status().stopping(), "what is left of the crashed instance is being stopped");
        h.advance(Duration.ofSeconds(30)); // far past the 1 s backoff
        assertEquals(State.RESTARTING, h.state());
        assertEquals(1, h.runtime.launched.size());

        blocking.runAll(h.scheduler);
        assertEquals(State.RUNNING, h.state());
        assertEquals(2, h.runtime.launched.size());
    }

    @Test
    void aStartWhileStoppingStartsOnceTheInstanceIsGone() {
        startRunning();
        h.supervisor.stop();
        h.supervisor.start();
        h.scheduler.runDue();
        assertEquals(State.STOPPED, h.state());
        assertEquals(1, h.runtime.launched.size());
        blocking.runAll(h.scheduler);
        assertEquals(State.RUNNING, h.state());
        assertEquals(2, h.runtime.launched.size());
        assertEquals(1, h.runtime.launched.get(0).stops);
    }
}
