package ai.stigmer.supervisor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/** The timestamps of automatic restarts within the sliding window of SPEC §4 (monotonic nanos). */
final class RestartWindow {
    private final Duration window;
    private final Deque<Long> restarts = new ArrayDeque<>();

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
    }

    void clear() {
        restarts.clear();
    }

    long[] snapshot() {
        return restarts.stream().mapToLong(Long::longValue).toArray();
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
