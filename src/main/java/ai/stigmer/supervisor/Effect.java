package ai.stigmer.supervisor;

import ai.stigmer.probe.ProbeKind;
import ai.stigmer.runtime.Instance;
import java.time.Duration;

/**
 * What the {@link ComponentStateMachine} asks to be done after an {@link Input}: the
 * {@link ComponentSupervisor} carries each out in order, on the watchdog thread or, for the blocking
 * ones (launch, stop, probe), on other threads that report back with an {@link Input}.
 */
sealed interface Effect {

    /** Launch a new instance as generation {@code gen}; report {@link Input.Launched} or {@link Input.LaunchFailed}. */
    record Launch(int gen) implements Effect {}

    /**
     * Call off the launch of {@code gen} if it still waits for a slot at the launch gate, and report
     * {@link Input.LaunchFailed}; a launch already under way goes on and reports as usual.
     */
    record CancelLaunch(int gen) implements Effect {}

    /**
     * Stop this instance (SIGTERM, up to {@code timeout}, SIGKILL); report {@link Input.StopDone} once
     * nothing of it is left, or {@link Input.StopFailed} when that cannot be proven.
     */
    record StopInstance(int gen, Instance instance, Duration timeout) implements Effect {}

    /** Report {@link Input.Exited} when this instance ends. */
    record WatchExit(int gen, Instance instance) implements Effect {}

    /** Run a probe now; report {@link Input.ProbeCompleted} with {@code startedAt}. */
    record RunProbe(int gen, ProbeKind kind, Instance instance, Duration uptime, long startedAt) implements Effect {}

    /** Report {@link Input.ProbeDue} after {@code delay}, replacing any pending run of that probe. */
    record ScheduleProbe(int gen, ProbeKind kind, Duration delay) implements Effect {}

    /** Report {@link Input.TimerFired} after {@code delay}, replacing any pending timer of that kind. */
    record ScheduleTimer(int gen, Input.Timer timer, Duration delay) implements Effect {}

    /** Call off every pending probe run and timer. */
    record CancelTimers() implements Effect {}

    /** Tell the listeners (the JMX notifications, the daemon's dependency rule). */
    record Emit(ComponentEvent.Type type, State from, State to, String message) implements Effect {}

    /** Write a line to the daemon log and the component's log. */
    record Log(Level level, String line) implements Effect {}

    /** Remember this instance under {@code run/} so that a later daemon can find it again. */
    record SaveRecord(Instance instance) implements Effect {}

    /** Forget the recorded instance: it is gone. */
    record ClearRecord() implements Effect {}

    /** Remember (or forget) under {@code run/} that the operator stopped the component. */
    record RememberOperatorStop(boolean stopped) implements Effect {}

    /** Log levels of SPEC §5. */
    enum Level { DEBUG, INFO, WARN, ERROR }
}
