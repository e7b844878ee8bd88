package ai.stigmer.supervisor;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/** A watchdog whose clock moves only when a test says so; due tasks run in time order. */
final class ManualScheduler implements Scheduler {
    private record Task(long due, long seq, Runnable run, boolean[] cancelled) {}

    private final PriorityQueue<Task> queue = new PriorityQueue<>(
            (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private long now = 1_000_000_000L;
    private long seq;
    /** Tasks handed to {@link #execute}: the trips through the watchdog's queue. */
    int executed;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Instant now() {
        return Instant.EPOCH.plusNanos(now);
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        boolean[] cancelled = {false};
        queue.add(new Task(now + Math.max(0, delay.toNanos()), seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    @Override
    public void execute(Runnable task) {
        executed++;
        schedule(task, Duration.ZERO);
    }

    /** Runs everything due now, including what those tasks schedule for now. */
    void runDue() {
        advance(Duration.ZERO);
    }

    /** Moves the clock forward by {@code d}, running each task when its time comes. */
    void advance(Duration d) {
        long target = now + d.toNanos();
        while (!queue.isEmpty() && queue.peek().due <= target) {
            Task t = queue.poll();
            now = Math.max(now, t.due);
            if (!t.cancelled[0]) {
                t.run.run();
            }
        }
        now = target;
    }

    /** Advances in small steps until {@code condition} holds; fails after {@code limit}. */
    void advanceUntil(java.util.function.BooleanSupplier condition, Duration limit) {
        long end = now + limit.toNanos();
        runDue();
        while (!condition.getAsBoolean()) {
            if (now >= end) {
                throw new AssertionError("condition not reached within " + limit + " of manual time");
            }
            advance(Duration.ofMillis(10));
        }
    }
}
