package ai.stigmer.probe;

import ai.stigmer.config.CheckSpec;

/** grpc.health.v1 {@code Check}; passes on SERVING. */
public final class GrpcCheck implements Check {
    private final CheckSpec.Grpc spec;

    public GrpcCheck(CheckSpec.Grpc spec) {
        this.spec = spec;
    }

    @Override
    public String describe() {
        return "grpc " + spec.host() + ":" + spec.port();
    }

    @Override
    public CheckResult run(CheckContext context) {
        return CheckResult.fail("grpc check not available yet");
    }
}
