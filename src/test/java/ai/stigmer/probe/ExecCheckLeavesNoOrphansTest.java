package ai.stigmer.probe;

import static ai.stigmer.probe.NoInstance.NO_INSTANCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.CheckSpec;
import ai.stigmer.config.ProbeSpec;
import ai.stigmer.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, Show 2: an exec check whose command leaves a background child and hangs leaves no orphan,
 * run after run; and one that passes has its leftovers killed too.
 */
class ExecCheckLeavesNoOrphansTest {
    private final TaggedProcesses tagged = new TaggedProcesses();

    @AfterEach
    void killLeftovers() {
        tagged.close();
    }

    static Prober proberFor(ExecCheck check, Duration timeout) {
        ProbeSpec spec = new ProbeSpec(Duration.ZERO, Duration.ofSeconds(1), timeout, 1, 1,
                List.of(new CheckSpec.Exec(List.of("unused"))));
        return new Prober("t", Map.of(ProbeKind.LIVENESS, spec), Map.of(ProbeKind.LIVENESS, List.of(check)));
    }

    @Test
    void aHangingCheckWithABackgroundChildLeavesNoOrphanAfter100Runs() {
        List<String> command = List.of("sh", "-c", "(" + tagged.sleep(1003) + " &); " + tagged.sleep(1000));
        long started = System.nanoTime();
        for (int run = 1; run <= 100; run++) {
            ExecCheck check = new ExecCheck(command);
            Prober prober = proberFor(check, Duration.ofMillis(200));
            try {
                ProbeResult result = prober.runNow(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ZERO);
                assertEquals("timeout", result.reason(), "run " + run);
                // The run itself cleans up (the prober is closed only afterwards, so close() is not what kills).
                int n = run;
                Await.until("run " + n + " has killed its command and its background child", Duration.ofSeconds(20),
                        () -> check.runsInProgress() == 0 && tagged.live().isEmpty());
            } finally {
                prober.close();
            }
        }
        assertEquals(List.of(), tagged.live());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(120).toNanos(),
                "100 runs of a 200 ms check took " + Duration.ofNanos(System.nanoTime() - started));
    }

    @Test
    void aCheckThatPassesHasTheChildItLeftBehindKilled() {
        List<String> command = List.of("sh", "-c", "(setsid " + tagged.sleep(1004) + " &)");
        try (Prober prober = proberFor(new ExecCheck(command), Duration.ofSeconds(10))) {
            ProbeResult result = prober.runNow(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ZERO);
            assertTrue(result.passed(), result.describe());
            // Killed before the result came back: the run waits until none of its processes is left.
            assertEquals(List.of(), tagged.live());
        }
    }

    @Test
    void aCheckThatFailsHasTheChildItLeftBehindKilled() {
        List<String> command = List.of("sh", "-c", "(" + tagged.sleep(1004) + " &); exit 3");
        try (Prober prober = proberFor(new ExecCheck(command), Duration.ofSeconds(10))) {
            assertEquals("exit code 3", prober.runNow(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ZERO).reason());
            assertEquals(List.of(), tagged.live());
        }
    }
}
