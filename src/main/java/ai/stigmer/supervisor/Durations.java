package ai.stigmer.supervisor;

import java.time.Duration;

/** Short human forms of durations for log lines: {@code 250ms}, {@code 4s}, {@code 1m30s}. */
final class Durations {
    private Durations() {}

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms % 1000 != 0 && ms < 10_000) {
            return String.format("%.1fs", ms / 1000.0);
        }
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        long m = s / 60;
        return s % 60 == 0 ? m + "m" : m + "m" + (s % 60) + "s";
    }
}
