package ai.stigmer.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.os.Descriptors;
import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.testing.ChildJava;
import ai.stigmer.testing.OrphanProcess;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit watcher's /proc polling (an adopted process without a pidfd) in a JVM that cannot open a
 * file descriptor: the process's stat cannot be read, and that is not taken for its exit (which
 * would start a second instance beside a live one). Once descriptors are back, its real exit is seen.
 * Run in a child JVM, since the test's own JVM must keep its descriptors for the tests beside it.
 */
class ExitPollingOutOfDescriptorsTest {
    private static final int RLIMIT_NOFILE = 7;

    @TempDir
    Path dir;

    @Test
    void aStatThatCannotBeReadForLackOfDescriptorsIsNoExit() throws Exception {
        Process child = ChildJava.start(dir, ExitPollingOutOfDescriptorsTest.class);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child JVM ends");
        String out = ChildJava.read(dir, "out.txt");
        assertEquals(0, child.exitValue(), out + ChildJava.read(dir, "err.txt"));
        assertTrue(out.contains("short of descriptors: true"), out);
        assertTrue(out.contains("exit seen while short: false"), out);
        assertTrue(out.contains("exit seen after the kill: true"), out);
    }

    /** getrlimit/setrlimit on a {@code struct rlimit} of two 64-bit counts. */
    interface Limits extends Library {
        int getrlimit(int resource, long[] limit);

        int setrlimit(int resource, long[] limit);
    }

    /** The child: an adopted process watched by polling while no descriptor can be had. */
    public static void main(String[] args) throws Exception {
        Limits libc = Native.load("c", Limits.class);
        try (OrphanProcess p = OrphanProcess.start(Map.of(), "sleep", "1000")) {
            ExitWatcher polling = new ExitWatcher(false);
            CompletableFuture<ExitStatus> exited = polling.watch(p.pid, p.startTicks);
            // Loaded before, as everything else the rounds below may run: this JVM loads classes from
            // target/classes, a file each, which no JVM can open while it is short.
            Descriptors.shortage();
            ExitStatus.UNKNOWN.toString();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5L * ExitWatcher.POLL_MILLIS));

            long[] before = new long[2];
            libc.getrlimit(RLIMIT_NOFILE, before);
            boolean short_;
            boolean seenWhileShort;
            libc.setrlimit(RLIMIT_NOFILE, new long[] {3, before[1]}); // 0, 1 and 2 are taken: nothing more opens
            try {
                short_ = Descriptors.shortage() != null;
                // Ten rounds of polling, each reading a stat it cannot open.
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10L * ExitWatcher.POLL_MILLIS));
                seenWhileShort = exited.isDone();
            } finally {
                libc.setrlimit(RLIMIT_NOFILE, before);
            }
            p.kill();
            boolean seenAfter = exited.get(60, TimeUnit.SECONDS) != null;
            System.out.println("short of descriptors: " + short_);
            System.out.println("exit seen while short: " + seenWhileShort);
            System.out.println("exit seen after the kill: " + seenAfter);
        }
    }
}
