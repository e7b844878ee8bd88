package ai.stigmer.probe;

import static ai.stigmer.probe.NoInstance.NO_INSTANCE;
import static ai.stigmer.probe.ExecCheckLeavesNoOrphansTest.proberFor;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A check's output goes nowhere it could pile up: much more than a pipe holds never blocks it. */
class ExecCheckOutputTest {

    @Test
    void megabytesOfOutputOnBothStreamsDoNotBlockTheCheck() {
        List<String> command = List.of("sh", "-c", "head -c 4000000 /dev/zero; head -c 4000000 /dev/zero >&2");
        try (Prober prober = proberFor(new ExecCheck(command), Duration.ofSeconds(20))) {
            ProbeResult result = prober.runNow(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ZERO);
            assertTrue(result.passed(), result.describe());
        }
    }
}
