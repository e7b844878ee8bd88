package ai.stigmer.supervisor;

import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ProbeSpec;
import ai.stigmer.probe.ProbeKind;
import ai.stigmer.probe.ProbeRunner;
import ai.stigmer.runtime.ComponentRuntime;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.StopFailedException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * The watchdog of one component: a thin runner around its {@link ComponentStateMachine}. It owns
 * what the machine must not: the watchdog thread ({@link Scheduler}), timers, the threads that launch,
 * stop and probe, and the futures of operator commands.
 *
 * <p>Every input reaches the machine on the watchdog thread, one at a time; the machine answers with
 * effects, which this class carries out in order. Blocking work (a launch, a stop, a probe) runs on
 * other threads and reports back as a new input, so the state has one writer and needs no locks.
 *
 * <p>The futures of {@link #start()}, {@link #stop()}, {@link #restart()} and {@link #shutdown()}
 * complete once no stop is in flight any more, that is when the old instance is gone (and for a
 * restart the new launch has begun). They complete exceptionally with a {@link StopFailedException}
 * when the stop failed: the component is then Failed, "stop failed: ..." is its LastError, and
 * nothing is launched until a later stop of that instance succeeds (see the machine's Javadoc).
 *
 * <p><b>Every launch and stop ends in a reported outcome</b> ({@link RuntimeCalls}). A launch waits
 * its turn at the host-wide {@link LaunchGate} (Starting meanwhile, its place in
 * {@link ComponentStatus#launchQueuePosition()}), then has 30 s plus the component's stop timeout to
 * return, since a launch may first have to clear an earlier instance that holds its name (a Docker
 * container). Past it, the launch failed ("launch did not finish within 40s"), with backoff and the
 * restart limit as for any failed launch, and its slot at the gate is free again; should the
 * abandoned launch still return an instance, that instance is stopped at once. A stop has its stop
 * timeout plus 30 s (SIGKILL, the engine's round trips); past it, the stop failed, with the
 * consequences above. A launch or stop that no thread can be found for (the pool is full, or the JVM
 * cannot create a native thread) fails at once with the reason. Nothing here blocks the watchdog
 * thread.
 */
public final class ComponentSupervisor implements SupervisedComponent {
    static final String STARTED = "Component started, health monitoring active";
    static final String CHECK_PASSED = "Health check passed";
    static final String CHECK_FAILED = "Health check failed";
    /** A probe whose checks the daemon could not run (no thread): logged, counted neither way. */
    static final String CHECK_NOT_RUN = "Health check could not run";
    static final String MARKED_UNHEALTHY = "Component marked unhealthy";
    static final String RESTARTING_LINE = "Restarting component";
    static final String RESTARTED = "Component restarted successfully";
    /** The ERROR line and the {@code .failed} message of SPEC §5 and §6. */
    public static final String LIMIT_EXCEEDED =
            "Component has exceeded maximum restart limit - manual intervention required";
    /** The INFO line when a Failed component gets one more try after restart.rearmAfter. */
    public static final String REARMED = "Component rearmed";
    /** The ERROR line when that try fails before minUptime: Failed again, until the next cool-down. */
    public static final String REARM_FAILED = "Component failed again after its rearm - back to Failed";
    /** The INFO line when that try has run minUptime: the restart limit counts afresh. */
    public static final String REARM_HELD = "Component held after its rearm; restart limit counts afresh";
    /** The ERROR line and the start of the {@code .failed} message when a stop could not be proven done. */
    public static final String STOP_FAILED =
            "Component stop failed, its instance may still run - manual intervention required";
    /** The longest a restart at backoff 0s holds back the events and records that tell of it. */
    static final Duration HOLD = Duration.ofMillis(50);

    private final ComponentConfig config;
    private final ComponentRuntime runtime;
    private final ProbeRunner prober;
    private final Scheduler scheduler;
    private final RuntimeCalls calls;
    private final ComponentLog log;
    private final InstanceStore store;
    private final ComponentStateMachine machine;
    private final List<ComponentListener> listeners = new CopyOnWriteArrayList<>();

    // Watchdog-thread state.
    /** One pending run per probe, replaced at each reschedule. */
    private final Map<ProbeKind, Scheduler.Cancellable> probeTimers = new EnumMap<>(ProbeKind.class);
    /** One pending timer of each kind. */
    private final Map<Input.Timer, Scheduler.Cancellable> timers = new EnumMap<>(Input.Timer.class);
    /**
     * Inputs posted by the watchdog thread itself while it fed the machine (a probe whose checks ran
     * in place answers during its RunProbe effect): fed next, in order, with no second trip through
     * the scheduler's queue.
     */
    private final ArrayDeque<Input> postedWhileFeeding = new ArrayDeque<>();
    /** Lines, events and records of the feed under way, told at its end ({@link #tellDeferred}); watchdog thread only. */
    private final ArrayDeque<Told> told = new ArrayDeque<>();
    /** Events and records of a relaunch's feed, held until its outcome ({@link #hold}); watchdog thread only. */
    private final ArrayDeque<Told> held = new ArrayDeque<>();
    /** The step under way defers its lines, events and records (watchdog thread only). */
    private boolean deferring;
    /** The feed under way handed a restart at backoff 0s to a launch thread (watchdog thread only). */
    private boolean relaunched;
    /** Tells what a relaunch's feed held back, if no later feed has ({@link #HOLD}). */
    private Scheduler.Cancellable holdTimer;
    /**
     * The thread feeding the machine, null between inputs. Only the watchdog thread writes it, so any
     * other thread finds it null or the watchdog thread, never itself: {@link #post} needs no lock.
     */
    private Thread feeding;
    /** Commands that complete when no stop is in flight any more. */
    private final List<CompletableFuture<Void>> settling = new ArrayList<>();

    private volatile ComponentStateMachine.Snapshot snapshot;

    /** With every launch and stop on {@code blocking} and no launch limit. */
    public ComponentSupervisor(ComponentConfig config, ComponentRuntime runtime, ProbeRunner prober,
            Scheduler scheduler, Executor blocking, ComponentLog log, InstanceStore store, Backoff backoff) {
        this(config, runtime, prober, scheduler, RuntimeThreads.of(blocking), log, store, backoff);
    }

    public ComponentSupervisor(ComponentConfig config, ComponentRuntime runtime, ProbeRunner prober,
            Scheduler scheduler, RuntimeThreads threads, ComponentLog log, InstanceStore store, Backoff backoff) {
        this.config = config;
        this.runtime = runtime;
        this.prober = prober;
        this.scheduler = scheduler;
        this.calls = new RuntimeCalls(config, runtime, scheduler, threads, log, this::feed);
        this.log = log;
        this.store = store;
        this.machine = new ComponentStateMachine(config, backoff);
        this.snapshot = machine.snapshot();
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

    /** The state machine's last published state, without the arithmetic of a {@link #status()}. */
    ComponentStateMachine.Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public ComponentStatus status() {
        return snapshot.toStatus(config, scheduler.nanoTime(), calls.launchQueuePosition());
    }

    // ---- commands: posted to the watchdog thread ----

    @Override
    public CompletableFuture<Void> start() {
        return command(new Input.Start());
    }

    /** The operator's stop: the component stays Stopped, also across a daemon restart. */
    @Override
    public CompletableFuture<Void> stop() {
        return command(new Input.Stop("stop requested"));
    }

    @Override
    public CompletableFuture<Void> restart() {
        return command(new Input.Restart());
    }

    /**
     * Stops for good, as the daemon shuts down: no operator command, backoff or dependency may start
     * the component again afterwards. Completes when the instance is gone. Not remembered as the
     * operator's stop: the next daemon starts the component as usual.
     */
    public CompletableFuture<Void> shutdown() {
        return command(new Input.Shutdown());
    }

    /** Refuses every later start at once, before the daemon stops its components. */
    void close() {
        scheduler.execute(() -> feed(new Input.Close()));
    }

    /**
     * Takes over an instance left by an earlier daemon instead of launching one: its uptime goes on
     * from its age. One whose command, env or image differs from the configuration is replaced.
     */
    public CompletableFuture<Void> adopt(Instance adopted) {
        return command(new Input.Adopted(adopted, adopted.age(), adopted.drift()));
    }

    /** Shown as LastError while the daemon holds this component back for its dependencies. */
    void waitingFor(String dependencies) {
        scheduler.execute(() -> feed(new Input.WaitingFor(dependencies)));
    }

    /** Starts {@code probe} over: the daemon has seen no result of it for too long ({@code reason}). */
    void restartProbe(ProbeKind probe, String reason) {
        scheduler.execute(() -> feed(new Input.ProbeRestart(probe, reason)));
    }

    /** The runner of this component's probes, whose answered runs the daemon watches. */
    ProbeRunner prober() {
        return prober;
    }

    /** True if the operator stopped this component and has not started it since, even in an earlier daemon. */
    boolean stoppedByOperator() {
        return store.stoppedByOperator(config.name());
    }

    private CompletableFuture<Void> command(Input input) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        scheduler.execute(() -> {
            settling.add(done);
            try {
                feed(input);
            } catch (RuntimeException e) {
                settling.remove(done);
                done.completeExceptionally(e);
                throw e;
            }
        });
        return done;
    }

    // ---- the runner: one input at a time, on the watchdog thread ----

    /**
     * Hands {@code input} to the machine and carries out what it asks, then what the watchdog thread
     * posted meanwhile. Watchdog thread only.
     */
    private void feed(Input input) {
        if (feeding == Thread.currentThread()) { // run from inside a step (a test's scheduler runs tasks at once): after it
            postedWhileFeeding.add(input);
            return;
        }
        feeding = Thread.currentThread();
        try {
            tellHeld();
            step(input);
            for (Input next = postedWhileFeeding.poll(); next != null; next = postedWhileFeeding.poll()) {
                step(next);
            }
        } finally {
            feeding = null;
            if (relaunched) {
                hold();
            }
            tellDeferred();
        }
        settle();
    }

    /** A line, event or record deferred; an event with the time it happened, which it carries. */
    private record Told(Effect effect, Instant at) {}

    /**
     * After a restart at backoff 0s was handed to a launch thread, the events and records of its feed
     * wait for the next input (the launch's outcome, a few milliseconds later) or {@link #HOLD},
     * whichever comes first: sent now, they would wake the notification thread and write files while
     * the launch they tell of needs the CPU. The lines are written at once, before the new instance
     * can write any of its own to the same log.
     */
    private void hold() {
        relaunched = false;
        for (Iterator<Told> it = told.iterator(); it.hasNext(); ) {
            Told t = it.next();
            if (!(t.effect() instanceof Effect.Log)) {
                held.add(t);
                it.remove();
            }
        }
        if (held.isEmpty() || holdTimer != null) {
            return;
        }
        try {
            holdTimer = scheduler.schedule(() -> {
                holdTimer = null;
                tellAll(held);
                settle();
            }, HOLD);
        } catch (RuntimeException shutDown) {
            tellAll(held); // the watchdog is shutting down: no later input will come
        }
    }

    /** What a relaunch's feed held back, told before anything that follows it. */
    private void tellHeld() {
        if (holdTimer != null) {
            holdTimer.cancel();
            holdTimer = null;
        }
        tellAll(held);
    }

    /**
     * The log lines, events and instance records deferred by the steps of one feed, in their order,
     * once every other effect of it is carried out: a restart at backoff 0s is under way before the
     * lines, notifications and files that tell of it. A line is still written before any event that
     * follows it, and a record cleared before the next instance's is saved (in a later feed).
     */
    private void tellDeferred() {
        deferring = false;
        tellAll(told);
    }

    private void tellAll(ArrayDeque<Told> queue) {
        for (Told t = queue.poll(); t != null; t = queue.poll()) {
            try {
                tell(t.effect(), t.at());
            } catch (RuntimeException e) {
                // Nothing told may cost the machine its next input: said, and passed over.
                try {
                    log.warn("Could not carry out " + t.effect() + ": " + e);
                } catch (RuntimeException ignored) {
                    // the log itself fails: nowhere left to say it
                }
            }
        }
    }

    /**
     * Writes a line ({@link Effect.Log}), sends an event ({@link Effect.Emit}) of time {@code at}
     * (null: now) or keeps a record in the store.
     */
    private void tell(Effect effect, Instant at) {
        if (effect instanceof Effect.Log e) {
            log(e.level(), e.line());
        } else if (effect instanceof Effect.Emit e) {
            emit(new ComponentEvent(config.name(), e.type(), e.from(), e.to(), e.message(), at != null ? at : scheduler.now()));
        } else if (effect instanceof Effect.SaveRecord e) {
            store.save(config.name(), e.instance().record());
        } else if (effect instanceof Effect.ClearRecord) {
            store.clear(config.name());
        } else if (effect instanceof Effect.RememberOperatorStop e) {
            store.markStopped(config.name(), e.stopped());
        }
    }

    /** What {@link #tell} carries out: deferred, as a whole, while a restart at backoff 0s is under way. */
    private static boolean tellable(Effect effect) {
        return effect instanceof Effect.Log || effect instanceof Effect.Emit || effect instanceof Effect.SaveRecord
                || effect instanceof Effect.ClearRecord || effect instanceof Effect.RememberOperatorStop;
    }

    private void step(Input input) {
        List<Effect> effects = machine.on(input, scheduler.nanoTime());
        // Published before the effects run, so listeners that read status() see the new state.
        snapshot = machine.snapshot();
        // A restart at backoff 0s launches in a later step of this feed (once the old instance is
        // cleared): its lines and records wait until then, and so do those after them, in order.
        deferring = !told.isEmpty() || machine.relaunchesOnceStopped();
        for (Effect effect : effects) {
            carryOut(effect);
        }
    }

    /**
     * Completes the commands waiting for the machine to have no stop in flight; after the feed's lines
     * are written (held ones too), so a caller that waited for a command finds the lines it caused in the log.
     */
    private void settle() {
        if (!machine.stopping() && !settling.isEmpty() && told.isEmpty() && held.isEmpty()) {
            String failure = machine.stopFailure();
            for (CompletableFuture<Void> f : settling) {
                if (failure == null) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(new StopFailedException("stop of " + config.name() + " failed: " + failure));
                }
            }
            settling.clear();
        }
    }

    /**
     * Posts {@code input} to the watchdog thread; reports from other threads come back this way. One
     * from the watchdog thread itself while it feeds (a process check's answer) is fed right after
     * the step under way.
     */
    private void post(Input input) {
        if (feeding == Thread.currentThread()) {
            postedWhileFeeding.add(input);
        } else {
            scheduler.execute(() -> feed(input));
        }
    }

    private void carryOut(Effect effect) {
        // A probe's effects first: a passing run asks for these three alone.
        if (effect instanceof Effect.RunProbe e) {
            runProbe(e);
        } else if (tellable(effect)) {
            if (deferring && !(marksUnhealthy(effect) && noLineDeferred())) {
                told.add(new Told(effect, effect instanceof Effect.Emit ? scheduler.now() : null));
            } else {
                tell(effect, null);
            }
        } else if (effect instanceof Effect.ScheduleProbe e) {
            // On the whole second: the probes due then share one wake of the watchdog (ProbeTicks).
            ProbeSpec spec = e.kind().of(config);
            Duration delay = spec == null ? e.delay() : ProbeTicks.delay(scheduler.nanoTime(), e.delay(), spec.period());
            Scheduler.Cancellable previous = probeTimers.put(e.kind(),
                    scheduler.schedule(() -> feed(new Input.ProbeDue(e.gen(), e.kind())), delay));
            if (previous != null) {
                previous.cancel();
            }
        } else if (effect instanceof Effect.Launch e) {
            relaunched |= deferring;
            calls.launch(e.gen());
        } else if (effect instanceof Effect.CancelLaunch e) {
            calls.cancelLaunch(e.gen());
        } else if (effect instanceof Effect.StopInstance e) {
            calls.stop(e.gen(), e.instance(), e.timeout());
        } else if (effect instanceof Effect.WatchExit e) {
            e.instance().exited().thenAccept(exit -> post(new Input.Exited(e.gen(), exit)));
        } else if (effect instanceof Effect.ScheduleTimer e) {
            Scheduler.Cancellable previous = timers.put(e.timer(),
                    scheduler.schedule(() -> feed(new Input.TimerFired(e.gen(), e.timer())), e.delay()));
            if (previous != null) {
                previous.cancel();
            }
        } else if (effect instanceof Effect.CancelTimers) {
            cancelTimers();
        } else {
            throw new IllegalArgumentException("unknown effect " + effect);
        }
    }

    /**
     * A probe that no thread takes (a JVM out of native threads) is not run, and not counted as a
     * failure either: a daemon short of threads must not restart healthy components. It is tried
     * again after its period, so its loop never ends; the log says why it did not run.
     */
    private void runProbe(Effect.RunProbe e) {
        try {
            prober.run(e.kind(), e.instance(), e.uptime(),
                    result -> post(new Input.ProbeCompleted(e.gen(), result, e.startedAt())));
        } catch (RuntimeException | Error refused) {
            // No thread for the probe itself: a run that could not run, as the machine counts it (neither way).
            post(new Input.ProbeCompleted(e.gen(), ai.stigmer.probe.ProbeResult.notRun(e.kind(), "probe",
                    "no thread: " + RuntimeCalls.reason(refused), java.time.Duration.ZERO), e.startedAt()));
        }
    }

    private void cancelTimers() {
        timers.values().forEach(Scheduler.Cancellable::cancel);
        timers.clear();
        probeTimers.values().forEach(Scheduler.Cancellable::cancel);
        probeTimers.clear();
    }

    private void emit(ComponentEvent event) {
        for (ComponentListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                log.warn("A listener failed on " + event.type() + ": " + e);
            }
        }
    }

    /**
     * The line that a component is Unhealthy is written the moment the step decides it, even in a
     * step that defers the rest until its restart is handed over: the time on it is when the
     * component was marked, and a log reader sees it then (one line; the lines keep their order).
     */
    private static boolean marksUnhealthy(Effect effect) {
        return effect instanceof Effect.Log e && e.line().startsWith(MARKED_UNHEALTHY);
    }

    /** No line waits in {@link #told}: one written now keeps its place among the lines. */
    private boolean noLineDeferred() {
        for (Told t : told) {
            if (t.effect() instanceof Effect.Log) {
                return false;
            }
        }
        return true;
    }

    private void log(Effect.Level level, String line) {
        switch (level) {
            case DEBUG -> log.debug(line);
            case INFO -> log.info(line);
            case WARN -> log.warn(line);
            case ERROR -> log.error(line);
        }
    }

    /** Timers pending for this component: a bounded few, however long it runs (for tests). */
    int pendingTimers() {
        return timers.size() + probeTimers.size();
    }
}
