package ai.stigmer.daemon;

import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ProbeSpec;
import ai.stigmer.config.StigmerConfig;
import ai.stigmer.probe.Check;
import ai.stigmer.probe.Checks;
import ai.stigmer.probe.ProbeKind;
import ai.stigmer.probe.Prober;
import ai.stigmer.Threads;
import ai.stigmer.runtime.ComponentRuntime;
import ai.stigmer.runtime.containment.Containment;
import ai.stigmer.runtime.docker.DockerRuntime;
import ai.stigmer.runtime.process.ProcessRuntime;
import ai.stigmer.supervisor.Backoff;
import ai.stigmer.supervisor.ComponentSupervisor;
import ai.stigmer.supervisor.ExecutorScheduler;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Wires a configuration into running supervision: a runtime, probes and a state machine per
 * component, one watchdog thread for all of them, and a pool for blocking launches and stops.
 */
public final class Daemon implements AutoCloseable {
    private final StigmerConfig config;
    private final ScheduledExecutorService watchdog;
    private final ExecutorService blocking;
    private final List<Prober> probers = new ArrayList<>();
    private final Map<String, ComponentRuntime> runtimes = new HashMap<>();
    private final FileInstanceStore store;
    private final RecordedInstances recorded;
    private final Supervisor supervisor;
    private final Containment containment;

    public Daemon(StigmerConfig config, StigmerHome home) {
        this.config = config;
        this.containment = Containment.forHome(home.id());
        this.watchdog = Executors.newSingleThreadScheduledExecutor(Threads.daemon("stigmer-watchdog"));
        this.blocking = Executors.newCachedThreadPool(Threads.daemon("stigmer-runtime"));
        this.store = new FileInstanceStore(home.run());
        this.recorded = new RecordedInstances(store, home.id(), home::componentLog);
        Scheduler scheduler = new ExecutorScheduler(watchdog, Clock.systemUTC());
        List<ComponentSupervisor> components = new ArrayList<>();
        for (ComponentConfig c : config.components()) {
            ComponentRuntime runtime = c.docker() != null
                    ? new DockerRuntime(c.name(), home.id(), c.docker())
                    : new ProcessRuntime(c.name(), home.id(), c.process(), home.componentLog(c.name()), containment);
            runtimes.put(c.name(), runtime);
            Prober prober = prober(c, runtime);
            probers.add(prober);
            components.add(new ComponentSupervisor(c, runtime, prober, scheduler, blocking,
                    new Slf4jComponentLog(c.name()), store,
                    new Backoff(c.restart().backoff(), () -> ThreadLocalRandom.current().nextDouble())));
        }
        this.supervisor = new Supervisor(components, scheduler, containment.description());
    }

    private static Prober prober(ComponentConfig c, ComponentRuntime runtime) {
        Map<ProbeKind, ProbeSpec> specs = new EnumMap<>(ProbeKind.class);
        Map<ProbeKind, List<Check>> checks = new EnumMap<>(ProbeKind.class);
        put(specs, checks, ProbeKind.STARTUP, c.startup(), runtime);
        put(specs, checks, ProbeKind.LIVENESS, c.liveness(), runtime);
        put(specs, checks, ProbeKind.READINESS, c.readiness(), runtime);
        return new Prober(c.name(), specs, checks);
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
     * to be ours, after stopping those of components no longer in the config. Each adoption runs on
     * the blocking pool, never on the watchdog thread; one without an answer within
     * {@link #ADOPTION_DEADLINE} counts as none, and the component is launched anew.
     */
    public void start() {
        recorded.stopRemoved(runtimes.keySet());
        supervisor.start(c -> recorded.adopt(c.name(), runtimes.get(c.name())), blocking, ADOPTION_DEADLINE);
    }

    /** Three Engine API deadlines: an adoption asks the engine one question (an inspect). */
    static final Duration ADOPTION_DEADLINE = Duration.ofSeconds(15);

    /** Stops every component, dependents first; long enough for each one's stop timeout. */
    public boolean stopComponents() {
        Duration total = config.components().stream().map(ComponentConfig::stopTimeout)
                .reduce(Duration.ofSeconds(15), Duration::plus);
        return supervisor.shutdown(total);
    }

    @Override
    public void close() {
        probers.forEach(Prober::close);
        watchdog.shutdownNow();
        blocking.shutdownNow();
        containment.tidy();
    }
}
