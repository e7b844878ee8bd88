package ai.stigmer.probe;

import ai.stigmer.Threads;
import ai.stigmer.config.ProbeSpec;
import ai.stigmer.runtime.Instance;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs the probes of one component on threads of its own, so that a slow check of one component
 * never delays another's. Each check gets the probe timeout; one that has not answered by then is
 * interrupted and fails with reason {@code timeout}.
 */
public final class Prober implements ProbeRunner {
    private final Map<ProbeKind, ProbeSpec> specs = new EnumMap<>(ProbeKind.class);
    private final Map<ProbeKind, List<Check>> checks = new EnumMap<>(ProbeKind.class);
    private final ExecutorService probeThreads;
    private final ExecutorService checkThreads;
    /** Per check, completes when its last run has really returned (a cancelled Future says "done" at once). */
    private final Map<Check, CompletableFuture<Void>> running = new java.util.concurrent.ConcurrentHashMap<>();

    public Prober(String component, Map<ProbeKind, ProbeSpec> specs, Map<ProbeKind, List<Check>> checks) {
        this.specs.putAll(specs);
        this.checks.putAll(checks);
        this.probeThreads = Executors.newCachedThreadPool(Threads.daemon("stigmer-probe-" + component));
        this.checkThreads = Executors.newCachedThreadPool(Threads.daemon("stigmer-check-" + component));
    }

    @Override
    public void run(ProbeKind probe, Instance instance, Duration uptime, Consumer<ProbeResult> done) {
        probeThreads.execute(() -> done.accept(runNow(probe, instance, uptime)));
    }

    /** Runs every check of the probe in order, stopping at the first failure. */
    ProbeResult runNow(ProbeKind probe, Instance instance, Duration uptime) {
        long started = System.nanoTime();
        Duration timeout = specs.get(probe).timeout();
        CheckContext context = new CheckContext(instance, uptime, probe, timeout);
        for (Check check : checks.getOrDefault(probe, List.of())) {
            CheckResult result = runWithTimeout(check, context);
            if (!result.passed()) {
                return ProbeResult.failed(probe, check.describe(), result.reason(), since(started));
            }
        }
        return ProbeResult.passed(probe, since(started));
    }

    private CheckResult runWithTimeout(Check check, CheckContext context) {
        // A check that ignored its timeout and its interrupt still holds a thread: do not pile up more.
        CompletableFuture<Void> previous = running.get(check);
        if (previous != null && !previous.isDone()) {
            return CheckResult.fail("timeout (the previous run has not returned)");
        }
        CompletableFuture<Void> returned = new CompletableFuture<>();
        running.put(check, returned);
        Future<CheckResult> future = checkThreads.submit(() -> {
            try {
                return check.run(context);
            } finally {
                returned.complete(null);
            }
        });
        try {
            return future.get(context.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return CheckResult.fail("timeout");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return CheckResult.fail(cause.getMessage() != null ? cause.getMessage() : cause.toString());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return CheckResult.fail("interrupted");
        }
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    @Override
    public void close() {
        probeThreads.shutdownNow();
        checkThreads.shutdownNow();
        checks.values().forEach(list -> list.forEach(Check::close));
    }
}
