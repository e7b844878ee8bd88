package ai.stigmer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import ai.stigmer.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "Not running" means nobody holds run/daemon.lock (SPEC §7), and the holder's pid is the kernel's word. */
class DaemonLockTest {
    @TempDir
    Path run;

    @Test
    void noLockFileMeansNoDaemon() {
        assertEquals(Optional.empty(), DaemonLock.holder(run));
    }

    @Test
    void aLockFileNobodyHoldsMeansNoDaemon() throws Exception {
        Files.createFile(run.resolve(DaemonLock.FILE));
        Files.writeString(run.resolve("daemon.pid"), ProcessHandle.current().pid() + "\n");
        assertEquals(Optional.empty(), DaemonLock.holder(run), "a pid file is no proof");
    }

    @Test
    void aHeldLockNamesItsHolderAsTheKernelReportsIt() throws Exception {
        try (FileChannel channel = FileChannel.open(run.resolve(DaemonLock.FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            assertTrue(lock != null);
            assertEquals(Optional.of(new DaemonLock.Holder(ProcessHandle.current().pid(), true)), DaemonLock.holder(run));
        }
        assertEquals(Optional.empty(), DaemonLock.holder(run), "released with the process's file");
    }

    @Test
    void aFlockOfAnotherProcessIsNeverTheDaemon() throws Exception {
        Path file = Files.createFile(run.resolve(DaemonLock.FILE));
        // flock(2) takes an exclusive lock on a read-only descriptor: anyone who can read the file can take it,
        // and the lock outlives its taker in a child, so its pid in /proc/locks may be reused by anything.
        Process other = new ProcessBuilder("flock", "--exclusive", file.toString(), "sleep", "100000").start();
        try {
            long inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
            Await.until("the flock is taken", Duration.ofSeconds(20), () -> procLocks().stream()
                    .anyMatch(l -> l.contains(" FLOCK ") && l.contains(":" + inode + " ")));

            assertEquals(Optional.of(new DaemonLock.Holder(-1, false)), DaemonLock.holder(run),
                    "the daemon's lock is a POSIX lock; a flock is somebody else's, its pid never to be signalled");

            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                assertTrue(channel.tryLock() != null);
                assertEquals(Optional.of(new DaemonLock.Holder(ProcessHandle.current().pid(), true)), DaemonLock.holder(run));
            }
        } finally {
            other.descendants().forEach(ProcessHandle::destroyForcibly);
            other.destroyForcibly().waitFor();
        }
    }

    @Test
    void procLocksLinesAreMatchedByDeviceAndInodeAndWaitersAreSkipped() {
        List<String> lines = List.of(
                "1: FLOCK  ADVISORY  WRITE 2595 fe:00:1467051 0 EOF",
                "2: -> POSIX  ADVISORY  WRITE 77 fe:00:99 0 EOF",
                "3: POSIX  ADVISORY  WRITE 4242 fe:00:99 0 EOF",
                "4: OFDLCK ADVISORY  READ -1 00:06:3 0 EOF",
                "5: POSIX  ADVISORY  READ 5151 fe:00:77 0 EOF");
        assertEquals(Optional.of(new DaemonLock.Holder(4242, true)), DaemonLock.fromProcLocks(lines, 0xfe, 0, 99));
        assertEquals(Optional.of(new DaemonLock.Holder(-1, false)), DaemonLock.fromProcLocks(lines, 0, 6, 3));
        assertEquals(Optional.empty(), DaemonLock.fromProcLocks(lines, 0xfd, 0, 99));
        // A shared lock is somebody looking, not the daemon: held, but its pid is never taken as the daemon's.
        assertEquals(Optional.of(new DaemonLock.Holder(-1, false)), DaemonLock.fromProcLocks(lines, 0xfe, 0, 77));
        assertEquals(0xfe, DaemonLock.major(0xfe00L));
        assertEquals(0x01, DaemonLock.minor(0xfe01L));
    }

    private static List<String> procLocks() {
        try {
            return Files.readAllLines(Path.of("/proc/locks"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
