package ai.stigmer.supervisor;

import java.util.List;

/**
 * A consistent picture of one component at one moment, with the attributes of SPEC §6:
 * {@code pid} −1 and {@code containerId} "" when there is no instance, {@code nextRestartInMillis}
 * −1 unless Restarting, {@code lastExitCode} −1 until an instance has exited.
 *
 * <p>{@code stopping} is true while an instance is being stopped (SPEC §4): {@code pid} and
 * {@code containerId} then still name the old instance until it is gone, and
 * {@code stopRemainingMillis} is the time left before SIGKILL (−1 when not stopping). The state
 * keeps the six words of SPEC §3 meanwhile.
 *
 * <p>{@code launchQueuePosition} is, while Starting, the component's place in the host-wide line of
 * launches waiting for a slot ({@code daemon.maxConcurrentLaunches}): 1 when it is next, n with
 * n − 1 ahead of it; 0 when it waits for none.
 *
 * <p>{@code hasReadinessProbe} says whether the component has a readiness probe; while it is not
 * {@code ready}, {@code readinessProblem} says why (SPEC §7: {@code Ready: no (reason)}): the
 * readiness probe's last failure as the probe reports it ({@code readiness: http URL: HTTP status
 * 503}), {@code readiness probe has not passed yet}, or {@code component is <State>} when it is not
 * Running; "" when ready or without a readiness probe. {@code waitingFor} names the dependencies a
 * Stopped component waits for before the daemon starts it, "" when it waits for none; it is not an
 * error, so {@code lastError} never says it.
 */
public record ComponentStatus(
        String name,
        String kind,
        State state,
        boolean ready,
        long pid,
        String containerId,
        long uptimeSeconds,
        int restarts,
        int restartsInWindow,
        int consecutiveFailures,
        long nextRestartInMillis,
        String lastError,
        int lastExitCode,
        List<String> dependsOn,
        boolean stopping,
        long stopRemainingMillis,
        int launchQueuePosition,
        boolean hasReadinessProbe,
        String readinessProblem,
        String waitingFor) {

    public ComponentStatus {
        dependsOn = List.copyOf(dependsOn);
    }

    /** A status with no stop in flight. */
    public ComponentStatus(String name, String kind, State state, boolean ready, long pid, String containerId,
            long uptimeSeconds, int restarts, int restartsInWindow, int consecutiveFailures, long nextRestartInMillis,
            String lastError, int lastExitCode, List<String> dependsOn) {
        this(name, kind, state, ready, pid, containerId, uptimeSeconds, restarts, restartsInWindow,
                consecutiveFailures, nextRestartInMillis, lastError, lastExitCode, dependsOn, false, -1, 0);
    }

    /** A status without readiness probe, waiting for no dependency. */
    public ComponentStatus(String name, String kind, State state, boolean ready, long pid, String containerId,
            long uptimeSeconds, int restarts, int restartsInWindow, int consecutiveFailures, long nextRestartInMillis,
            String lastError, int lastExitCode, List<String> dependsOn, boolean stopping, long stopRemainingMillis,
            int launchQueuePosition) {
        this(name, kind, state, ready, pid, containerId, uptimeSeconds, restarts, restartsInWindow,
                consecutiveFailures, nextRestartInMillis, lastError, lastExitCode, dependsOn, stopping,
                stopRemainingMillis, launchQueuePosition, false, "", "");
    }

    /** A status waiting for no launch slot. */
    public ComponentStatus(String name, String kind, State state, boolean ready, long pid, String containerId,
            long uptimeSeconds, int restarts, int restartsInWindow, int consecutiveFailures, long nextRestartInMillis,
            String lastError, int lastExitCode, List<String> dependsOn, boolean stopping, long stopRemainingMillis) {
        this(name, kind, state, ready, pid, containerId, uptimeSeconds, restarts, restartsInWindow,
                consecutiveFailures, nextRestartInMillis, lastError, lastExitCode, dependsOn, stopping,
                stopRemainingMillis, 0);
    }
}
