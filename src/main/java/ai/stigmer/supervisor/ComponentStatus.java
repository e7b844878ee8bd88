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
        int launchQueuePosition) {

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

    /** A status waiting for no launch slot. */
    public ComponentStatus(String name, String kind, State state, boolean ready, long pid, String containerId,
            long uptimeSeconds, int restarts, int restartsInWindow, int consecutiveFailures, long nextRestartInMillis,
            String lastError, int lastExitCode, List<String> dependsOn, boolean stopping, long stopRemainingMillis) {
        this(name, kind, state, ready, pid, containerId, uptimeSeconds, restarts, restartsInWindow,
                consecutiveFailures, nextRestartInMillis, lastError, lastExitCode, dependsOn, stopping,
                stopRemainingMillis, 0);
    }
}
