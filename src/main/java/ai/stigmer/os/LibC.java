package ai.stigmer.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The libc calls the JDK lacks or makes costly: {@code kill(2)} with any signal and with negative
 * (group) pids, and plain file descriptors (open, read, write, poll, close, pipes, eventfds, raw
 * syscalls) for the pidfds, pipes and /proc files the daemon handles without Java's channel objects.
 */
public final class LibC {
    public static final int EINTR = 4;
    public static final int ESRCH = 3;
    public static final short POLLIN = 0x1;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 02000000;
    private static final int SMALL_FILE = 4096;

    /**
     * Bound by JNA's direct mapping: a JNI call each, without the reflective proxy of an interface
     * mapping, which cost more than the system calls (a probe reads /proc many times a second) and,
     * run cold as a restart runs them (the exit loop's poll and close, the launch's pipe and answer),
     * about 0.1 ms a call. {@code long} for {@code size_t}, {@code ssize_t} and {@code nfds_t}: the
     * daemon runs on 64-bit Linux only.
     */
    private static final class Direct {
        static {
            Native.register("c");
        }

        static native int kill(int pid, int sig) throws LastErrorException;

        static native int open(byte[] path, int flags) throws LastErrorException;

        static native long read(int fd, byte[] buffer, long count) throws LastErrorException;

        static native long write(int fd, byte[] buffer, long count) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;

        static native int poll(int[] fds, long nfds, int timeout) throws LastErrorException;

        static native int pipe2(int[] fds, int flags) throws LastErrorException;

        static native int eventfd(int initval, int flags) throws LastErrorException;

        static native long syscall(long number, int arg1, int arg2) throws LastErrorException;
    }

    /** One buffer per thread for {@link #readSmallFile}: probes read /proc files many times a second. */
    private static final ThreadLocal<byte[]> SMALL_BUFFER = ThreadLocal.withInitial(() -> new byte[SMALL_FILE]);

    private LibC() {}

    /** Sends {@code sig}; false if no such process (ESRCH). Other errors are thrown. */
    public static boolean kill(long pid, int sig) {
        try {
            Direct.kill(Math.toIntExact(pid), sig);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ESRCH) {
                return false;
            }
            throw new IllegalStateException("kill(" + pid + ", " + sig + ") failed: errno " + e.getErrorCode(), e);
        }
    }

    /**
     * The whole of a file shorter than 4 KiB (a /proc entry such as {@code stat}) read with one
     * open, read and close, or null if it cannot be opened or read; a longer one is cut at 4 KiB.
     */
    public static byte[] readSmallFile(String path) {
        byte[] name = Arrays.copyOf(path.getBytes(StandardCharsets.UTF_8), path.length() + 1); // NUL-ended
        byte[] buffer = SMALL_BUFFER.get();
        int n = readInto(name, buffer);
        return n < 0 ? null : Arrays.copyOf(buffer, n);
    }

    /**
     * Reads the file at {@code path} (NUL-ended bytes, made once by the caller) into {@code buffer}
     * with one open, read and close: the count read, or −1 if it cannot be opened or read. Nothing is
     * allocated: a probe that looks at {@code /proc/<pid>/stat} every few seconds keeps both arrays.
     */
    public static int readInto(byte[] path, byte[] buffer) {
        int fd;
        try {
            fd = Direct.open(path, O_RDONLY | O_CLOEXEC);
        } catch (LastErrorException e) {
            return -1;
        }
        try {
            return (int) Direct.read(fd, buffer, buffer.length);
        } catch (LastErrorException e) {
            return -1;
        } finally {
            try {
                Direct.close(fd);
            } catch (LastErrorException e) {
                // nothing to release
            }
        }
    }

    /** read(2) into {@code buffer}: the count, 0 at end of file; errors (EAGAIN, EINTR …) thrown. */
    public static int read(int fd, byte[] buffer, int count) throws LastErrorException {
        return (int) Direct.read(fd, buffer, count);
    }

    /** write(2) of {@code count} bytes of {@code buffer}. */
    public static int write(int fd, byte[] buffer, int count) throws LastErrorException {
        return (int) Direct.write(fd, buffer, count);
    }

    /**
     * poll(2) on the {@code struct pollfd}s of {@link #pollFds}, held in a Java array that the call
     * copies in and out: no native memory to allocate and free, no call per field.
     */
    public static int poll(int[] pollFds, int timeoutMillis) throws LastErrorException {
        return Direct.poll(pollFds, pollFds.length / 2, timeoutMillis);
    }

    /** {@code struct pollfd}s asking for {@code events} on each of {@code fds}: two ints each, the fd, then events and revents. */
    public static int[] pollFds(short events, int... fds) {
        int[] pollFds = new int[2 * fds.length];
        int packed = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? events & 0xffff : events << 16;
        for (int i = 0; i < fds.length; i++) {
            pollFds[2 * i] = fds[i];
            pollFds[2 * i + 1] = packed;
        }
        return pollFds;
    }

    /** The returned events of entry {@code i} of {@code pollFds} after {@link #poll(int[], int)}. */
    public static short revents(int[] pollFds, int i) {
        int packed = pollFds[2 * i + 1];
        return (short) (java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? packed >>> 16 : packed);
    }

    /** A pipe, both ends created with {@code flags} (O_CLOEXEC …): {read, write}. */
    public static int[] pipe2(int flags) throws LastErrorException {
        int[] fds = new int[2];
        Direct.pipe2(fds, flags);
        return fds;
    }

    public static int eventfd(int initialValue, int flags) throws LastErrorException {
        return Direct.eventfd(initialValue, flags);
    }

    /** A raw system call with two int arguments (pidfd_open and the like). */
    public static int syscall(long number, int arg1, int arg2) throws LastErrorException {
        return (int) Direct.syscall(number, arg1, arg2);
    }

    /** Closes {@code fd}; one closed already (or never valid) has nothing to release. */
    public static void close(int fd) {
        try {
            Direct.close(fd);
        } catch (LastErrorException e) {
            // nothing to release
        }
    }
}
