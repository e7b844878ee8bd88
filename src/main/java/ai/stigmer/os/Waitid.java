package ai.stigmer.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.util.OptionalInt;

/**
 * Reaps one child of the daemon with {@code waitid(2)}, by pid, never {@code -1}: the JDK's own
 * children (exec checks) are left to the JDK. The code of an exit by a signal is 128 + the signal,
 * as a shell reports it.
 */
public final class Waitid {
    private static final int P_PID = 1;
    private static final int WNOHANG = 1;
    private static final int WEXITED = 4;
    private static final int CLD_EXITED = 1;
    private static final int ECHILD = 10;
    private static final int EINTR = 4;
    // siginfo_t on Linux (x86_64, aarch64), as ints: si_code at byte 8, then the SIGCHLD fields si_pid
    // at 16 and si_status at 24.
    private static final int SIGINFO_SIZE = 128;
    private static final int SI_CODE = 2;
    private static final int SI_PID = 4;
    private static final int SI_STATUS = 6;

    /** Direct mapping: the exit loop reaps cold, and an interface mapping's proxy cost more than the call. */
    private static final class Direct {
        static {
            Native.register("c");
        }

        static native int waitid(int idType, int id, int[] info, int options) throws LastErrorException;
    }

    private Waitid() {}

    /**
     * The exit code of child {@code pid}, which is reaped, if it has ended; empty while it runs.
     *
     * @throws IllegalStateException if {@code pid} is not a child of ours to reap (ECHILD)
     */
    public static OptionalInt reapIfEnded(long pid) {
        return reap(pid, WNOHANG);
    }

    /** Waits until child {@code pid} ends, reaps it, and returns its code. */
    public static int reap(long pid) {
        return reap(pid, 0).orElseThrow();
    }

    private static OptionalInt reap(long pid, int flags) {
        int[] info = new int[SIGINFO_SIZE / 4]; // copied in and out by the call: no native memory
        while (true) {
            try {
                Direct.waitid(P_PID, Math.toIntExact(pid), info, WEXITED | flags);
                break;
            } catch (LastErrorException e) {
                if (e.getErrorCode() == ECHILD) {
                    throw new IllegalStateException("pid " + pid + " is not a child to reap");
                }
                if (e.getErrorCode() != EINTR) {
                    throw new IllegalStateException("waitid(" + pid + ") failed: errno " + e.getErrorCode(), e);
                }
            }
        }
        if (info[SI_PID] == 0) {
            return OptionalInt.empty();
        }
        int status = info[SI_STATUS];
        return OptionalInt.of(info[SI_CODE] == CLD_EXITED ? status : 128 + status);
    }
}
