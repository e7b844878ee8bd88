package ai.stigmer.supervisor;

import static ai.stigmer.probe.ProbeKind.READINESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.CheckSpec;
import ai.stigmer.config.ProbeSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SPEC §7 {@code Ready: no (reason)}: the machine records why readiness fails, and forgets it once Ready. */
class ReadinessProblemTest {
    private static final Duration PERIOD = Duration.ofSeconds(5);
    private static final String FAILURE = "readiness: scripted: scripted failure";

    @Test
    void readinessFailureIsRecordedUntilTheProbeMakesItReadyAndClearedThen() {
        Harness h = new Harness(Harness.component(null, null, Harness.probe(PERIOD, 3)));
        h.prober.then(READINESS, false, true, false, false, false, true);
        h.start(); // the first readiness run, at once: it fails
        assertEquals(State.RUNNING, h.state());
        assertFalse(h.status().ready());
        assertTrue(h.status().hasReadinessProbe());
        assertEquals(FAILURE, h.status().readinessProblem());
        assertEquals(FAILURE, h.supervisor.snapshot().readinessFailure());

        h.advance(PERIOD); // passes: Ready
        assertTrue(h.status().ready());
        assertEquals("", h.status().readinessProblem());
        assertEquals("", h.supervisor.snapshot().readinessFailure(), "cleared when ready");

        h.advance(PERIOD.multipliedBy(2)); // two failures: still Ready below the threshold
        assertTrue(h.status().ready());
        assertEquals("", h.status().readinessProblem());

        h.advance(PERIOD); // the third in a row: not Ready, and why
        assertFalse(h.status().ready());
        assertEquals(FAILURE, h.status().readinessProblem());

        h.advance(PERIOD);
        assertTrue(h.status().ready());
        assertEquals("", h.status().readinessProblem());
        assertEquals("", h.supervisor.snapshot().readinessFailure());
    }

    @Test
    void beforeItsFirstResultTheProblemSaysTheProbeHasNotPassedAndAStoppedComponentSaysItsState() {
        ProbeSpec late = new ProbeSpec(Duration.ofSeconds(10), PERIOD, Duration.ofSeconds(1), 1, 3,
                List.of(new CheckSpec.Process()));
        Harness h = new Harness(Harness.component(null, null, late)).start();
        assertEquals(State.RUNNING, h.state());
        assertEquals("readiness probe has not passed yet", h.status().readinessProblem());

        h.supervisor.stop();
        h.scheduler.runDue();
        assertEquals(State.STOPPED, h.state());
        assertEquals("component is Stopped", h.status().readinessProblem());
    }

    @Test
    void withoutReadinessProbeThereIsNoProblemToTell() {
        Harness h = new Harness(Harness.component(null, null, null)).start();
        assertFalse(h.status().hasReadinessProbe());
        assertEquals("", h.status().readinessProblem());
        h.supervisor.stop();
        h.scheduler.runDue();
        assertEquals("", h.status().readinessProblem());
    }
}
