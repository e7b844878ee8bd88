package ai.stigmer.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * Whether a daemon lives for a home: the lock it holds on {@code run/daemon.lock} while it runs
 * (SPEC §1, §7: "not running" means no lock held, never a guess from pid files). Read from
 * {@code /proc/locks}, which also names the holder's pid, without touching the lock; where that
 * file cannot be read, by trying a shared lock for an instant.
 */
final class DaemonLock {
    static final String FILE = "daemon.lock";

    /**
     * The lock is held; {@code pid} is the holder, or −1 if it could not be told. {@code proven}: the
     * pid is the lock's holder as the kernel reports it, not only what {@code run/daemon.pid} says.
     */
    record Holder(long pid, boolean proven) {}

    private DaemonLock() {}

    /** The holder of the daemon lock of the home whose {@code run/} is {@code runDir}, if the lock is held. */
    static Optional<Holder> holder(Path runDir) {
        Path file = runDir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            long inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
            long dev = ((Number) Files.getAttribute(file, "unix:dev")).longValue();
            List<String> locks = Files.readAllLines(Path.of("/proc/locks"), StandardCharsets.US_ASCII);
            return fromProcLocks(locks, major(dev), minor(dev), inode);
        } catch (IOException | RuntimeException e) {
            return tryLock(file) ? Optional.empty() : Optional.of(new Holder(pidFile(runDir), false));
        }
    }

    /**
     * The holder among the lines of {@code /proc/locks}, e.g.
     * {@code 1: POSIX  ADVISORY  WRITE 1234 fe:00:1467051 0 EOF}; waiters ({@code ->}) are not holders.
     */
    static Optional<Holder> fromProcLocks(List<String> lines, long major, long minor, long inode) {
        Optional<Holder> unproven = Optional.empty();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || f[1].equals("->")) {
                continue;
            }
            String[] id = f[5].split(":");
            try {
                if (id.length == 3 && Long.parseLong(id[0], 16) == major && Long.parseLong(id[1], 16) == minor
                        && Long.parseLong(id[2]) == inode) {
                    long pid = Long.parseLong(f[4]);
                    // The daemon's lock is exclusive and taken with fcntl (FileChannel.tryLock): a POSIX
                    // WRITE line. A shared (READ) holder is someone looking; a FLOCK or OFDLCK line is
                    // another process's (flock(2) needs only read access) whose pid may since be reused.
                    // Neither is ever signalled, nor hides the daemon's own line after it.
                    if (pid > 0 && f[1].equals("POSIX") && f[3].equals("WRITE")) {
                        return Optional.of(new Holder(pid, true));
                    }
                    unproven = Optional.of(new Holder(-1, false));
                }
            } catch (NumberFormatException e) {
                // a line of another shape: not ours
            }
        }
        return unproven;
    }

    /** glibc's major() of an st_dev, as /proc/locks prints it (hex). */
    static long major(long dev) {
        return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    }

    /** glibc's minor() of an st_dev. */
    static long minor(long dev) {
        return (dev & 0xff) | ((dev >>> 12) & ~0xffL);
    }

    /** True if a shared lock could be taken (and was let go at once): nobody holds the daemon lock. */
    private static boolean tryLock(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            FileLock lock = channel.tryLock(0, Long.MAX_VALUE, true);
            if (lock == null) {
                return false;
            }
            lock.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // this very JVM holds it
        } catch (IOException e) {
            return true; // an unreadable lock file proves nothing is held; the caller reports no answer
        }
    }

    private static long pidFile(Path runDir) {
        try {
            return Long.parseLong(Files.readString(runDir.resolve("daemon.pid")).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
