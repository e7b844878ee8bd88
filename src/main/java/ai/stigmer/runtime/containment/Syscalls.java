package ai.stigmer.runtime.containment;

import ai.stigmer.os.LibC;
import ai.stigmer.runtime.Signals;
import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux calls containment needs and the JDK lacks: signals through a pidfd (so that a pid reused
 * between the check and the signal is never hit), the child-subreaper flag, and the reap of one
 * given child. The pidfd syscall numbers (424, 434) are the same on every architecture.
 */
final class Syscalls {
    private interface C extends Library {
        int syscall(long number, Object... args) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        int prctl(int option, long arg2, long arg3, long arg4, long arg5) throws LastErrorException;

        int waitpid(int pid, int[] status, int options) throws LastErrorException;
    }

    /**
     * Every signal sent, with the pid and the start time of the process that got it, at DEBUG:
     * an audit trail against which "never the wrong process" can be checked from outside.
     */
    private static final Logger SIGNALS = LoggerFactory.getLogger("ai.stigmer.signals");
    private static final C C_LIB = Native.load("c", C.class);
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final long SYS_PIDFD_OPEN = 434;
    private static final int PR_SET_CHILD_SUBREAPER = 36;
    private static final int WNOHANG = 1;
    private static final int ESRCH = 3;
    private static final int ECHILD = 10;
    private static final int ENOSYS = 38;
    private static volatile boolean pidfdMissing;

    private Syscalls() {}

    /**
     * Sends {@code sig} to {@code pid} only if {@code stillOurs} holds once the process is pinned by a
     * pidfd: a process that ends after the check cannot pass its signal on to a newcomer with its pid.
     * False if the process is gone or is not ours.
     */
    static boolean signalIf(long pid, int sig, java.util.function.LongPredicate stillOurs) {
        if (pid <= 1 || pid == ProcessHandle.current().pid()) {
            return false; // never init, never the daemon itself
        }
        int p = Math.toIntExact(pid);
        if (pidfdMissing) {
            long ticks = startTicks(pid);
            boolean sent = stillOurs.test(pid) && LibC.kill(p, sig);
            if (sent) {
                logSignal(pid, ticks, sig);
            }
            return sent;
        }
        int fd;
        try {
            fd = C_LIB.syscall(SYS_PIDFD_OPEN, p, 0);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ENOSYS) {
                pidfdMissing = true; // a kernel before 5.3: check, then kill (a narrow race remains)
                return signalIf(pid, sig, stillOurs);
            }
            return false; // ESRCH: gone
        }
        try {
            if (!stillOurs.test(pid)) {
                return false;
            }
            // Read while pinned: if the signal below is delivered, this is the start time of the
            // process that got it (a pid is reused only after its process is reaped).
            long ticks = startTicks(pid);
            C_LIB.syscall(SYS_PIDFD_SEND_SIGNAL, fd, sig, null, 0);
            logSignal(pid, ticks, sig);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ESRCH) {
                return false;
            }
            throw new IllegalStateException("pidfd_send_signal(" + pid + ", " + sig + ") failed: errno " + e.getErrorCode(), e);
        } finally {
            C_LIB.close(fd);
        }
    }

    private static long startTicks(long pid) {
        return SIGNALS.isDebugEnabled() ? ProcessEntry.read(pid).map(ProcessEntry::startTicks).orElse(-1L) : -1;
    }

    /** "Sent SIGTERM to pid 4242 (start time 123456)": the start time in clock ticks since boot, as in /proc/PID/stat. */
    private static void logSignal(long pid, long startTicks, int sig) {
        SIGNALS.debug("Sent {} to pid {} (start time {})", Signals.name(sig), pid, startTicks);
    }

    /** Makes this process the reaper of its orphaned descendants (PR_SET_CHILD_SUBREAPER). */
    static void becomeSubreaper() {
        C_LIB.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }

    /**
     * Reaps {@code pid} if it is a child of ours that has ended; never waits, never any other pid
     * (waitpid(−1) would take the exit status of the JDK's own children). True if it was reaped.
     */
    static boolean reap(long pid) {
        try {
            return C_LIB.waitpid(Math.toIntExact(pid), new int[1], WNOHANG) > 0;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ECHILD) {
                return false;
            }
            throw new IllegalStateException("waitpid(" + pid + ") failed: errno " + e.getErrorCode(), e);
        }
    }
}
