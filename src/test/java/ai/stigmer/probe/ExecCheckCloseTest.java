package ai.stigmer.probe;

import static ai.stigmer.probe.NoInstance.NO_INSTANCE;
import static ai.stigmer.probe.ExecCheckLeavesNoOrphansTest.proberFor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.stigmer.testing.Await;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When the daemon shuts down it closes its probers: an exec check still running then, and what it
 * started, is killed at once; a run that starts after the close is killed as it starts.
 */
class ExecCheckCloseTest {
    private final TaggedProcesses tagged = new TaggedProcesses();

    @AfterEach
    void killLeftovers() {
        tagged.close();
    }

    @Test
    void closingTheProberKillsARunningCheckAndWhatItStarted() {
        ExecCheck check = new ExecCheck(List.of("sh", "-c",
                "(setsid " + tagged.sleep(1009) + " &); " + tagged.sleep(1000)));
        Prober prober = proberFor(check, Duration.ofSeconds(60));
        try {
            prober.run(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ZERO, r -> {});
            Await.until("the check and its escapee run", Duration.ofSeconds(20), () -> tagged.live().size() >= 3);
        } finally {
            prober.close();
        }
        assertEquals(List.of(), tagged.live());
    }

    @Test
    void aRunAfterTheCloseIsKilledAsItStarts() throws Exception {
        ExecCheck check = new ExecCheck(List.of("sh", "-c", tagged.sleep(1000)));
        check.close();
        CheckResult result = check.run(new CheckContext(NO_INSTANCE, Duration.ZERO, ProbeKind.LIVENESS, Duration.ofSeconds(60)));
        assertEquals("closed", result.reason());
        assertEquals(List.of(), tagged.live());
    }
}
