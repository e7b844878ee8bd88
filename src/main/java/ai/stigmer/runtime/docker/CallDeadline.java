package ai.stigmer.runtime.docker;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A hard deadline on one Engine API call, made on the calling thread.
 *
 * <p>docker-java reaches a {@code unix://} engine through a blocking {@code SocketChannel} behind a
 * {@code java.net.Socket} facade: the HTTP client's response timeout sets {@code SO_TIMEOUT} on the
 * facade, which the channel never reads, so an engine that accepts and never answers holds the
 * caller in a socket read for ever. A blocking socket channel is interruptible, though: interrupting
 * the thread blocked in it closes that channel, and the call ends with an I/O error. So the deadline
 * interrupts the calling thread when it passes, and only while the call is still running; closing
 * the deadline clears the interrupt it caused, so the thread goes on as if nothing happened.
 */
final class CallDeadline implements AutoCloseable {

    /** One thread for the deadlines of every call of the JVM: it only ever interrupts. */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final Thread caller = Thread.currentThread();
    private final ScheduledFuture<?> alarm;
    private boolean done;
    private boolean fired;

    private CallDeadline(Duration deadline) {
        this.alarm = TIMER.schedule(this::fire, Math.max(1, deadline.toNanos()), TimeUnit.NANOSECONDS);
    }

    /** Arms a deadline of {@code deadline} for the call the current thread is about to make. */
    static CallDeadline arm(Duration deadline) {
        return new CallDeadline(deadline);
    }

    private synchronized void fire() {
        if (!done) {
            fired = true;
            caller.interrupt();
        }
    }

    /** True if the deadline passed before the call ended: whatever the call threw came from that. */
    synchronized boolean fired() {
        return fired;
    }

    /** Ends the deadline: no interrupt comes after this, and one that came is cleared. Calling thread. */
    @Override
    public void close() {
        boolean interrupted;
        synchronized (this) {
            done = true;
            interrupted = fired;
        }
        alarm.cancel(false);
        if (interrupted) {
            Thread.interrupted();
        }
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "stigmer-docker-deadline");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true); // calls end long before their deadline: drop those timers at once
        timer.prestartCoreThread();
        return timer;
    }
}
