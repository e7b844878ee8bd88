package ai.stigmer.server;

import ai.stigmer.component.ComponentProcess;
import ai.stigmer.api.v1.StigmerGrpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * stigmer-server (SPEC §8): a gRPC server on 127.0.0.1 serving the standard
 * {@code grpc.health.v1.Health} service and the Stigmer API of {@code stigmer.proto}.
 *
 * <p>Health is SERVING for {@code ""} and for {@value #SERVICE_NAME} once the server accepts work, and
 * NOT_SERVING from the moment shutdown begins; a graceful stop with a short grace follows.
 *
 * <p>Command line: {@code stigmer-server [--port N] [--heartbeat-interval-ms N]}. Exit codes: 0 after
 * SIGTERM or SIGINT, 1 if it could not start, 2 for bad arguments, 3 if the port is already in use.
 */
public final class StigmerServer {
    /** The health service name of the Stigmer API. */
    public static final String SERVICE_NAME = StigmerGrpc.SERVICE_NAME;
    public static final int DEFAULT_PORT = 50051;
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(2);
    /** How long in-flight calls get to finish once shutdown begins. */
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(2);

    static final int EXIT_START_FAILED = 1, EXIT_USAGE = 2, EXIT_PORT_IN_USE = 3;
    private static final String HOST = "127.0.0.1";

    /** Thrown by {@link #start} when another socket holds the port. */
    public static final class PortInUseException extends IOException {
        PortInUseException(int port, Throwable cause) {
            super("port " + port + " on " + HOST + " is already in use", cause);
        }
    }

    private final Server server;
    private final HealthStatusManager health;
    private final WorkerRegistry registry;
    private final AtomicBoolean stopping = new AtomicBoolean();

    private StigmerServer(Server server, HealthStatusManager health, WorkerRegistry registry) {
        this.server = server;
        this.health = health;
        this.registry = registry;
    }

    /**
     * Binds 127.0.0.1:{@code port} ({@code 0} picks a free port) and starts serving.
     *
     * @throws PortInUseException if the port is taken
     * @throws IOException for any other failure to bind
     */
    public static StigmerServer start(int port, Duration heartbeatInterval) throws IOException {
        // Workers missing a few heartbeats in a row are gone; forget them.
        WorkerRegistry registry = new WorkerRegistry(System::nanoTime, heartbeatInterval.multipliedBy(5));
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
        health.setStatus(SERVICE_NAME, ServingStatus.NOT_SERVING);
        Server server = NettyServerBuilder
                .forAddress(new InetSocketAddress(HOST, port), InsecureServerCredentials.create())
                .directExecutor() // every handler is quick and never blocks
                .addService(health.getHealthService())
                .addService(new StigmerService(registry, heartbeatInterval))
                .build();
        try {
            server.start();
        } catch (IOException e) {
            if (isAddressInUse(e)) {
                throw new PortInUseException(port, e);
            }
            throw e;
        }
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
        health.setStatus(SERVICE_NAME, ServingStatus.SERVING);
        return new StigmerServer(server, health, registry);
    }

    /** The port bound, useful after {@code start(0, ...)}. */
    public int port() {
        return server.getPort();
    }

    /** The workers this server knows. */
    public WorkerRegistry registry() {
        return registry;
    }

    /**
     * Begins shutdown: health turns NOT_SERVING at once (and stays so), new calls are refused, and
     * calls in flight get {@code grace} to finish before they are cancelled. Returns when stopped.
     */
    public void shutdown(Duration grace) {
        if (stopping.compareAndSet(false, true)) {
            health.enterTerminalState(); // SPEC §8: NOT_SERVING while it shuts down
            server.shutdown();
        }
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Blocks until the server has stopped. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        ComponentProcess.exit(code);
    }

    /** Runs the server until SIGTERM or SIGINT and returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        int port = DEFAULT_PORT;
        long intervalMs = DEFAULT_HEARTBEAT_INTERVAL.toMillis();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> port = (int) ComponentProcess.number(args, ++i, 1, 65535);
                    case "--heartbeat-interval-ms" -> intervalMs = ComponentProcess.number(args, ++i, 10, 3_600_000);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("stigmer-server: " + e.getMessage());
            err.println("usage: stigmer-server [--port N] [--heartbeat-interval-ms N]");
            return EXIT_USAGE;
        }

        StigmerServer server;
        try {
            server = start(port, Duration.ofMillis(intervalMs));
        } catch (PortInUseException e) {
            err.println("stigmer-server: " + e.getMessage());
            return EXIT_PORT_IN_USE;
        } catch (IOException | RuntimeException e) {
            err.println("stigmer-server: cannot start on " + HOST + ":" + port + ": " + e);
            return EXIT_START_FAILED;
        }
        ComponentProcess.onTermination("stigmer-server-stop", () -> {
            out.println("stigmer-server: shutting down");
            server.shutdown(SHUTDOWN_GRACE);
            out.println("stigmer-server: stopped");
        });
        out.println("stigmer-server: serving on " + HOST + ":" + server.port());
        try {
            server.awaitTermination();
        } catch (InterruptedException e) {
            server.shutdown(Duration.ZERO);
        }
        return 0;
    }

    private static boolean isAddressInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }
}
