package ai.stigmer.kubernetes;

import ai.stigmer.config.Durations;
import java.time.Duration;

/** Kubernetes counts probe and grace periods in whole seconds; stigmer durations go down to milliseconds. */
final class Seconds {
    private Seconds() {}

    /**
     * {@code d} in whole seconds, rounded up and at least {@code min}: a shorter timeout or period than
     * configured would fail or probe more often than the config asks. Reports any rounding as
     * {@code DURATION_ROUNDED}, naming {@code what}.
     */
    static int of(Duration d, int min, String what, Warnings warnings) {
        long whole = d.toSeconds() + (d.minusSeconds(d.toSeconds()).isZero() ? 0 : 1);
        long seconds = Math.max(whole, min);
        if (!Duration.ofSeconds(seconds).equals(d)) {
            warnings.add(ExportWarning.Code.DURATION_ROUNDED, what + " " + Durations.format(d) + " rounded up to "
                    + seconds + "s (Kubernetes counts whole seconds" + (min > 0 ? ", at least " + min : "") + ")");
        }
        return Math.toIntExact(seconds);
    }
}
