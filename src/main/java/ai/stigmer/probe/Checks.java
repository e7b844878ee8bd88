package ai.stigmer.probe;

import ai.stigmer.config.CheckSpec;
import ai.stigmer.runtime.ComponentRuntime;
import ai.stigmer.runtime.docker.DockerRuntime;

/** Builds the check for a {@link CheckSpec}; the one place that knows every check type. */
public final class Checks {
    private Checks() {}

    public static Check create(CheckSpec spec, ComponentRuntime runtime) {
        if (spec instanceof CheckSpec.Process) {
            return new ProcessCheck();
        } else if (spec instanceof CheckSpec.Tcp t) {
            return new TcpCheck(t.host(), t.port());
        } else if (spec instanceof CheckSpec.Grpc g) {
            return new GrpcCheck(g);
        } else if (spec instanceof CheckSpec.Http h) {
            return new HttpCheck(h.url());
        } else if (spec instanceof CheckSpec.Exec e) {
            return new ExecCheck(e.command());
        } else if (spec instanceof CheckSpec.Uptime u) {
            return new UptimeCheck(u.min());
        } else if (spec instanceof CheckSpec.Container && runtime instanceof DockerRuntime docker) {
            return docker.containerCheck();
        }
        throw new IllegalArgumentException("check " + spec.type() + " does not fit this component");
    }
}
