package ai.stigmer.probe;

import ai.stigmer.config.CheckSpec;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code grpc} check of SPEC §2: grpc.health.v1 {@code Check} for {@code service} ({@code ""} for
 * the whole server), over plaintext, with the probe timeout as deadline. Passes on SERVING only.
 * Failure reasons: the status word the server answered ({@code NOT_SERVING}, {@code SERVICE_UNKNOWN}),
 * {@code timeout} when the deadline passes, otherwise the gRPC status code and its description, such
 * as {@code UNAVAILABLE: io exception (Connection refused)}.
 *
 * <p>One channel is created once and reused until {@link #close()}. Its set-up (loading the gRPC and
 * Netty classes, the event loop, the first connection attempt) can take seconds on a loaded machine:
 * {@link #prepare()} does it ahead, and a run that finds it still under way waits for it only as long
 * as its timeout allows, then fails with {@code timeout (gRPC channel set-up)}, so that even the first
 * run returns in time and frees its thread.
 */
public final class GrpcCheck implements Check {
    private final CheckSpec.Grpc spec;
    private final ReentrantLock setUp = new ReentrantLock();
    private volatile ManagedChannel channel;
    private boolean closed;

    public GrpcCheck(CheckSpec.Grpc spec) {
        this.spec = spec;
    }

    @Override
    public String describe() {
        return "grpc " + spec.host() + ":" + spec.port() + (spec.service().isEmpty() ? "" : " " + spec.service());
    }

    /** Creates the channel and has it connect once, which loads and starts everything a call needs. */
    @Override
    public void prepare() {
        setUp.lock();
        try {
            createChannel();
        } finally {
            setUp.unlock();
        }
    }

    @Override
    public CheckResult run(CheckContext context) {
        long deadline = System.nanoTime() + context.timeout().toNanos();
        ManagedChannel ready = channel(context.timeout());
        if (ready == null) {
            return CheckResult.fail("timeout (gRPC channel set-up)");
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return CheckResult.fail("timeout (gRPC channel set-up)");
        }
        HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(ready).withDeadlineAfter(left, TimeUnit.NANOSECONDS);
        try {
            HealthCheckResponse response =
                    stub.check(HealthCheckRequest.newBuilder().setService(spec.service()).build());
            return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING
                    ? CheckResult.pass()
                    : CheckResult.fail(response.getStatus().name());
        } catch (StatusRuntimeException e) {
            return CheckResult.fail(reason(e.getStatus()));
        }
    }

    /** The channel, created on first use; a channel waiting out its reconnect backoff reconnects now. */
    ManagedChannel channel() {
        return channel(Duration.ofDays(1));
    }

    /** The channel, or null if its set-up (here or in {@link #prepare()}) takes longer than {@code wait}. */
    private ManagedChannel channel(Duration wait) {
        ManagedChannel existing = channel;
        if (existing == null) {
            try {
                if (!setUp.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the pool's timeout: the run is over
                return null;
            }
            try {
                existing = createChannel();
            } finally {
                setUp.unlock();
            }
        } else if (existing.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            // The probe period is our retry schedule: without this, a channel that failed while the
            // component was down would keep failing fast for up to its 2-minute reconnect backoff.
            existing.resetConnectBackoff();
        }
        return existing;
    }

    /** Under {@link #setUp}. */
    private ManagedChannel createChannel() {
        if (channel == null && !closed) {
            ManagedChannel created = Grpc.newChannelBuilderForAddress(spec.host(), spec.port(),
                    InsecureChannelCredentials.create()).build();
            created.getState(true);
            channel = created;
        }
        if (closed) {
            throw new IllegalStateException("the check is closed");
        }
        return channel;
    }

    private static String reason(Status status) {
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return "timeout";
        }
        StringBuilder reason = new StringBuilder(status.getCode().name());
        if (status.getDescription() != null) {
            reason.append(": ").append(status.getDescription());
        }
        if (status.getCause() != null && status.getCause().getMessage() != null) {
            reason.append(" (").append(status.getCause().getMessage()).append(')');
        }
        return reason.toString();
    }

    @Override
    public void close() {
        setUp.lock();
        try {
            closed = true;
            if (channel != null) {
                channel.shutdownNow();
                channel = null;
            }
        } finally {
            setUp.unlock();
        }
    }
}
