package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.CheckSpec;
import ai.stigmer.config.ProbeSpec;
import ai.stigmer.config.RestartPolicy;
import ai.stigmer.probe.ProbeKind;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * MonitoringActive needs every probe that should be running to keep producing results; a probe that
 * stopped is started over and logged. On the manual clock: period 1 s, timeout 1 s, one check, so a
 * probe is stale after 2 × 1 s + 1 s + one heartbeat = 4 s without a result.
 */
class ProbeWatchTest {
    private static final ProbeSpec EVERY_SECOND = Harness.probe(Duration.ofSeconds(1), 3);
    private static final String RESTARTED = "Probe liveness of worker stopped producing results; restarted";

    private static Supervisor supervise(Harness h) {
        Supervisor supervisor = new Supervisor(List.of(h.supervisor), h.scheduler);
        supervisor.start(c -> Optional.empty());
        h.scheduler.runDue();
        return supervisor;
    }

    @Test
    void aProbeThatStoppedProducingResultsIsRestartedAndLoggedAndInactiveMeanwhile() {
        Harness h = new Harness(Harness.component(null, EVERY_SECOND, null));
        h.prober.hold(ProbeKind.LIVENESS, 1); // its first run never answers: the loop has stopped
        Supervisor supervisor = supervise(h);
        assertEquals(State.RUNNING, h.state());

        h.advance(Duration.ofSeconds(3));
        assertTrue(supervisor.monitoringActive(), "within 2 × period + timeout");
        h.scheduler.advanceUntil(() -> !supervisor.monitoringActive(), Duration.ofSeconds(10));
        assertTrue(supervisor.monitoringProblem().startsWith("liveness probe of worker: no result for "),
                supervisor.monitoringProblem());
        assertEquals(1, h.log.count("WARN", RESTARTED), h.log.lines.toString());

        h.scheduler.advanceUntil(supervisor::monitoringActive, Duration.ofSeconds(3));
        assertEquals("", supervisor.monitoringProblem());
        assertEquals(1, h.log.count("WARN", RESTARTED), "restarted once");
        assertEquals(State.RUNNING, h.state());
    }

    @Test
    void theLateAnswerOfARestartedProbeDoesNotStartASecondLoop() {
        Harness h = new Harness(Harness.component(null, EVERY_SECOND, null));
        h.prober.hold(ProbeKind.LIVENESS, 1);
        Supervisor supervisor = supervise(h);
        h.scheduler.advanceUntil(() -> h.log.count("WARN", RESTARTED) == 1, Duration.ofSeconds(10));
        h.advance(Duration.ofSeconds(2));

        h.prober.releaseHeld();
        int before = h.prober.runsOf(ProbeKind.LIVENESS);
        h.advance(Duration.ofSeconds(10));
        int runs = h.prober.runsOf(ProbeKind.LIVENESS) - before;
        assertTrue(runs >= 9 && runs <= 11, "one run a second, not two: " + runs);
        assertTrue(supervisor.monitoringActive());
    }

    @Test
    void noProbeIsDueWhileThereIsNothingToProbe() {
        Harness h = new Harness(Harness.component(Harness.policy(RestartPolicy.NEVER), null, EVERY_SECOND, null));
        h.prober.hold(ProbeKind.LIVENESS, 100);
        Supervisor supervisor = supervise(h);
        h.runtime.last().exit(1);
        h.scheduler.runDue();
        assertEquals(State.FAILED, h.state());

        h.advance(Duration.ofSeconds(30));
        assertTrue(supervisor.monitoringActive(), supervisor.monitoringProblem());
        assertEquals(0, h.log.count("WARN", RESTARTED));
    }

    @Test
    void aStartupProbeIsDueOnlyOnceTheInstanceIsLaunchedAndItsInitialDelayHasPassed() {
        ProbeSpec startup = new ProbeSpec(Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 30,
                List.of(new CheckSpec.Process()));
        DeferredExecutor launches = new DeferredExecutor();
        Harness h = new Harness(Harness.component(startup, null, null), launches);
        h.prober.always(ProbeKind.STARTUP, false);
        Supervisor supervisor = supervise(h);

        h.advance(Duration.ofSeconds(20));
        assertEquals(State.STARTING, h.state());
        assertTrue(supervisor.monitoringActive(), "a launch in flight has nothing to probe yet");

        launches.runAll(h.scheduler);
        h.advance(Duration.ofSeconds(9));
        assertTrue(supervisor.monitoringActive(), "the first run comes after initialDelay");
        h.advance(Duration.ofSeconds(10));
        assertTrue(supervisor.monitoringActive(), "failures are results too");
        assertTrue(h.prober.runsOf(ProbeKind.STARTUP) >= 9);

        h.prober.hold(ProbeKind.STARTUP, 1);
        h.scheduler.advanceUntil(() -> !supervisor.monitoringActive(), Duration.ofSeconds(10));
        assertTrue(supervisor.monitoringProblem().startsWith("startup probe of worker: no result for "),
                supervisor.monitoringProblem());
        assertEquals(1, h.log.count("WARN", "Probe startup of worker stopped producing results; restarted"));
    }
}
