package ai.stigmer.runtime.process;

import ai.stigmer.os.LibC;
import com.sun.jna.LastErrorException;

/**
 * The libc calls that let one thread wait for the exit of many processes that are not its children:
 * {@code pidfd_open(2)} (Linux 5.3; a pidfd polls readable the moment its process exits, zombie or
 * not), {@code poll(2)}, on the plain file-descriptor calls of {@link LibC}; a {@link ai.stigmer.os.WakeFd} wakes the
 * poll when a process is added.
 */
final class PidFd {
    /** The same number on x86_64 and aarch64: pidfd_open came after the syscall tables were unified. */
    private static final long SYS_PIDFD_OPEN = 434;
    static final short POLLIN = LibC.POLLIN;
    static final int ESRCH = LibC.ESRCH;
    static final int EINTR = LibC.EINTR;

    private PidFd() {}

    /** A pidfd for {@code pid}; throws with errno ESRCH if there is no such process, ENOSYS before Linux 5.3. */
    static int open(long pid) {
        return LibC.syscall(SYS_PIDFD_OPEN, Math.toIntExact(pid), 0);
    }

    /** Polls {@code pollFds} ({@link LibC#pollFds}); returns how many have events, 0 on timeout or EINTR. */
    static int poll(int[] pollFds, int timeoutMillis) {
        try {
            return LibC.poll(pollFds, timeoutMillis);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EINTR) {
                return 0;
            }
            throw e;
        }
    }

    static void close(int fd) {
        LibC.close(fd);
    }
}
