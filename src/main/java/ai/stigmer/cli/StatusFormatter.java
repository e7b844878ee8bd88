package ai.stigmer.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** The status output of SPEC §7, as text and as JSON, and the exit code that goes with it. */
final class StatusFormatter {
    static final String TITLE = "Stigmer Server Status:";
    static final String RULE = "─".repeat(37);
    private static final Map<String, String> DISPLAY_NAMES = Map.of(
            "stigmer-server", "Stigmer Server",
            "workflow-runner", "Workflow Runner",
            "agent-runner", "Agent Runner");

    private StatusFormatter() {}

    /** 0 when every component is Running and every one with a readiness probe Ready, 1 otherwise. */
    static int exitCode(StatusReport report) {
        return report.allRunning() ? ExitCode.OK : ExitCode.FAILURE;
    }

    static String text(StatusReport report) {
        StringBuilder out = new StringBuilder();
        out.append(TITLE).append('\n').append(RULE).append('\n').append('\n');
        for (StatusReport.Component c : report.components()) {
            out.append(displayName(c)).append(":\n");
            // SPEC §4/§7: while an instance is being stopped, status says so, with its old pid.
            String shown = c.stopping() ? "Stopping" : c.state();
            out.append("  Status:   ").append(shown).append(' ').append(indicator(shown))
                    .append(launchWait(c)).append(dependencyWait(c)).append('\n');
            String instance = c.hasInstance() ? (c.docker() ? shortId(c.containerId()) : String.valueOf(c.pid())) : "-";
            out.append(c.docker() ? "  Container: " : "  PID:      ").append(instance).append('\n');
            out.append("  Uptime:   ").append(c.hasInstance() ? duration(c.uptimeSeconds()) : "-").append('\n');
            out.append("  Restarts: ").append(c.restarts()).append('\n');
            if (c.hasReadinessProbe()) {
                out.append("  Ready:   ").append(c.ready() ? "yes" : "no (" + c.readinessProblem() + ")").append('\n');
            }
            if (!c.running() && !c.lastError().isEmpty()) {
                out.append("  Error:    ").append(c.lastError()).append('\n');
            }
            if (c.stopping()) {
                out.append("  Stop:     ").append(stopProgress(c)).append('\n');
            }
            if ("Restarting".equals(c.state()) && c.nextRestartInMillis() >= 0) {
                out.append("  Next try: in ").append(duration((c.nextRestartInMillis() + 999) / 1000)).append('\n');
            }
            out.append('\n');
        }
        out.append("Health Monitoring: ").append(monitoring(report)).append('\n');
        return out.toString();
    }

    static String json(StatusReport report) {
        Map<String, Object> daemon = new LinkedHashMap<>();
        daemon.put("pid", report.daemonPid());
        daemon.put("version", report.version());
        daemon.put("uptimeSeconds", report.uptimeSeconds());
        daemon.put("containment", report.containment());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("running", true);
        root.put("daemon", daemon);
        root.put("components", report.components().stream().map(StatusFormatter::json).toList());
        root.put("allRunning", report.allRunning());
        root.put("allReady", report.allReady());
        root.put("healthMonitoring", report.monitoringActive());
        root.put("healthMonitoringProblem", report.monitoringActive() ? "" : report.monitoringProblem());
        return Json.write(root);
    }

    /** "✓ Active", or "✗ Inactive" with why: the watchdog, or which probe has stopped producing results. */
    private static String monitoring(StatusReport report) {
        if (report.monitoringActive()) {
            return "✓ Active";
        }
        return report.monitoringProblem().isEmpty() ? "✗ Inactive" : "✗ Inactive (" + report.monitoringProblem() + ")";
    }

    /** The JSON for "no daemon": {@code {"running":false,"message":...}}. */
    static String notRunningJson(String message) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("running", false);
        root.put("message", message);
        return Json.write(root);
    }

    /**
     * The JSON for a daemon that runs but cannot be read: {@code {"running":true,"answering":false,
     * "message":...}} when it gives no answer in time, {@code "answering":true} when it refuses the
     * credentials.
     */
    static String notReadableJson(boolean answering, String message) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("running", true);
        root.put("answering", answering);
        root.put("message", message);
        return Json.write(root);
    }

    private static Map<String, Object> json(StatusReport.Component c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("displayName", displayName(c));
        m.put("kind", c.kind());
        m.put("state", c.state());
        m.put("ready", c.ready());
        m.put("hasReadinessProbe", c.hasReadinessProbe());
        m.put("readinessProblem", c.readinessProblem());
        m.put("waitingFor", c.waitingFor());
        m.put("pid", c.pid());
        m.put("containerId", c.containerId());
        m.put("uptimeSeconds", c.uptimeSeconds());
        m.put("restarts", c.restarts());
        m.put("restartsInWindow", c.restartsInWindow());
        m.put("consecutiveFailures", c.consecutiveFailures());
        m.put("nextRestartInMillis", c.nextRestartInMillis());
        m.put("lastError", c.lastError());
        m.put("lastExitCode", c.lastExitCode());
        m.put("stopping", c.stopping());
        m.put("stopRemainingMillis", c.stopRemainingMillis());
        m.put("launchQueuePosition", c.launchQueuePosition());
        return m;
    }

    /** " (waiting for a launch slot, 3 ahead)" while its launch waits its turn; "" otherwise. */
    private static String launchWait(StatusReport.Component c) {
        int place = c.launchQueuePosition();
        if (place <= 0 || c.stopping()) {
            return "";
        }
        return " (waiting for a launch slot, " + (place == 1 ? "next" : (place - 1) + " ahead") + ")";
    }

    /** " (waiting for stigmer-server)" while the daemon holds a Stopped component back for its dependencies. */
    private static String dependencyWait(StatusReport.Component c) {
        return c.waitingFor().isEmpty() || c.stopping() ? "" : " (waiting for " + c.waitingFor() + ")";
    }

    /** "SIGKILL in 4s" while SIGTERM has time left; what is waited for once it has run out. */
    private static String stopProgress(StatusReport.Component c) {
        if (c.stopRemainingMillis() > 0) {
            return (c.docker() ? "engine kills the container in " : "SIGKILL in ")
                    + duration((c.stopRemainingMillis() + 999) / 1000);
        }
        if (c.stopRemainingMillis() == 0) {
            return c.docker() ? "stop timeout passed, waiting for the engine" : "stop timeout passed, SIGKILL sent";
        }
        return "in progress";
    }

    /** "Stigmer Server", "Workflow Runner", "Agent Runner (Docker)"; other names as they are. */
    static String displayName(StatusReport.Component c) {
        String name = DISPLAY_NAMES.getOrDefault(c.name(), c.name());
        return c.docker() ? name + " (Docker)" : name;
    }

    static String indicator(String state) {
        return switch (state) {
            case "Running" -> "✓";
            case "Starting", "Restarting", "Stopping" -> "↻";
            case "Unhealthy" -> "✗";
            case "Failed" -> "✗✗";
            case "Stopped" -> "○";
            default -> "?";
        };
    }

    /** {@code 45s}, {@code 3m 5s}, {@code 2h 15m}, {@code 3d 4h}. */
    static String duration(long seconds) {
        long s = Math.max(0, seconds);
        if (s < 60) {
            return s + "s";
        } else if (s < 3600) {
            return s / 60 + "m " + s % 60 + "s";
        } else if (s < 86400) {
            return s / 3600 + "h " + s % 3600 / 60 + "m";
        }
        return s / 86400 + "d " + s % 86400 / 3600 + "h";
    }

    private static String shortId(String containerId) {
        return containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
    }
}
