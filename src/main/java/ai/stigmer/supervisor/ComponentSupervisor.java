package ai.stigmer.supervisor;

import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.Durations;
import ai.stigmer.config.ProbeSpec;
import ai.stigmer.config.RestartPolicy;
import ai.stigmer.probe.ProbeKind;
import ai.stigmer.probe.ProbeResult;
import ai.stigmer.probe.ProbeRunner;
import ai.stigmer.runtime.ComponentRuntime;
import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.LaunchException;
import ai.stigmer.supervisor.ComponentEvent.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * The state machine of one component (SPEC §3) and its restart rules (SPEC §4).
 *
 * <p>All mutable state is confined to the watchdog thread of the {@link Scheduler}: probe results,
 * exits, launches and operator commands are posted to it, and {@link #transition} is the only
 * writer of the state. Blocking work (launching, stopping, probing) runs on other threads and
 * reports back; a generation number drops reports about an instance that is no longer current.
 */
public final class ComponentSupervisor implements SupervisedComponent {
    static final String STARTED = "Component started, health monitoring active";
    static final String CHECK_PASSED = "Health check passed";
    static final String CHECK_FAILED = "Health check failed";
    static final String MARKED_UNHEALTHY = "Component marked unhealthy";
    static final String RESTARTING_LINE = "Restarting component";
    static final String RESTARTED = "Component restarted successfully";
    /** The ERROR line and the {@code .failed} message of SPEC §5 and §6. */
    public static final String LIMIT_EXCEEDED =
            "Component has exceeded maximum restart limit - manual intervention required";

    private final ComponentConfig config;
    private final ComponentRuntime runtime;
    private final ProbeRunner prober;
    private final Scheduler scheduler;
    private final Executor blocking;
    private final ComponentLog log;
    private final InstanceStore store;
    private final Backoff backoff;
    private final List<ComponentListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<ProbeKind, ProbeSpec> probes = new EnumMap<>(ProbeKind.class);

    // Watchdog-thread state.
    private State state = State.STOPPED;
    private boolean ready;
    private Instance instance;
    private long instanceStartedAt;
    private int generation;
    private boolean launchedByRestart;
    private int restarts;
    private final RestartWindow window;
    private int consecutiveFailures;
    private long nextRestartAt = -1;
    private String lastError = "";
    private int lastExitCode = -1;
    private String waitingFor = "";
    private final Map<ProbeKind, Integer> successes = new EnumMap<>(ProbeKind.class);
    private final Map<ProbeKind, Integer> failures = new EnumMap<>(ProbeKind.class);
    /** One pending run per probe, replaced at each reschedule. */
    private final Map<ProbeKind, Scheduler.Cancellable> probeTimers = new EnumMap<>(ProbeKind.class);
    /** The minUptime and backoff timers of the current instance: a few at most. */
    private final List<Scheduler.Cancellable> timers = new ArrayList<>();
    private CompletableFuture<Void> stopping = CompletableFuture.completedFuture(null);
    /** The launch in flight, if any: what it starts must be stopped too when a stop comes first. */
    private CompletableFuture<Instance> launching = CompletableFuture.completedFuture(null);
    /** Set when the daemon shuts down: from then on nothing starts again. */
    private boolean closed;

    private volatile Snapshot snapshot;

    /** What {@link #status()} reads from other threads: the watchdog-thread state, frozen. */
    private record Snapshot(State state, boolean ready, long pid, String containerId, long startedAt,
            int restarts, long[] restartTimes, int consecutiveFailures, long nextRestartAt, String lastError,
            int lastExitCode) {}

    public ComponentSupervisor(ComponentConfig config, ComponentRuntime runtime, ProbeRunner prober,
            Scheduler scheduler, Executor blocking, ComponentLog log, InstanceStore store, Backoff backoff) {
        this.config = config;
        this.runtime = runtime;
        this.prober = prober;
        this.scheduler = scheduler;
        this.blocking = blocking;
        this.log = log;
        this.store = store;
        this.backoff = backoff;
        this.window = new RestartWindow(config.restart().window());
        if (config.startup() != null) {
            probes.put(ProbeKind.STARTUP, config.startup());
        }
        if (config.liveness() != null) {
            probes.put(ProbeKind.LIVENESS, config.liveness());
        }
        if (config.readiness() != null) {
            probes.put(ProbeKind.READINESS, config.readiness());
        }
        publish();
    }

    @Override
    public String name() {
        return config.name();
    }

    public ComponentConfig config() {
        return config;
    }

    @Override
    public void addListener(ComponentListener listener) {
        listeners.add(listener);
    }

    @Override
    public ComponentStatus status() {
        Snapshot s = snapshot;
        long now = scheduler.nanoTime();
        boolean hasInstance = s.startedAt >= 0 && (s.state == State.STARTING || s.state == State.RUNNING);
        String error = s.lastError;
        return new ComponentStatus(config.name(), config.kind(), s.state, s.ready, s.pid, s.containerId,
                hasInstance ? Duration.ofNanos(now - s.startedAt).toSeconds() : 0,
                s.restarts,
                RestartWindow.count(s.restartTimes, now, config.restart().window()),
                s.consecutiveFailures,
                s.state == State.RESTARTING && s.nextRestartAt >= 0
                        ? Math.max(0, Duration.ofNanos(s.nextRestartAt - now).toMillis()) : -1,
                error, s.lastExitCode, config.dependsOn());
    }

    // ---- commands: posted to the watchdog thread ----

    @Override
    public CompletableFuture<Void> start() {
        return onWatchdog(done -> {
            if (!closed && (state == State.STOPPED || state == State.FAILED)) {
                startByHand();
            }
            done.complete(null);
        });
    }

    @Override
    public CompletableFuture<Void> stop() {
        return onWatchdog(done -> stopNow("stop requested").whenComplete((v, e) -> done.complete(null)));
    }

    @Override
    public CompletableFuture<Void> restart() {
        return onWatchdog(done -> stopNow("restart requested").whenComplete((v, e) ->
                scheduler.execute(() -> {
                    if (!closed && state == State.STOPPED) {
                        startByHand();
                    }
                    done.complete(null);
                })));
    }

    /**
     * Stops for good, as the daemon shuts down: no operator command, backoff or dependency may start
     * the component again afterwards. Completes when the instance is gone.
     */
    public CompletableFuture<Void> shutdown() {
        return onWatchdog(done -> {
            closed = true;
            stopNow("daemon shutting down").whenComplete((v, e) -> done.complete(null));
        });
    }

    /** Refuses every later start at once, before the daemon stops components one by one. */
    void close() {
        scheduler.execute(() -> closed = true);
    }

    /** Takes over an instance left by an earlier daemon instead of launching one. */
    public CompletableFuture<Void> adopt(Instance adopted) {
        return onWatchdog(done -> {
            if (closed || state != State.STOPPED) {
                done.complete(null);
                return;
            }
            resetCounters();
            launchedByRestart = false;
            transition(State.STARTING, "adopted running instance " + adopted);
            log.info("Adopted running instance " + adopted);
            int gen = ++generation;
            onLaunched(gen, adopted);
            done.complete(null);
        });
    }

    /** Shown as LastError while the daemon holds this component back for its dependencies. */
    void waitingFor(String dependencies) {
        scheduler.execute(() -> {
            waitingFor = dependencies;
            publish();
        });
    }

    private CompletableFuture<Void> onWatchdog(java.util.function.Consumer<CompletableFuture<Void>> command) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        scheduler.execute(() -> {
            try {
                command.accept(done);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                throw e;
            }
        });
        return done;
    }

    // ---- the state machine ----

    /** The only writer of {@link #state}; every move is checked against {@link Transitions}. */
    private void transition(State to, String cause) {
        State from = state;
        if (!Transitions.legal(from, to)) {
            throw new IllegalStateException(config.name() + ": illegal transition " + from + " -> " + to);
        }
        state = to;
        publish();
        emit(Type.STATE_CHANGED, from, to, cause);
    }

    /** Failed, Stopped → Starting with all counters reset (start by hand or by the daemon). */
    private void startByHand() {
        resetCounters();
        launchedByRestart = false;
        launch();
    }

    private void resetCounters() {
        restarts = 0;
        window.clear();
        consecutiveFailures = 0;
        lastError = "";
        waitingFor = "";
        nextRestartAt = -1;
    }

    /** Starting: a new instance is being launched, once the previous one is stopped. */
    private void launch() {
        cancelTimers();
        int gen = ++generation;
        transition(State.STARTING, launchedByRestart ? "restart" : "start requested");
        CompletableFuture<Instance> launched = new CompletableFuture<>();
        launching = launched;
        stopping.whenComplete((v, e) -> blocking.execute(() -> {
            try {
                Instance instance = runtime.launch();
                launched.complete(instance);
                scheduler.execute(() -> onLaunched(gen, instance));
            } catch (LaunchException | RuntimeException e2) {
                launched.complete(null);
                String reason = e2.getMessage() != null ? e2.getMessage() : e2.toString();
                scheduler.execute(() -> onLaunchFailed(gen, reason));
            }
        }));
    }

    private void onLaunched(int gen, Instance launched) {
        if (gen != generation || state != State.STARTING) {
            return; // stopped while launching: stopInstance() waited for this launch and stops it
        }
        instance = launched;
        instanceStartedAt = scheduler.nanoTime();
        store.save(config.name(), launched.record());
        resetProbeCounters();
        publish();
        launched.exited().thenAccept(exit -> scheduler.execute(() -> onExit(gen, exit)));
        Duration minUptime = config.restart().minUptime();
        timers.add(scheduler.schedule(() -> onMinUptime(gen), minUptime));
        ProbeSpec startup = probes.get(ProbeKind.STARTUP);
        if (startup == null) {
            enterRunning();
        } else {
            scheduleProbe(gen, ProbeKind.STARTUP, startup.initialDelay());
        }
    }

    private void onLaunchFailed(int gen, String reason) {
        if (gen != generation || state != State.STARTING) {
            return;
        }
        markUnhealthy("launch failed: " + reason, null);
    }

    /** Starting → Running: the startup probe passed, or there is none. */
    private void enterRunning() {
        // LastError stays: a Running component with restarts still tells the operator why it restarted.
        transition(State.RUNNING, probes.containsKey(ProbeKind.STARTUP) ? "startup probe passed" : "launched");
        if (launchedByRestart) {
            log.info(RESTARTED);
            emit(Type.RESTARTED, State.STARTING, State.RUNNING, RESTARTED);
        } else {
            log.info(STARTED);
        }
        int gen = generation;
        ProbeSpec liveness = probes.get(ProbeKind.LIVENESS);
        if (liveness != null) {
            scheduleProbe(gen, ProbeKind.LIVENESS, liveness.initialDelay());
        }
        ProbeSpec readiness = probes.get(ProbeKind.READINESS);
        if (readiness != null) {
            scheduleProbe(gen, ProbeKind.READINESS, readiness.initialDelay());
        } else {
            setReady(true, "no readiness probe");
        }
    }

    /** An instance that stayed up for minUptime counts as a successful restart: n goes back to 0. */
    private void onMinUptime(int gen) {
        if (gen == generation && (state == State.STARTING || state == State.RUNNING)) {
            consecutiveFailures = 0;
            publish();
        }
    }

    private void scheduleProbe(int gen, ProbeKind kind, Duration delay) {
        probeTimers.put(kind, scheduler.schedule(() -> runProbe(gen, kind), delay));
    }

    private void runProbe(int gen, ProbeKind kind) {
        if (gen != generation || !probeActive(kind)) {
            return;
        }
        long started = scheduler.nanoTime();
        Duration uptime = Duration.ofNanos(started - instanceStartedAt);
        prober.run(kind, instance, uptime, result -> scheduler.execute(() -> onProbeResult(gen, result, started)));
    }

    private boolean probeActive(ProbeKind kind) {
        return kind == ProbeKind.STARTUP ? state == State.STARTING : state == State.RUNNING;
    }

    private void onProbeResult(int gen, ProbeResult result, long started) {
        ProbeKind kind = result.probe();
        if (gen != generation || !probeActive(kind)) {
            return;
        }
        ProbeSpec spec = probes.get(kind);
        if (result.passed()) {
            log.debug(CHECK_PASSED + " (" + kind + ")");
            failures.put(kind, 0);
            successes.merge(kind, 1, Integer::sum);
        } else {
            log.warn(CHECK_FAILED + " (" + result.describe() + ")");
            successes.put(kind, 0);
            failures.merge(kind, 1, Integer::sum);
        }
        int ok = successes.getOrDefault(kind, 0);
        int bad = failures.getOrDefault(kind, 0);
        switch (kind) {
            case STARTUP -> {
                if (ok >= spec.successThreshold()) {
                    enterRunning();
                    return;
                }
                if (bad >= spec.failureThreshold()) {
                    markUnhealthy("startup probe failed " + bad + " times: " + result.reason(), null);
                    return;
                }
            }
            case LIVENESS -> {
                if (bad >= spec.failureThreshold()) {
                    markUnhealthy("liveness probe failed " + bad + " times in a row: " + result.check() + ": "
                            + result.reason(), null);
                    return;
                }
            }
            case READINESS -> {
                if (ok >= spec.successThreshold()) {
                    setReady(true, "readiness probe passed");
                } else if (bad >= spec.failureThreshold()) {
                    setReady(false, "readiness probe failed: " + result.check() + ": " + result.reason());
                }
            }
        }
        // The period counts from the start of the run, so a slow probe does not stretch it.
        Duration next = spec.period().minusNanos(scheduler.nanoTime() - started);
        scheduleProbe(gen, kind, next.isNegative() ? Duration.ZERO : next);
    }

    private void setReady(boolean value, String cause) {
        if (ready == value) {
            return;
        }
        ready = value;
        publish();
        emit(value ? Type.READY : Type.NOT_READY, state, state, cause);
    }

    /** Starting, Running → Unhealthy: the instance ended (exit set) or a probe gave up. */
    private void onExit(int gen, ExitStatus exit) {
        if (gen != generation) {
            return;
        }
        lastExitCode = exit.code();
        if (state == State.STARTING || state == State.RUNNING) {
            markUnhealthy(exit.describe(), exit);
        } else {
            publish();
        }
    }

    private void markUnhealthy(String reason, ExitStatus exit) {
        long now = scheduler.nanoTime();
        boolean wasUp = instance != null;
        boolean survivedMinUptime = wasUp && now - instanceStartedAt >= config.restart().minUptime().toNanos();
        cancelTimers();
        setReady(false, "unhealthy");
        lastError = reason;
        transition(State.UNHEALTHY, reason);
        log.warn(MARKED_UNHEALTHY + " (" + reason + ")");
        emit(Type.UNHEALTHY, State.UNHEALTHY, State.UNHEALTHY, MARKED_UNHEALTHY + ": " + reason);
        if (survivedMinUptime) {
            consecutiveFailures = 0;
        }
        consecutiveFailures++;
        stopInstance();
        decideRestart(now, exit != null && exit.clean());
    }

    /** Unhealthy → Restarting, or → Stopped/Failed where policy or the restart limit forbid it. */
    private void decideRestart(long now, boolean cleanExit) {
        RestartPolicy policy = config.restart().policy();
        if (policy == RestartPolicy.NEVER || (policy == RestartPolicy.ON_FAILURE && cleanExit)) {
            if (cleanExit) {
                transition(State.STOPPED, "exited cleanly; restart policy " + policy.yamlName());
                log.info("Component exited cleanly; restart policy " + policy.yamlName() + " keeps it stopped");
            } else {
                String line = "Component failed; restart policy never forbids a restart";
                transition(State.FAILED, line);
                log.error(line);
                emit(Type.FAILED, State.UNHEALTHY, State.FAILED, line);
            }
            return;
        }
        int max = config.restart().maxRestarts();
        if (window.count(now) >= max) {
            // The restart limit would be exceeded: stop for good (SPEC §4).
            transition(State.FAILED, LIMIT_EXCEEDED);
            log.error(LIMIT_EXCEEDED + " (" + window.count(now) + " restarts within "
                    + Durations.format(config.restart().window()) + "; last error: " + lastError + ")");
            emit(Type.FAILED, State.UNHEALTHY, State.FAILED, LIMIT_EXCEEDED);
            return;
        }
        window.record(now);
        restarts++;
        int attempt = window.count(now);
        Duration delay = backoff.delay(consecutiveFailures);
        nextRestartAt = now + delay.toNanos();
        String line = RESTARTING_LINE + " (attempt " + attempt + "/" + max + ")";
        transition(State.RESTARTING, line);
        log.info(line + " in " + Durations.format(delay));
        emit(Type.RESTARTING, State.UNHEALTHY, State.RESTARTING, line);
        int gen = generation;
        timers.add(scheduler.schedule(() -> onBackoffElapsed(gen), delay));
    }

    /** Restarting → Starting: backoff elapsed; the old instance is stopped before the new launch. */
    private void onBackoffElapsed(int gen) {
        if (closed || gen != generation || state != State.RESTARTING) {
            return;
        }
        nextRestartAt = -1;
        launchedByRestart = true;
        launch();
    }

    /** Any → Stopped: cancels probes and restarts, stops the instance; completes when it is gone. */
    private CompletableFuture<Void> stopNow(String cause) {
        cancelTimers();
        generation++;
        nextRestartAt = -1;
        waitingFor = "";
        setReady(false, cause);
        if (state != State.STOPPED) {
            transition(State.STOPPED, cause);
            log.info("Component stopped (" + cause + ")");
        }
        stopInstance();
        return stopping;
    }

    /**
     * Stops the current instance off the watchdog thread, or what a launch still in flight starts;
     * the next launch waits for it.
     */
    private void stopInstance() {
        Instance old = instance;
        instance = null;
        publish();
        CompletableFuture<Instance> target = old != null ? CompletableFuture.completedFuture(old)
                : launching.isDone() ? null : launching;
        if (target == null) {
            return;
        }
        CompletableFuture<Void> previous = stopping;
        CompletableFuture<Void> done = new CompletableFuture<>();
        stopping = done;
        previous.thenCombine(target, (v, i) -> i).whenComplete((victim, e) -> blocking.execute(() -> {
            try {
                if (victim != null) {
                    victim.stop(config.stopTimeout());
                }
            } finally {
                scheduler.execute(() -> {
                    if (instance == null) {
                        store.clear(config.name());
                    }
                    done.complete(null);
                });
            }
        }));
    }

    private void resetProbeCounters() {
        successes.clear();
        failures.clear();
    }

    private void cancelTimers() {
        timers.forEach(Scheduler.Cancellable::cancel);
        timers.clear();
        probeTimers.values().forEach(Scheduler.Cancellable::cancel);
        probeTimers.clear();
    }

    private void emit(Type type, State from, State to, String message) {
        ComponentEvent event = new ComponentEvent(config.name(), type, from, to, message, scheduler.now());
        for (ComponentListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                log.warn("A listener failed on " + type + ": " + e);
            }
        }
    }

    private void publish() {
        Instance i = instance;
        String error = !waitingFor.isEmpty() && state == State.STOPPED ? "waiting for " + waitingFor : lastError;
        snapshot = new Snapshot(state, ready, i == null ? -1 : i.pid(), i == null ? "" : i.containerId(),
                i == null ? -1 : instanceStartedAt, restarts, window.snapshot(), consecutiveFailures,
                nextRestartAt, error, lastExitCode);
    }

    /** Timers pending for this component: a bounded few, however long it runs (for tests). */
    int pendingTimers() {
        return timers.size() + probeTimers.size();
    }
}
