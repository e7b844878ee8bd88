package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.probe.ProbeKind;
import ai.stigmer.runtime.StopFailedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Show 6: a stop that fails (an unkillable process, a Docker engine error, simulated at the runtime
 * seam) never leads to a second instance: the component is Failed with the reason, and nothing is
 * launched until a later stop of the old instance succeeds.
 */
class StopFailureTest {
    private static final String UNKILLABLE = "process 1000 still alive after SIGKILL (uninterruptible sleep)";

    @Test
    void anUnkillableInstanceThatFailsLivenessIsNotReplacedBySecondInstance() {
        Harness h = new Harness(Harness.component(null, Harness.probe(Duration.ofSeconds(10), 3), null));
        h.runtime.onLaunch = i -> i.failStopWith = UNKILLABLE;
        h.prober.always(ProbeKind.LIVENESS, false);
        h.start();
        h.advance(Duration.ofSeconds(30));

        ComponentStatus s = h.status();
        assertEquals(State.FAILED, s.state());
        assertEquals("stop failed: " + UNKILLABLE, s.lastError());
        assertEquals(1000, s.pid(), "what may still live is shown");
        assertFalse(s.stopping());
        assertEquals(1, h.log.count("ERROR", ComponentSupervisor.STOP_FAILED + " (" + UNKILLABLE + ")"));
        assertEquals(1, h.events.stream().filter(e -> e.type() == ComponentEvent.Type.FAILED
                && e.message().startsWith(ComponentSupervisor.STOP_FAILED)).count());

        h.advance(Duration.ofMinutes(10));
        assertEquals(1, h.runtime.launched.size(), "no second instance while the first may live");
        assertEquals(State.FAILED, h.state());
    }

    @Test
    void startAndRestartTryTheStopAgainFirstAndLaunchOnlyWhenItSucceeds() throws Exception {
        Harness h = new Harness(Harness.component(null, null, null));
        h.runtime.onLaunch = i -> i.failStopWith = "docker: Error response from daemon: engine unavailable";
        h.start();
        FakeRuntime.FakeInstance first = h.runtime.last();

        CompletableFuture<Void> stop = h.supervisor.stop();
        h.scheduler.runDue();
        assertEquals(State.FAILED, h.state());
        assertEquals("stop failed: docker: Error response from daemon: engine unavailable", h.status().lastError());
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, stop::get);
        assertInstanceOf(StopFailedException.class, e.getCause());

        CompletableFuture<Void> restart = h.supervisor.restart();
        h.scheduler.runDue();
        assertEquals(2, first.stops, "restart tried the stop again");
        assertTrue(restart.isCompletedExceptionally());
        assertEquals(State.FAILED, h.state());
        h.supervisor.start();
        h.scheduler.runDue();
        assertEquals(3, first.stops, "start tried the stop again");
        assertEquals(1, h.runtime.launched.size(), "and launched nothing");

        first.failStopWith = null; // the engine is back
        CompletableFuture<Void> again = h.supervisor.restart();
        h.scheduler.runDue();
        assertTrue(again.isDone() && !again.isCompletedExceptionally());
        assertEquals(State.RUNNING, h.state());
        assertEquals(2, h.runtime.launched.size());
        assertEquals(1001, h.status().pid());
        assertEquals("", h.status().lastError());
    }

    @Test
    void anOperatorStopOfAStuckInstanceEndsStoppedOnceItsStopSucceeds() {
        Harness h = new Harness(Harness.component(null, null, null));
        h.runtime.onLaunch = i -> i.failStopWith = "cgroup not empty after SIGKILL";
        h.start();
        h.supervisor.stop();
        h.scheduler.runDue();
        assertEquals(State.FAILED, h.state());
        h.runtime.last().failStopWith = null;
        h.supervisor.stop();
        h.scheduler.runDue();
        assertEquals(State.STOPPED, h.state());
        assertEquals(-1, h.status().pid());
        assertEquals(1, h.log.count("INFO", "Component stopped (stop requested)"));
        assertEquals(1, h.runtime.launched.size());
    }

    @Test
    void aCrashedInstanceWhoseStopFailsIsNotRestarted() {
        Harness h = new Harness(Harness.component(null, null, null));
        h.runtime.onLaunch = i -> i.failStopWith = "cgroup not empty after SIGKILL";
        h.start();
        h.runtime.last().exit(1); // the main process died, a descendant lives on
        h.advance(Duration.ofMinutes(5));
        assertEquals(State.FAILED, h.state());
        assertEquals("stop failed: cgroup not empty after SIGKILL", h.status().lastError());
        assertEquals(1, h.runtime.launched.size());
    }

    @Test
    void aStopThatDiesOfAnErrorIsAFailedStopNotAStopForever() {
        DeferredExecutor blocking = new DeferredExecutor();
        Harness h = new Harness(Harness.component(null, null, null), blocking);
        h.runtime.onLaunch = i -> i.failStopWithError = new UnsatisfiedLinkError("Unable to load library 'c'");
        h.start();
        blocking.runAll(h.scheduler);
        assertEquals(State.RUNNING, h.state());

        CompletableFuture<Void> stop = h.supervisor.stop();
        h.scheduler.runDue();
        runAsAPoolThreadWould(blocking, h);

        assertFalse(h.status().stopping(), "a stop whose outcome is unknown must not stay in flight forever");
        assertEquals(State.FAILED, h.state());
        assertTrue(h.status().lastError().startsWith("stop failed: ") && h.status().lastError().contains("Unable to load library"),
                h.status().lastError());
        assertTrue(stop.isCompletedExceptionally(), "the operator's stop() returns, telling the failure");
        h.advance(Duration.ofMinutes(10));
        assertEquals(1, h.runtime.launched.size(), "no second instance while the first may live");
    }

    @Test
    void aLaunchThatDiesOfAnErrorIsAFailedLaunchNotAStartForever() {
        DeferredExecutor blocking = new DeferredExecutor();
        Harness h = new Harness(Harness.component(null, null, null), blocking);
        h.runtime.failLaunchWithError = new NoClassDefFoundError("Could not initialize class ai.stigmer.os.LibC");
        CompletableFuture<Void> start = h.supervisor.start();
        h.scheduler.runDue();
        runAsAPoolThreadWould(blocking, h);

        assertEquals(State.RESTARTING, h.state(), "a failed launch is retried after its backoff");
        assertTrue(h.status().lastError().contains("Could not initialize class"), h.status().lastError());
        assertTrue(start.isDone());
    }

    /** Runs the waiting blocking task; an Error it throws ends that thread, as in the daemon's pool. */
    private static void runAsAPoolThreadWould(DeferredExecutor blocking, Harness h) {
        try {
            blocking.runOne(h.scheduler);
        } catch (Error threadDied) {
            h.scheduler.runDue();
        }
    }
}
