package ai.stigmer.config;

import java.time.Duration;

/** The restart rules of SPEC §4 for one component. */
public record RestartSpec(RestartPolicy policy, BackoffSpec backoff, int maxRestarts, Duration window,
        Duration minUptime, Duration rearmAfter) {

    /** Without the circuit breaker: a Failed component stays Failed until the operator acts. */
    public RestartSpec(RestartPolicy policy, BackoffSpec backoff, int maxRestarts, Duration window, Duration minUptime) {
        this(policy, backoff, maxRestarts, window, minUptime, Duration.ZERO);
    }

    /** True if a component Failed by its restart limit gets one more try after {@link #rearmAfter}. */
    public boolean rearms() {
        return rearmAfter.compareTo(Duration.ZERO) > 0;
    }

    public static final RestartSpec DEFAULT = new RestartSpec(
            RestartPolicy.ALWAYS, BackoffSpec.DEFAULT, 10, Duration.ofMinutes(10), Duration.ofSeconds(10));
}
