package ai.stigmer.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/** One check of a probe, as written in the config (SPEC §2). */
public sealed interface CheckSpec {

    /** The word used in the config: {@code process}, {@code tcp}, ... */
    String type();

    /** The instance's process is alive and not a zombie. */
    record Process() implements CheckSpec {
        public String type() { return "process"; }
    }

    /** A TCP connection to host:port is accepted. */
    record Tcp(String host, int port) implements CheckSpec {
        public String type() { return "tcp"; }
    }

    /** grpc.health.v1 {@code Check} for {@code service} ("" for the server) answers SERVING. */
    record Grpc(String host, int port, String service) implements CheckSpec {
        public String type() { return "grpc"; }
    }

    /** An HTTP GET answers with a status from 200 to 399. */
    record Http(URI url) implements CheckSpec {
        public String type() { return "http"; }
    }

    /** The command exits 0; it is killed at the probe timeout. */
    record Exec(List<String> command) implements CheckSpec {
        public Exec {
            command = List.copyOf(command);
        }
        public String type() { return "exec"; }
    }

    /** This instance has run for at least {@code min}. */
    record Uptime(Duration min) implements CheckSpec {
        public String type() { return "uptime"; }
    }

    /** The container runs and its HEALTHCHECK, if any, is not unhealthy (healthy for readiness). */
    record Container() implements CheckSpec {
        public String type() { return "container"; }
    }
}
