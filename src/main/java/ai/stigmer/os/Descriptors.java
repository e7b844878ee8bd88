package ai.stigmer.os;

import com.sun.jna.LastErrorException;

/**
 * Whether the daemon can open a file descriptor right now. A daemon at its descriptor limit
 * ({@code EMFILE}) or on a machine at the system's ({@code ENFILE}) fails every open, socket, pipe and
 * /proc read: a check, or a look at a process, that failed then says nothing about the component.
 * Asked only after something failed, so the usual path pays nothing.
 */
public final class Descriptors {
    static final int ENFILE = 23;
    static final int EMFILE = 24;
    private static final int EFD_CLOEXEC = 02000000;

    private Descriptors() {}

    /**
     * Null when a descriptor can be had (one is opened and closed at once); otherwise why not, as a
     * log line says it. Without libc (the command line) nothing is known: null.
     */
    public static String shortage() {
        int fd;
        try {
            fd = LibC.eventfd(0, EFD_CLOEXEC);
        } catch (LastErrorException e) {
            return describe(e.getErrorCode());
        } catch (LinkageError noLibc) {
            return null;
        }
        LibC.close(fd);
        return null;
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
