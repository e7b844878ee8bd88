package ai.stigmer.supervisor;

import static ai.stigmer.probe.ProbeKind.LIVENESS;
import static ai.stigmer.probe.ProbeKind.READINESS;
import static ai.stigmer.probe.ProbeKind.STARTUP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** SPEC §3 probes on the injected clock: startup gates the others, thresholds, readiness. */
class ProbeRulesTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    /** Show 4: no liveness or readiness run before startup succeeds. */
    @Test
    void startupProbeGatesLivenessAndReadiness() {
        Harness h = new Harness(Harness.component(Harness.probe(SECOND, 30), Harness.probe(TEN_SECONDS, 3),
                Harness.probe(Duration.ofSeconds(5), 3)));
        h.prober.then(STARTUP, false, false, false, false).always(STARTUP, true);
        h.start();
        h.advance(Duration.ofSeconds(3));
        assertEquals(State.STARTING, h.state());
        assertFalse(h.status().ready(), "readiness starts as not ready");
        assertEquals(0, h.prober.runsOf(LIVENESS));
        assertEquals(0, h.prober.runsOf(READINESS));

        h.advance(Duration.ofSeconds(2));
        assertEquals(State.RUNNING, h.state());
        assertEquals(1, h.log.count("INFO", ComponentSupervisor.STARTED));
        h.advance(Duration.ofSeconds(1));
        assertTrue(h.prober.runsOf(LIVENESS) >= 1);
        assertTrue(h.status().ready());
    }

    /** Show 4: 30 startup failures in a row: Unhealthy, then a restart. */
    @Test
    void thirtyStartupFailuresLeadToUnhealthyAndARestart() {
        Harness h = new Harness(Harness.component(Harness.probe(SECOND, 30), Harness.probe(TEN_SECONDS, 3), null));
        h.prober.always(STARTUP, false);
        h.start();
        h.advance(Duration.ofMillis(28_900));
        assertEquals(State.STARTING, h.state());
        assertEquals(29, h.prober.runsOf(STARTUP));
        h.advance(Duration.ofMillis(100));
        assertEquals(30, h.prober.runsOf(STARTUP));
        assertEquals(1, h.eventsOf(ComponentEvent.Type.UNHEALTHY));
        assertEquals(State.RESTARTING, h.state());
        assertEquals(1, h.runtime.launched.get(0).stops, "the stuck instance is stopped");
        assertTrue(h.status().lastError().startsWith("startup probe failed 30 times"));
        assertEquals(0, h.prober.runsOf(LIVENESS));
        h.advance(SECOND);
        assertEquals(State.STARTING, h.state());
        assertEquals(2, h.runtime.launched.size());
    }

    /** Show 5: three liveness failures in a row restart. */
    @Test
    void threeConsecutiveLivenessFailuresRestart() {
        Harness h = new Harness(Harness.component(null, Harness.probe(TEN_SECONDS, 3), null));
        h.prober.then(LIVENESS, true, false, false, false);
        h.start();
        h.advance(Duration.ofSeconds(25));
        assertEquals(State.RUNNING, h.state(), "two failures are not enough");
        h.advance(Duration.ofSeconds(5));
        assertEquals(State.RESTARTING, h.state());
        assertEquals(1, h.log.count("WARN", ComponentSupervisor.MARKED_UNHEALTHY));
        assertEquals(3, h.log.count("WARN", ComponentSupervisor.CHECK_FAILED));
        h.advance(SECOND);
        assertEquals(State.RUNNING, h.state());
        assertEquals(1, h.log.count("INFO", ComponentSupervisor.RESTARTED));
        assertEquals(1, h.status().restarts());
    }

    @Test
    void twoLivenessFailuresDoNotRestart() {
        Harness h = new Harness(Harness.component(null, Harness.probe(TEN_SECONDS, 3), null));
        h.prober.then(LIVENESS, false, false).always(LIVENESS, true);
        h.start();
        h.advance(Duration.ofMinutes(5));
        assertEquals(State.RUNNING, h.state());
        assertEquals(1, h.runtime.launched.size());
    }

    @Test
    void threeLivenessFailuresThatAreNotConsecutiveDoNotRestart() {
        Harness h = new Harness(Harness.component(null, Harness.probe(TEN_SECONDS, 3), null));
        h.prober.then(LIVENESS, false, false, true, false, true, false, false, true).always(LIVENESS, true);
        h.start();
        h.advance(Duration.ofMinutes(5));
        assertEquals(State.RUNNING, h.state());
        assertEquals(1, h.runtime.launched.size());
        assertEquals(0, h.eventsOf(ComponentEvent.Type.UNHEALTHY));
    }

    /** Show 5: readiness never restarts; it only flips Ready. */
    @Test
    void readinessFailingOnlyFlipsReady() {
        Harness h = new Harness(Harness.component(null, null, Harness.probe(Duration.ofSeconds(5), 3)));
        h.prober.then(READINESS, true, false, false, false, false, false, true);
        h.start();
        assertTrue(h.status().ready());
        h.advance(Duration.ofSeconds(15));
        assertFalse(h.status().ready());
        assertEquals(1, h.eventsOf(ComponentEvent.Type.NOT_READY));
        h.advance(Duration.ofSeconds(20));
        assertTrue(h.status().ready());
        assertEquals(2, h.eventsOf(ComponentEvent.Type.READY));
        assertEquals(State.RUNNING, h.state());
        assertEquals(1, h.runtime.launched.size());
    }

    @Test
    void withoutStartupProbeRunningAtLaunchAndReadyWithoutReadinessProbe() {
        Harness h = new Harness(Harness.component(null, null, null)).start();
        assertEquals(State.RUNNING, h.state());
        assertTrue(h.status().ready());
        assertEquals(1000, h.status().pid());
    }

    /**
     * A probe whose checks answer in place (process, uptime) answers during its run, on the watchdog:
     * the answer is fed right after that step, not posted through the watchdog's queue again. A
     * passing run costs its timer and nothing more of the scheduler.
     */
    @Test
    void aProbeAnsweredInPlaceIsFedWithoutASecondTripThroughTheWatchdogQueue() {
        Harness h = new Harness(Harness.component(null, Harness.probe(TEN_SECONDS, 3), null));
        h.prober.always(LIVENESS, true);
        h.start();
        h.advance(TEN_SECONDS);
        assertEquals(State.RUNNING, h.state());
        int runs = h.prober.runsOf(LIVENESS);
        int executed = h.scheduler.executed;
        long passes = h.log.count("DEBUG", ComponentSupervisor.CHECK_PASSED + " (liveness)");
        h.advance(Duration.ofSeconds(1000));
        assertEquals(runs + 100, h.prober.runsOf(LIVENESS), "every period, counted from the start of the run before");
        assertEquals(executed, h.scheduler.executed);
        assertEquals(passes + 100, h.log.count("DEBUG", ComponentSupervisor.CHECK_PASSED + " (liveness)"));
    }
}
