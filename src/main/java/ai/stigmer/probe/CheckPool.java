package ai.stigmer.probe;

import ai.stigmer.Threads;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's threads for checks that block (tcp, http, grpc, exec, container), shared by every
 * component: a small bounded pool, and one timer thread that ends each check at its timeout.
 *
 * <p>Every {@link #run} answers exactly once, by the timeout at the latest, whatever the check does:
 * its own result; a failure with the message of what it threw; {@code timeout} when it has not
 * returned by then (it is interrupted, and keeps its thread until it returns); or, when it never got
 * to run, a result that says so ({@link CheckResult#ran()} false): no thread could be made for it, or
 * none was free before its timeout (the time a check waits for a thread counts against its timeout,
 * so that the answer keeps its deadline).
 */
public final class CheckPool implements AutoCloseable {
    /** The most check threads a daemon keeps, however many components it probes. */
    public static final int MAX_THREADS = 16;
    /** Idle check threads end after this; the pool makes them again as checks come. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(30);
    /** The least time a check that got its thread at the last moment is given (0 would mean "forever" to sockets). */
    private static final Duration MIN_LEFT = Duration.ofMillis(1);
    private static final Logger LOG = LoggerFactory.getLogger(CheckPool.class);

    private final ThreadPoolExecutor threads;
    private final ScheduledThreadPoolExecutor timer;
    private final Map<Check, Lane> lanes = new ConcurrentHashMap<>();

    /**
     * @param size how many checks may run at once (see {@link #sizeFor})
     * @param factory makes the check threads; one that returns null refuses a thread
     */
    public CheckPool(int size, ThreadFactory factory) {
        if (size < 1) {
            throw new IllegalArgumentException("a check pool needs at least one thread, got " + size);
        }
        this.threads = new ThreadPoolExecutor(size, size, KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), refusingLoudly(factory));
        this.threads.allowCoreThreadTimeOut(true);
        this.timer = new ScheduledThreadPoolExecutor(1, Threads.daemon("stigmer-check-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        // Made now, at the daemon's start: without its timer no check could keep its deadline.
        this.timer.prestartAllCoreThreads();
    }

    /** A pool of {@code size} threads named {@code stigmer-check-N}. */
    public static CheckPool ofSize(int size) {
        return new CheckPool(size, Threads.daemon("stigmer-check"));
    }

    /** Grows or shrinks the pool to {@link #sizeFor} {@code probedComponents}, as a reload changes them. */
    public void resize(int probedComponents) {
        int size = sizeFor(probedComponents);
        if (size > threads.getMaximumPoolSize()) {
            threads.setMaximumPoolSize(size);
            threads.setCorePoolSize(size);
        } else {
            threads.setCorePoolSize(size);
            threads.setMaximumPoolSize(size);
        }
    }

    /**
     * Threads for {@code probedComponents} components with a blocking check: one each, at least 2,
     * at most {@value #MAX_THREADS}. A check that answers takes milliseconds; the pool is filled only
     * by checks that hang until their timeout, and then the ones that wait for a thread say so.
     */
    public static int sizeFor(int probedComponents) {
        return Math.max(2, Math.min(MAX_THREADS, probedComponents));
    }

    /**
     * Runs {@code check} on a pool thread; the future completes once, by {@code context.timeout()} at
     * the latest. While the check's previous run still holds a thread (it ignored its timeout and its
     * interrupt), this run waits for it, within its own timeout, rather than take a second thread.
     */
    CompletableFuture<CheckResult> run(Check check, CheckContext context) {
        CheckTask task = new CheckTask(lanes.computeIfAbsent(check, c -> new Lane()), check, context);
        try {
            // The deadline starts now, before anything that may be slow (making a thread).
            timer.schedule(task::timeUp, context.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            task.neverStarts("the check pool is closed");
            return task.result;
        }
        task.lane.offer(task);
        return task.result;
    }

    /** Forgets what the pool keeps for these checks (their prober is closed). */
    void forget(Iterable<? extends Check> checks) {
        checks.forEach(lanes::remove);
    }

    /** Runs {@code work} once on a pool thread if one is free, else not at all (it is only a head start). */
    void ahead(Runnable work) {
        try {
            threads.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException | Error e) {
                    LOG.debug("Set-up ahead of a first check failed; the first run does it: {}", e.toString());
                }
            });
        } catch (RejectedExecutionException | OutOfMemoryError e) {
            // The first run does the work itself.
        }
    }

    /** Check threads that exist now (for tests and the README's thread counts). */
    int threadCount() {
        return threads.getPoolSize();
    }

    /** What a check's exception says: its message, else its class. */
    static String reason(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    /**
     * A factory that returns null makes {@link ThreadPoolExecutor} queue the task with no thread to run
     * it; throwing instead lets {@link #run} answer at once.
     */
    private static ThreadFactory refusingLoudly(ThreadFactory factory) {
        return r -> {
            Thread t = factory.newThread(r);
            if (t == null) {
                throw new RejectedExecutionException("the thread factory refused a thread");
            }
            return t;
        };
    }

    @Override
    public void close() {
        threads.shutdownNow();
        timer.shutdownNow();
    }

    /**
     * The runs of one check, one at a time: the run that holds a thread (or waits in the queue for
     * one) and at most one waiting for it. Runs of one probe come one after another, each after the
     * one before has answered, so an older waiter has always timed out when a newer one comes.
     */
    private static final class Lane {
        private CheckTask holding;
        private CheckTask waiting;

        void offer(CheckTask task) {
            synchronized (this) {
                if (holding != null) {
                    waiting = task;
                    return;
                }
                holding = task;
            }
            task.submit();
        }

        /** {@code task} has returned, or will never start: the waiting run, if still in time, goes next. */
        void release(CheckTask task) {
            CheckTask next;
            synchronized (this) {
                if (holding != task) {
                    return;
                }
                next = waiting;
                waiting = null;
                holding = next;
            }
            if (next != null) {
                next.submit();
            }
        }
    }

    /** One run of one check: whichever of the check and the timer comes first gives the answer. */
    private final class CheckTask implements Runnable {
        private enum Stage { WAITING_FOR_PREVIOUS, QUEUED, RUNNING, OVER }

        final Lane lane;
        private final Check check;
        private final CheckContext context;
        final CompletableFuture<CheckResult> result = new CompletableFuture<>();
        private final long created = System.nanoTime();
        /** Guarded by this. */
        private Stage stage = Stage.WAITING_FOR_PREVIOUS;
        /** The thread running the check while it runs, guarded by this. */
        private Thread runner;

        CheckTask(Lane lane, Check check, CheckContext context) {
            this.lane = lane;
            this.check = check;
            this.context = context;
        }

        /** Its lane is free: queue for a thread, unless the time is up already. */
        void submit() {
            synchronized (this) {
                if (stage != Stage.WAITING_FOR_PREVIOUS) {
                    lane.release(this); // timed out while it waited: the lane is free for the next
                    return;
                }
                stage = Stage.QUEUED;
            }
            try {
                threads.execute(this);
            } catch (RejectedExecutionException | OutOfMemoryError e) {
                // OutOfMemoryError: "unable to create native thread", the daemon is out of threads.
                neverStarts("no thread for the check: " + reason(e));
            }
        }

        @Override
        public void run() {
            synchronized (this) {
                if (stage != Stage.QUEUED) {
                    return; // its time was up before a thread was free
                }
                stage = Stage.RUNNING;
                runner = Thread.currentThread();
            }
            CheckResult answer;
            try {
                // What is left of the timeout after the wait for a thread: the check frees its thread in time.
                Duration left = context.timeout().minusNanos(System.nanoTime() - created);
                CheckResult r = check.run(new CheckContext(context.instance(), context.uptime(), context.probe(),
                        left.compareTo(MIN_LEFT) < 0 ? MIN_LEFT : left));
                answer = r != null ? r : CheckResult.fail("the check returned no result");
            } catch (InterruptedException e) {
                answer = CheckResult.fail("timeout");
            } catch (Exception | Error e) {
                answer = CheckResult.fail(reason(e));
            } finally {
                synchronized (this) {
                    stage = Stage.OVER;
                    runner = null;
                    Thread.interrupted(); // an interrupt meant for this check must not reach the next
                }
                lane.release(this);
            }
            result.complete(answer);
        }

        /** The timeout passed: answer {@code timeout}, and interrupt the check if it is still running. */
        void timeUp() {
            Stage was;
            synchronized (this) {
                was = stage;
                if (was == Stage.RUNNING) {
                    runner.interrupt();
                } else {
                    stage = Stage.OVER;
                }
            }
            switch (was) {
                // The check itself holds on to its thread: a failure of the check, not of the daemon.
                case WAITING_FOR_PREVIOUS -> result.complete(CheckResult.fail("timeout (the previous run has not returned)"));
                case QUEUED -> {
                    threads.remove(this);
                    lane.release(this);
                    result.complete(CheckResult.notRun("timeout (no check thread was free for "
                            + Duration.ofNanos(System.nanoTime() - created).toMillis() + " ms)"));
                }
                case RUNNING -> result.complete(CheckResult.fail("timeout"));
                case OVER -> { }
            }
        }

        /** The check will not run: the daemon had no thread for it, or the pool is closed. */
        void neverStarts(String reason) {
            synchronized (this) {
                stage = Stage.OVER;
            }
            lane.release(this);
            result.complete(CheckResult.notRun(reason));
        }
    }
}
