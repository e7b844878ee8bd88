package ai.stigmer.supervisor;

import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.Durations;
import ai.stigmer.config.ProbeSpec;
import ai.stigmer.config.RestartPolicy;
import ai.stigmer.probe.ProbeKind;
import ai.stigmer.probe.ProbeResult;
import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Instance;
import ai.stigmer.supervisor.ComponentEvent.Type;
import ai.stigmer.supervisor.Effect.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The state machine of one component (SPEC §3) with its restart rules (SPEC §4), and nothing else:
 * no threads, no clock, no I/O. {@link #on} takes an {@link Input} and the monotonic time, and
 * returns the new state with the {@link Effect}s to carry out; {@link ComponentSupervisor} runs it.
 *
 * <p><b>Stopping.</b> A stop is an outcome, not a hope (SPEC §4): from the moment an instance is
 * asked to stop until {@link Input.StopDone} it is the <em>stop in flight</em>; {@link #snapshot()}
 * then says {@code stopping}, keeps the old pid and knows when SIGKILL comes. While a stop is in
 * flight nothing is launched: a start, restart or backoff that falls due waits for it. "Component
 * stopped" is logged when the instance is gone.
 *
 * <p><b>A stop that fails</b> ({@link Input.StopFailed}: the runtime could not prove the instance
 * gone) moves the component to {@code Failed} with {@code LastError} "stop failed: reason", an
 * ERROR line {@value ComponentSupervisor#STOP_FAILED} and a {@code .failed} event. The instance is
 * kept as <em>stuck</em> (its pid stays visible, its record stays in {@code run/}) and no instance
 * is launched while it may live: {@code start()}, {@code restart()} and {@code stop()} first stop it
 * again, and only when that stop succeeds do they go on.
 *
 * <p><b>Generations.</b> Each launch or adoption gets a new generation; reports about any other
 * generation than the one they concern now are stale and change nothing. Instances are held only as
 * handles to pass back in effects; the machine reads their pid and container id, nothing more.
 *
 * <p><b>Minimum uptime</b> counts from reaching Running (SPEC §4), for an adopted instance from its
 * real start; time spent Starting does not count.
 */
final class ComponentStateMachine {
    private static final int NONE = -1;

    /** An instance in the machine's care; {@code startedAt} is its real start (adoption: minus its age). */
    record Tracked(int gen, Instance instance, long pid, String containerId, long startedAt, boolean adopted) {}

    /** The stop in flight: {@code target} is null while the launch it waits for is still running. */
    private record Stopping(int gen, Tracked target, long startedAt) {}

    /** What follows when the stop in flight is done. */
    private enum After {
        NOTHING,
        /** The operator's stop of a stuck instance: Failed becomes Stopped once it is gone. */
        STOP,
        /** Start by hand, counters reset. */
        START,
        /** The automatic restart whose backoff has elapsed. */
        RESTART,
        /** The one more try of a Failed component after its cool-down. */
        REARM
    }

    /**
     * What {@link ComponentSupervisor#status()} reads from other threads: the machine, frozen.
     * {@code waitingFor} names the dependencies a Stopped component waits for ("" when it waits for
     * none); {@code readinessFailure} is how the current instance's readiness probe last failed, ""
     * once it is ready.
     */
    record Snapshot(State state, boolean ready, long pid, String containerId, long startedAt, int restarts,
            RestartWindow.View restartTimes, int consecutiveFailures, long nextRestartAt, String lastError, int lastExitCode,
            boolean stopping, long stopStartedAt, String waitingFor, String readinessFailure) {

        /** @param launchQueuePosition its place in the launch gate's line, 0 when not waiting for a slot */
        ComponentStatus toStatus(ComponentConfig config, long now, int launchQueuePosition) {
            boolean up = startedAt != Long.MIN_VALUE && (state == State.STARTING || state == State.RUNNING);
            long stopRemaining = -1;
            if (stopping) {
                long timeout = config.stopTimeout().toNanos();
                stopRemaining = stopStartedAt < 0 ? Duration.ofNanos(timeout).toMillis()
                        : Math.max(0, Duration.ofNanos(stopStartedAt + timeout - now).toMillis());
            }
            return new ComponentStatus(config.name(), config.kind(), state, ready, pid, containerId,
                    up ? Math.max(0, Duration.ofNanos(now - startedAt).toSeconds()) : 0,
                    restarts,
                    RestartWindow.count(restartTimes, now, config.restart().window()),
                    consecutiveFailures,
                    state == State.RESTARTING && nextRestartAt >= 0
                            ? Math.max(0, Duration.ofNanos(nextRestartAt - now).toMillis()) : -1,
                    lastError, lastExitCode, config.dependsOn(), stopping, stopRemaining,
                    state == State.STARTING ? launchQueuePosition : 0,
                    ProbeKind.READINESS.of(config) != null, readinessProblem(config), waitingFor);
        }

        /** Why a component with a readiness probe is not Ready: the probe's own words where it has spoken. */
        private String readinessProblem(ComponentConfig config) {
            if (ready || ProbeKind.READINESS.of(config) == null) {
                return "";
            }
            if (state != State.RUNNING) {
                return "component is " + state.word();
            }
            return readinessFailure.isEmpty() ? "readiness probe has not passed yet" : readinessFailure;
        }
    }

    private final ComponentConfig config;
    private final Backoff backoff;
    private final Map<ProbeKind, ProbeSpec> probes = new EnumMap<>(ProbeKind.class);

    private State state = State.STOPPED;
    private boolean ready;
    private int generation;
    /** The generation whose launch is in flight, or NONE. */
    private int launching = NONE;
    /** The instance Starting and Running are about. */
    private Tracked current;
    /** When {@link #current} reached Running (adopted: its real start), or Long.MIN_VALUE. */
    private long runningSince = Long.MIN_VALUE;
    private Stopping stopping;
    private After after = After.NOTHING;
    /** The cause to log as "Component stopped (cause)" once the stop in flight is done, or null. */
    private String announce;
    /** The instance whose last stop failed: it may still be alive. */
    private Tracked stuck;
    private String stopFailure;
    private boolean closed;
    private boolean launchedByRestart;
    /** The instance is the one more try after a cool-down (half-open): failing before minUptime means Failed again. */
    private boolean halfOpen;
    private int restarts;
    private final RestartWindow window;
    private int consecutiveFailures;
    private long nextRestartAt = -1;
    private String lastError = "";
    private int lastExitCode = -1;
    private String waitingFor = "";
    /** How the current instance's readiness probe last failed; "" once it passes. */
    private String readinessFailure = "";
    /** Passes and failures in a row, by probe ({@link ProbeKind#ordinal()}). */
    private final int[] successes = new int[ProbeKind.values().length];
    private final int[] failures = new int[ProbeKind.values().length];
    /** The DEBUG line of a pass, by probe: made once, not at every pass. */
    private static final String[] PASSED_LINES = java.util.Arrays.stream(ProbeKind.values())
            .map(kind -> ComponentSupervisor.CHECK_PASSED + " (" + kind + ")").toArray(String[]::new);
    /** Per probe, when its run in flight began: one run of each probe at a time, whatever timers fire. */
    private final long[] probeRuns = new long[ProbeKind.values().length];
    /** In {@link #probeRuns}: no run of that probe in flight. */
    private static final long NO_RUN = Long.MIN_VALUE;

    /** The step under way: its time and the effects it asks for. */
    private long now;
    private List<Effect> out = new ArrayList<>();

    ComponentStateMachine(ComponentConfig config, Backoff backoff) {
        this.config = config;
        this.backoff = backoff;
        this.window = new RestartWindow(config.restart().window());
        java.util.Arrays.fill(probeRuns, NO_RUN);
        for (ProbeKind kind : ProbeKind.values()) {
            if (kind.of(config) != null) {
                probes.put(kind, kind.of(config));
            }
        }
    }

    State state() {
        return state;
    }

    /** True while a stop is in flight (including one that waits for a launch to return). */
    boolean stopping() {
        return stopping != null;
    }

    /** True while a restart at backoff 0s waits only for the stop in flight: it launches once that ends. */
    boolean relaunchesOnceStopped() {
        return stopping != null && after == After.RESTART && state == State.RESTARTING && nextRestartAt < 0;
    }

    /** Why the last stop failed while its instance may still live; null if none did. */
    String stopFailure() {
        return stopFailure;
    }

    /** Handles one input at monotonic time {@code now}; returns the effects to carry out, in order. */
    List<Effect> on(Input input, long now) {
        this.now = now;
        out = new ArrayList<>();
        dispatch(input);
        return out;
    }

    private void dispatch(Input input) {
        // The probe inputs first: every few seconds per probed component, the others now and then.
        if (input instanceof Input.ProbeDue p) {
            onProbeDue(p.gen(), p.kind());
        } else if (input instanceof Input.ProbeCompleted p) {
            onProbeCompleted(p.gen(), p.result(), p.startedAt());
        } else if (input instanceof Input.Start) {
            onStart();
        } else if (input instanceof Input.Stop s) {
            onStop(s.cause());
        } else if (input instanceof Input.Restart) {
            onRestart();
        } else if (input instanceof Input.Shutdown) {
            onShutdown();
        } else if (input instanceof Input.Close) {
            closed = true;
        } else if (input instanceof Input.Adopted a) {
            onAdopted(a);
        } else if (input instanceof Input.WaitingFor w) {
            waitingFor = w.dependencies();
        } else if (input instanceof Input.Launched l) {
            onLaunched(l.gen(), l.instance());
        } else if (input instanceof Input.LaunchFailed f) {
            onLaunchFailed(f.gen(), f.reason());
        } else if (input instanceof Input.Exited e) {
            onExited(e.gen(), e.exit());
        } else if (input instanceof Input.ProbeRestart p) {
            onProbeRestart(p.kind(), p.reason());
        } else if (input instanceof Input.TimerFired t) {
            onTimer(t.gen(), t.timer());
        } else if (input instanceof Input.StopDone d) {
            onStopDone(d.gen());
        } else if (input instanceof Input.StopFailed f) {
            onStopFailed(f.gen(), f.reason());
        } else {
            throw new IllegalArgumentException("unknown input " + input);
        }
    }

    Snapshot snapshot() {
        Tracked shown = current != null ? current
                : stopping != null && stopping.target() != null ? stopping.target() : stuck;
        boolean waiting = !waitingFor.isEmpty() && state == State.STOPPED && stopping == null;
        return new Snapshot(state, ready, shown == null ? -1 : shown.pid(), shown == null ? "" : shown.containerId(),
                current == null ? Long.MIN_VALUE : current.startedAt(), restarts, window.snapshot(),
                consecutiveFailures, nextRestartAt, lastError, lastExitCode, stopping != null,
                stopping == null ? -1 : stopping.startedAt(), waiting ? waitingFor : "", readinessFailure);
    }

    // ---- commands ----

    /** Stopped, Failed → Starting by hand, counters reset; once a stop in flight or a stuck instance is gone. */
    private void onStart() {
        if (closed) {
            return;
        }
        out.add(new Effect.RememberOperatorStop(false));
        if (state != State.STOPPED && state != State.FAILED) {
            return;
        }
        if (stopping != null) {
            after = After.START;
        } else if (stuck != null) {
            retryStuckStop(After.START, null);
        } else {
            startByHand();
        }
    }

    /** Any → Stopped: the operator's stop, remembered across daemon restarts. */
    private void onStop(String cause) {
        out.add(new Effect.RememberOperatorStop(true));
        halt(cause, After.STOP);
    }

    /** Any → Stopped → Starting with counters reset, once the old instance is gone. */
    private void onRestart() {
        if (closed) {
            return;
        }
        out.add(new Effect.RememberOperatorStop(false));
        halt("restart requested", After.START);
    }

    private void onShutdown() {
        closed = true;
        halt("daemon shutting down", After.STOP);
    }

    /**
     * Calls off probes and restarts and stops whatever instance there is: the current one, the one
     * a launch in flight will return, or a stuck one (then the state stays Failed until it is gone).
     */
    private void halt(String cause, After then) {
        out.add(new Effect.CancelTimers());
        nextRestartAt = -1;
        waitingFor = "";
        setReady(false, cause);
        if (current == null && launching == NONE && stuck != null && stopping == null) {
            retryStuckStop(then, cause);
            return;
        }
        if (state != State.STOPPED) {
            // Any → Stopped: stop requested.
            transition(State.STOPPED, cause);
            announce = cause;
        }
        if (current != null) {
            beginStop(current);
        } else if (launching != NONE && stopping == null) {
            // Stopped while launching: what the launch returns is stopped at once; a launch still
            // waiting for its slot is called off and returns nothing.
            stopping = new Stopping(launching, null, -1);
            out.add(new Effect.CancelLaunch(launching));
        }
        after = then;
        if (stopping == null) {
            finishStop();
        }
    }

    /** Failed (stop failed) → the stop tried again; {@code then} follows only if it succeeds. */
    private void retryStuckStop(After then, String cause) {
        Tracked target = stuck;
        stuck = null;
        beginStop(target);
        after = then;
        announce = then == After.STOP ? cause : null;
    }

    // ---- launching ----

    private void startByHand() {
        resetCounters();
        halfOpen = false;
        launchedByRestart = false;
        launch("start requested");
    }

    private void resetCounters() {
        restarts = 0;
        window.clear();
        consecutiveFailures = 0;
        lastError = "";
        waitingFor = "";
        nextRestartAt = -1;
    }

    /** → Starting: a new instance is launched. Only ever with no stop in flight and nothing stuck. */
    private void launch(String cause) {
        if (stopping != null || stuck != null || launching != NONE) {
            throw new IllegalStateException(config.name() + ": launch while an instance may still live");
        }
        out.add(new Effect.CancelTimers());
        int gen = ++generation;
        launching = gen;
        transition(State.STARTING, cause);
        out.add(new Effect.Launch(gen));
    }

    private void onLaunched(int gen, Instance instance) {
        if (gen != launching) {
            // A launch given up past its deadline returned after all: never a second instance.
            if (current != null && !instance.containerId().isEmpty()
                    && instance.containerId().equals(current.containerId())) {
                return; // the launch after it took this very container over: it is the current one
            }
            out.add(new Effect.Log(Level.WARN, "Stopping instance " + instance
                    + ": its launch returned after it had been given up"));
            out.add(new Effect.WatchExit(gen, instance));
            if (current == null && stopping == null && stuck == null && launching == NONE) {
                // It becomes the stop in flight: the restart whose backoff runs waits until it is gone.
                beginStop(new Tracked(gen, instance, instance.pid(), instance.containerId(), now, false));
            } else {
                out.add(new Effect.StopInstance(gen, instance, config.stopTimeout()));
            }
            return;
        }
        launching = NONE;
        Tracked launched = new Tracked(gen, instance, instance.pid(), instance.containerId(), now, false);
        out.add(new Effect.WatchExit(gen, instance));
        if (stopping != null && stopping.gen() == gen) {
            // Stopped while launching: the stop waited for this instance.
            stopping = null;
            beginStop(launched);
            return;
        }
        take(launched);
    }

    private void onLaunchFailed(int gen, String reason) {
        if (gen != launching) {
            return;
        }
        launching = NONE;
        if (stopping != null && stopping.gen() == gen) {
            stopping = null;
            finishStop(); // nothing was started, so nothing is left
            return;
        }
        if (state == State.STARTING) {
            markUnhealthy("launch failed: " + reason, null);
        }
    }

    /** The instance is ours to watch: record it, then the startup probe, or Running at once. */
    private void take(Tracked instance) {
        current = instance;
        runningSince = Long.MIN_VALUE;
        out.add(new Effect.SaveRecord(instance.instance()));
        java.util.Arrays.fill(successes, 0);
        java.util.Arrays.fill(failures, 0);
        java.util.Arrays.fill(probeRuns, NO_RUN);
        readinessFailure = "";
        ProbeSpec startup = probes.get(ProbeKind.STARTUP);
        if (startup == null) {
            enterRunning();
        } else {
            out.add(new Effect.ScheduleProbe(instance.gen(), ProbeKind.STARTUP, startup.initialDelay()));
        }
    }

    /** Takes over an instance left by an earlier daemon, or replaces it when it runs something else. */
    private void onAdopted(Input.Adopted adopted) {
        if (closed || state != State.STOPPED || stopping != null || stuck != null || launching != NONE) {
            return;
        }
        int gen = ++generation;
        Instance instance = adopted.instance();
        Tracked found = new Tracked(gen, instance, instance.pid(), instance.containerId(),
                now - adopted.age().toNanos(), true);
        out.add(new Effect.WatchExit(gen, instance));
        resetCounters();
        launchedByRestart = false;
        if (!adopted.drift().isEmpty()) {
            out.add(new Effect.Log(Level.INFO, "Replacing adopted instance (" + adopted.drift() + ")"));
            beginStop(found);
            after = After.START;
            return;
        }
        // Stopped → Starting: an instance already runs; it is probed like a new one.
        transition(State.STARTING, "adopted running instance " + instance);
        out.add(new Effect.Log(Level.INFO, "Adopted running instance " + instance));
        take(found);
    }

    // ---- probes and timers ----

    /** Starting → Running: the startup probe passed, or there is none. minUptime counts from here. */
    private void enterRunning() {
        // LastError stays: a Running component with restarts still tells the operator why it restarted.
        transition(State.RUNNING, probes.containsKey(ProbeKind.STARTUP) ? "startup probe passed" : "launched");
        // SPEC §4: minUptime counts from Running; an adopted instance's whole age counts.
        runningSince = current.adopted() ? current.startedAt() : now;
        Duration left = config.restart().minUptime().minusNanos(now - runningSince);
        out.add(new Effect.ScheduleTimer(current.gen(), Input.Timer.MIN_UPTIME,
                left.isNegative() ? Duration.ZERO : left));
        if (launchedByRestart) {
            out.add(new Effect.Log(Level.INFO, ComponentSupervisor.RESTARTED));
            emit(Type.RESTARTED, State.STARTING, State.RUNNING, ComponentSupervisor.RESTARTED);
        } else {
            out.add(new Effect.Log(Level.INFO, ComponentSupervisor.STARTED));
        }
        ProbeSpec liveness = probes.get(ProbeKind.LIVENESS);
        if (liveness != null) {
            out.add(new Effect.ScheduleProbe(current.gen(), ProbeKind.LIVENESS, liveness.initialDelay()));
        }
        ProbeSpec readiness = probes.get(ProbeKind.READINESS);
        if (readiness != null) {
            out.add(new Effect.ScheduleProbe(current.gen(), ProbeKind.READINESS, readiness.initialDelay()));
        } else {
            setReady(true, "no readiness probe");
        }
    }

    private boolean isCurrent(int gen) {
        return current != null && current.gen() == gen;
    }

    private boolean probeActive(ProbeKind kind) {
        return kind == ProbeKind.STARTUP ? state == State.STARTING : state == State.RUNNING;
    }

    private void onProbeDue(int gen, ProbeKind kind) {
        if (!isCurrent(gen) || !probeActive(kind) || probeRuns[kind.ordinal()] != NO_RUN) {
            return;
        }
        probeRuns[kind.ordinal()] = now;
        out.add(new Effect.RunProbe(gen, kind, current.instance(), Duration.ofNanos(now - current.startedAt()), now));
    }

    private void onProbeCompleted(int gen, ProbeResult result, long started) {
        ProbeKind kind = result.probe();
        if (!isCurrent(gen) || !probeActive(kind) || started == NO_RUN || probeRuns[kind.ordinal()] != started) {
            return;
        }
        probeRuns[kind.ordinal()] = NO_RUN;
        ProbeSpec spec = probes.get(kind);
        if (!result.ran()) {
            // The daemon could not run the checks: nothing is known about the component, nothing counts.
            out.add(new Effect.Log(Level.WARN, ComponentSupervisor.CHECK_NOT_RUN + " (" + result.describe() + ")"));
            scheduleNext(gen, kind, spec, started);
            return;
        }
        if (result.passed()) {
            out.add(new Effect.Log(Level.DEBUG, PASSED_LINES[kind.ordinal()]));
            failures[kind.ordinal()] = 0;
            successes[kind.ordinal()] = saturatedIncrement(successes[kind.ordinal()]);
        } else {
            successes[kind.ordinal()] = 0;
            int failed = failures[kind.ordinal()] = saturatedIncrement(failures[kind.ordinal()]);
            // SPEC §5: a startup probe is expected to fail while the component comes up; only the
            // failure that ends startup is a warning. Liveness and readiness failures always are.
            boolean expected = kind == ProbeKind.STARTUP && failed < spec.failureThreshold();
            out.add(new Effect.Log(expected ? Level.INFO : Level.WARN,
                    ComponentSupervisor.CHECK_FAILED + " (" + result.describe() + ")"));
        }
        int ok = successes[kind.ordinal()];
        int bad = failures[kind.ordinal()];
        switch (kind) {
            case STARTUP -> {
                if (ok >= spec.successThreshold()) {
                    enterRunning();
                    return;
                }
                if (bad >= spec.failureThreshold()) {
                    // Starting → Unhealthy: the startup probe failed failureThreshold times in a row.
                    markUnhealthy("startup probe failed " + bad + " times: " + result.reason(), null);
                    return;
                }
            }
            case LIVENESS -> {
                if (bad >= spec.failureThreshold()) {
                    // Running → Unhealthy: liveness failed failureThreshold times in a row.
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
                // Status gives the last failure as the reason for not Ready, until the probe makes it Ready.
                readinessFailure = ready ? "" : result.passed() ? readinessFailure : result.describe();
            }
        }
        scheduleNext(gen, kind, spec, started);
    }

    /** A count in a row that a component healthy for years must not turn negative. */
    private static int saturatedIncrement(int count) {
        return count == Integer.MAX_VALUE ? count : count + 1;
    }

    private void scheduleNext(int gen, ProbeKind kind, ProbeSpec spec, long started) {
        // The period counts from the start of the run, so a slow probe does not stretch it.
        Duration next = spec.period().minusNanos(now - started);
        out.add(new Effect.ScheduleProbe(gen, kind, next.isNegative() ? Duration.ZERO : next));
    }

    /**
     * A probe that should be running has stopped producing results: it starts over now, and a run
     * still in flight no longer counts. Its counts of passes and failures stay.
     */
    private void onProbeRestart(ProbeKind kind, String reason) {
        if (current == null || !probeActive(kind) || !probes.containsKey(kind)) {
            return;
        }
        out.add(new Effect.Log(Level.WARN, "Probe " + kind + " of " + config.name()
                + " stopped producing results; restarted (" + reason + ")"));
        probeRuns[kind.ordinal()] = NO_RUN;
        out.add(new Effect.ScheduleProbe(current.gen(), kind, Duration.ZERO));
    }

    private void onTimer(int gen, Input.Timer timer) {
        switch (timer) {
            case MIN_UPTIME -> {
                // Running for minUptime without failing: n goes back to 0 (SPEC §4).
                if (isCurrent(gen) && state == State.RUNNING) {
                    consecutiveFailures = 0;
                    if (halfOpen) {
                        // The try after the cool-down held: the restart limit counts afresh.
                        halfOpen = false;
                        window.clear();
                        out.add(new Effect.Log(Level.INFO, ComponentSupervisor.REARM_HELD));
                    }
                }
            }
            case BACKOFF -> {
                if (closed || gen != generation || state != State.RESTARTING) {
                    return;
                }
                nextRestartAt = -1;
                if (stopping != null) {
                    after = After.RESTART; // Restarting → Starting only once the old instance is gone
                } else {
                    restartNow();
                }
            }
            case REARM -> {
                if (closed || gen != generation || state != State.FAILED || stuck != null) {
                    return;
                }
                if (stopping != null) {
                    after = After.REARM; // Failed → Starting only once the old instance is gone
                } else {
                    rearmNow();
                }
            }
        }
    }

    /** Failed → Starting: the cool-down after the restart limit has passed; one try, half-open. */
    private void rearmNow() {
        String line = ComponentSupervisor.REARMED + " after " + Durations.format(config.restart().rearmAfter())
                + " (one more try)";
        out.add(new Effect.Log(Level.INFO, line));
        emit(Type.REARMED, State.FAILED, State.STARTING, line);
        halfOpen = true;
        launchedByRestart = true;
        consecutiveFailures = 0;
        launch("rearmed after its cool-down");
    }

    /** Schedules the one more try of a component just Failed by its restart limit, where configured. */
    private void scheduleRearm() {
        if (config.restart().rearms()) {
            out.add(new Effect.ScheduleTimer(generation, Input.Timer.REARM, config.restart().rearmAfter()));
        }
    }

    /** Restarting → Starting: backoff elapsed, the old instance is gone. */
    private void restartNow() {
        launchedByRestart = true;
        launch("restart");
    }

    // ---- failures ----

    private void onExited(int gen, ExitStatus exit) {
        boolean known = isCurrent(gen) || (stopping != null && stopping.gen() == gen)
                || (stuck != null && stuck.gen() == gen);
        if (!known) {
            return;
        }
        lastExitCode = exit.code();
        if (isCurrent(gen) && (state == State.STARTING || state == State.RUNNING)) {
            // Starting, Running → Unhealthy at once: the instance ended.
            markUnhealthy(exit.describe(), exit);
        }
    }

    /** Starting, Running → Unhealthy, then Restarting, Stopped or Failed; the instance is stopped. */
    private void markUnhealthy(String reason, ExitStatus exit) {
        boolean survivedMinUptime = runningSince != Long.MIN_VALUE
                && now - runningSince >= config.restart().minUptime().toNanos();
        out.add(new Effect.CancelTimers());
        setReady(false, "unhealthy");
        lastError = reason;
        transition(State.UNHEALTHY, reason);
        out.add(new Effect.Log(Level.WARN, ComponentSupervisor.MARKED_UNHEALTHY + " (" + reason + ")"));
        emit(Type.UNHEALTHY, State.UNHEALTHY, State.UNHEALTHY, ComponentSupervisor.MARKED_UNHEALTHY + ": " + reason);
        if (survivedMinUptime) {
            consecutiveFailures = 0;
        }
        consecutiveFailures++;
        if (current != null) {
            beginStop(current);
        }
        decideRestart(exit != null && exit.clean());
    }

    /** Unhealthy → Restarting, or → Stopped/Failed where policy or the restart limit forbid it. */
    private void decideRestart(boolean cleanExit) {
        RestartPolicy policy = config.restart().policy();
        if (policy == RestartPolicy.NEVER || (policy == RestartPolicy.ON_FAILURE && cleanExit)) {
            if (cleanExit) {
                transition(State.STOPPED, "exited cleanly; restart policy " + policy.yamlName());
                out.add(new Effect.Log(Level.INFO,
                        "Component exited cleanly; restart policy " + policy.yamlName() + " keeps it stopped"));
            } else {
                String line = "Component failed; restart policy never forbids a restart";
                transition(State.FAILED, line);
                out.add(new Effect.Log(Level.ERROR, line));
                emit(Type.FAILED, State.UNHEALTHY, State.FAILED, line);
            }
            return;
        }
        if (halfOpen) {
            // Starting, Running → Failed: the one more try failed before minUptime; cool down again.
            halfOpen = false;
            String line = ComponentSupervisor.REARM_FAILED + " (" + lastError + ")";
            transition(State.FAILED, line);
            out.add(new Effect.Log(Level.ERROR, line));
            emit(Type.FAILED, State.UNHEALTHY, State.FAILED, line);
            scheduleRearm();
            return;
        }
        int max = config.restart().maxRestarts();
        if (window.count(now) >= max) {
            // Restarting → Failed: the restart limit would be exceeded (SPEC §4).
            transition(State.FAILED, ComponentSupervisor.LIMIT_EXCEEDED);
            out.add(new Effect.Log(Level.ERROR, ComponentSupervisor.LIMIT_EXCEEDED + " (" + window.count(now)
                    + " restarts within " + Durations.format(config.restart().window()) + "; last error: "
                    + lastError + ")"));
            emit(Type.FAILED, State.UNHEALTHY, State.FAILED, ComponentSupervisor.LIMIT_EXCEEDED);
            scheduleRearm();
            return;
        }
        window.record(now);
        restarts++;
        int attempt = window.count(now);
        Duration delay = backoff.delay(consecutiveFailures);
        nextRestartAt = now + delay.toNanos();
        String line = ComponentSupervisor.RESTARTING_LINE + " (attempt " + attempt + "/" + max + ")";
        // Unhealthy → Restarting: restart allowed by policy and limit.
        transition(State.RESTARTING, line);
        out.add(new Effect.Log(Level.INFO, line + " in " + Durations.format(delay)));
        emit(Type.RESTARTING, State.UNHEALTHY, State.RESTARTING, line);
        if (delay.isZero()) {
            // backoff 0s: no timer to wait for, the restart goes on at once (as the timer would).
            nextRestartAt = -1;
            if (closed) {
                return; // shutting down: as the timer would, it launches nothing
            }
            if (stopping != null) {
                after = After.RESTART;
            } else {
                restartNow();
            }
            return;
        }
        out.add(new Effect.ScheduleTimer(generation, Input.Timer.BACKOFF, delay));
    }

    // ---- stopping ----

    /** The instance becomes the stop in flight: SIGTERM now, SIGKILL after stop.timeout. */
    private void beginStop(Tracked target) {
        if (target == current) {
            current = null;
            runningSince = Long.MIN_VALUE;
        }
        stopping = new Stopping(target.gen(), target, now);
        out.add(new Effect.Log(Level.INFO, "Stopping instance " + target.instance() + " (SIGKILL after "
                + Durations.format(config.stopTimeout()) + ")"));
        out.add(new Effect.StopInstance(target.gen(), target.instance(), config.stopTimeout()));
    }

    private void onStopDone(int gen) {
        if (stopping == null && stuck != null && stuck.gen() == gen) {
            // Failed → Failed, nothing stuck: a stop reported failed past its deadline ended after all.
            out.add(new Effect.Log(Level.INFO, "The stop of " + stuck.instance()
                    + " finished after its deadline: nothing of it is left"));
            stuck = null;
            out.add(new Effect.ClearRecord());
            if (lastError.equals(stopFailedError(stopFailure))) {
                lastError = "";
            }
            stopFailure = null;
            return;
        }
        if (stopping == null || stopping.gen() != gen) {
            return;
        }
        stopping = null;
        out.add(new Effect.ClearRecord());
        if (stopFailure != null) {
            // The stuck instance is gone at last.
            if (lastError.equals(stopFailedError(stopFailure))) {
                lastError = "";
            }
            stopFailure = null;
        }
        finishStop();
    }

    /** Nothing of the old instance is left: say so, then whatever was waiting for it. */
    private void finishStop() {
        if (announce != null) {
            out.add(new Effect.Log(Level.INFO, "Component stopped (" + announce + ")"));
            announce = null;
        }
        After next = after;
        after = After.NOTHING;
        switch (next) {
            case NOTHING -> {}
            case STOP -> {
                if (state != State.STOPPED) {
                    // Failed → Stopped: the stuck instance is gone after the operator's stop.
                    transition(State.STOPPED, "stop requested");
                }
            }
            case START -> {
                if (!closed && (state == State.STOPPED || state == State.FAILED)) {
                    startByHand();
                }
            }
            case RESTART -> {
                if (!closed && state == State.RESTARTING) {
                    restartNow();
                }
            }
            case REARM -> {
                if (!closed && state == State.FAILED && stuck == null) {
                    rearmNow();
                }
            }
        }
    }

    /** Stopped, Restarting, Failed → Failed: the instance may still live; nothing starts until a stop succeeds. */
    private void onStopFailed(int gen, String reason) {
        if (stopping == null || stopping.gen() != gen) {
            return;
        }
        stuck = stopping.target();
        stopping = null;
        stopFailure = reason;
        lastError = stopFailedError(reason);
        after = After.NOTHING;
        announce = null;
        nextRestartAt = -1;
        out.add(new Effect.CancelTimers());
        setReady(false, lastError);
        State from = state;
        if (state != State.FAILED) {
            transition(State.FAILED, lastError);
        }
        out.add(new Effect.Log(Level.ERROR, ComponentSupervisor.STOP_FAILED + " (" + reason + ")"));
        emit(Type.FAILED, from, State.FAILED, ComponentSupervisor.STOP_FAILED + ": " + reason);
    }

    private static String stopFailedError(String reason) {
        return "stop failed: " + reason;
    }

    // ---- the one writer of the state ----

    /** The only writer of {@link #state}; every move is checked against {@link Transitions}. */
    private void transition(State to, String cause) {
        State from = state;
        if (!Transitions.legal(from, to)) {
            throw new IllegalStateException(config.name() + ": illegal transition " + from + " -> " + to);
        }
        state = to;
        emit(Type.STATE_CHANGED, from, to, cause);
    }

    private void setReady(boolean value, String cause) {
        if (ready == value) {
            return;
        }
        ready = value;
        emit(value ? Type.READY : Type.NOT_READY, state, state, cause);
    }

    private void emit(Type type, State from, State to, String message) {
        out.add(new Effect.Emit(type, from, to, message));
    }
}
