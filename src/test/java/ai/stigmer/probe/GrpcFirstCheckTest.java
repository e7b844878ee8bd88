package ai.stigmer.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.ChildJava;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check timeout holds from the first call: in a fresh JVM (no gRPC or Netty class loaded, as at
 * the daemon's start), the first gRPC probes against a port that accepts and never answers each
 * answer {@code timeout} within the timeout plus a generous slack, channel set-up included.
 */
class GrpcFirstCheckTest {
    private static final long TIMEOUT_MS = 1000;
    /** Generous, for a loaded machine; the fault this guards against answered 6 s late. */
    private static final long SLACK_MS = 3000;

    @TempDir
    Path dir;

    @Test
    void theFirstGrpcChecksOfAFreshJvmKeepTheirTimeoutAgainstASilentPort() throws Exception {
        Process child = ChildJava.start(dir, GrpcFirstCheck.class, Long.toString(TIMEOUT_MS), "3");
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not end");
        assertEquals(0, child.exitValue(), ChildJava.read(dir, "err.txt"));

        List<String> runs = ChildJava.read(dir, "out.txt").lines().filter(l -> l.startsWith("run ")).toList();
        assertEquals(3, runs.size(), ChildJava.read(dir, "out.txt"));
        for (String run : runs) {
            String[] words = run.split(" ", 4);
            long took = Long.parseLong(words[2]);
            assertTrue(took < TIMEOUT_MS + SLACK_MS, run);
            assertTrue(words[3].startsWith("timeout"), run);
        }
    }
}
