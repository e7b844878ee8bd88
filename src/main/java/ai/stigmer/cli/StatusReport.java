package ai.stigmer.cli;

import java.util.List;

/**
 * What {@code server status} shows: the daemon and its components, as read over JMX.
 * {@code monitoringProblem} says why monitoring is not active ("" while it is, or when the daemon
 * does not tell).
 */
record StatusReport(long daemonPid, String version, long uptimeSeconds, boolean monitoringActive,
        List<Component> components, String containment, String monitoringProblem) {

    StatusReport {
        components = List.copyOf(components);
    }

    StatusReport(long daemonPid, String version, long uptimeSeconds, boolean monitoringActive,
            List<Component> components, String containment) {
        this(daemonPid, version, uptimeSeconds, monitoringActive, components, containment, "");
    }

    StatusReport(long daemonPid, String version, long uptimeSeconds, boolean monitoringActive, List<Component> components) {
        this(daemonPid, version, uptimeSeconds, monitoringActive, components, "");
    }

    /**
     * One component's attributes (SPEC §6). {@code stopping}: its instance is being stopped (then
     * {@code pid} is still the old one); {@code stopRemainingMillis}: time left before SIGKILL, −1
     * when not stopping; {@code launchQueuePosition}: its place in the line of launches waiting for a
     * slot, 1 when next, 0 when not waiting; {@code hasReadinessProbe}: it has one, so status says
     * whether it is Ready, and {@code readinessProblem} why not; {@code waitingFor}: the dependencies
     * a Stopped component waits for, "" when none.
     */
    record Component(String name, String kind, String state, boolean ready, long pid, String containerId,
            long uptimeSeconds, int restarts, int restartsInWindow, int consecutiveFailures,
            long nextRestartInMillis, String lastError, int lastExitCode, boolean stopping, long stopRemainingMillis,
            int launchQueuePosition, boolean hasReadinessProbe, String readinessProblem, String waitingFor) {

        /** The attributes of a component without readiness probe that waits for no dependency. */
        Component(String name, String kind, String state, boolean ready, long pid, String containerId,
                long uptimeSeconds, int restarts, int restartsInWindow, int consecutiveFailures,
                long nextRestartInMillis, String lastError, int lastExitCode, boolean stopping, long stopRemainingMillis,
                int launchQueuePosition) {
            this(name, kind, state, ready, pid, containerId, uptimeSeconds, restarts, restartsInWindow,
                    consecutiveFailures, nextRestartInMillis, lastError, lastExitCode, stopping, stopRemainingMillis,
                    launchQueuePosition, false, "", "");
        }

        /** The attributes of a component that waits for no launch slot. */
        Component(String name, String kind, String state, boolean ready, long pid, String containerId,
                long uptimeSeconds, int restarts, int restartsInWindow, int consecutiveFailures,
                long nextRestartInMillis, String lastError, int lastExitCode, boolean stopping, long stopRemainingMillis) {
            this(name, kind, state, ready, pid, containerId, uptimeSeconds, restarts, restartsInWindow,
                    consecutiveFailures, nextRestartInMillis, lastError, lastExitCode, stopping, stopRemainingMillis, 0);
        }

        /** The attributes of a daemon that tells nothing about stopping (older than SPEC §6's {@code Stopping}). */
        Component(String name, String kind, String state, boolean ready, long pid, String containerId,
                long uptimeSeconds, int restarts, int restartsInWindow, int consecutiveFailures,
                long nextRestartInMillis, String lastError, int lastExitCode) {
            this(name, kind, state, ready, pid, containerId, uptimeSeconds, restarts, restartsInWindow,
                    consecutiveFailures, nextRestartInMillis, lastError, lastExitCode, false, -1, 0);
        }

        /** Running, and no instance being stopped. */
        boolean running() {
            return "Running".equals(state) && !stopping;
        }

        /** Ready, or without a readiness probe to say otherwise. */
        boolean readyOrUnprobed() {
            return ready || !hasReadinessProbe;
        }

        boolean docker() {
            return "docker".equals(kind);
        }

        /** Whether there is an instance to show a pid or container and an uptime for. */
        boolean hasInstance() {
            return docker() ? !containerId.isEmpty() : pid > 0;
        }
    }

    boolean allRunning() {
        return components.stream().allMatch(Component::running);
    }

    /** Every component with a readiness probe is Ready. */
    boolean allReady() {
        return components.stream().allMatch(Component::readyOrUnprobed);
    }
}
