package ai.stigmer.probe;

import ai.stigmer.Threads;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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

    private final ThreadPoolExecutor threads;
    private final ScheduledThreadPoolExecutor timer;

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

    /**
     * Threads for {@code probedComponents} components with a blocking check: one each, at least 2,
     * at most {@value #MAX_THREADS}. A check that answers takes milliseconds; the pool is filled only
     * by checks that hang until their timeout, and then the ones that wait for a thread say so.
     */
    public static int sizeFor(int probedComponents) {
        return Math.max(2, Math.min(MAX_THREADS, probedComponents));
    }

    /** Runs {@code check} on a pool thread; the future completes once, by {@code context.timeout()} at the latest. */
    CompletableFuture<CheckResult> run(Check check, CheckContext context, CompletableFuture<Void> returned) {
        CheckTask task = new CheckTask(check, context, returned);
        try {
            threads.execute(task);
        } catch (RejectedExecutionException | OutOfMemoryError e) {
            // OutOfMemoryError: "unable to create native thread", the daemon is out of threads.
            task.neverRan("no thread for the check: " + reason(e));
            return task.result;
        }
        try {
            timer.schedule(task::timeUp, context.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            task.timeUp(); // the pool is closing: end it now rather than let it run without a deadline
        }
        return task.result;
    }

    /** Runs {@code work} once on a pool thread if one is free, else not at all (it is only a head start). */
    void ahead(Runnable work) {
        try {
            threads.execute(work);
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

    /** One run of one check: whichever of the check and the timer comes first gives the answer. */
    private final class CheckTask implements Runnable {
        private final Check check;
        private final CheckContext context;
        private final CompletableFuture<Void> returned;
        final CompletableFuture<CheckResult> result = new CompletableFuture<>();
        private final long submitted = System.nanoTime();
        /** The thread running the check while it runs, guarded by this. */
        private Thread runner;
        private boolean started;
        private boolean finished;

        CheckTask(Check check, CheckContext context, CompletableFuture<Void> returned) {
            this.check = check;
            this.context = context;
            this.returned = returned;
        }

        @Override
        public void run() {
            synchronized (this) {
                if (started) {
                    return; // its time was up before a thread was free
                }
                started = true;
                runner = Thread.currentThread();
            }
            CheckResult answer;
            try {
                CheckResult r = check.run(context);
                answer = r != null ? r : CheckResult.fail("the check returned no result");
            } catch (InterruptedException e) {
                answer = CheckResult.fail("timeout");
            } catch (Exception | Error e) {
                answer = CheckResult.fail(reason(e));
            } finally {
                synchronized (this) {
                    finished = true;
                    runner = null;
                    Thread.interrupted(); // an interrupt meant for this check must not reach the next
                }
                returned.complete(null);
            }
            result.complete(answer);
        }

        /** The timeout passed: answer {@code timeout}, and interrupt the check if it is still running. */
        void timeUp() {
            boolean neverStarted;
            synchronized (this) {
                neverStarted = !started;
                started = true;
                if (!neverStarted && !finished) {
                    runner.interrupt();
                }
            }
            if (neverStarted) {
                threads.remove(this);
                neverRan("timeout (no check thread was free for "
                        + Duration.ofNanos(System.nanoTime() - submitted).toMillis() + " ms)");
            } else {
                result.complete(CheckResult.fail("timeout"));
            }
        }

        void neverRan(String reason) {
            returned.complete(null);
            result.complete(CheckResult.notRun(reason));
        }
    }
}
