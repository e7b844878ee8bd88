package ai.stigmer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.api.v1.HeartbeatRequest;
import ai.stigmer.api.v1.ListWorkersRequest;
import ai.stigmer.api.v1.RegisterWorkerRequest;
import ai.stigmer.api.v1.RegisterWorkerResponse;
import ai.stigmer.api.v1.StigmerGrpc;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.ChildJava;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StigmerServerTest {
    private StigmerServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        server = StigmerServer.start(0, Duration.ofMillis(200));
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), InsecureChannelCredentials.create())
                .build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdown(Duration.ZERO);
    }

    private ServingStatus check(String service) {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }

    @Test
    void servingForServerAndStigmerServiceOnceStarted() {
        assertEquals(ServingStatus.SERVING, check(""));
        assertEquals(ServingStatus.SERVING, check(StigmerServer.SERVICE_NAME));
    }

    @Test
    void notServingFromTheMomentShutdownBegins() throws Exception {
        BlockingQueue<ServingStatus> seen = new LinkedBlockingQueue<>();
        HealthGrpc.newStub(channel).watch(HealthCheckRequest.getDefaultInstance(), new StreamObserver<>() {
            @Override public void onNext(HealthCheckResponse r) { seen.add(r.getStatus()); }
            @Override public void onError(Throwable t) {}
            @Override public void onCompleted() {}
        });
        assertEquals(ServingStatus.SERVING, seen.poll(10, TimeUnit.SECONDS));

        // The open watch keeps the server in its grace period, so shutdown returns after about 1 s.
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> server.shutdown(Duration.ofSeconds(1)));
        assertEquals(ServingStatus.NOT_SERVING, seen.poll(10, TimeUnit.SECONDS));
        try {
            assertEquals(ServingStatus.NOT_SERVING, check(""));
        } catch (StatusRuntimeException gone) {
            assertEquals(Status.Code.UNAVAILABLE, gone.getStatus().getCode());
        }
        stopping.get(10, TimeUnit.SECONDS);
    }

    @Test
    void registersWorkersAndTellsUnknownIdsApart() {
        StigmerGrpc.StigmerBlockingStub stub = StigmerGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        RegisterWorkerResponse r = stub.registerWorker(RegisterWorkerRequest.newBuilder().setName("w1").build());
        assertEquals(200, r.getHeartbeatIntervalMs());
        assertTrue(stub.heartbeat(HeartbeatRequest.newBuilder().setWorkerId(r.getWorkerId()).build()).getKnown());
        assertFalse(stub.heartbeat(HeartbeatRequest.newBuilder().setWorkerId("from-another-life").build()).getKnown());

        var workers = stub.listWorkers(ListWorkersRequest.getDefaultInstance()).getWorkersList();
        assertEquals(1, workers.size());
        assertEquals("w1", workers.get(0).getName());
        assertEquals(1, workers.get(0).getHeartbeats());
    }

    @Test
    void emptyWorkerNameIsRefused() {
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> StigmerGrpc.newBlockingStub(channel).registerWorker(RegisterWorkerRequest.getDefaultInstance()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    }

    @Test
    void portInUseExitsThreeNamingThePort(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Process child = ChildJava.start(dir, StigmerServer.class, "--port", Integer.toString(port));
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "stigmer-server did not exit");
            assertEquals(3, child.exitValue());
            assertEquals("stigmer-server: port " + port + " on 127.0.0.1 is already in use",
                    ChildJava.read(dir, "err.txt").strip());
        }
    }

    @Test
    void childProcessServesThenExitsZeroOnSigterm(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        Process child = ChildJava.start(dir, StigmerServer.class, "--port", Integer.toString(port));
        ManagedChannel toChild = Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
                .build();
        try {
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(toChild);
            Await.until("child SERVING", Duration.ofSeconds(60), () -> {
                try {
                    return health.withWaitForReady().withDeadlineAfter(1, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING;
                } catch (StatusRuntimeException notYet) {
                    return false;
                }
            });
            child.destroy(); // SIGTERM
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "stigmer-server did not stop on SIGTERM");
            assertEquals(0, child.exitValue(), ChildJava.read(dir, "err.txt"));
            assertTrue(ChildJava.read(dir, "out.txt").contains("stigmer-server: stopped"), ChildJava.read(dir, "out.txt"));
        } finally {
            toChild.shutdownNow();
            child.destroyForcibly();
        }
    }

    @Test
    void badArgumentsExitTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new ByteArrayOutputStream());
        assertEquals(2, StigmerServer.run(new String[] {"--port", "http"}, out, new PrintStream(err)));
        assertEquals(2, StigmerServer.run(new String[] {"--bogus"}, out, new PrintStream(err)));
        assertTrue(err.toString().contains("usage: stigmer-server"), err.toString());
    }
}
