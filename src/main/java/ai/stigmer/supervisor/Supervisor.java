package ai.stigmer.supervisor;

import ai.stigmer.runtime.Instance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    /** How often the watchdog ticks. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static final Duration HEARTBEAT_STALE = Duration.ofSeconds(5);

    /** In start order; replaced whole by a reload (under {@link #membership}), read without a lock. */
    private volatile List<ComponentSupervisor> components;
    private volatile Map<String, ComponentSupervisor> byName;
    private final Scheduler scheduler;
    private final long startedAt;
    private final Set<String> pending = new HashSet<>();
    private volatile long lastTick;
    private volatile List<ProbeWatch> probeWatches;
    /** Guards a change of the component set against the start of a shutdown. */
    private final Object membership = new Object();
    private final List<ComponentSetListener> setListeners = new CopyOnWriteArrayList<>();
    /** The stale probes the last heartbeat found, described for the operator. */
    private volatile List<String> staleProbes = List.of();
    private volatile boolean shuttingDown;
    /** Told of each tick on the watchdog thread: what must fall silent when the watchdog hangs. */
    private volatile LongConsumer[] heartbeatListeners = {}; // an array: a tick walks it without allocating
    /** Adoptions of the start not answered yet; written on the watchdog thread only. */
    private volatile int adoptionsUnanswered;

    private final String containment;

    /** {@code components} must be in start order (as {@code StigmerConfig} lists them). */
    public Supervisor(List<ComponentSupervisor> components, Scheduler scheduler) {
        this(components, scheduler, "");
    }

    /** @param containment how process components are contained, as operators should read it */
    public Supervisor(List<ComponentSupervisor> components, Scheduler scheduler, String containment) {
        this.containment = containment;
        this.scheduler = scheduler;
        this.startedAt = scheduler.nanoTime();
        this.lastTick = startedAt;
        use(components);
        for (ComponentSupervisor c : components) {
            c.addListener(event -> startWhatIsReady());
        }
    }

    private void use(List<ComponentSupervisor> next) {
        Map<ComponentSupervisor, ProbeWatch> watching = new IdentityHashMap<>();
        if (probeWatches != null) {
            probeWatches.forEach(w -> watching.put(w.component(), w)); // an unchanged component keeps what was seen of it
        }
        this.components = List.copyOf(next);
        this.byName = next.stream().collect(Collectors.toMap(ComponentSupervisor::name, Function.identity()));
        this.probeWatches = next.stream().filter(ProbeWatch::hasProbes)
                .map(c -> watching.getOrDefault(c, new ProbeWatch(c))).toList();
    }

    @Override
    public void addComponentSetListener(ComponentSetListener listener) {
        setListeners.add(listener);
    }

    /**
     * Makes {@code next} (in start order) the supervised components, as a reload asks. A component
     * of {@code next} that is supervised already (the same object) is not touched. Every other
     * supervised one leaves: it is stopped as a shutdown stops it, dependents first among those
     * leaving, independent ones in parallel. Once they are gone, the {@link ComponentSetListener}s
     * are told, and the components new in {@code next} start as their dependencies allow (the
     * operator's stop of a name holds for its new spec too).
     *
     * <p>A leaving component whose stop fails stays supervised as it was (Failed, its instance
     * perhaps alive): nothing replaces it while it may still run. Blocks until the stops are done
     * (each within its stop deadline) and returns those components with the reason of each.
     *
     * @throws IllegalStateException while the daemon shuts down
     */
    public Map<String, String> replace(List<ComponentSupervisor> next) {
        return finish(begin(next));
    }

    /** A change of the component set under way: the stops of what leaves, by name. */
    record Replacement(List<ComponentSupervisor> current, List<ComponentSupervisor> next,
            List<ComponentSupervisor> leaving, Map<String, CompletableFuture<Void>> gone) {
        boolean stopped() {
            return gone.values().stream().allMatch(CompletableFuture::isDone);
        }
    }

    /** The first half of {@link #replace}: the stops of what leaves begin. */
    Replacement begin(List<ComponentSupervisor> next) {
        if (shuttingDown) {
            throw new IllegalStateException("the daemon is shutting down");
        }
        if (adoptionsUnanswered > 0) {
            // A component leaving now could still be handed the instance its adoption finds.
            throw new IllegalStateException("the daemon is still taking over the instances an earlier daemon left;"
                    + " reload once it has");
        }
        List<ComponentSupervisor> current = components;
        Set<ComponentSupervisor> staying = Collections.newSetFromMap(new IdentityHashMap<>());
        staying.addAll(next);
        List<ComponentSupervisor> leaving = current.stream().filter(c -> !staying.contains(c)).toList();
        scheduler.execute(() -> leaving.forEach(c -> pending.remove(c.name())));
        return new Replacement(current, next, leaving, stopInOrder(leaving));
    }

    /** The second half: waits for the stops, then puts the new set in place; the stops that failed. */
    Map<String, String> finish(Replacement r) {
        Map<String, String> failed = new LinkedHashMap<>();
        r.gone().forEach((name, gone) -> {
            try {
                gone.join();
            } catch (RuntimeException e) {
                failed.put(name, reason(e));
            }
        });
        swap(r.current(), r.next(), r.leaving(), failed.keySet());
        return failed;
    }

    private static String reason(Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    /** The new set in place, listeners told, new components pending; those whose stop failed stay. */
    private void swap(List<ComponentSupervisor> current, List<ComponentSupervisor> next, List<ComponentSupervisor> leaving,
            Set<String> stuck) {
        Map<String, ComponentSupervisor> old = new HashMap<>();
        current.forEach(c -> old.put(c.name(), c));
        Set<ComponentSupervisor> before = Collections.newSetFromMap(new IdentityHashMap<>());
        before.addAll(current);
        List<ComponentSupervisor> result = new ArrayList<>();
        List<ComponentSupervisor> starting = new ArrayList<>();
        for (ComponentSupervisor c : next) {
            if (stuck.contains(c.name())) {
                result.add(old.get(c.name())); // its old instance may live: no new one beside it
            } else {
                result.add(c);
                if (!before.contains(c)) {
                    starting.add(c);
                }
            }
        }
        Set<String> names = next.stream().map(ComponentSupervisor::name).collect(Collectors.toSet());
        leaving.stream().filter(c -> stuck.contains(c.name()) && !names.contains(c.name())).forEach(result::add);
        synchronized (membership) {
            if (shuttingDown) {
                return;
            }
            use(result);
        }
        for (ComponentSupervisor c : leaving) {
            if (stuck.contains(c.name())) {
                continue;
            }
            ComponentSupervisor now = names.contains(c.name()) ? byName.get(c.name()) : null;
            for (ComponentSetListener l : setListeners) {
                if (now == null) {
                    l.removed(c);
                } else {
                    l.replaced(c, now);
                }
            }
        }
        for (ComponentSupervisor c : starting) {
            if (!old.containsKey(c.name())) {
                setListeners.forEach(l -> l.added(c));
            }
            c.addListener(event -> startWhatIsReady());
        }
        scheduler.execute(() -> {
            starting.forEach(c -> pending.add(c.name()));
            startWhatIsReady();
        });
    }

    /**
     * Stops each of {@code leaving} for good, a component's stop beginning once every one of them
     * that depends on it is gone; independent ones in parallel. A dependent whose stop failed does
     * not keep its dependencies running.
     */
    private static Map<String, CompletableFuture<Void>> stopInOrder(List<ComponentSupervisor> leaving) {
        Map<String, CompletableFuture<Void>> gone = new LinkedHashMap<>();
        // In reverse start order every dependent comes before what it depends on.
        for (int i = leaving.size() - 1; i >= 0; i--) {
            ComponentSupervisor c = leaving.get(i);
            CompletableFuture<?>[] dependents = leaving.stream()
                    .filter(d -> d.config().dependsOn().contains(c.name()))
                    .map(d -> gone.get(d.name()))
                    .toArray(CompletableFuture[]::new);
            gone.put(c.name(), CompletableFuture.allOf(dependents).handle((v, e) -> null)
                    .thenCompose(v -> c.shutdown()));
        }
        return gone;
    }

    @Override
    public List<SupervisedComponent> components() {
        return List.copyOf(components);
    }

    /** The spec of every component supervised now, in start order. */
    public List<ai.stigmer.config.ComponentConfig> componentConfigs() {
        return components.stream().map(ComponentSupervisor::config).toList();
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

    private static final Logger ADOPTION_LOG = LoggerFactory.getLogger(Supervisor.class);

    /**
     * Starts supervision as {@link #start(Function, Executor, Duration)} does, with {@code adoptable}
     * called on the watchdog thread itself: only for adoptions that cannot block.
     */
    public void start(Function<ComponentSupervisor, Optional<Instance>> adoptable) {
        // Answered inline, an adoption is in long before any deadline.
        start(adoptable, Runnable::run, Duration.ofMinutes(1));
    }

    /**
     * Starts supervision: adopts instances that {@code adoptable} finds still running from an earlier
     * daemon, and starts the others as their dependencies allow, except those the operator stopped.
     *
     * <p>{@code adoptable} may block (it asks the Docker engine): it runs on {@code adopting}, one
     * task per component, and each answer is taken on the watchdog thread, so one component's
     * adoption never holds another's start. An answer not in within {@code deadline} counts as
     * none: the component is started anew. What such a late answer finds is never adopted beside
     * the new launch: a container is left to it (its name is unique, so the launch takes it over or
     * clears it, never runs a second one), anything else is stopped.
     */
    public void start(Function<ComponentSupervisor, Optional<Instance>> adoptable, Executor adopting, Duration deadline) {
        start(c -> true, adoptable, adopting, deadline);
    }

    /**
     * As {@link #start(Function, Executor, Duration)}, asking {@code adoptable} only about the
     * components that {@code recorded} says an earlier daemon left a record of (a file read, which
     * does not block); the others start at once, and no thread is taken for them.
     */
    public void start(Predicate<ComponentSupervisor> recorded, Function<ComponentSupervisor, Optional<Instance>> adoptable,
            Executor adopting, Duration deadline) {
        scheduler.execute(this::tick);
        adoptionsUnanswered++; // until the lookups below have begun: a reload waits for the start
        scheduler.execute(() -> {
            for (ComponentSupervisor c : components) {
                if (recorded.test(c)) {
                    lookForLeftInstance(c, adoptable, adopting, deadline);
                } else {
                    takeAdoption(c, Optional.empty());
                }
            }
            adoptionsUnanswered--;
        });
    }

    /** An adoption under way; watchdog-confined. */
    private static final class Adoption {
        boolean answered;
        Scheduler.Cancellable deadline;
    }

    /** Asks {@code adoptable} about {@code c} on {@code adopting}, under {@code deadline}. Watchdog thread. */
    private void lookForLeftInstance(ComponentSupervisor c, Function<ComponentSupervisor, Optional<Instance>> adoptable,
            Executor adopting, Duration deadline) {
        Adoption adoption = new Adoption();
        adoptionsUnanswered++;
        adoption.deadline = scheduler.schedule(() -> adoptionOverdue(c, adoption, deadline), deadline);
        try {
            adopting.execute(() -> {
                Optional<Instance> found;
                try {
                    found = adoptable.apply(c);
                } catch (RuntimeException | Error e) {
                    ADOPTION_LOG.warn("Could not look for the instance an earlier daemon left of {}: {}", c.name(), e.toString());
                    found = Optional.empty();
                }
                Optional<Instance> answer = found;
                scheduler.execute(() -> adoptionAnswered(c, adoption, answer, adopting));
            });
        } catch (RuntimeException | Error e) {
            // No thread to look with (rejected, out of threads): the component starts anew at once.
            ADOPTION_LOG.warn("Could not look for the instance an earlier daemon left of {}: {}", c.name(), e.toString());
            adoption.deadline.cancel();
            adoption.answered = true;
            adoptionsUnanswered--;
            takeAdoption(c, Optional.empty());
        }
    }

    private void adoptionOverdue(ComponentSupervisor c, Adoption adoption, Duration deadline) {
        if (adoption.answered) {
            return;
        }
        adoption.answered = true;
        adoptionsUnanswered--;
        ADOPTION_LOG.warn("No answer within {} s while looking for the instance an earlier daemon left of {}; "
                + "starting it anew", deadline.toSeconds(), c.name());
        takeAdoption(c, Optional.empty());
    }

    private void adoptionAnswered(ComponentSupervisor c, Adoption adoption, Optional<Instance> found, Executor adopting) {
        if (!adoption.answered) {
            adoption.answered = true;
            adoptionsUnanswered--;
            adoption.deadline.cancel();
            if (!shuttingDown || found.isEmpty()) {
                takeAdoption(c, found);
                return;
            }
        }
        found.ifPresent(instance -> settleUnadopted(c, instance, adopting));
    }

    /** What start did with an adoption's answer, on time. Watchdog thread. */
    private void takeAdoption(ComponentSupervisor c, Optional<Instance> running) {
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
        startWhatIsReady();
    }

    /**
     * An instance found too late to adopt (past the deadline, or once shutdown began). A container
     * is left to the launch that replaced the adoption, unless no launch will come; anything else
     * would run beside the new instance, and is stopped.
     */
    private void settleUnadopted(ComponentSupervisor c, Instance instance, Executor adopting) {
        boolean launchComes = !shuttingDown && !c.stoppedByOperator();
        if (!instance.containerId().isEmpty() && launchComes) {
            ADOPTION_LOG.warn("Found {} of {} after its adoption deadline; not adopted: the launch in its place "
                    + "takes the container over or clears it", instance, c.name());
            return;
        }
        ADOPTION_LOG.warn("Stopping {} of {}, found too late to adopt it: {}", instance, c.name(),
                launchComes ? "a new instance is launched in its place" : "the component is not to run");
        try {
            adopting.execute(() -> {
                try {
                    instance.stop(c.config().stopTimeout());
                } catch (RuntimeException e) {
                    ADOPTION_LOG.error("Could not stop {} of {}: {}", instance, c.name(), e.getMessage());
                }
            });
        } catch (RuntimeException | Error e) {
            ADOPTION_LOG.error("Could not stop {} of {}: {}", instance, c.name(), e.toString());
        }
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

    /**
     * Calls {@code listener} with the monotonic time of each watchdog tick (once a {@link #HEARTBEAT}
     * until shutdown), on the watchdog thread: it stops being called when that thread hangs, which is
     * the point of systemd's watchdog pings. It must return at once.
     */
    public synchronized void onHeartbeat(LongConsumer listener) {
        LongConsumer[] more = java.util.Arrays.copyOf(heartbeatListeners, heartbeatListeners.length + 1);
        more[more.length - 1] = listener;
        heartbeatListeners = more;
    }

    private void tick() {
        long now = scheduler.nanoTime();
        lastTick = now;
        if (!shuttingDown) {
            // On the whole second, with the probes due then (ProbeTicks): one wake of the watchdog for both.
            scheduler.schedule(this::tick, ProbeTicks.delay(now, HEARTBEAT, HEARTBEAT));
            List<String> stale = List.of();
            for (ProbeWatch watch : probeWatches) {
                List<String> found = watch.check(now, HEARTBEAT);
                if (!found.isEmpty()) {
                    if (stale.isEmpty()) {
                        stale = new ArrayList<>(); // an idle tick with nothing stale allocates no list
                    }
                    stale.addAll(found);
                }
            }
            staleProbes = stale;
            for (LongConsumer listener : heartbeatListeners) {
                listener.accept(now);
            }
        }
    }

    /**
     * How long {@link #shutdown} may wait for every component: each one's stop deadline (its stop
     * timeout and the grace after it, past which a stop is a reported failure) as if none ran in
     * parallel, and 15 s more. A hung stop is thus reported as {@code stop failed} before the wait ends.
     */
    public Duration shutdownDeadline() {
        return components.stream().map(c -> RuntimeCalls.stopDeadline(c.config()))
                .reduce(Duration.ofSeconds(15), Duration::plus);
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
        List<ComponentSupervisor> all;
        synchronized (membership) {
            shuttingDown = true;
            all = components;
        }
        scheduler.execute(pending::clear);
        all.forEach(ComponentSupervisor::close);
        return CompletableFuture.allOf(stopInOrder(all).values().toArray(CompletableFuture[]::new));
    }
}
