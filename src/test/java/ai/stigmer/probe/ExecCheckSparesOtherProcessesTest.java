package ai.stigmer.probe;

import static ai.stigmer.probe.NoInstance.NO_INSTANCE;
import static ai.stigmer.probe.ExecCheckLeavesNoOrphansTest.proberFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Never the wrong process: what started while a check ran, but not from it, survives the check's
 * cleanup, also a process in a session of its own and one with another run's marker.
 */
class ExecCheckSparesOtherProcessesTest {
    private final TaggedProcesses tagged = new TaggedProcesses();

    @AfterEach
    void killLeftovers() {
        tagged.close();
    }

    @Test
    void processesStartedBesideTheCheckSurviveItsCleanup() throws Exception {
        ExecCheck check = new ExecCheck(List.of("sh", "-c", "(" + tagged.sleep(1003) + " &); " + tagged.sleep(1000)));
        try (Prober prober = proberFor(check, Duration.ofSeconds(3))) {
            CompletableFuture<ProbeResult> result = new CompletableFuture<>();
            prober.run(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ZERO, result::complete);
            Await.until("the check runs", Duration.ofSeconds(20), () -> tagged.live().size() >= 3);
            Process plain = new ProcessBuilder("sh", "-c", "exec " + tagged.sleep(1011)).start();
            Process ownSession = new ProcessBuilder("setsid", "sh", "-c", "exec " + tagged.sleep(1012)).start();
            ProcessBuilder otherMarker = new ProcessBuilder("sh", "-c", "exec " + tagged.sleep(1013));
            otherMarker.environment().put(ExecSession.MARKER_ENV, "another-run");
            Process marked = otherMarker.start();
            try {
                assertEquals("timeout", result.get(30, TimeUnit.SECONDS).reason());
                Await.until("the run has cleaned up", Duration.ofSeconds(20), () -> check.runsInProgress() == 0);
                assertEquals(3, tagged.live().size(), "only the three bystanders are left: " + tagged.live());
                assertTrue(plain.isAlive() && ownSession.isAlive() && marked.isAlive());
            } finally {
                plain.destroyForcibly();
                ownSession.destroyForcibly();
                marked.destroyForcibly();
            }
        }
    }
}
