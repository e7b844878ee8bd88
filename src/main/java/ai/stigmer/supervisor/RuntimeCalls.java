package ai.stigmer.supervisor;

import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.Durations;
import ai.stigmer.os.Descriptors;
import ai.stigmer.runtime.ComponentRuntime;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.LaunchException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The launches and stops of one component, each ending in exactly one reported outcome, posted to
 * the watchdog thread as an {@link Input}. A launch waits its turn at the host-wide
 * {@link LaunchGate}, then has {@link #launchDeadline} to return; a stop has {@link #stopDeadline}.
 * Whichever comes first, the call's result or its deadline, is the outcome; a launch that returns
 * an instance after its deadline still reports it, so that the machine stops it. A call no thread
 * takes (a full pool, a JVM out of native threads) fails at once with the reason; one that fails
 * while the daemon is out of file descriptors is tried again within its deadline. The deadlines
 * are timers of the watchdog; nothing here blocks its thread. Methods are called on the watchdog
 * thread, except {@link #launchQueuePosition()}.
 */
final class RuntimeCalls {
    /** A launch that has not returned within this plus the stop timeout has failed. */
    static final Duration LAUNCH_DEADLINE_BASE = Duration.ofSeconds(30);
    /**
     * What a stop may take beyond its stop timeout: SIGKILL and the wait for the enclosure to empty
     * (5 s), or the Docker engine's inspect, stop and remove round trips.
     */
    static final Duration STOP_GRACE = Duration.ofSeconds(30);
    /** How often a launch or stop that failed for want of a file descriptor is tried again. */
    static final Duration SHORTAGE_RETRY = Duration.ofMillis(200);

    private final ComponentConfig config;
    private final ComponentRuntime runtime;
    private final Scheduler scheduler;
    private final RuntimeThreads threads;
    private final ComponentLog log;
    private final Consumer<Input> report;
    /** The latest launch; read by other threads for its place in line. */
    private volatile LaunchAttempt launching;

    /**
     * @param report hands an outcome to the machine; called on the watchdog thread, in a task of its
     *     own, or from within a step for a stop that had nothing left to wait for
     */
    RuntimeCalls(ComponentConfig config, ComponentRuntime runtime, Scheduler scheduler, RuntimeThreads threads,
            ComponentLog log, Consumer<Input> report) {
        this.config = config;
        this.runtime = runtime;
        this.scheduler = scheduler;
        this.threads = threads;
        this.log = log;
        this.report = report;
    }

    /** How long {@code runtime.launch()} may take: {@link #LAUNCH_DEADLINE_BASE} plus the stop timeout. */
    static Duration launchDeadline(ComponentConfig config) {
        return LAUNCH_DEADLINE_BASE.plus(config.stopTimeout());
    }

    /** How long {@code instance.stop(timeout)} may take: the stop timeout plus {@link #STOP_GRACE}. */
    static Duration stopDeadline(ComponentConfig config) {
        return config.stopTimeout().plus(STOP_GRACE);
    }

    /** The latest launch's place in the gate's line: 1 when next, 0 once admitted or done. */
    int launchQueuePosition() {
        LaunchAttempt attempt = launching;
        return attempt == null ? 0 : attempt.ticket.position();
    }

    // ---- launches ----

    /** One launch: its ticket at the gate, and the one outcome it reports (claimed by {@link #settle}). */
    private static final class LaunchAttempt {
        final int gen;
        final AtomicBoolean settled = new AtomicBoolean();
        LaunchGate.Ticket ticket;
        /** Watchdog thread only. */
        boolean begun;
        Scheduler.Cancellable deadline;

        LaunchAttempt(int gen) {
            this.gen = gen;
        }

        /** True for the first caller only: the launch's outcome is theirs to report. Frees the slot. */
        boolean settle() {
            if (!settled.compareAndSet(false, true)) {
                return false;
            }
            ticket.leave();
            return true;
        }
    }

    /**
     * Joins the gate's line; the launch begins on the watchdog thread once its turn comes: here and
     * now where a slot is free (a restart's launch makes no extra hop through the watchdog's queue).
     */
    void launch(int gen) {
        LaunchAttempt attempt = new LaunchAttempt(gen);
        Thread caller = Thread.currentThread();
        boolean[] entering = {true};
        boolean[] atOnce = {false};
        attempt.ticket = threads.gate().enter(() -> {
            if (entering[0] && Thread.currentThread() == caller) {
                atOnce[0] = true;
            } else {
                scheduler.execute(() -> begin(attempt));
            }
        });
        entering[0] = false;
        launching = attempt; // published with its ticket, for other threads
        if (atOnce[0]) {
            begin(attempt);
        }
    }

    /** A launch still waiting for its slot leaves the line and reports failure: nothing ran. */
    void cancelLaunch(int gen) {
        LaunchAttempt attempt = launching;
        if (attempt != null && attempt.gen == gen && !attempt.begun && attempt.settle()) {
            post(new Input.LaunchFailed(gen, "called off while waiting for a launch slot"));
        }
    }

    private void begin(LaunchAttempt attempt) {
        if (attempt.settled.get()) {
            return; // called off while its turn came
        }
        attempt.begun = true;
        Duration deadline = launchDeadline(config);
        attempt.deadline = scheduler.schedule(() -> {
            if (attempt.settle()) {
                report.accept(new Input.LaunchFailed(attempt.gen,
                        "launch did not finish within " + Durations.format(deadline)));
            }
        }, deadline);
        try {
            threads.launches().execute(() -> run(attempt));
        } catch (RuntimeException | Error e) {
            // Rejected by a full pool, or OutOfMemoryError "unable to create native thread": nothing ran.
            // Reported in a task of its own: a restart at backoff 0s must not loop within one task.
            if (attempt.settle()) {
                attempt.deadline.cancel();
                post(new Input.LaunchFailed(attempt.gen, "no thread to launch on: " + reason(e)));
            }
        }
    }

    /** On a launch thread. */
    private void run(LaunchAttempt attempt) {
        Input outcome;
        try {
            outcome = new Input.Launched(attempt.gen, launchOnceDescriptorsAllow(attempt));
        } catch (LaunchException | RuntimeException | Error e) {
            // An Error too (a native binding that cannot load): unreported, it would leave the
            // component Starting for ever; a launch that failed is retried with its backoff.
            outcome = new Input.LaunchFailed(attempt.gen, reason(e));
        }
        boolean inTime = attempt.settle();
        if (inTime || outcome instanceof Input.Launched) {
            Input result = outcome;
            scheduler.execute(() -> {
                if (inTime) {
                    attempt.deadline.cancel();
                }
                report.accept(result);
            });
        } else {
            log.info("A launch given up past its deadline failed later: " + ((Input.LaunchFailed) outcome).reason());
        }
    }

    /** {@code runtime.launch()}, tried again while the daemon is out of file descriptors ({@link #waitedForDescriptors}). */
    private Instance launchOnceDescriptorsAllow(LaunchAttempt attempt) throws LaunchException {
        long until = System.nanoTime() + launchDeadline(config).toNanos();
        for (int tries = 0; ; tries++) {
            try {
                return runtime.launch();
            } catch (LaunchException | RuntimeException e) {
                if (!waitedForDescriptors("Launch", e, attempt.settled, until, tries)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Whether a launch or stop that failed with {@code failure} is to be tried again, after a wait of
     * {@link #SHORTAGE_RETRY}: while the daemon cannot open file descriptors (its log, a pipe, the
     * cgroup's files, /proc), until the call is settled by its deadline's timer, {@code until} passes
     * on this thread's clock, or the thread is interrupted (the daemon closing). A shortage of the
     * daemon's own must not spend the component's restarts in a row of failed launches, nor fail a
     * stop for good. Said in the log at the first wait.
     */
    private boolean waitedForDescriptors(String what, Exception failure, AtomicBoolean settled, long until, int tries) {
        if (settled.get() || Thread.currentThread().isInterrupted() || System.nanoTime() - until >= 0) {
            return false;
        }
        String shortage = Descriptors.shortage();
        if (shortage == null) {
            return false;
        }
        if (tries == 0) {
            log.warn(what + " waits: " + shortage + " (" + reason(failure) + ")");
        }
        LockSupport.parkNanos(SHORTAGE_RETRY.toNanos());
        return true;
    }

    // ---- stops ----

    /** {@code instance.stop(timeout)}, tried again while the daemon is out of file descriptors ({@link #waitedForDescriptors}). */
    private void stopOnceDescriptorsAllow(Instance instance, Duration timeout, AtomicBoolean settled) {
        long until = System.nanoTime() + stopDeadline(config).toNanos();
        for (int tries = 0; ; tries++) {
            try {
                instance.stop(timeout);
                return;
            } catch (RuntimeException e) {
                if (!waitedForDescriptors("Stop", e, settled, until, tries)) {
                    throw e;
                }
            }
        }
    }

    /**
     * A stop is done only when {@link Instance#stop} returns; anything it throws, an Error too, means
     * it may still live, and is reported as such: unreported, the stop would stay in flight for ever.
     * So is a stop that passes {@link #stopDeadline} or finds no thread; one that still returns later
     * reports its instance gone after all.
     */
    void stop(int gen, Instance instance, Duration timeout) {
        if (clearedAtOnce(instance)) {
            report.accept(new Input.StopDone(gen)); // fed right after the step under way: a restart goes on at once
            return;
        }
        AtomicBoolean settled = new AtomicBoolean();
        Duration deadline = stopDeadline(config);
        Scheduler.Cancellable timer = scheduler.schedule(() -> {
            if (settled.compareAndSet(false, true)) {
                report.accept(new Input.StopFailed(gen, "stop did not finish within " + Durations.format(deadline)));
            }
        }, deadline);
        try {
            threads.stops().execute(() -> {
                Input outcome;
                try {
                    stopOnceDescriptorsAllow(instance, timeout, settled);
                    outcome = new Input.StopDone(gen);
                } catch (RuntimeException | Error e) {
                    outcome = new Input.StopFailed(gen, reason(e));
                }
                boolean inTime = settled.compareAndSet(false, true);
                if (inTime || outcome instanceof Input.StopDone) {
                    Input result = outcome;
                    scheduler.execute(() -> {
                        timer.cancel();
                        report.accept(result);
                    });
                }
            });
        } catch (RuntimeException | Error e) {
            if (settled.compareAndSet(false, true)) {
                timer.cancel();
                post(new Input.StopFailed(gen, "no thread to stop on: " + reason(e)));
            }
        }
    }

    /**
     * An instance that ended and left nothing (its cgroup empty) needs no stop thread: the restart
     * after a crash goes on without two thread hops. Anything else, or a look that fails, takes the
     * stop's usual way.
     */
    private static boolean clearedAtOnce(Instance instance) {
        try {
            return instance.clearIfEnded();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** For outcomes found while the watchdog carries out the machine's effects: reported in a task of their own. */
    private void post(Input input) {
        scheduler.execute(() -> report.accept(input));
    }

    static String reason(Throwable e) {
        if (e instanceof Error) {
            return e.toString(); // its class says more than its message ("Unable to load library 'c'")
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
