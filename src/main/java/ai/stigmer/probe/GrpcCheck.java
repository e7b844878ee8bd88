package ai.stigmer.probe;

import ai.stigmer.config.CheckSpec;

/**
 * The {@code grpc} check of SPEC §2: grpc.health.v1 {@code Check} for {@code service} ({@code ""} for
 * the whole server), over plaintext, with the probe timeout as deadline. Passes on SERVING only.
 * Failure reasons: the status word the server answered ({@code NOT_SERVING}, {@code SERVICE_UNKNOWN}),
 * {@code timeout} when the deadline passes, otherwise the gRPC status code and its description, such
 * as {@code UNAVAILABLE: io exception (Connection refused)}.
 *
 * <p>The call goes through {@link GrpcHealthClient}, the daemon's own HTTP/2 client on the JDK alone:
 * no grpc-java, Netty, Guava or protobuf class comes into the daemon. One connection is opened by the
 * first run and reused until it fails or {@link #close()}; every read is bounded by the deadline, so
 * every run answers within its timeout, the first one included.
 */
public final class GrpcCheck implements Check {
    private final CheckSpec.Grpc spec;
    private final GrpcHealthClient client;

    public GrpcCheck(CheckSpec.Grpc spec) {
        this.spec = spec;
        this.client = new GrpcHealthClient(spec.host(), spec.port(), spec.service());
    }

    @Override
    public String describe() {
        return "grpc " + spec.host() + ":" + spec.port() + (spec.service().isEmpty() ? "" : " " + spec.service());
    }

    /** Loads the client's classes and the JDK's HPACK decoder, a few milliseconds' work. */
    @Override
    public void prepare() {
        client.prepare();
    }

    @Override
    public CheckResult run(CheckContext context) {
        return client.check(System.nanoTime() + context.timeout().toNanos());
    }

    /** Connections opened so far: one serves every run while the server keeps it. */
    int connectionsOpened() {
        return client.connectionsOpened();
    }

    @Override
    public void close() {
        client.close();
    }
}
