package ai.stigmer.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * Whether a container still runs, asked of the Docker Engine ({@code GET /containers/ID/json}) at
 * {@code DOCKER_HOST} or {@code /var/run/docker.sock}: how {@code stop} checks that the daemon left no
 * container behind. A few lines of HTTP/1.0 rather than a Docker client: the command line stays light.
 */
final class ContainerCheck {
    static final Duration DEADLINE = Duration.ofSeconds(5);

    private ContainerCheck() {}

    /** True if it runs, false if it does not (or no longer exists), empty if the engine cannot tell. */
    static Optional<Boolean> running(String containerId) {
        if (!containerId.matches("[0-9a-zA-Z_.-]+")) {
            return Optional.empty();
        }
        FutureTask<Optional<Boolean>> ask = new FutureTask<>(() -> ask(containerId));
        Thread thread = new Thread(ask, "stigmer-docker-check");
        thread.setDaemon(true);
        thread.start();
        try {
            return ask.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            thread.interrupt();
            return Optional.empty();
        }
    }

    private static Optional<Boolean> ask(String containerId) throws IOException {
        String host = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        String request = "GET /containers/" + containerId + "/json HTTP/1.0\r\nHost: docker\r\n\r\n";
        byte[] response;
        if (host.startsWith("unix://")) {
            SocketAddress address = UnixDomainSocketAddress.of(URI.create(host).getPath());
            try (SocketChannel channel = SocketChannel.open(address)) {
                response = exchange(Channels.newOutputStream(channel), Channels.newInputStream(channel), request);
            }
        } else if (host.startsWith("tcp://")) {
            URI uri = URI.create(host);
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) DEADLINE.toMillis());
                socket.setSoTimeout((int) DEADLINE.toMillis());
                response = exchange(socket.getOutputStream(), socket.getInputStream(), request);
            }
        } else {
            return Optional.empty();
        }
        String text = new String(response, StandardCharsets.UTF_8);
        String status = text.lines().findFirst().orElse("");
        if (status.matches("HTTP/1\\.[01] 404.*")) {
            return Optional.of(false);
        } else if (status.matches("HTTP/1\\.[01] 200.*")) {
            return Optional.of(text.replace(" ", "").contains("\"Running\":true"));
        }
        return Optional.empty();
    }

    private static byte[] exchange(OutputStream out, InputStream in, String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        in.transferTo(response);
        return response.toByteArray();
    }
}
