package ai.stigmer.bench.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The soak's {@code stigmer.yaml}: short timings so that many faults fit in two minutes, free
 * loopback ports, and the components the faults aim at: a gRPC server (stigmer-server), a plain
 * {@code sleep}, a shell with children (a tree to clear), a container on the private engine when
 * there is one, and a crash-looper that climbs the backoff to the restart limit.
 */
record SoakConfig(int jmxPort, int grpcPort, String dockerContainer) {
    static final String GRPC = "grpc";
    static final String SLEEPER = "sleeper";
    static final String FORKER = "forker";
    static final String AGENT = "agent";
    static final String CRASHLOOP = "crashloop";

    static final Duration INITIAL = Duration.ofMillis(200);
    static final double MULTIPLIER = 2.0;
    static final Duration MAX = Duration.ofMillis(1600);
    static final Duration MIN_UPTIME = Duration.ofSeconds(1);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(1);
    static final int CRASHLOOP_MAX_RESTARTS = 6;
    /** Liveness of the gRPC server: a SIGSTOP is noticed after about period × threshold + timeout. */
    static final Duration LIVENESS_PERIOD = Duration.ofMillis(500);
    static final int LIVENESS_THRESHOLD = 3;

    boolean docker() {
        return dockerContainer != null;
    }

    /** The components, in the config's order. */
    List<String> components() {
        List<String> names = new ArrayList<>(List.of(GRPC, SLEEPER, FORKER));
        if (docker()) {
            names.add(AGENT);
        }
        names.add(CRASHLOOP);
        return names;
    }

    /** The components that must be Running whenever no fault is in flight (all but the crash-looper). */
    List<String> steady() {
        return components().stream().filter(c -> !c.equals(CRASHLOOP)).toList();
    }

    static boolean isDocker(String component) {
        return AGENT.equals(component);
    }

    /** The delay before the n-th consecutive failure's restart (SPEC §4, backoff). */
    static long backoffMillis(int n) {
        double d = INITIAL.toMillis() * Math.pow(MULTIPLIER, n - 1);
        return (long) Math.min(d, MAX.toMillis());
    }

    String yaml() {
        String y = """
                daemon:
                  jmx: { host: 127.0.0.1, port: %d }
                defaults:
                  restart:
                    policy: always
                    backoff: { initial: %dms, multiplier: %s, max: %dms, jitter: 0.0 }
                    maxRestarts: 100000
                    window: 10m
                    minUptime: %dms
                  stop: { timeout: %dms }
                  probes:
                    startup:   { period: 200ms, timeout: 2s, failureThreshold: 150, successThreshold: 1 }
                    liveness:  { period: %dms, timeout: 1s, failureThreshold: %d, successThreshold: 1 }
                components:
                  grpc:
                    process: { command: ["${STIGMER_INSTALL}/bin/stigmer-server", "--port", "%d"] }
                    probes:
                      startup:   { checks: [ { process: {} }, { grpc: { port: %d } } ] }
                      liveness:  { checks: [ { process: {} }, { grpc: { port: %d } } ] }
                  sleeper:
                    process: { command: ["sleep", "1000000"] }
                    probes:
                      liveness:  { checks: [ { process: {} } ] }
                  forker:
                    process: { command: ["sh", "-c", "sleep 1000000 & sleep 1000000 & wait"] }
                    probes:
                      liveness:  { checks: [ { process: {} } ] }
                """.formatted(jmxPort, INITIAL.toMillis(), MULTIPLIER, MAX.toMillis(), MIN_UPTIME.toMillis(),
                STOP_TIMEOUT.toMillis(), LIVENESS_PERIOD.toMillis(), LIVENESS_THRESHOLD, grpcPort, grpcPort, grpcPort);
        if (docker()) {
            y += """
                      agent:
                        docker: { image: stigmer/agent-runner:local, name: %s, env: { AGENT_HEARTBEAT_SECONDS: "1" } }
                        stop: { timeout: 2s }
                        probes:
                          liveness:  { period: 1s, timeout: 3s, failureThreshold: 3, checks: [ { container: {} } ] }
                    """.formatted(dockerContainer);
        }
        y += """
                  crashloop:
                    process: { command: ["sh", "-c", "sleep 0.5; echo crashing; exit 3"] }
                    restart: { maxRestarts: %d }
                """.formatted(CRASHLOOP_MAX_RESTARTS);
        return y;
    }
}
