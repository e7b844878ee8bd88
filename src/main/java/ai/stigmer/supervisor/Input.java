package ai.stigmer.supervisor;

import ai.stigmer.probe.ProbeKind;
import ai.stigmer.probe.ProbeResult;
import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Instance;
import java.time.Duration;

/**
 * What can happen to a component, fed to {@link ComponentStateMachine#on}: operator and daemon
 * commands, and the reports of work the {@link ComponentSupervisor} carried out for it. Reports
 * carry the generation of the instance they are about, so that a late one is recognised as stale.
 */
sealed interface Input {

    /** {@code start()} by the operator, or the daemon starting the component once its dependencies allow. */
    record Start() implements Input {}

    /** {@code stop()} by the operator: stays Stopped, also across a daemon restart. */
    record Stop(String cause) implements Input {}

    /** {@code restart()} by the operator: stop if needed, then start with every counter reset. */
    record Restart() implements Input {}

    /** The daemon shuts down: stop, and never start again. Not remembered as an operator's stop. */
    record Shutdown() implements Input {}

    /** The daemon is about to shut down: refuse every later start at once. */
    record Close() implements Input {}

    /** An instance left by an earlier daemon was found; {@code age} is how long it has run already. */
    record Adopted(Instance instance, Duration age, String drift) implements Input {}

    /** The daemon holds the component back until these dependencies are Running and Ready ("" when none). */
    record WaitingFor(String dependencies) implements Input {}

    /** The launch of generation {@code gen} returned this instance. */
    record Launched(int gen, Instance instance) implements Input {}

    /** The launch of generation {@code gen} failed; {@code reason} is shown as LastError. */
    record LaunchFailed(int gen, String reason) implements Input {}

    /** The instance of generation {@code gen} ended (by itself or because it was stopped). */
    record Exited(int gen, ExitStatus exit) implements Input {}

    /** The timer of a probe of generation {@code gen} fired: time to run it. */
    record ProbeDue(int gen, ProbeKind kind) implements Input {}

    /** A probe run that began at {@code startedAt} (monotonic nanos) finished. */
    record ProbeCompleted(int gen, ProbeResult result, long startedAt) implements Input {}

    /**
     * The daemon saw no result of this probe for longer than its schedule allows while it should be
     * running: start it over. {@code reason} says how long it has been silent.
     */
    record ProbeRestart(ProbeKind kind, String reason) implements Input {}

    /** A timer of generation {@code gen} fired. */
    record TimerFired(int gen, Timer timer) implements Input {}

    /** The stop of generation {@code gen} is done: nothing of the instance is left. */
    record StopDone(int gen) implements Input {}

    /** The stop of generation {@code gen} could not be proven done: something of it may still be alive. */
    record StopFailed(int gen, String reason) implements Input {}

    /** The timers a component keeps, one of each at most. */
    enum Timer {
        /** The instance has been Running for minUptime: the backoff goes back to its start (SPEC §4). */
        MIN_UPTIME,
        /** The backoff delay before an automatic restart has elapsed. */
        BACKOFF,
        /** A component Failed by its restart limit has cooled down for restart.rearmAfter: one more try. */
        REARM
    }
}
