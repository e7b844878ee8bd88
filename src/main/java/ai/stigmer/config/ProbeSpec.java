package ai.stigmer.config;

import java.time.Duration;
import java.util.List;

/**
 * A startup, liveness or readiness probe. It passes only when all its checks pass, each within
 * {@link #timeout()}. It first runs {@link #initialDelay()} after it becomes active, then every
 * {@link #period()}.
 */
public record ProbeSpec(
        Duration initialDelay,
        Duration period,
        Duration timeout,
        int successThreshold,
        int failureThreshold,
        List<CheckSpec> checks) {

    public ProbeSpec {
        checks = List.copyOf(checks);
    }
}
