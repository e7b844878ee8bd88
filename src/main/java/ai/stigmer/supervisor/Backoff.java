package ai.stigmer.supervisor;

import ai.stigmer.config.BackoffSpec;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The delay before a restart (SPEC §4): {@code min(initial × multiplier^(n−1), max)} for the n-th
 * consecutive failure, spread by ±jitter×delay. A pure function of n and the random source.
 */
public final class Backoff {
    private final BackoffSpec spec;
    private final DoubleSupplier random;

    /** {@code random} yields values in [0, 1). */
    public Backoff(BackoffSpec spec, DoubleSupplier random) {
        if (spec.multiplier() < 1.0 || spec.jitter() < 0 || spec.jitter() > 1) {
            throw new IllegalArgumentException("invalid backoff " + spec);
        }
        this.spec = spec;
        this.random = random;
    }

    /** The delay before the restart that follows the {@code n}-th consecutive failure (n ≥ 1). */
    public Duration delay(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, was " + n);
        }
        double initial = spec.initial().toNanos();
        double max = spec.max().toNanos();
        double nanos = Math.min(initial * Math.pow(spec.multiplier(), n - 1), max);
        if (spec.jitter() > 0) {
            nanos += nanos * spec.jitter() * (2 * random.getAsDouble() - 1);
        }
        return Duration.ofNanos(Math.round(Math.max(0, nanos)));
    }
}
