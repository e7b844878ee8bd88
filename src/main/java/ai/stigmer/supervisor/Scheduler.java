package ai.stigmer.supervisor;

import java.time.Duration;
import java.time.Instant;

/**
 * The watchdog's thread and time source. Every task runs on one thread, so component state needs
 * no locks; tests substitute a manual scheduler whose clock only moves when told.
 */
public interface Scheduler {

    /** Monotonic time, for durations. */
    long nanoTime();

    /** Wall-clock time, only for event timestamps. */
    Instant now();

    /** Runs {@code task} on the watchdog thread after {@code delay}. */
    Cancellable schedule(Runnable task, Duration delay);

    /** Runs {@code task} on the watchdog thread as soon as possible. */
    void execute(Runnable task);

    /** A scheduled task that can be called off. */
    interface Cancellable {
        void cancel();
    }
}
