package ai.stigmer.supervisor;

import java.time.Duration;

/**
 * When the watchdog wakes for probes. Each wake of a sleeping thread costs far more than the look at
 * {@code /proc} it is for (measured on a 2-core VM: 20 wakes a second of an empty timer task took
 * 0.47 % of a core), so a probe whose period is a whole number of seconds runs on the whole seconds
 * of the watchdog's monotonic clock, as does the heartbeat: 200 such probes every 10 s wake the
 * watchdog once a second, not 20 times. Its runs stay one period apart (from the start of one run to
 * the next, as SPEC §3 counts it); its first comes at the first whole second after its initialDelay.
 * A due time up to {@link #SAME_SECOND} past a whole second counts as that second, so that a run the
 * watchdog started a little late does not push the next one by a whole second.
 */
final class ProbeTicks {
    static final long SECOND = 1_000_000_000L;
    /** How far past a whole second a due time still counts as that second. */
    static final long SAME_SECOND = 100_000_000L;

    private ProbeTicks() {}

    /**
     * The delay, from {@code now}, of a probe run asked for after {@code delay}: at a whole second if
     * {@code period} is a whole number of seconds and the run is not asked for at once; else {@code delay}.
     */
    static Duration delay(long now, Duration delay, Duration period) {
        if (delay.isZero() || delay.isNegative() || period.getNano() != 0 || period.isZero()) {
            return delay;
        }
        return Duration.ofNanos(Math.max(0, onTheSecond(now + delay.toNanos()) - now));
    }

    /** The first whole second at or after {@code due}, a due time up to {@link #SAME_SECOND} past one counting as it. */
    static long onTheSecond(long due) {
        return Math.floorDiv(due - SAME_SECOND - 1, SECOND) * SECOND + SECOND;
    }
}
