package ai.stigmer.probe;

import java.time.Duration;

final class Timeouts {
    private Timeouts() {}

    /** A socket timeout in ms, at least 1 (0 would mean "forever"). */
    static int millis(Duration timeout) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }
}
