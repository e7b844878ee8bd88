package ai.stigmer.probe;

import static ai.stigmer.probe.NoInstance.NO_INSTANCE;
import static ai.stigmer.probe.ExecCheckLeavesNoOrphansTest.proberFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9: descendants of an exec check that leave its session ({@code setsid}), are orphaned by a
 * double fork, do both (a daemon), or empty their environment (while their parent lives), are killed at the timeout, and the
 * result says {@code timeout}. Each escapee touches a file once it runs, so the test knows it did
 * escape before the kill rather than never starting.
 */
class ExecCheckKillsEscapedDescendantsTest {
    private static final Duration TIMEOUT = Duration.ofMillis(1500);

    private final TaggedProcesses tagged = new TaggedProcesses();
    @TempDir
    Path dir;

    @AfterEach
    void killLeftovers() {
        tagged.close();
    }

    @Test
    void aDoubleForkedChildIsKilledAtTheTimeout() {
        assertKilledAtTheTimeout("(sh -c 'touch %s; exec %s' &); %s");
    }

    @Test
    void aChildThatCallsSetsidIsKilledAtTheTimeout() {
        assertKilledAtTheTimeout("setsid sh -c 'touch %s; exec %s' & %s");
    }

    @Test
    void aDaemonThatCallsSetsidAndDoubleForksIsKilledAtTheTimeout() {
        assertKilledAtTheTimeout("(setsid sh -c '(touch %s; exec %s) &' &); %s");
    }

    @Test
    void aChildThatEmptiesItsEnvironmentIsKilledWithTheSession() {
        assertKilledAtTheTimeout("env -i sh -c 'touch %s; exec %s' & %s");
    }

    @Test
    void aChildThatLeavesTheSessionAndEmptiesItsEnvironmentIsKilledThroughItsParent() {
        assertKilledAtTheTimeout("setsid env -i sh -c 'touch %s; exec %s' & %s");
    }

    /** An orphan that keeps forking while it is being killed: scans repeat until none is left. */
    @Test
    void anOrphanThatKeepsForkingIsKilledWithEverythingItForked() {
        assertKilledAtTheTimeout("(while :; do touch %s; %s & sleep 0.01; done &); %s");
    }

    /** {@code shape} holds the escapee's file, the escapee's sleep and the hanging command's sleep. */
    private void assertKilledAtTheTimeout(String shape) {
        Path escaped = dir.resolve("escaped");
        String script = String.format(shape, escaped, tagged.sleep(1005), tagged.sleep(1000));
        ExecCheck check = new ExecCheck(List.of("sh", "-c", script));
        try (Prober prober = proberFor(check, TIMEOUT)) {
            ProbeResult result = prober.runNow(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ZERO);
            assertEquals("timeout", result.reason());
            ai.stigmer.testing.Await.until("the run has cleaned up", Duration.ofSeconds(20),
                    () -> check.runsInProgress() == 0);
            assertTrue(Files.exists(escaped), "the escapee ran before the timeout: " + script);
            assertEquals(List.of(), tagged.live(), script);
        }
    }
}
