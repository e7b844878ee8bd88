package ai.stigmer.config;

import java.time.Duration;

/** Exponential backoff: {@code min(initial × multiplier^(n−1), max)}, spread by ±jitter. */
public record BackoffSpec(Duration initial, double multiplier, Duration max, double jitter) {
    public static final BackoffSpec DEFAULT =
            new BackoffSpec(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(60), 0.0);
}
