package ai.stigmer.supervisor;

import java.util.List;

/**
 * A consistent picture of one component at one moment, with the attributes of SPEC §6:
 * {@code pid} −1 and {@code containerId} "" when there is no instance, {@code nextRestartInMillis}
 * −1 unless Restarting, {@code lastExitCode} −1 until an instance has exited.
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
        List<String> dependsOn) {

    public ComponentStatus {
        dependsOn = List.copyOf(dependsOn);
    }
}
