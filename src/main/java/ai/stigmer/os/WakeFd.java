package ai.stigmer.os;

import com.sun.jna.LastErrorException;

/**
 * An {@code eventfd(2)} that wakes a thread blocked in {@code poll(2)}: another thread signals it,
 * the woken one drains it. Non-blocking and close-on-exec.
 */
public final class WakeFd {
    private static final int EFD_NONBLOCK = 04000;
    private static final int EFD_CLOEXEC = 02000000;

    private WakeFd() {}

    /** A new eventfd; throws (LastErrorException, or a LinkageError without libc) where none can be had. */
    public static int open() {
        return LibC.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    }

    /** Adds one to {@code fd}: a poll on it returns. A full counter (EAGAIN) wakes the poll anyway. */
    public static void signal(int fd) {
        byte[] one = new byte[8];
        one[0] = 1; // little endian on the machines stigmer runs on (x86_64, aarch64)
        try {
            LibC.write(fd, one, 8);
        } catch (LastErrorException full) {
            // EAGAIN: the poll wakes anyway
        }
    }

    /** Resets {@code fd} after it woke a poll. */
    public static void drain(int fd) {
        try {
            LibC.read(fd, new byte[8], 8);
        } catch (LastErrorException nothingToRead) {
            // EAGAIN: another drain came first
        }
    }
}
