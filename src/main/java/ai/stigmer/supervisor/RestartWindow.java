package ai.stigmer.supervisor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/** The timestamps of automatic restarts within the sliding window of SPEC §4 (monotonic nanos). */
final class RestartWindow {
    private final Duration window;
    private final Deque<Long> restarts = new ArrayDeque<>();
    private static final long[] NONE = {};
    /** What {@link #snapshot} last returned, until the next change: every input publishes a snapshot. */
    private long[] shown = NONE;

    RestartWindow(Duration window) {
        this.window = window;
    }

    /** Restarts that happened in the last {@code window} before {@code now}. */
    int count(long now) {
        return (int) restarts.stream().filter(t -> now - t < window.toNanos()).count();
    }

    void record(long now) {
        restarts.addLast(now);
        while (!restarts.isEmpty() && now - restarts.peekFirst() >= window.toNanos()) {
            restarts.removeFirst();
        }
        shown = null;
    }

    void clear() {
        restarts.clear();
        shown = NONE;
    }

    /** The restart times, oldest first; the same array until the next change, so it is never written to. */
    long[] snapshot() {
        if (shown == null) {
            shown = restarts.stream().mapToLong(Long::longValue).toArray();
        }
        return shown;
    }

    static int count(long[] times, long now, Duration window) {
        int n = 0;
        for (long t : times) {
            if (now - t < window.toNanos()) {
                n++;
            }
        }
        return n;
    }
}
