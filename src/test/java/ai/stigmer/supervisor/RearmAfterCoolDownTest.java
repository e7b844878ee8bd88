package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.stigmer.config.BackoffSpec;
import ai.stigmer.config.RestartPolicy;
import ai.stigmer.config.RestartSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The circuit breaker of {@code restart.rearmAfter}: a component Failed by its restart limit gets
 * one more try after the cool-down (half-open), and is Failed again if that try fails before
 * minUptime. On the manual clock, so every duration is exact.
 */
class RearmAfterCoolDownTest {
    private static final Duration COOL_DOWN = Duration.ofMinutes(30);

    private static Harness crashLooper(Duration rearmAfter) {
        RestartSpec restart = new RestartSpec(RestartPolicy.ALWAYS,
                new BackoffSpec(Duration.ofSeconds(1), 1.0, Duration.ofSeconds(1), 0.0), 3, Duration.ofMinutes(10),
                Duration.ofSeconds(10), rearmAfter);
        Harness h = new Harness(Harness.component(restart, null, null, null));
        h.runtime.onLaunch = i -> i.exit(1);
        return h;
    }

    private static long failedAt(Harness h) {
        h.start();
        h.scheduler.advanceUntil(() -> h.state() == State.FAILED, Duration.ofMinutes(10));
        return h.scheduler.nanoTime();
    }

    @Test
    void aCrashLooperIsRetriedOnceAfterTheCoolDownAndReturnsToFailed() {
        Harness h = crashLooper(COOL_DOWN);
        long failed = failedAt(h);
        assertEquals(4, h.runtime.launched.size(), "the first launch and 3 restarts");

        h.advance(COOL_DOWN.minusNanos(1));
        assertEquals(State.FAILED, h.state(), "still cooling down");
        assertEquals(4, h.runtime.launched.size());

        h.advance(Duration.ofNanos(1));
        assertEquals(5, h.runtime.launched.size(), "one more try, exactly at the end of the cool-down");
        assertEquals(failed + COOL_DOWN.toNanos(), h.scheduler.nanoTime());
        assertEquals(State.FAILED, h.state(), "the try crashed at once: Failed again, no restart");
        assertEquals(1, h.eventsOf(ComponentEvent.Type.REARMED));
        assertEquals(1, h.log.count("INFO", ComponentSupervisor.REARMED + " after 30m (one more try)"));
        assertEquals(1, h.log.count("ERROR", ComponentSupervisor.REARM_FAILED));
        assertEquals(2, h.eventsOf(ComponentEvent.Type.FAILED));

        h.advance(COOL_DOWN);
        assertEquals(6, h.runtime.launched.size(), "after the next cool-down, one more try again");
        assertEquals(State.FAILED, h.state());
    }

    @Test
    void aTryThatOutlivesMinUptimeClosesTheCircuitAndTheLimitCountsAfresh() {
        Harness h = crashLooper(COOL_DOWN);
        failedAt(h);
        h.runtime.onLaunch = i -> {}; // the cause went away during the cool-down
        h.advance(COOL_DOWN);
        assertEquals(State.RUNNING, h.state());
        h.advance(Duration.ofSeconds(10));
        assertEquals(1, h.log.count("INFO", ComponentSupervisor.REARM_HELD));

        h.runtime.onLaunch = i -> i.exit(1);
        h.runtime.last().exit(1);
        h.scheduler.advanceUntil(() -> h.state() == State.FAILED, Duration.ofMinutes(10));
        assertEquals(5 + 3, h.runtime.launched.size(), "3 restarts again before the limit");
    }

    @Test
    void withoutRearmAfterFailedStaysFailed() {
        Harness h = crashLooper(Duration.ZERO);
        failedAt(h);
        h.advance(Duration.ofDays(1));
        assertEquals(State.FAILED, h.state());
        assertEquals(4, h.runtime.launched.size());
        assertEquals(0, h.eventsOf(ComponentEvent.Type.REARMED));
    }

    @Test
    void anOperatorStartDuringTheCoolDownCallsTheRearmOff() {
        Harness h = crashLooper(COOL_DOWN);
        failedAt(h);
        h.runtime.onLaunch = i -> {};
        h.supervisor.start();
        h.scheduler.runDue();
        assertEquals(State.RUNNING, h.state());
        int launches = h.runtime.launched.size();
        h.advance(COOL_DOWN.plusMinutes(1));
        assertEquals(launches, h.runtime.launched.size(), "no rearm of a component that runs");
        assertEquals(0, h.eventsOf(ComponentEvent.Type.REARMED));
    }
}
