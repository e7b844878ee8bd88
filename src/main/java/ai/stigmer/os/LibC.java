package ai.stigmer.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/** The one libc call the JDK lacks: {@code kill(2)} with any signal and with negative (group) pids. */
public final class LibC {
    private interface C extends Library {
        int kill(int pid, int sig) throws LastErrorException;
    }

    private static final C C_LIB = Native.load("c", C.class);
    private static final int ESRCH = 3;

    private LibC() {}

    /** Sends {@code sig}; false if no such process (ESRCH). Other errors are thrown. */
    public static boolean kill(long pid, int sig) {
        try {
            C_LIB.kill(Math.toIntExact(pid), sig);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ESRCH) {
                return false;
            }
            throw new IllegalStateException("kill(" + pid + ", " + sig + ") failed: errno " + e.getErrorCode(), e);
        }
    }
}
