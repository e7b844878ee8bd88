package ai.stigmer.worker;

import ai.stigmer.component.ComponentProcess;
import ai.stigmer.api.v1.HeartbeatRequest;
import ai.stigmer.api.v1.RegisterWorkerRequest;
import ai.stigmer.api.v1.RegisterWorkerResponse;
import ai.stigmer.api.v1.StigmerGrpc;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * workflow-runner (SPEC §8): a worker that registers with stigmer-server and keeps a heartbeat
 * with it, standing where the real Temporal worker stands.
 *
 * <p>When the server goes away the runner keeps running and retries with its own exponential backoff
 * ({@link #backoffMillis}); when the server answers that it does not know the worker id (it was
 * restarted), the runner registers again.
 *
 * <p>Command line: {@code workflow-runner [--server HOST:PORT] [--name NAME] [--exit-at-start CODE]
 * [--backoff-initial-ms N] [--backoff-max-ms N]}. Exit codes: 0 after SIGTERM or SIGINT, 1 when the
 * peer is not a stigmer-server, 2 for bad arguments, CODE with {@code --exit-at-start CODE} (to
 * demonstrate crash loops and restart limits).
 */
public final class WorkflowRunner implements AutoCloseable {

    /** What a runner is told on its command line. */
    public record Options(String host, int port, String name, Duration backoffInitial, Duration backoffMax) {
        public Options {
            if (backoffInitial.isNegative() || backoffInitial.isZero() || backoffMax.compareTo(backoffInitial) < 0) {
                throw new IllegalArgumentException("backoff needs 0 < initial <= max");
            }
        }

        /** The defaults: 127.0.0.1:50051, backoff 250 ms doubling up to 5 s. */
        public static Options defaults() {
            return new Options("127.0.0.1", 50051, "workflow-runner@" + ProcessHandle.current().pid(),
                    Duration.ofMillis(250), Duration.ofSeconds(5));
        }
    }

    static final int EXIT_OK = 0, EXIT_UNRECOVERABLE = 1, EXIT_USAGE = 2;
    private static final Duration RPC_DEADLINE = Duration.ofSeconds(5);

    private final Options options;
    private final PrintStream out;
    private final ManagedChannel channel;
    private final StigmerGrpc.StigmerBlockingStub stub;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile String workerId;

    public WorkflowRunner(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.channel = Grpc.newChannelBuilderForAddress(options.host(), options.port(),
                InsecureChannelCredentials.create()).build();
        this.stub = StigmerGrpc.newBlockingStub(channel);
    }

    /**
     * The delay before retry number {@code attempt} (1 for the first): {@code initial × 2^(attempt−1)},
     * capped at {@code max}.
     */
    public static long backoffMillis(int attempt, Duration initial, Duration max) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1: " + attempt);
        }
        long delay = initial.toMillis();
        for (int i = 1; i < attempt && delay < max.toMillis(); i++) {
            delay *= 2;
        }
        return Math.min(delay, max.toMillis());
    }

    /** The id the server gave this worker, or null while unregistered. */
    public String workerId() {
        return workerId;
    }

    /** Registers and heartbeats until {@link #stop()}; returns the exit code. */
    public int run() {
        long intervalMs = 1000;
        int failures = 0;
        while (stopRequested.getCount() > 0) {
            long pause;
            try {
                if (workerId == null) {
                    RegisterWorkerResponse r = stub()
                            .registerWorker(RegisterWorkerRequest.newBuilder().setName(options.name()).build());
                    intervalMs = Math.max(10, r.getHeartbeatIntervalMs());
                    workerId = r.getWorkerId();
                    out.println("workflow-runner: registered as " + workerId + ", heartbeat every " + intervalMs + " ms");
                } else if (!stub().heartbeat(HeartbeatRequest.newBuilder().setWorkerId(workerId).build()).getKnown()) {
                    out.println("workflow-runner: server does not know " + workerId + ", registering again");
                    workerId = null;
                    failures = 0;
                    continue;
                }
                if (failures > 0) {
                    out.println("workflow-runner: server reachable again after " + failures + " failed attempts");
                }
                failures = 0;
                pause = intervalMs;
            } catch (StatusRuntimeException e) {
                if (stopRequested.getCount() == 0) {
                    break;
                }
                Status.Code code = e.getStatus().getCode();
                if (code == Status.Code.UNIMPLEMENTED || code == Status.Code.INVALID_ARGUMENT) {
                    out.println("workflow-runner: giving up, the server refused us: " + e.getStatus());
                    return EXIT_UNRECOVERABLE;
                }
                failures++;
                pause = backoffMillis(failures, options.backoffInitial(), options.backoffMax());
                if (failures == 1) {
                    out.println("workflow-runner: server unavailable (" + code + "), retrying with backoff");
                }
            }
            try {
                stopRequested.await(pause, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return EXIT_OK;
    }

    private StigmerGrpc.StigmerBlockingStub stub() {
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            // Our backoff governs the retries: skip the channel's own (it grows to 2 minutes) and
            // connect now, so this call waits for the attempt instead of failing at once.
            channel.resetConnectBackoff();
        }
        return stub.withDeadlineAfter(RPC_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks {@link #run()} to return; safe from any thread. */
    public void stop() {
        stopRequested.countDown();
    }

    /** Stops and closes the channel. */
    @Override
    public void close() {
        stop();
        channel.shutdownNow();
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        ComponentProcess.exit(code);
    }

    /** Parses the command line, runs until SIGTERM or SIGINT, and returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options defaults = Options.defaults();
        String host = defaults.host(), name = defaults.name();
        int port = defaults.port();
        long initialMs = defaults.backoffInitial().toMillis(), maxMs = defaults.backoffMax().toMillis();
        Options options;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--exit-at-start" -> {
                        return (int) ComponentProcess.number(args, ++i, 0, 255);
                    }
                    case "--server" -> {
                        String target = ComponentProcess.value(args, ++i);
                        int colon = target.lastIndexOf(':');
                        if (colon <= 0) {
                            throw new IllegalArgumentException("--server wants HOST:PORT, not " + target);
                        }
                        host = target.substring(0, colon);
                        port = (int) ComponentProcess.number(new String[] {"--server port", target.substring(colon + 1)}, 1, 1, 65535);
                    }
                    case "--name" -> name = ComponentProcess.value(args, ++i);
                    case "--backoff-initial-ms" -> initialMs = ComponentProcess.number(args, ++i, 1, 3_600_000);
                    case "--backoff-max-ms" -> maxMs = ComponentProcess.number(args, ++i, 1, 3_600_000);
                    default -> throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            options = new Options(host, port, name, Duration.ofMillis(initialMs), Duration.ofMillis(maxMs));
        } catch (IllegalArgumentException e) {
            err.println("workflow-runner: " + e.getMessage());
            err.println("usage: workflow-runner [--server HOST:PORT] [--name NAME] [--exit-at-start CODE]"
                    + " [--backoff-initial-ms N] [--backoff-max-ms N]");
            return EXIT_USAGE;
        }

        WorkflowRunner runner = new WorkflowRunner(options, out);
        CountDownLatch finished = new CountDownLatch(1);
        ComponentProcess.onTermination("workflow-runner-stop", () -> {
            runner.close(); // cancels a call in flight too
            try {
                finished.await(5, TimeUnit.SECONDS); // let the loop leave and the channel close
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        out.println("workflow-runner: " + name + " connecting to " + host + ":" + port);
        try {
            return runner.run();
        } finally {
            runner.close();
            out.println("workflow-runner: stopped");
            finished.countDown();
        }
    }

}
