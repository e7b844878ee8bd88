package ai.stigmer.probe;

import ai.stigmer.config.ProbeSpec;
import ai.stigmer.os.Descriptors;
import ai.stigmer.runtime.Instance;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the probes of one component. The checks of a probe run in order, stopping at the first that
 * does not pass; a blocking one runs on the daemon's shared {@link CheckPool}, which answers for it
 * by the probe timeout, one that does not block runs in place. A run therefore answers exactly once,
 * within its checks' timeouts, whatever happens: a check that throws is a failure with the
 * exception's message; one that ignores its timeout and interrupt fails with {@code timeout}; one
 * that finds no thread, or fails while the daemon is out of file descriptors, is an error
 * ({@link ProbeResult#ran()} false).
 */
public final class Prober implements ProbeRunner {
    private static final Logger LOG = LoggerFactory.getLogger(Prober.class);
    /** The pool of a prober that has none from the daemon (tools and tests). */
    private static final int OWN_POOL_SIZE = 2;

    private final String component;
    private final Map<ProbeKind, ProbeSpec> specs = new EnumMap<>(ProbeKind.class);
    private final Map<ProbeKind, List<Check>> checks = new EnumMap<>(ProbeKind.class);
    /** Answered runs by probe ({@link ProbeKind#ordinal()}). */
    private final AtomicLong[] answered = new AtomicLong[ProbeKind.values().length];
    /** Where each check's answers go, by probe and then the check's place in its list: looked up once. */
    private final Map<ProbeKind, ProbeObserver.Series[]> series = new EnumMap<>(ProbeKind.class);
    private final CheckPool pool;
    private final boolean ownPool;
    private final ProbeObserver observer;

    /** A prober whose blocking checks run on the daemon's {@code pool}. */
    public Prober(String component, Map<ProbeKind, ProbeSpec> specs, Map<ProbeKind, List<Check>> checks, CheckPool pool) {
        this(component, specs, checks, pool, false, ProbeObserver.NONE);
    }

    /** A prober on the daemon's {@code pool} that tells {@code observer} of every check's answer. */
    public Prober(String component, Map<ProbeKind, ProbeSpec> specs, Map<ProbeKind, List<Check>> checks, CheckPool pool,
            ProbeObserver observer) {
        this(component, specs, checks, pool, false, observer);
    }

    /** A prober with a small check pool of its own, closed with it. */
    public Prober(String component, Map<ProbeKind, ProbeSpec> specs, Map<ProbeKind, List<Check>> checks) {
        this(component, specs, checks, CheckPool.ofSize(OWN_POOL_SIZE), true, ProbeObserver.NONE);
    }

    private Prober(String component, Map<ProbeKind, ProbeSpec> specs, Map<ProbeKind, List<Check>> checks,
            CheckPool pool, boolean ownPool, ProbeObserver observer) {
        this.component = component;
        this.specs.putAll(specs);
        this.checks.putAll(checks);
        this.pool = pool;
        this.ownPool = ownPool;
        this.observer = observer;
        // Each check's type word and series, worked out once: a run allocates nothing for the observer.
        checks.forEach((kind, list) -> series.put(kind,
                list.stream().map(c -> observer.series(component, kind, type(c))).toArray(ProbeObserver.Series[]::new)));
        for (ProbeKind kind : ProbeKind.values()) {
            answered[kind.ordinal()] = new AtomicLong();
        }
        checks.values().stream().flatMap(List::stream).filter(Check::blocking).forEach(c -> pool.ahead(c::prepare));
    }

    @Override
    public void run(ProbeKind probe, Instance instance, Duration uptime, Consumer<ProbeResult> done) {
        new Run(probe, instance, uptime, done).from(0);
    }

    @Override
    public long answeredRuns(ProbeKind probe) {
        return answered[probe.ordinal()].get();
    }

    /** Runs the probe and waits for its answer (tests: the answer comes within the checks' timeouts). */
    ProbeResult runNow(ProbeKind probe, Instance instance, Duration uptime) {
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        run(probe, instance, uptime, result::complete);
        return result.join();
    }

    /** One run of one probe; {@link #finish} lets only its first answer through. */
    private final class Run {
        private final ProbeKind probe;
        private final Consumer<ProbeResult> done;
        private final List<Check> list;
        private final ProbeObserver.Series[] observers;
        private final CheckContext context;
        private final long started = System.nanoTime();
        private final AtomicBoolean finished = new AtomicBoolean();

        Run(ProbeKind probe, Instance instance, Duration uptime, Consumer<ProbeResult> done) {
            this.probe = probe;
            this.done = done;
            this.list = checks.getOrDefault(probe, List.of());
            this.observers = series.get(probe);
            ProbeSpec spec = specs.get(probe);
            this.context = spec == null ? null : new CheckContext(instance, uptime, probe, spec.timeout());
        }

        /** Runs the checks from index {@code i} on; returns when a blocking one is under way. */
        void from(int i) {
            if (context == null) {
                finish(ProbeResult.failed(probe, "", "no " + probe + " probe is configured", elapsed()));
                return;
            }
            int at = i;
            try {
                for (; at < list.size(); at++) {
                    Check check = list.get(at);
                    long checkStarted = System.nanoTime();
                    if (check.blocking()) {
                        int next = at + 1;
                        pool.run(check, context).whenComplete((result, e) -> {
                            CheckResult answer = unlessOutOfDescriptors(
                                    e == null ? result : CheckResult.fail(CheckPool.reason(e)));
                            observe(next - 1, checkStarted, answer);
                            if (answer.passed()) {
                                from(next);
                            } else {
                                finish(answer(check, answer));
                            }
                        });
                        return;
                    }
                    CheckResult result = inPlace(check);
                    observe(at, checkStarted, result);
                    if (!result.passed()) {
                        finish(answer(check, result));
                        return;
                    }
                }
                finish(ProbeResult.passed(probe, elapsed()));
            } catch (RuntimeException | Error e) {
                finish(ProbeResult.failed(probe, at < list.size() ? describe(list.get(at)) : "", CheckPool.reason(e),
                        elapsed()));
            }
        }

        private CheckResult inPlace(Check check) {
            CheckResult result;
            try {
                result = check.run(context);
                result = result != null ? result : CheckResult.fail("the check returned no result");
            } catch (Exception | Error e) {
                result = CheckResult.fail(CheckPool.reason(e));
            }
            return unlessOutOfDescriptors(result);
        }

        /**
         * A check that failed while the daemon could not open a file descriptor (a socket, a pipe, a
         * /proc file) failed for the daemon's sake, not the component's: it did not run, and counts
         * neither way, as a check without a thread. Without this, a daemon at its descriptor limit
         * would find every process gone and every port closed, and restart healthy components.
         */
        private CheckResult unlessOutOfDescriptors(CheckResult result) {
            if (result.passed() || !result.ran()) {
                return result;
            }
            String shortage = Descriptors.shortage();
            return shortage == null ? result : CheckResult.notRun(shortage + "; the check said: " + result.reason());
        }

        private void observe(int at, long checkStarted, CheckResult result) {
            if (!result.ran()) {
                return;
            }
            try {
                observers[at].answered(System.nanoTime() - checkStarted, result.passed());
            } catch (RuntimeException | Error e) {
                LOG.warn("The observer of the {} probe of {} failed: {}", probe, component, e.toString());
            }
        }

        private ProbeResult answer(Check check, CheckResult result) {
            return result.ran()
                    ? ProbeResult.failed(probe, describe(check), result.reason(), elapsed())
                    : ProbeResult.notRun(probe, describe(check), result.reason(), elapsed());
        }

        private void finish(ProbeResult result) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            if (result.ran()) {
                answered[probe.ordinal()].incrementAndGet();
            }
            try {
                done.accept(result);
            } catch (RuntimeException | Error e) {
                LOG.error("The result of the {} probe of {} could not be delivered: {}", probe, component, e.toString());
            }
        }

        private Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - started);
        }
    }

    /** The first word of a check's description: its type as the config writes it ({@code tcp}, {@code exec}). */
    private static String type(Check check) {
        String described = describe(check);
        int space = described.indexOf(' ');
        return space < 0 ? described : described.substring(0, space);
    }

    /** A check's description for the result; one that cannot describe itself must not cost the answer. */
    private static String describe(Check check) {
        try {
            return check.describe();
        } catch (RuntimeException | Error e) {
            return check.getClass().getName();
        }
    }

    @Override
    public void close() {
        if (ownPool) {
            pool.close();
        }
        checks.values().forEach(list -> {
            list.forEach(Check::close);
            pool.forget(list);
        });
    }
}
