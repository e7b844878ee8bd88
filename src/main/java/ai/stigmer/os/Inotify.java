package ai.stigmer.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An inotify instance ({@code inotify(7)}): file events as they happen, read from one descriptor, so
 * that a thread can wait for a file to change instead of looking at it on a timer. Non-blocking and
 * close-on-exec; {@link #fd()} is polled for readability, {@link #read} then hands out the events.
 */
public final class Inotify implements AutoCloseable {
    public static final int IN_MODIFY = 0x2;
    public static final int IN_MOVED_TO = 0x80;
    public static final int IN_CREATE = 0x100;
    public static final int IN_Q_OVERFLOW = 0x4000;
    public static final int IN_IGNORED = 0x8000;
    public static final int IN_ONLYDIR = 0x01000000;
    public static final int IN_ONESHOT = 0x80000000;
    public static final int ENOENT = 2;
    public static final int EAGAIN = 11;
    private static final int IN_NONBLOCK = 04000;
    private static final int IN_CLOEXEC = 02000000;
    private static final int HEADER = 16; // struct inotify_event: wd, mask, cookie, len, then the name

    private interface C extends Library {
        int inotify_init1(int flags) throws LastErrorException;

        int inotify_add_watch(int fd, byte[] path, int mask) throws LastErrorException;

        int inotify_rm_watch(int fd, int wd) throws LastErrorException;
    }

    private static final C C_LIB = Native.load("c", C.class);

    /** What {@link #read} hands out, one event at a time. */
    public interface Events {
        /** @param name the file's name within a watched directory; empty for an event of a watched file itself */
        void event(int wd, int mask, String name);
    }

    private final int fd;
    private final byte[] buffer = new byte[16 * 1024];
    private final ByteBuffer view = ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder()); // the kernel's order

    private Inotify(int fd) {
        this.fd = fd;
    }

    /** @throws LastErrorException if the kernel refuses one (EMFILE at the user's limit of instances, ENOSYS) */
    public static Inotify open() {
        return new Inotify(C_LIB.inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    }

    public int fd() {
        return fd;
    }

    /**
     * Watches {@code path} for {@code mask}; the watch descriptor, the same one for a file watched
     * already (its mask replaced).
     *
     * @throws LastErrorException ENOENT if there is no such file, ENOSPC at the user's limit of watches
     */
    public int addWatch(String path, int mask) {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        byte[] name = Arrays.copyOf(bytes, bytes.length + 1); // NUL-ended
        return C_LIB.inotify_add_watch(fd, name, mask);
    }

    /** Ends a watch; one that has ended already (a one-shot that fired, a deleted file) is no error. */
    public void removeWatch(int wd) {
        try {
            C_LIB.inotify_rm_watch(fd, wd);
        } catch (LastErrorException e) {
            // gone already
        }
    }

    /** Hands the events queued now to {@code events}; returns at once when there are none. */
    public void read(Events events) {
        while (true) {
            int n;
            try {
                n = LibC.read(fd, buffer, buffer.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EAGAIN) {
                    return;
                }
                if (e.getErrorCode() == LibC.EINTR) {
                    continue;
                }
                throw e;
            }
            if (n <= 0) {
                return;
            }
            for (int at = 0; at + HEADER <= n; ) {
                int wd = intAt(at);
                int mask = intAt(at + 4);
                int length = intAt(at + 12);
                int end = at + HEADER;
                while (end < at + HEADER + length && buffer[end] != 0) {
                    end++;
                }
                events.event(wd, mask, new String(buffer, at + HEADER, end - at - HEADER, StandardCharsets.UTF_8));
                at += HEADER + length;
            }
        }
    }

    private int intAt(int at) {
        return view.getInt(at);
    }

    @Override
    public void close() {
        LibC.close(fd);
    }
}
