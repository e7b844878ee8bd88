package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.RestartPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per move of the SPEC §3 table that the rule tests do not already name. */
class TransitionsTest {

    @Test
    void illegalMovesAreRefused() {
        assertFalse(Transitions.legal(State.RUNNING, State.STARTING));
        assertFalse(Transitions.legal(State.STOPPED, State.RUNNING));
        assertFalse(Transitions.legal(State.RESTARTING, State.RUNNING));
        assertFalse(Transitions.legal(State.FAILED, State.RESTARTING));
        assertTrue(Transitions.legal(State.UNHEALTHY, State.RESTARTING));
    }

    @Test
    void stoppedToStartingToRunningOnStart() {
        Harness h = new Harness(Harness.component(null, null, null)).start();
        List<State> moves = h.events.stream().filter(e -> e.type() == ComponentEvent.Type.STATE_CHANGED)
                .map(ComponentEvent::to).toList();
        assertEquals(List.of(State.STARTING, State.RUNNING), moves);
    }

    @Test
    void runningToUnhealthyAtOnceWhenTheInstanceExits() {
        Harness h = new Harness(Harness.component(null, Harness.probe(Duration.ofSeconds(10), 3), null)).start();
        h.runtime.last().exit(137);
        h.scheduler.runDue();
        assertEquals(1, h.eventsOf(ComponentEvent.Type.UNHEALTHY));
        assertEquals(State.RESTARTING, h.state());
        assertEquals("killed by signal 9 (SIGKILL)", h.status().lastError());
        assertEquals(137, h.status().lastExitCode());
    }

    @Test
    void anyToStoppedOnStopAndTheInstanceIsStopped() {
        Harness h = new Harness(Harness.component(null, null, null)).start();
        h.supervisor.stop();
        h.scheduler.runDue();
        assertEquals(State.STOPPED, h.state());
        assertEquals(1, h.runtime.last().stops);
        assertEquals(-1, h.status().pid());
        h.advance(Duration.ofMinutes(1));
        assertEquals(1, h.runtime.launched.size(), "a stopped component stays stopped");
    }

    @Test
    void restartingToStoppedOnStopCancelsTheRestart() {
        Harness h = new Harness(Harness.component(null, null, null)).start();
        h.runtime.last().exit(1);
        h.scheduler.runDue();
        assertEquals(State.RESTARTING, h.state());
        h.supervisor.stop();
        h.advance(Duration.ofMinutes(1));
        assertEquals(State.STOPPED, h.state());
        assertEquals(1, h.runtime.launched.size());
    }

    @Test
    void failedToStartingOnManualRestartWithCountersReset() {
        Harness h = new Harness(Harness.component(null, null, null));
        h.runtime.onLaunch = i -> i.exit(1);
        h.start();
        h.scheduler.advanceUntil(() -> h.state() == State.FAILED, Duration.ofMinutes(10));
        h.runtime.onLaunch = i -> {};
        h.supervisor.restart();
        h.scheduler.runDue();
        assertEquals(State.RUNNING, h.state());
        assertEquals(0, h.status().restarts());
        assertEquals(0, h.status().restartsInWindow());
        assertEquals(0, h.status().consecutiveFailures());
        assertEquals("", h.status().lastError());
    }

    @Test
    void unhealthyToStoppedOnCleanExitUnderOnFailure() {
        Harness h = new Harness(Harness.component(Harness.policy(RestartPolicy.ON_FAILURE), null, null, null)).start();
        h.runtime.last().exit(0);
        h.scheduler.runDue();
        assertEquals(State.STOPPED, h.state());
    }

    @Test
    void unhealthyToRestartingOnFailureUnderOnFailure() {
        Harness h = new Harness(Harness.component(Harness.policy(RestartPolicy.ON_FAILURE), null, null, null)).start();
        h.runtime.last().exit(3);
        h.scheduler.runDue();
        assertEquals(State.RESTARTING, h.state());
    }

    @Test
    void unhealthyToFailedOnFailureUnderNever() {
        Harness h = new Harness(Harness.component(Harness.policy(RestartPolicy.NEVER), null, null, null)).start();
        h.runtime.last().exit(3);
        h.scheduler.runDue();
        assertEquals(State.FAILED, h.state());
        assertEquals(1, h.eventsOf(ComponentEvent.Type.FAILED));
    }

    @Test
    void unhealthyToRestartingAfterCleanExitUnderAlways() {
        Harness h = new Harness(Harness.component(null, null, null)).start();
        h.runtime.last().exit(0);
        h.scheduler.runDue();
        assertEquals(State.RESTARTING, h.state());
    }

    @Test
    void startingToUnhealthyWhenLaunchFails() {
        Harness h = new Harness(Harness.component(null, null, null));
        h.runtime.failLaunchWith = "command not found: nope";
        h.start();
        assertEquals(State.RESTARTING, h.state());
        assertEquals("launch failed: command not found: nope", h.status().lastError());
    }

    @Test
    void stopWhileALaunchIsInFlightStopsWhatTheLaunchStarts() {
        java.util.ArrayDeque<Runnable> blocking = new java.util.ArrayDeque<>();
        Harness h = new Harness(Harness.component(null, null, null), blocking::add);
        h.start();
        assertEquals(State.STARTING, h.state());
        h.supervisor.stop();
        h.scheduler.runDue();
        assertEquals(State.STOPPED, h.state());
        blocking.poll().run(); // the launch returns only now
        h.scheduler.runDue();
        while (!blocking.isEmpty()) {
            blocking.poll().run();
            h.scheduler.runDue();
        }
        assertEquals(1, h.runtime.launched.size());
        assertEquals(1, h.runtime.last().stops, "the late instance is stopped, not left running");
        assertEquals(State.STOPPED, h.state());
        assertEquals(-1, h.status().pid());
    }

    @Test
    void nothingStartsAgainAfterShutdown() {
        Harness h = new Harness(Harness.component(null, null, null)).start();
        h.runtime.last().exit(1);
        h.scheduler.runDue();
        assertEquals(State.RESTARTING, h.state());
        h.supervisor.shutdown();
        h.supervisor.start();
        h.supervisor.restart();
        h.advance(Duration.ofMinutes(5));
        assertEquals(State.STOPPED, h.state());
        assertEquals(1, h.runtime.launched.size());
    }

    @Test
    void probeTimersStayBoundedOverALongRun() {
        Harness h = new Harness(Harness.component(null, Harness.probe(Duration.ofSeconds(1), 3),
                Harness.probe(Duration.ofSeconds(1), 3))).start();
        h.advance(Duration.ofHours(2));
        assertEquals(State.RUNNING, h.state());
        assertTrue(h.supervisor.pendingTimers() <= 3, "pending timers: " + h.supervisor.pendingTimers());
    }

    @Test
    void stoppedToFailedWhenTheStopFails() {
        Harness h = new Harness(Harness.component(null, null, null));
        h.runtime.onLaunch = i -> i.failStopWith = "engine error";
        h.start();
        h.supervisor.stop();
        h.scheduler.runDue();
        List<State> moves = h.events.stream().filter(e -> e.type() == ComponentEvent.Type.STATE_CHANGED)
                .map(ComponentEvent::to).toList();
        assertEquals(List.of(State.STARTING, State.RUNNING, State.STOPPED, State.FAILED), moves);
        assertTrue(Transitions.legal(State.STOPPED, State.FAILED));
        assertFalse(Transitions.legal(State.STOPPED, State.RESTARTING));
    }
}
