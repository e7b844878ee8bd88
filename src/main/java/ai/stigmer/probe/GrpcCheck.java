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
import java.util.concurrent.TimeUnit;

/**
 * The {@code grpc} check of SPEC §2: grpc.health.v1 {@code Check} for {@code service} ({@code ""} for
 * the whole server), over plaintext, with the probe timeout as deadline. Passes on SERVING only.
 * Failure reasons: the status word the server answered ({@code NOT_SERVING}, {@code SERVICE_UNKNOWN}),
 * {@code timeout} when the deadline passes, otherwise the gRPC status code and its description, such
 * as {@code UNAVAILABLE: io exception (Connection refused)}.
 *
 * <p>One channel is created at the first run and reused until {@link #close()}.
 */
public final class GrpcCheck implements Check {
    private final CheckSpec.Grpc spec;
    private ManagedChannel channel;

    public GrpcCheck(CheckSpec.Grpc spec) {
        this.spec = spec;
    }

    @Override
    public String describe() {
        return "grpc " + spec.host() + ":" + spec.port() + (spec.service().isEmpty() ? "" : " " + spec.service());
    }

    @Override
    public CheckResult run(CheckContext context) {
        HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(channel())
                .withDeadlineAfter(context.timeout().toNanos(), TimeUnit.NANOSECONDS);
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
    synchronized ManagedChannel channel() {
        if (channel == null) {
            channel = Grpc.newChannelBuilderForAddress(spec.host(), spec.port(), InsecureChannelCredentials.create())
                    .build();
        } else if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            // The probe period is our retry schedule: without this, a channel that failed while the
            // component was down would keep failing fast for up to its 2-minute reconnect backoff.
            channel.resetConnectBackoff();
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
    public synchronized void close() {
        if (channel != null) {
            channel.shutdownNow();
            channel = null;
        }
    }
}
