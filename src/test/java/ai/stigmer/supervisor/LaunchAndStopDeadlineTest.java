package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ProcessSpec;
import ai.stigmer.config.RestartSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/**
 * A launch or a stop always ends in a reported outcome: past its deadline (a launch: 30 s plus the
 * stop timeout; a stop: the stop timeout plus 30 s) it failed with the reason, with backoff and the
 * restart limit as usual; a launch that returns later has its instance stopped, never run beside the
 * next one; a task no thread takes fails at once. Manual time; launches and stops run when the test
 * says, as a hung runtime would never.
 */
class LaunchAndStopDeadlineTest {
    private static final ComponentConfig PLAIN = Harness.component(null, null, null);
    private final DeferredExecutor launches = new DeferredExecutor();
    private final DeferredExecutor stops = new DeferredExecutor();

    private Harness harness(LaunchGate gate) {
        return new Harness(PLAIN, new RuntimeThreads(gate, launches, stops));
    }

    @Test
    void theDeadlinesComeFromTheStopTimeout() {
        assertEquals(Duration.ofSeconds(40), RuntimeCalls.launchDeadline(PLAIN));
        assertEquals(Duration.ofSeconds(40), RuntimeCalls.stopDeadline(PLAIN));
    }

    @Test
    void aLaunchThatDoesNotReturnWithinItsDeadlineFailsWithTheReasonAndBacksOff() {
        Harness h = harness(LaunchGate.unlimited()).start();
        h.advance(Duration.ofSeconds(39));
        assertEquals(State.STARTING, h.state(), "still within 40s");

        h.advance(Duration.ofSeconds(1));
        ComponentStatus s = h.status();
        assertEquals(State.RESTARTING, s.state());
        assertEquals("launch failed: launch did not finish within 40s", s.lastError());
        assertEquals(1, h.log.count("WARN", ComponentSupervisor.MARKED_UNHEALTHY
                + " (launch failed: launch did not finish within 40s)"));
        assertEquals(1, s.restarts());
        assertTrue(s.nextRestartInMillis() > 0, "backoff as for any failed launch");
    }

    @Test
    void hungLaunchesCountAgainstTheRestartLimit() {
        ComponentConfig limited = new ComponentConfig("worker", List.of(), new RestartSpec(
                RestartSpec.DEFAULT.policy(), RestartSpec.DEFAULT.backoff(), 2, Duration.ofMinutes(10),
                Duration.ofSeconds(10)), Duration.ofSeconds(10), null, null, null,
                new ProcessSpec(List.of("/bin/true"), Map.of(), null), null);
        Harness h = new Harness(limited, new RuntimeThreads(LaunchGate.unlimited(), launches, stops)).start();
        h.scheduler.advanceUntil(() -> h.state() == State.FAILED, Duration.ofMinutes(5));
        assertEquals(3, launches.pending(), "three launches tried, each given up");
        assertTrue(h.log.count("ERROR", ComponentSupervisor.LIMIT_EXCEEDED) == 1);
    }

    @Test
    void aLaunchThatReturnsAfterItsDeadlineHasItsInstanceStoppedNeverBesideTheNext() {
        Harness h = harness(LaunchGate.unlimited()).start();
        h.advance(Duration.ofSeconds(40));
        assertEquals(State.RESTARTING, h.state());

        launches.runOne(h.scheduler); // the hung launch returns after all
        FakeRuntime.FakeInstance late = h.runtime.last();
        assertEquals(1, h.log.count("WARN", "Stopping instance pid 1000: its launch returned after it had been given up"));
        stops.runAll(h.scheduler);
        assertEquals(1, late.stops);
        assertFalse(late.isAlive());

        h.advance(Duration.ofSeconds(2)); // the backoff
        launches.runAll(h.scheduler);
        assertEquals(State.RUNNING, h.state());
        assertEquals(1001, h.status().pid());
        assertEquals(1, h.runtime.launched.stream().filter(FakeRuntime.FakeInstance::isAlive).count(),
                "exactly one live instance");
    }

    @Test
    void theSlotOfALaunchPastItsDeadlineGoesToTheNextInLine() {
        LaunchGate gate = new LaunchGate(1);
        Harness hung = new Harness(PLAIN, new RuntimeThreads(gate, launches, stops));
        Harness next = new Harness(Harness.component(null, null, null), new RuntimeThreads(gate, launches, stops),
                hung.scheduler);
        hung.supervisor.start();
        next.supervisor.start();
        hung.scheduler.runDue();
        assertEquals(1, next.status().launchQueuePosition());

        hung.advance(Duration.ofSeconds(40));
        assertEquals(0, next.status().launchQueuePosition(), "admitted once the hung launch was given up");
        assertEquals(2, launches.pending(), "the hung one and the next one");
    }

    @Test
    void aStopThatDoesNotReturnWithinStopTimeoutPlusGraceFailsAndNothingIsLaunched() {
        Harness h = harness(LaunchGate.unlimited()).start();
        launches.runAll(h.scheduler);
        assertEquals(State.RUNNING, h.state());
        CompletableFuture<Void> restart = h.supervisor.restart();
        h.scheduler.runDue();
        h.advance(Duration.ofSeconds(39));
        assertTrue(h.status().stopping());

        h.advance(Duration.ofSeconds(1));
        ComponentStatus s = h.status();
        assertEquals(State.FAILED, s.state());
        assertEquals("stop failed: stop did not finish within 40s", s.lastError());
        assertEquals(1000, s.pid(), "what may still live is shown");
        assertTrue(restart.isCompletedExceptionally());
        assertEquals(1, h.log.count("ERROR", ComponentSupervisor.STOP_FAILED + " (stop did not finish within 40s)"));
        h.advance(Duration.ofMinutes(10));
        assertEquals(0, launches.pending(), "no second instance while the first may live");

        stops.runAll(h.scheduler); // the hung stop returns after all: the instance is gone
        assertEquals("", h.status().lastError());
        assertEquals(-1, h.status().pid());
        h.supervisor.start();
        h.scheduler.runDue();
        launches.runAll(h.scheduler);
        assertEquals(State.RUNNING, h.state());
        assertEquals(2, h.runtime.launched.size());
    }

    @Test
    void aLaunchNoThreadTakesFailsWithTheReasonAndHoldsNoSlot() {
        LaunchGate gate = new LaunchGate(1);
        Harness h = new Harness(PLAIN, new RuntimeThreads(gate, task -> {
            throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource limits reached");
        }, stops)).start();

        ComponentStatus s = h.status();
        assertEquals(State.RESTARTING, s.state());
        assertEquals("launch failed: no thread to launch on: java.lang.OutOfMemoryError: unable to create native "
                + "thread: possibly out of memory or process/resource limits reached", s.lastError());
        assertEquals(0, gate.inFlight(), "the slot is free again");
        assertEquals(0, h.runtime.launched.size());
    }

    @Test
    void aProbeNoThreadTakesIsNeitherAFailureNorTheEndOfItsLoop() {
        Harness h = new Harness(Harness.component(null, Harness.probe(Duration.ofSeconds(10), 3), null),
                RuntimeThreads.of(Runnable::run));
        h.prober.refuseWith = new OutOfMemoryError("unable to create native thread");
        h.start();
        h.advance(Duration.ofSeconds(60));
        assertEquals(State.RUNNING, h.state(), "no thread for a check is no reason to restart");
        assertEquals(0, h.status().restarts());
        assertTrue(h.log.count("WARN", ComponentSupervisor.CHECK_NOT_RUN) >= 5, h.log.toString());

        h.prober.refuseWith = null;
        h.prober.always(ai.stigmer.probe.ProbeKind.LIVENESS, false);
        h.advance(Duration.ofSeconds(40));
        assertEquals(1, h.log.count("WARN", ComponentSupervisor.MARKED_UNHEALTHY + " (liveness probe failed 3 times"),
                "the loop went on: the failing check counts once it can run");
    }

    @Test
    void aStopNoThreadTakesIsAStopFailureAndNoSecondInstance() {
        Harness h = new Harness(PLAIN, new RuntimeThreads(LaunchGate.unlimited(), Runnable::run, task -> {
            throw new RejectedExecutionException("pool full");
        })).start();
        assertEquals(State.RUNNING, h.state());

        h.runtime.last().exit(137);
        h.scheduler.runDue();
        h.advance(Duration.ofMinutes(10));
        assertEquals(State.FAILED, h.state());
        assertEquals("stop failed: no thread to stop on: pool full", h.status().lastError());
        assertEquals(1, h.runtime.launched.size(), "nothing launched while the old instance's stop could not run");
    }
}
