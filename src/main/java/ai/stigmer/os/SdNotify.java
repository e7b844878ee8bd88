package ai.stigmer.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The sending end of systemd's notification protocol ({@code sd_notify(3)}): datagrams of
 * {@code KEY=value} lines to the Unix socket named by {@code $NOTIFY_SOCKET}, a path or, starting
 * with {@code @}, a name in the abstract namespace. The JDK has no datagram Unix sockets, hence
 * {@code socket(2)} and {@code sendto(2)} through JNA. One socket, opened once and reused; every
 * send is non-blocking, so a full socket buffer costs a message, never the caller's thread.
 */
public final class SdNotify implements AutoCloseable {
    /** The variables by which systemd hands the protocol to the process it started, and to no other. */
    public static final java.util.List<String> ENVIRONMENT = java.util.List.of("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID");

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int CLOCK_MONOTONIC = 1;
    /** {@code sizeof(sun_path)} in {@code struct sockaddr_un}, after its two-byte family. */
    private static final int SUN_PATH = 108;

    private static final class Direct {
        static {
            Native.register("c");
        }

        static native int socket(int domain, int type, int protocol) throws LastErrorException;

        static native long sendto(int fd, byte[] buffer, long length, int flags, byte[] address, int addressLength)
                throws LastErrorException;

        static native int close(int fd) throws LastErrorException;

        static native int clock_gettime(int clock, long[] timespec) throws LastErrorException;
    }

    private final String address;
    private final byte[] sockaddr;
    private int fd;

    private SdNotify(String address, byte[] sockaddr, int fd) {
        this.address = address;
        this.sockaddr = sockaddr;
        this.fd = fd;
    }

    /**
     * A socket for sending to {@code address}, the value of {@code $NOTIFY_SOCKET}.
     *
     * @throws IOException if the address is not a path or an {@code @} name, or no socket can be made
     */
    public static SdNotify open(String address) throws IOException {
        byte[] sockaddr = sockaddr(address);
        try {
            return new SdNotify(address, sockaddr, Direct.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        } catch (LastErrorException e) {
            throw new IOException("cannot open a Unix datagram socket: errno " + e.getErrorCode(), e);
        }
    }

    /**
     * The {@code struct sockaddr_un} of {@code address}, exactly as long as the address needs: a
     * path ends in a NUL; an abstract name ({@code @name}) starts with one and has none at its end.
     *
     * @throws IOException if it is neither an absolute path nor an {@code @} name, or too long
     */
    public static byte[] sockaddr(String address) throws IOException {
        boolean isAbstract = address.startsWith("@");
        if (!isAbstract && !address.startsWith("/")) {
            throw new IOException("not an absolute path nor an abstract socket name: " + address);
        }
        byte[] name = address.getBytes(StandardCharsets.UTF_8);
        int pathLength = isAbstract ? name.length : name.length + 1;
        if (name.length < 2 || pathLength > SUN_PATH) {
            throw new IOException("not a usable socket address (1 to " + (SUN_PATH - 1) + " bytes): " + address);
        }
        ByteBuffer sockaddr = ByteBuffer.allocate(2 + pathLength).order(ByteOrder.nativeOrder());
        sockaddr.putShort((short) AF_UNIX);
        if (isAbstract) {
            sockaddr.put((byte) 0).put(name, 1, name.length - 1);
        } else {
            sockaddr.put(name).put((byte) 0);
        }
        return sockaddr.array();
    }

    /**
     * Sends {@code message} ({@code KEY=value} lines) as one datagram, without waiting.
     *
     * @throws IOException if it was not sent: no receiver, its buffer full ({@code EAGAIN}), closed
     */
    public synchronized void send(String message) throws IOException {
        if (fd < 0) {
            throw new IOException("closed");
        }
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        try {
            Direct.sendto(fd, bytes, bytes.length, MSG_DONTWAIT | MSG_NOSIGNAL, sockaddr, sockaddr.length);
        } catch (LastErrorException e) {
            throw new IOException("cannot send to " + address + ": errno " + e.getErrorCode(), e);
        }
    }

    /** CLOCK_MONOTONIC in microseconds: systemd's own clock for {@code MONOTONIC_USEC=}. */
    public static long monotonicMicros() {
        long[] timespec = new long[2];
        Direct.clock_gettime(CLOCK_MONOTONIC, timespec);
        return timespec[0] * 1_000_000L + timespec[1] / 1_000L;
    }

    /** The address sent to, as {@code $NOTIFY_SOCKET} gave it. */
    public String address() {
        return address;
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            try {
                Direct.close(fd);
            } catch (LastErrorException e) {
                // nothing left to release
            }
            fd = -1;
        }
    }
}
