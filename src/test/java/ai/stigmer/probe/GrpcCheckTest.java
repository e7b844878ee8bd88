package ai.stigmer.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.CheckSpec;
import ai.stigmer.server.StigmerServer;
import ai.stigmer.testing.Await;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GrpcCheckTest {
    private static final CheckContext CONTEXT = new CheckContext(null, Duration.ZERO, ProbeKind.LIVENESS, Duration.ofSeconds(5));
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    private GrpcCheck check(int port, String service) {
        GrpcCheck check = new GrpcCheck(new CheckSpec.Grpc("127.0.0.1", port, service));
        cleanup.add(0, check);
        return check;
    }

    private StigmerServer stigmerServer(int port) throws Exception {
        StigmerServer server = StigmerServer.start(port, Duration.ofSeconds(1));
        cleanup.add(0, () -> server.shutdown(Duration.ZERO));
        return server;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void servingPasses() throws Exception {
        StigmerServer server = stigmerServer(0);
        assertEquals(CheckResult.pass(), check(server.port(), "").run(CONTEXT));
        assertEquals(CheckResult.pass(), check(server.port(), StigmerServer.SERVICE_NAME).run(CONTEXT));
    }

    @Test
    void notServingFailsWithNotServing() throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus("", ServingStatus.NOT_SERVING);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
                .addService(health.getHealthService()).build().start();
        cleanup.add(0, server::shutdownNow);
        assertEquals(CheckResult.fail("NOT_SERVING"), check(server.getPort(), "").run(CONTEXT));
    }

    @Test
    void unknownServiceFailsWithNotFound() throws Exception {
        StigmerServer server = stigmerServer(0);
        CheckResult result = check(server.port(), "no.such.Service").run(CONTEXT);
        assertTrue(result.reason().startsWith("NOT_FOUND"), result.reason());
    }

    @Test
    void nothingListeningFailsUnavailable() throws Exception {
        CheckResult result = check(freePort(), "").run(CONTEXT);
        assertTrue(!result.passed() && result.reason().startsWith("UNAVAILABLE: "), result.reason());
    }

    @Test
    void silentServerFailsWithTimeoutWithinTheTimeout() throws Exception {
        // Accepts connections and never says a word, so the HTTP/2 handshake never completes.
        SilentServer silent = new SilentServer();
        cleanup.add(0, silent);

        Duration timeout = Duration.ofMillis(500);
        long start = System.nanoTime();
        CheckResult result = check(silent.port(), "")
                .run(new CheckContext(null, Duration.ZERO, ProbeKind.LIVENESS, timeout));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(CheckResult.fail("timeout"), result);
        assertTrue(took.compareTo(timeout.minusMillis(50)) >= 0 && took.compareTo(timeout.plusSeconds(2)) < 0,
                "took " + took);
    }

    @Test
    void channelIsReusedAcrossRuns() throws Exception {
        StigmerServer server = stigmerServer(0);
        GrpcCheck check = check(server.port(), "");
        check.run(CONTEXT);
        var channel = check.channel();
        check.run(CONTEXT);
        assertSame(channel, check.channel());
    }

    @Test
    void passesPromptlyWhenTheServerComesBackOnTheSamePort() throws Exception {
        StigmerServer first = stigmerServer(0);
        int port = first.port();
        GrpcCheck check = check(port, "");
        assertTrue(check.run(CONTEXT).passed());
        first.shutdown(Duration.ZERO);
        // Fail a few times so the channel is deep in its own reconnect backoff.
        for (int i = 0; i < 3; i++) {
            assertTrue(check.run(CONTEXT).reason().startsWith("UNAVAILABLE"));
        }
        stigmerServer(port);
        long start = System.nanoTime();
        Await.until("check passes again", Duration.ofSeconds(5), () -> check.run(CONTEXT).passed());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 5000);
    }
}
