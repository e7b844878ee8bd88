package ai.stigmer.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.CheckSpec;
import ai.stigmer.server.StigmerServer;
import ai.stigmer.testing.Await;
import io.grpc.Attributes;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerTransportFilter;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
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

    /** A grpc-java server with the standard health service, counting the connections it accepts. */
    private Server healthServer(HealthStatusManager health, AtomicInteger connections,
            UnaryOperator<NettyServerBuilder> configure) throws Exception {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
                InsecureServerCredentials.create()).addTransportFilter(countingFilter(connections));
        if (health != null) {
            builder.addService(health.getHealthService());
        }
        Server server = configure.apply(builder).build().start();
        cleanup.add(0, server::shutdownNow);
        return server;
    }

    private static ServerTransportFilter countingFilter(AtomicInteger connections) {
        return new ServerTransportFilter() {
            @Override
            public Attributes transportReady(Attributes attributes) {
                connections.incrementAndGet();
                return attributes;
            }
        };
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
    void serviceUnknownFailsWithServiceUnknown() throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus("gone.Service", ServingStatus.SERVICE_UNKNOWN);
        Server server = healthServer(health, new AtomicInteger(), b -> b);
        assertEquals(CheckResult.fail("SERVICE_UNKNOWN"), check(server.getPort(), "gone.Service").run(CONTEXT));
    }

    @Test
    void notServingThenServingAcrossRuns() throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        AtomicInteger connections = new AtomicInteger();
        Server server = healthServer(health, connections, b -> b);
        GrpcCheck check = check(server.getPort(), "svc");
        health.setStatus("svc", ServingStatus.NOT_SERVING);
        assertEquals(CheckResult.fail("NOT_SERVING"), check.run(CONTEXT));
        health.setStatus("svc", ServingStatus.SERVING);
        assertEquals(CheckResult.pass(), check.run(CONTEXT));
        health.setStatus("svc", ServingStatus.UNKNOWN);
        assertEquals(CheckResult.fail("UNKNOWN"), check.run(CONTEXT));
        assertEquals(3, connections.get(), "a connection for each run");
    }

    @Test
    void serverWithoutTheHealthServiceFailsUnimplemented() throws Exception {
        Server server = healthServer(null, new AtomicInteger(), b -> b);
        assertEquals(CheckResult.fail("UNIMPLEMENTED: Method not found: grpc.health.v1.Health/Check"),
                check(server.getPort(), "").run(CONTEXT));
    }

    @Test
    void connectionRefusedFailsUnavailableIoException() throws Exception {
        assertEquals(CheckResult.fail("UNAVAILABLE: io exception (Connection refused)"),
                check(freePort(), "").run(CONTEXT));
    }

    @Test
    void notAnHttp2ServerFailsWithoutWaitingForTheTimeout() throws Exception {
        ServerSocket http1 = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
        cleanup.add(0, http1);
        Thread answerer = new Thread(() -> {
            try (Socket s = http1.accept()) {
                s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                s.getInputStream().read(new byte[4096]);
                Thread.sleep(10_000);
            } catch (Exception e) {
                // closed by the test
            }
        });
        answerer.setDaemon(true);
        answerer.start();
        long start = System.nanoTime();
        CheckResult result = check(http1.getLocalPort(), "").run(CONTEXT);
        assertTrue(result.reason().startsWith("INTERNAL: HTTP/2 protocol error"), result.reason());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 4000, "it waited for the timeout");
    }

    @Test
    void eachRunHasAConnectionOfItsOwnAndLeavesNoneOpenNorAThreadBehind() throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger closedConnections = new AtomicInteger();
        Server server = healthServer(health, connections, b -> b.addTransportFilter(new ServerTransportFilter() {
            @Override
            public void transportTerminated(Attributes attributes) {
                closedConnections.incrementAndGet();
            }
        }));
        GrpcCheck check = check(server.getPort(), "");
        for (int i = 0; i < 200; i++) {
            assertEquals(CheckResult.pass(), check.run(CONTEXT), "run " + i);
        }
        assertEquals(200, check.connectionsOpened());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((closedConnections.get() < 200 || readerThreads() > 0) && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertEquals(200, closedConnections.get(), "every connection closed once its call was answered");
        assertEquals(0, readerThreads(), "no reader thread outlives its call");
    }

    private static long readerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("stigmer-grpc-")).count();
    }

    @Test
    void aServerRestartedBetweenRunsIsCalledOnANewConnectionInTheNextRun() throws Exception {
        // A graceful stop says GOAWAY and a PING, and closes a connection once the PING is answered
        // (else after 10 s): no connection is open between runs, so the stop ends at once. The next
        // run, on the server that took the port back, passes on a connection of its own.
        HealthStatusManager health = new HealthStatusManager();
        AtomicInteger connections = new AtomicInteger();
        Server first = healthServer(health, connections, b -> b);
        int port = first.getPort();
        GrpcCheck check = check(port, "");
        assertEquals(CheckResult.pass(), check.run(CONTEXT));
        first.shutdown();
        assertTrue(first.awaitTermination(5, TimeUnit.SECONDS));
        healthServer(health, connections, b -> NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port),
                InsecureServerCredentials.create()).addService(health.getHealthService())
                .addTransportFilter(countingFilter(connections)));
        assertEquals(CheckResult.pass(), check.run(CONTEXT));
        assertEquals(2, check.connectionsOpened());
        assertEquals(2, connections.get());
    }

    @Test
    void aConnectionAtItsMaximumAgeIsReplaced() throws Exception {
        // GOAWAY after 1 s (grpc-java's least, with jitter) whatever the traffic: runs keep passing
        // across the change of connection.
        HealthStatusManager health = new HealthStatusManager();
        AtomicInteger connections = new AtomicInteger();
        Server server = healthServer(health, connections, b -> b.maxConnectionAge(1, TimeUnit.SECONDS)
                .maxConnectionAgeGrace(1, TimeUnit.SECONDS));
        GrpcCheck check = check(server.getPort(), "");
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
        int runs = 0;
        while (System.nanoTime() < end) {
            assertEquals(CheckResult.pass(), check.run(CONTEXT), "run " + runs);
            runs++;
            Thread.sleep(20);
        }
        assertTrue(check.connectionsOpened() >= 2, check.connectionsOpened() + " connections for " + runs + " runs");
    }

    @Test
    void theRequestIsTheProtobufOfHealthCheckRequest() {
        for (String service : List.of("", "svc", "stigmer.v1.Stigmer", "é".repeat(100))) {
            assertEquals(HexFormat.of().formatHex(HealthCheckRequest.newBuilder().setService(service).build().toByteArray()),
                    HexFormat.of().formatHex(GrpcHealthClient.healthCheckRequest(service)), service);
        }
    }

    @Test
    void theResponseIsReadAsProtobufReadsHealthCheckResponse() {
        for (ServingStatus status : List.of(ServingStatus.UNKNOWN, ServingStatus.SERVING, ServingStatus.NOT_SERVING,
                ServingStatus.SERVICE_UNKNOWN)) {
            byte[] message = HealthCheckResponse.newBuilder().setStatus(status).build().toByteArray();
            assertEquals(status.getNumber(), GrpcHealthClient.servingStatus(GrpcHealthClient.grpcMessage(message)));
        }
        assertEquals(-1, GrpcHealthClient.servingStatus(new byte[] {1, 0, 0, 0, 0}), "compressed");
        assertEquals(-1, GrpcHealthClient.servingStatus(new byte[] {0, 0, 0, 0, 2, 8}), "cut short");
        assertEquals("Method not found: a/b ü", GrpcHealthClient.percentDecode("Method not found: a/b %C3%BC"));
        assertEquals("99999999u", GrpcHealthClient.grpcTimeout(TimeUnit.MICROSECONDS.toNanos(99_999_999)));
        assertEquals("100000m", GrpcHealthClient.grpcTimeout(TimeUnit.SECONDS.toNanos(100)));
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
