package ai.stigmer.os;

import com.sun.jna.LastErrorException;

/**
 * Whether the daemon can open file descriptors right now. A daemon at its descriptor limit
 * ({@code EMFILE}) or on a machine at the system's ({@code ENFILE}) fails every open, socket, pipe and
 * /proc read: a check, or a look at a process, that failed then (or with only a few descriptors
 * left) says nothing about the component. Asked only after something failed, so the usual path pays
 * nothing.
 */
public final class Descriptors {
    static final int ENFILE = 23;
    static final int EMFILE = 24;
    private static final int EFD_CLOEXEC = 02000000;
    /**
     * How many descriptors must be free for the daemon not to count as short: a launch takes a pipe
     * and the child's output and /dev/null, an exec check a pipe or two, a grpc check a socket and a
     * thread's. One free descriptor leaves those failing with EMFILE all the same.
     */
    static final int WANTED = 8;

    private Descriptors() {}

    /**
     * Null when {@link #WANTED} descriptors can be had together (opened, then closed at once);
     * otherwise why not, as a log line says it. Without libc (the command line) nothing is known: null.
     */
    public static String shortage() {
        int[] fds = new int[WANTED];
        int opened = 0;
        try {
            for (; opened < WANTED; opened++) {
                fds[opened] = LibC.eventfd(0, EFD_CLOEXEC);
            }
            return null;
        } catch (LastErrorException e) {
            return describe(e.getErrorCode());
        } catch (LinkageError noLibc) {
            return null;
        } finally {
            for (int i = 0; i < opened; i++) {
                LibC.close(fds[i]);
            }
        }
    }

    /** The reason for {@code errno}, or null if it is not a shortage of descriptors. */
    static String describe(int errno) {
        return switch (errno) {
            case EMFILE -> "the daemon is out of file descriptors (EMFILE: its limit, ulimit -n, is reached)";
            case ENFILE -> "the machine is out of file descriptors (ENFILE: the system's limit is reached)";
            default -> null;
        };
    }
}
