package ai.stigmer.probe;

import ai.stigmer.os.LibC;
import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * SIGKILL for one process named by pid <em>and</em> start time, never for whatever holds the pid now
 * (SPEC §4, never the wrong process). Where the kernel has pidfds (Linux 5.3), the pid is pinned
 * with {@code pidfd_open} first, the start time is read again, and the signal goes through the
 * pidfd: if the pid was reused in between, the start time differs and nothing is sent. Without
 * pidfds, the start time is checked just before {@code kill(2)}.
 */
final class VerifiedKill {
    private interface C extends Library {
        long syscall(long number, Object... args) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final C LIBC = Native.load("c", C.class);
    private static final int SIGKILL = 9;
    private static final int ESRCH = 3;
    private static final int ENOSYS = 38;
    // Numbers of the generic syscall table, shared by x86_64 and aarch64.
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final long SYS_PIDFD_OPEN = 434;
    private static volatile boolean pidfds = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64", "aarch64" -> true;
        default -> false;
    };

    private VerifiedKill() {}

    /** Loads libc now, so that the first kill does not spend a check's time on it. */
    static void load() {
        // the static initializer has run by the time this is called
    }

    /**
     * Sends SIGKILL to {@code pid} if it is still the process that started at {@code startTicks}.
     * Returns true if the signal was sent, false if that process is gone or the pid is another's.
     */
    static boolean kill(long pid, long startTicks) {
        if (pid <= 1) {
            return false;
        }
        if (pidfds) {
            int fd;
            try {
                fd = (int) LIBC.syscall(SYS_PIDFD_OPEN, pid, 0L);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == ESRCH) {
                    return false;
                }
                if (e.getErrorCode() != ENOSYS) {
                    throw new IllegalStateException("pidfd_open(" + pid + ") failed: errno " + e.getErrorCode(), e);
                }
                pidfds = false;
                return killWithoutPidfd(pid, startTicks);
            }
            try {
                if (!isStill(pid, startTicks)) {
                    return false;
                }
                LIBC.syscall(SYS_PIDFD_SEND_SIGNAL, (long) fd, (long) SIGKILL, 0L, 0L);
                return true;
            } catch (LastErrorException e) {
                if (e.getErrorCode() == ESRCH) {
                    return false;
                }
                throw new IllegalStateException("pidfd_send_signal(" + pid + ") failed: errno " + e.getErrorCode(), e);
            } finally {
                closeQuietly(fd);
            }
        }
        return killWithoutPidfd(pid, startTicks);
    }

    private static boolean killWithoutPidfd(long pid, long startTicks) {
        if (!isStill(pid, startTicks)) {
            return false;
        }
        return LibC.kill(pid, SIGKILL);
    }

    private static void closeQuietly(int fd) {
        try {
            LIBC.close(fd);
        } catch (LastErrorException e) {
            // the descriptor is released either way
        }
    }

    private static boolean isStill(long pid, long startTicks) {
        return ProcessTable.read(pid).filter(e -> !e.gone() && e.startTicks() == startTicks).isPresent();
    }
}
