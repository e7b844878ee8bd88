package ai.stigmer.daemon;

import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ConfigChanges;
import ai.stigmer.config.ProbeSpec;
import ai.stigmer.config.StigmerConfig;
import ai.stigmer.probe.Check;
import ai.stigmer.probe.CheckPool;
import ai.stigmer.probe.Checks;
import ai.stigmer.probe.ProbeKind;
import ai.stigmer.probe.ProbeObserver;
import ai.stigmer.probe.Prober;
import ai.stigmer.Threads;
import ai.stigmer.runtime.ComponentRuntime;
import ai.stigmer.runtime.containment.Containment;
import ai.stigmer.runtime.docker.DockerRuntime;
import ai.stigmer.runtime.process.ProcessRuntime;
import ai.stigmer.supervisor.Backoff;
import ai.stigmer.supervisor.ComponentSupervisor;
import ai.stigmer.supervisor.ExecutorScheduler;
import ai.stigmer.supervisor.LaunchGate;
import ai.stigmer.supervisor.RuntimeThreads;
import ai.stigmer.supervisor.Scheduler;
import ai.stigmer.supervisor.Slf4jComponentLog;
import ai.stigmer.supervisor.Supervisor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Wires a configuration into running supervision: a runtime, probes and a state machine per
 * component, one watchdog thread for all of them, and two bounded pools for blocking work.
 *
 * <p>Launches pass one {@link LaunchGate} of {@code daemon.maxConcurrentLaunches} slots (default:
 * the number of cores), so at most that many are in flight host-wide; they run on a pool of twice
 * that many threads: a launch given up past its deadline still holds its thread until it returns, and
 * the other half keeps launching meanwhile. Stops run on a pool of one thread per component (each
 * has at most one stop in flight) plus the launch limit (stops of instances whose launch returned
 * after its deadline). Threads are made when needed and end after {@link #IDLE_THREAD_LIFE} idle, so
 * a quiet daemon holds none of them. A pool that is full, or a JVM that cannot create a native
 * thread, refuses the task: the component then reports a failed launch or stop with the reason.
 */
public final class Daemon implements AutoCloseable {
    /** How long an idle launch or stop thread is kept. */
    static final Duration IDLE_THREAD_LIFE = Duration.ofSeconds(30);

    private final ScheduledExecutorService watchdog;
    private final ExecutorService launchThreads;
    private final ThreadPoolExecutor stopThreads;
    /** One thread per component for the adoptions at the daemon's start (each under a deadline). */
    private final ExecutorService adoptThreads;
    /** The prober and runtime of each supervised component, by name; a reload changes them. */
    private final Map<String, Prober> probers = new ConcurrentHashMap<>();
    private final Map<String, ComponentRuntime> runtimes = new ConcurrentHashMap<>();
    /** The threads of every component's blocking checks, and their timeouts. */
    private final CheckPool checkPool;
    private final FileInstanceStore store;
    private final RecordedInstances recorded;
    private final Supervisor supervisor;
    private final Containment containment;
    private final int launchLimit;
    // What a component is made of, kept for the components a reload adds or changes.
    private final StigmerHome home;
    private final UnaryOperator<ComponentRuntime> observed;
    private final ProbeObserver probes;
    private final Scheduler scheduler;
    private final RuntimeThreads runtimeThreads;

    public Daemon(StigmerConfig config, StigmerHome home) {
        this(config, home, ProbeObserver.NONE);
    }

    /** With every check of every probe told to {@code probes} (the metrics). */
    public Daemon(StigmerConfig config, StigmerHome home, ProbeObserver probes) {
        this(config, home, Thread::new, UnaryOperator.identity(), probes);
    }

    /**
     * With seams for tests: {@code threads} makes the launch, stop and check threads (refuse them, as an
     * exhausted host does), {@code observed} wraps each component's runtime (count its launches).
     */
    Daemon(StigmerConfig config, StigmerHome home, ThreadFactory threads, UnaryOperator<ComponentRuntime> observed) {
        this(config, home, threads, observed, ProbeObserver.NONE);
    }

    private Daemon(StigmerConfig config, StigmerHome home, ThreadFactory threads, UnaryOperator<ComponentRuntime> observed,
            ProbeObserver probes) {
        this.home = home;
        this.observed = observed;
        this.probes = probes;
        this.containment = Containment.forHome(home.id());
        this.watchdog = Executors.newSingleThreadScheduledExecutor(Threads.daemon("stigmer-watchdog"));
        this.launchLimit = config.maxConcurrentLaunches();
        this.launchThreads = boundedPool("stigmer-launch", 2 * launchLimit, threads);
        this.stopThreads = boundedPool("stigmer-stop", config.components().size() + launchLimit, threads);
        this.adoptThreads = boundedPool("stigmer-adopt", config.components().size(), threads);
        this.runtimeThreads = new RuntimeThreads(new LaunchGate(launchLimit), launchThreads, stopThreads);
        this.store = new FileInstanceStore(home.run());
        this.recorded = new RecordedInstances(store, home.id(), home::componentLog);
        this.scheduler = new ExecutorScheduler(watchdog, Clock.systemUTC());
        this.checkPool = new CheckPool(CheckPool.sizeFor(probed(config.components())), named("stigmer-check", threads));
        List<ComponentSupervisor> components = new ArrayList<>();
        for (ComponentConfig c : config.components()) {
            components.add(supervise(c));
        }
        this.supervisor = new Supervisor(components, scheduler, containment.description());
    }

    private static int probed(List<ComponentConfig> components) {
        return (int) components.stream()
                .filter(c -> c.startup() != null || c.liveness() != null || c.readiness() != null).count();
    }

    /** The runtime, prober and watchdog of {@code c}; its runtime and prober are then this daemon's for its name. */
    private ComponentSupervisor supervise(ComponentConfig c) {
        ComponentRuntime runtime = observed.apply(c.docker() != null
                ? new DockerRuntime(c.name(), home.id(), c.docker())
                : new ProcessRuntime(c.name(), home.id(), c.process(), home.componentLog(c.name()), containment));
        Prober prober = prober(c, runtime, checkPool, probes);
        runtimes.put(c.name(), runtime);
        probers.put(c.name(), prober);
        return new ComponentSupervisor(c, runtime, prober, scheduler, runtimeThreads,
                new Slf4jComponentLog(c.name()), store,
                new Backoff(c.restart().backoff(), () -> ThreadLocalRandom.current().nextDouble()));
    }

    /**
     * Applies a reloaded config's components: {@code changes} says which are added, removed, changed
     * and unchanged (as {@link ConfigChanges#between} finds them). Unchanged components keep their
     * watchdog, instance, counters and bean; the others are handed to {@link Supervisor#replace},
     * which stops what leaves (dependents first) and starts what comes. A removed component leaves
     * no instance record and no operator's stop behind. Blocks until the stops are done; returns
     * the components whose stop failed (they stay as they were), with the reason of each.
     */
    public synchronized Map<String, String> apply(StigmerConfig next, ConfigChanges changes) {
        int count = Math.max(supervisor.components().size(), next.components().size());
        if (stopThreads.getMaximumPoolSize() < count + launchLimit) {
            stopThreads.setMaximumPoolSize(count + launchLimit);
        }
        checkPool.resize(Math.max(probed(next.components()), probed(supervisor.componentConfigs())));
        Map<String, Prober> oldProbers = new HashMap<>(probers);
        Map<String, ComponentRuntime> oldRuntimes = new HashMap<>(runtimes);
        Map<String, ComponentSupervisor> fresh = new HashMap<>();
        List<ComponentSupervisor> target = new ArrayList<>();
        for (ComponentConfig c : next.components()) {
            if (changes.unchanged().contains(c.name())) {
                target.add(supervisor.component(c.name()).orElseThrow());
            } else {
                ComponentSupervisor made = supervise(c);
                fresh.put(c.name(), made);
                target.add(made);
            }
        }
        Map<String, String> failed = supervisor.replace(target);
        for (String name : changes.removed()) {
            if (failed.containsKey(name)) {
                continue;
            }
            retire(oldProbers.get(name), oldRuntimes.get(name));
            probers.remove(name);
            runtimes.remove(name);
            store.clear(name);
            store.markStopped(name, false);
        }
        for (String name : changes.changed()) {
            if (failed.containsKey(name)) {
                // The old instance may live: the old watchdog stays, the new one is dropped unused.
                retire(probers.get(name), runtimes.get(name));
                probers.put(name, oldProbers.get(name));
                runtimes.put(name, oldRuntimes.get(name));
            } else {
                retire(oldProbers.get(name), oldRuntimes.get(name));
            }
        }
        return failed;
    }

    private static void retire(Prober prober, ComponentRuntime runtime) {
        if (prober != null) {
            prober.close();
        }
        if (runtime instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // nothing of it is used any more
            }
        }
    }

    /**
     * At most {@code maxThreads} threads, made on demand and ended after {@link #IDLE_THREAD_LIFE}
     * idle; no queue: a task no thread can take at once is refused ({@code RejectedExecutionException},
     * or the {@code OutOfMemoryError} of a JVM out of native threads), so it fails loudly instead of
     * waiting behind hung work.
     */
    static ThreadPoolExecutor boundedPool(String name, int maxThreads, ThreadFactory threads) {
        return new ThreadPoolExecutor(0, maxThreads, IDLE_THREAD_LIFE.toNanos(), TimeUnit.NANOSECONDS,
                new SynchronousQueue<>(), named(name, threads));
    }

    /** Daemon threads of {@code threads} named {@code name-N}; a refusal (null or a throw) passes through. */
    private static ThreadFactory named(String name, ThreadFactory threads) {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread t = threads.newThread(task);
            if (t != null) {
                t.setName(name + "-" + n.incrementAndGet());
                t.setDaemon(true);
            }
            return t;
        };
    }

    private static Prober prober(ComponentConfig c, ComponentRuntime runtime, CheckPool pool, ProbeObserver observer) {
        Map<ProbeKind, ProbeSpec> specs = new EnumMap<>(ProbeKind.class);
        Map<ProbeKind, List<Check>> checks = new EnumMap<>(ProbeKind.class);
        put(specs, checks, ProbeKind.STARTUP, c.startup(), runtime);
        put(specs, checks, ProbeKind.LIVENESS, c.liveness(), runtime);
        put(specs, checks, ProbeKind.READINESS, c.readiness(), runtime);
        return new Prober(c.name(), specs, checks, pool, observer);
    }

    private static void put(Map<ProbeKind, ProbeSpec> specs, Map<ProbeKind, List<Check>> checks, ProbeKind kind,
            ProbeSpec spec, ComponentRuntime runtime) {
        if (spec != null) {
            specs.put(kind, spec);
            checks.put(kind, spec.checks().stream().map(s -> Checks.create(s, runtime)).toList());
        }
    }

    /** How process components are contained: "cgroup v2 at ..." or "session + subreaper ..." (status, start line). */
    public Containment containment() {
        return containment;
    }

    public Supervisor supervisor() {
        return supervisor;
    }

    /**
     * Starts supervision, taking over instances that an earlier daemon left running once they prove
     * to be ours, after stopping those of components no longer in the config. Each adoption of a
     * component with a record (the others start at once, no thread taken) runs on
     * the blocking pool, never on the watchdog thread; one without an answer within
     * {@link #ADOPTION_DEADLINE} counts as none, and the component is launched anew.
     */
    public void start() {
        recorded.stopRemoved(runtimes.keySet());
        supervisor.start(c -> store.load(c.name()).isPresent(), c -> recorded.adopt(c.name(), runtimes.get(c.name())),
                adoptThreads, ADOPTION_DEADLINE);
    }

    /**
     * Lets {@code systemd} follow supervision (READY once the start is done, STATUS on changes,
     * WATCHDOG from the watchdog's tick). Call before {@link #start()}.
     */
    public void reportTo(SystemdNotifier systemd) {
        systemd.watch(supervisor, store::stoppedByOperator);
    }

    /** Three Engine API deadlines: an adoption asks the engine one question (an inspect). */
    static final Duration ADOPTION_DEADLINE = Duration.ofSeconds(15);

    /** Stops every component, dependents first; long enough for each one's stop timeout. */
    public boolean stopComponents() {
        return supervisor.shutdown(supervisor.shutdownDeadline());
    }

    @Override
    public void close() {
        probers.values().forEach(Prober::close);
        checkPool.close();
        watchdog.shutdownNow();
        launchThreads.shutdownNow();
        stopThreads.shutdownNow();
        adoptThreads.shutdownNow();
        containment.tidy();
    }
}
