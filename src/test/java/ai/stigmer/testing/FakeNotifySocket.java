package ai.stigmer.testing;

import ai.stigmer.os.SdNotify;
import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * systemd's end of the notification protocol, for tests: a real Unix datagram socket bound to a
 * path or an abstract ({@code @}) name, whose datagrams a reader thread collects in arrival order.
 * Its {@link #address()} is what {@code $NOTIFY_SOCKET} should say.
 */
public final class FakeNotifySocket implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;

    private static final class Direct {
        static {
            Native.register("c");
        }

        static native int socket(int domain, int type, int protocol) throws LastErrorException;

        static native int bind(int fd, byte[] address, int length) throws LastErrorException;

        static native int setsockopt(int fd, int level, int name, long[] value, int length) throws LastErrorException;

        static native long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;
    }

    private final String address;
    private final int fd;
    private final List<String> messages = new ArrayList<>();
    private final Thread reader;
    private volatile boolean closed;

    /** Bound to {@code address}: an absolute path, or {@code @name} in the abstract namespace. */
    public FakeNotifySocket(String address) throws IOException {
        this.address = address;
        this.fd = Direct.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        byte[] sockaddr = SdNotify.sockaddr(address);
        Direct.bind(fd, sockaddr, sockaddr.length);
        Direct.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, new long[] {0, 100_000}, 16); // wake to see close()
        this.reader = new Thread(this::read, "fake-notify-socket");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        byte[] buffer = new byte[4096];
        while (!closed) {
            try {
                long n = Direct.recv(fd, buffer, buffer.length, 0);
                synchronized (messages) {
                    messages.add(new String(buffer, 0, (int) n, StandardCharsets.UTF_8));
                }
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EAGAIN && e.getErrorCode() != EINTR) {
                    return;
                }
            }
        }
    }

    public String address() {
        return address;
    }

    /** Every datagram so far, oldest first. */
    public List<String> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** The datagrams so far that hold {@code line} as one of their lines. */
    public List<String> withLine(String line) {
        return messages().stream().filter(m -> m.lines().anyMatch(line::equals)).toList();
    }

    /** The number of datagrams so far that hold {@code line}. */
    public int count(String line) {
        return withLine(line).size();
    }

    /** Index (in {@link #messages()}) of the first datagram holding {@code line}, -1 if none. */
    public int indexOf(String line) {
        List<String> all = messages();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).lines().anyMatch(line::equals)) {
                return i;
            }
        }
        return -1;
    }

    /** Waits for the first datagram holding {@code line} and returns it. */
    public String await(String line, Duration limit) {
        Await.until(line + " on " + address + " (so far: " + messages() + ")", limit, () -> count(line) > 0);
        return withLine(line).get(0);
    }

    /** Waits until {@code count} datagrams hold {@code line}. */
    public void await(String line, int count, Duration limit) {
        Await.until(count + " x " + line + " on " + address, limit, () -> count(line) >= count);
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        reader.join();
        Direct.close(fd);
    }
}
