package ai.stigmer.supervisor;

import ai.stigmer.runtime.Instance;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Supervises every component of a configuration: starts them in {@code dependsOn} order, each once
 * its dependencies are Running and Ready, keeps the watchdog's heartbeat, and stops them dependents
 * first, independent ones in parallel. A dependency that later restarts does not restart its
 * dependents: they are expected to reconnect by themselves, as workflow-runner does. A component
 * the operator stopped stays Stopped when a new daemon starts, until it is started by hand.
 *
 * <p>Monitoring is active (SPEC §6 {@code MonitoringActive}) only while the watchdog ticks and every
 * probe that should be running keeps producing results ({@link ProbeWatch}); a probe that stopped is
 * started over.
 */
public final class Supervisor implements Supervision {
    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static final Duration HEARTBEAT_STALE = Duration.ofSeconds(5);

    private final List<ComponentSupervisor> components;
    private final Map<String, ComponentSupervisor> byName;
    private final Scheduler scheduler;
    private final long startedAt;
    private final Set<String> pending = new HashSet<>();
    private volatile long lastTick;
    private final List<ProbeWatch> probeWatches;
    /** The stale probes the last heartbeat found, described for the operator. */
    private volatile List<String> staleProbes = List.of();
    private volatile boolean shuttingDown;

    private final String containment;

    /** {@code components} must be in start order (as {@code StigmerConfig} lists them). */
    public Supervisor(List<ComponentSupervisor> components, Scheduler scheduler) {
        this(components, scheduler, "");
    }

    /** @param containment how process components are contained, as operators should read it */
    public Supervisor(List<ComponentSupervisor> components, Scheduler scheduler, String containment) {
        this.containment = containment;
        this.components = List.copyOf(components);
        this.byName = components.stream().collect(Collectors.toMap(ComponentSupervisor::name, Function.identity()));
        this.scheduler = scheduler;
        this.startedAt = scheduler.nanoTime();
        this.lastTick = startedAt;
        this.probeWatches = components.stream().map(ProbeWatch::new).toList();
        for (ComponentSupervisor c : components) {
            c.addListener(event -> startWhatIsReady());
        }
    }

    @Override
    public List<SupervisedComponent> components() {
        return List.copyOf(components);
    }

    public Optional<ComponentSupervisor> component(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    @Override
    public boolean monitoringActive() {
        return monitoringProblem().isEmpty();
    }

    @Override
    public String monitoringProblem() {
        if (shuttingDown) {
            return "the daemon is shutting down";
        }
        long silent = scheduler.nanoTime() - lastTick;
        if (silent >= HEARTBEAT_STALE.toNanos()) {
            return "the watchdog has not ticked for " + Duration.ofNanos(silent).toSeconds() + "s";
        }
        return String.join("; ", staleProbes);
    }

    @Override
    public String containment() {
        return containment;
    }

    @Override
    public Duration uptime() {
        return Duration.ofNanos(scheduler.nanoTime() - startedAt);
    }

    /**
     * Starts supervision: adopts instances that {@code adoptable} finds still running from an earlier
     * daemon, and starts the others as their dependencies allow, except those the operator stopped.
     */
    public void start(Function<ComponentSupervisor, Optional<Instance>> adoptable) {
        scheduler.execute(this::tick);
        scheduler.execute(() -> {
            for (ComponentSupervisor c : components) {
                Optional<Instance> running = adoptable.apply(c);
                if (c.stoppedByOperator()) {
                    // The operator's stop outlives the daemon: an instance still found (the daemon died
                    // during that stop) is taken over only to finish stopping it.
                    running.ifPresent(i -> {
                        c.adopt(i);
                        c.stop();
                    });
                } else if (running.isPresent()) {
                    c.adopt(running.get());
                } else {
                    pending.add(c.name());
                }
            }
            startWhatIsReady();
        });
    }

    /** Starts each pending component whose dependencies are Running and Ready. Watchdog thread. */
    private void startWhatIsReady() {
        if (shuttingDown) {
            return;
        }
        for (ComponentSupervisor c : components) {
            if (!pending.contains(c.name())) {
                continue;
            }
            if (c.stoppedByOperator()) {
                // Stopped by the operator while it waited for its dependencies: it stays stopped.
                pending.remove(c.name());
                continue;
            }
            List<String> missing = c.config().dependsOn().stream()
                    .filter(dep -> !satisfied(byName.get(dep).status()))
                    .toList();
            if (missing.isEmpty()) {
                pending.remove(c.name());
                c.start();
            } else {
                c.waitingFor(String.join(", ", missing));
            }
        }
    }

    private static boolean satisfied(ComponentStatus dependency) {
        return dependency.state() == State.RUNNING && dependency.ready();
    }

    private void tick() {
        long now = scheduler.nanoTime();
        lastTick = now;
        if (!shuttingDown) {
            scheduler.schedule(this::tick, HEARTBEAT);
            staleProbes = probeWatches.stream().flatMap(w -> w.check(now, HEARTBEAT).stream()).toList();
        }
    }

    /**
     * Stops every component, dependents before their dependencies, independent ones in parallel: a
     * component's stop begins once every component that depends on it is gone (SPEC §4). Blocks until
     * done or {@code timeout}; returns false if something did not stop.
     */
    public boolean shutdown(Duration timeout) {
        try {
            stopAll().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Begins the shutdown of {@link #shutdown}; completes when every component is gone, exceptionally
     * if the stop of one failed (the others are still stopped).
     */
    CompletableFuture<Void> stopAll() {
        shuttingDown = true;
        scheduler.execute(pending::clear);
        components.forEach(ComponentSupervisor::close);
        Map<String, CompletableFuture<Void>> gone = new HashMap<>();
        // In reverse start order every dependent comes before what it depends on.
        for (int i = components.size() - 1; i >= 0; i--) {
            ComponentSupervisor c = components.get(i);
            CompletableFuture<?>[] dependents = components.stream()
                    .filter(d -> d.config().dependsOn().contains(c.name()))
                    .map(d -> gone.get(d.name()))
                    .toArray(CompletableFuture[]::new);
            // A dependent whose stop failed does not keep its dependencies running.
            gone.put(c.name(), CompletableFuture.allOf(dependents).handle((v, e) -> null)
                    .thenCompose(v -> c.shutdown()));
        }
        return CompletableFuture.allOf(gone.values().toArray(CompletableFuture[]::new));
    }
}
