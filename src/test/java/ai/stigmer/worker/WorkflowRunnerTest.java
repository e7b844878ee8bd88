package ai.stigmer.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.server.StigmerServer;
import ai.stigmer.server.WorkerRegistry;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.ChildJava;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkflowRunnerTest {
    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private StigmerServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.shutdown(Duration.ZERO);
        }
    }

    private static Optional<WorkerRegistry.Entry> entry(StigmerServer server, String name) {
        return server.registry().list().stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** Stops the server and starts a new one, with an empty registry, on the same port. */
    private StigmerServer restartServer() throws Exception {
        int port = server.port();
        server.shutdown(Duration.ZERO);
        server = StigmerServer.start(port, INTERVAL);
        return server;
    }

    @ParameterizedTest
    @CsvSource({"1, 250", "2, 500", "3, 1000", "5, 4000", "6, 5000", "60, 5000"})
    void backoffDoublesUpToTheCap(int attempt, long expectedMillis) {
        assertEquals(expectedMillis, WorkflowRunner.backoffMillis(attempt, Duration.ofMillis(250), Duration.ofSeconds(5)));
    }

    @Test
    void backoffRefusesAttemptZero() {
        assertThrows(IllegalArgumentException.class,
                () -> WorkflowRunner.backoffMillis(0, Duration.ofMillis(250), Duration.ofSeconds(5)));
    }

    @Test
    void registersHeartbeatsAndRegistersAgainAfterServerRestart() throws Exception {
        server = StigmerServer.start(0, INTERVAL);
        var options = new WorkflowRunner.Options("127.0.0.1", server.port(), "in-process",
                Duration.ofMillis(50), Duration.ofMillis(500));
        try (WorkflowRunner runner = new WorkflowRunner(options, new PrintStream(new ByteArrayOutputStream()))) {
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(runner::run);
            Await.until("registered and heartbeating", PATIENCE,
                    () -> entry(server, "in-process").map(e -> e.heartbeats() >= 2).orElse(false));
            String firstId = runner.workerId();

            restartServer();
            Await.until("registered with the new server", PATIENCE,
                    () -> entry(server, "in-process").map(e -> e.heartbeats() >= 1).orElse(false));
            assertNotEquals(firstId, runner.workerId());
            assertTrue(!exit.isDone(), "the runner kept running");

            runner.stop();
            assertEquals(0, exit.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void childProcessSurvivesServerRestartAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        server = StigmerServer.start(0, INTERVAL);
        Process child = ChildJava.start(dir, WorkflowRunner.class,
                "--server", "127.0.0.1:" + server.port(), "--name", "child", "--backoff-max-ms", "500");
        try {
            Await.until("child registered", PATIENCE, () -> entry(server, "child").isPresent());
            String firstId = entry(server, "child").orElseThrow().workerId();

            restartServer();
            Await.until("child registered again", PATIENCE, () -> entry(server, "child").isPresent());
            assertNotEquals(firstId, entry(server, "child").orElseThrow().workerId());
            assertTrue(child.isAlive(), "the runner kept running");

            child.destroy(); // SIGTERM
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "runner did not stop on SIGTERM");
            assertEquals(0, child.exitValue(), ChildJava.read(dir, "out.txt") + ChildJava.read(dir, "err.txt"));
            assertTrue(ChildJava.read(dir, "out.txt").contains("registering again"), ChildJava.read(dir, "out.txt"));
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void peerWithoutTheStigmerApiIsUnrecoverable() throws Exception {
        Server healthOnly = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
                .addService(new HealthStatusManager().getHealthService()).build().start();
        var options = new WorkflowRunner.Options("127.0.0.1", healthOnly.getPort(), "lost",
                Duration.ofMillis(50), Duration.ofMillis(500));
        try (WorkflowRunner runner = new WorkflowRunner(options, new PrintStream(new ByteArrayOutputStream()))) {
            assertEquals(1, CompletableFuture.supplyAsync(runner::run).get(30, TimeUnit.SECONDS));
        } finally {
            healthOnly.shutdownNow();
        }
    }

    @Test
    void exitAtStartExitsWithThatCode(@TempDir Path dir) throws Exception {
        Process child = ChildJava.start(dir, WorkflowRunner.class, "--exit-at-start", "3");
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(3, child.exitValue());
    }

    @Test
    void badArgumentsExitTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new ByteArrayOutputStream());
        for (String[] args : new String[][] {{"--server", "localhost"}, {"--server", "h:99999"}, {"--what"},
                {"--exit-at-start"}, {"--backoff-initial-ms", "900", "--backoff-max-ms", "100"}}) {
            assertEquals(2, WorkflowRunner.run(args, out, new PrintStream(err)), String.join(" ", args));
        }
        assertTrue(err.toString().contains("usage: workflow-runner"), err.toString());
    }
}
