package ai.stigmer.supervisor;

import java.time.Duration;

/**
 * The timestamps of automatic restarts within the sliding window of SPEC §4 (monotonic nanos).
 *
 * <p>A component whose restart limit is high (a limit of 100,000 in a 10-minute window, say) and
 * whose instance crashes at once keeps many of them. Counting is therefore O(1) amortized (the times
 * are in order: the expired ones are dropped from the front), and a {@link View} for the status is
 * made without a copy: a slot of the array is written once, and a full array is replaced by a new
 * one, never overwritten, so a view of {@code [start, end)} never changes under its reader.
 */
final class RestartWindow {
    private final long window;
    /** The restart times in the window, oldest first: {@code times[start..end)}. */
    private long[] times = new long[8];
    private int start;
    private int end;
    /** What {@link #snapshot} last returned, until the next change: every input publishes a snapshot. */
    private View shown;

    /** The restart times at one moment, for another thread: immutable. */
    record View(long[] times, int start, int end) {
        static final View NONE = new View(new long[0], 0, 0);
    }

    RestartWindow(Duration window) {
        this.window = window.toNanos();
    }

    /** Restarts that happened in the last {@code window} before {@code now} (never earlier than a recorded time). */
    int count(long now) {
        int first = start;
        while (first < end && now - times[first] >= window) {
            first++;
        }
        if (first != start) {
            start = first;
            shown = null;
        }
        return end - start;
    }

    void record(long now) {
        count(now);
        if (end == times.length) {
            long[] larger = new long[Math.max(8, 2 * (end - start))];
            System.arraycopy(times, start, larger, 0, end - start);
            times = larger;
            end -= start;
            start = 0;
        }
        times[end++] = now;
        shown = null;
    }

    void clear() {
        start = end; // the slots before end stay as views of them saw them
        shown = null;
    }

    /** The restart times now; the same view until the next change. */
    View snapshot() {
        if (shown == null) {
            shown = start == end ? View.NONE : new View(times, start, end);
        }
        return shown;
    }

    /** Of {@code view}, the restarts in the last {@code window} before {@code now}: a binary search. */
    static int count(View view, long now, Duration window) {
        long span = window.toNanos();
        int low = view.start();
        int high = view.end();
        while (low < high) { // the first time still inside the window
            int mid = (low + high) >>> 1;
            if (now - view.times()[mid] >= span) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return view.end() - low;
    }
}
