package ai.stigmer.cli;

import java.util.List;

/** What {@code server status} shows: the daemon and its components, as read over JMX. */
record StatusReport(long daemonPid, String version, long uptimeSeconds, boolean monitoringActive,
        List<Component> components) {

    StatusReport {
        components = List.copyOf(components);
    }

    /** One component's attributes (SPEC §6). */
    record Component(String name, String kind, String state, boolean ready, long pid, String containerId,
            long uptimeSeconds, int restarts, int restartsInWindow, int consecutiveFailures,
            long nextRestartInMillis, String lastError, int lastExitCode) {

        boolean running() {
            return "Running".equals(state);
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
}
