package ai.stigmer.runtime.docker;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Unix socket that forwards every connection to the real engine's socket, so a test can cut the
 * connections (a broken stream), take the socket away (an engine gone) or let nothing through any
 * more (a hung engine) while the engine and its containers carry on.
 */
final class SocketProxy implements AutoCloseable {

    private final Path socket;
    private final Path target;
    private final ServerSocketChannel server;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger waits = new AtomicInteger();
    private volatile boolean swallowStops;
    private volatile boolean refuseStops;
    private volatile boolean hung;

    SocketProxy(Path socket, Path target) throws IOException {
        this.socket = socket;
        this.target = target;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        daemon("proxy-accept", this::acceptLoop);
    }

    Path socket() {
        return socket;
    }

    /** Container wait requests sent through so far. */
    int waits() {
        return waits.get();
    }

    /** From now on, container stop requests are never passed on: an engine that hangs on stop. */
    void swallowStops() {
        swallowStops = true;
    }

    /** From now on, container stop requests are answered with an engine error (HTTP 500), not passed on. */
    void refuseStops() {
        refuseStops = true;
    }

    /**
     * From now on nothing passes either way, on open connections and new ones alike, while new
     * connections are still accepted: an engine that accepts and never answers.
     */
    void hang() {
        hung = true;
    }

    /** Lets everything through again; what was swallowed meanwhile stays unanswered. */
    void answerAgain() {
        hung = false;
    }

    /** Breaks every open connection; new ones are still accepted. */
    void cutConnections() {
        for (SocketChannel channel : open) {
            closeQuietly(channel);
        }
    }

    /** Stops listening, removes the socket file and breaks every open connection. */
    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(socket);
        cutConnections();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(target));
                open.add(client);
                open.add(engine);
                daemon("proxy-up", () -> pump(client, engine, true));
                daemon("proxy-down", () -> pump(engine, client, false));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(SocketChannel from, SocketChannel to, boolean requests) {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                if (hung) {
                    buffer.clear();
                    continue;
                }
                buffer.flip();
                String head = requests ? StandardCharsets.US_ASCII.decode(buffer.duplicate()).toString() : "";
                if (head.matches("(?s)POST \\S*/wait.*")) {
                    waits.incrementAndGet();
                }
                if (refuseStops && head.matches("(?s)POST \\S*/stop.*")) {
                    String body = "{\"message\":\"simulated engine error\"}";
                    from.write(StandardCharsets.US_ASCII.encode("HTTP/1.1 500 Internal Server Error\r\n"
                            + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
                    buffer.clear();
                    continue;
                }
                if (swallowStops && head.matches("(?s)POST \\S*/stop.*")) {
                    buffer.clear();
                    continue;
                }
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException e) {
            // cut or closed by the other side
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(SocketChannel channel) {
        open.remove(channel);
        try {
            channel.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }
}
