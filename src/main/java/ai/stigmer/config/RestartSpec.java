package ai.stigmer.config;

import java.time.Duration;

/** The restart rules of SPEC §4 for one component. */
public record RestartSpec(
        RestartPolicy policy, BackoffSpec backoff, int maxRestarts, Duration window, Duration minUptime) {

    public static final RestartSpec DEFAULT = new RestartSpec(
            RestartPolicy.ALWAYS, BackoffSpec.DEFAULT, 10, Duration.ofMinutes(10), Duration.ofSeconds(10));
}
