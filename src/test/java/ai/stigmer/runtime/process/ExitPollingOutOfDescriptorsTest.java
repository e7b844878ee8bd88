package ai.stigmer.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.os.Descriptors;
import ai.stigmer.os.LibC;
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
 * The exit watcher in a JVM that cannot open a file descriptor. Polling /proc (an adopted process
 * without a pidfd): the process's stat cannot be read, and that is not taken for its exit (which
 * would start a second instance beside a live one); once descriptors are back, its real exit is
 * seen. With a pidfd: its readiness is the exit, seen at once, short or not.
 * Run in a child JVM, since the test's own JVM must keep its descriptors for the tests beside it.
 */
class ExitPollingOutOfDescriptorsTest {
    private static final int RLIMIT_NOFILE = 7;

    @TempDir
    Path dir;

    @Test
    void aStatThatCannotBeReadForLackOfDescriptorsIsNoExit() throws Exception {
        String out = child("polling", dir.resolve("polling"));
        assertTrue(out.contains("short of descriptors: true"), out);
        assertTrue(out.contains("exit seen while short: false"), out);
        assertTrue(out.contains("exit seen after the kill: true"), out);
    }

    /** With a pidfd, its readiness is the exit: seen while the daemon is short, not waited for. */
    @Test
    void aPidfdThatPollsReadableIsAnExitEvenWhileShort() throws Exception {
        String out = child("pidfd", dir.resolve("pidfd"));
        assertTrue(out.contains("short of descriptors: true"), out);
        assertTrue(out.contains("exit seen while short: true"), out);
    }

    private static String child(String mode, Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        Process child = ChildJava.start(dir, ExitPollingOutOfDescriptorsTest.class, mode);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child JVM ends");
        String out = ChildJava.read(dir, "out.txt");
        assertEquals(0, child.exitValue(), out + ChildJava.read(dir, "err.txt"));
        return out;
    }

    /** getrlimit/setrlimit on a {@code struct rlimit} of two 64-bit counts. */
    interface Limits extends Library {
        int getrlimit(int resource, long[] limit);

        int setrlimit(int resource, long[] limit);
    }

    /**
     * The child: an adopted process watched by /proc polling ({@code polling}: left alone while short,
     * killed once descriptors are back) or through a pidfd ({@code pidfd}: killed while short).
     */
    public static void main(String[] args) throws Exception {
        boolean pidfd = args[0].equals("pidfd");
        Limits libc = Native.load("c", Limits.class);
        try (OrphanProcess p = OrphanProcess.start(Map.of(), "sleep", "1000")) {
            ExitWatcher watcher = new ExitWatcher(pidfd);
            CompletableFuture<ExitStatus> exited = watcher.watch(p.pid, p.startTicks);
            // Loaded before, as everything else the rounds below may run: this JVM loads classes from
            // target/classes, a file each, which no JVM can open while it is short.
            Descriptors.shortage();
            ExitStatus.UNKNOWN.toString();
            if (!pidfd) {
                awaitRounds(watcher, 3); // a pidfd watcher sleeps in poll(2) until something happens
            }

            long[] before = new long[2];
            libc.getrlimit(RLIMIT_NOFILE, before);
            boolean short_;
            boolean seenWhileShort;
            libc.setrlimit(RLIMIT_NOFILE, new long[] {3, before[1]}); // 0, 1 and 2 are taken: nothing more opens
            try {
                short_ = Descriptors.shortage() != null;
                if (pidfd) {
                    LibC.kill(p.pid, 9);
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (!exited.isDone() && System.nanoTime() < until) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                } else {
                    awaitRounds(watcher, 10); // each reads a stat it cannot open
                }
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

    /** Waits until the watcher has begun {@code count} more rounds (at most 30 s). */
    private static void awaitRounds(ExitWatcher watcher, int count) {
        long target = watcher.rounds() + count;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (watcher.rounds() < target && System.nanoTime() < until) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
