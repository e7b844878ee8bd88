package ai.stigmer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusFormatterTest {
    private static StatusReport.Component component(String name, String kind, String state, long pid, String container,
            long uptime, int restarts, long nextRestart, String error) {
        return new StatusReport.Component(name, kind, state, "Running".equals(state), pid, container, uptime, restarts,
                restarts, 0, nextRestart, error, -1);
    }

    private static final StatusReport SAMPLE = new StatusReport(999, "0.1.0", 8200, true, List.of(
            component("stigmer-server", "process", "Running", 12345, "", 8100, 0, -1, ""),
            component("workflow-runner", "process", "Restarting", -1, "", 0, 3, 2500, "exited with code 1"),
            component("agent-runner", "docker", "Running", -1, "abc123456789deadbeef", 8040, 0, -1, ""),
            component("indexer", "process", "Failed", -1, "", 0, 10, -1,
                    "Component has exceeded maximum restart limit - manual intervention required"),
            component("cache", "docker", "Stopped", -1, "", 0, 0, -1, ""),
            component("mailer", "process", "Unhealthy", 4711, "", 45, 1, -1, "liveness: tcp 127.0.0.1:25: timeout"),
            component("search", "process", "Starting", 4712, "", 3, 0, -1, "")));

    @Test
    void textMatchesTheSpecLayout() {
        String expected = """
                Stigmer Server Status:
                ─────────────────────────────────────

                Stigmer Server:
                  Status:   Running ✓
                  PID:      12345
                  Uptime:   2h 15m
                  Restarts: 0

                Workflow Runner:
                  Status:   Restarting ↻
                  PID:      -
                  Uptime:   -
                  Restarts: 3
                  Error:    exited with code 1
                  Next try: in 3s

                Agent Runner (Docker):
                  Status:   Running ✓
                  Container: abc123456789
                  Uptime:   2h 14m
                  Restarts: 0

                indexer:
                  Status:   Failed ✗✗
                  PID:      -
                  Uptime:   -
                  Restarts: 10
                  Error:    Component has exceeded maximum restart limit - manual intervention required

                cache (Docker):
                  Status:   Stopped ○
                  Container: -
                  Uptime:   -
                  Restarts: 0

                mailer:
                  Status:   Unhealthy ✗
                  PID:      4711
                  Uptime:   45s
                  Restarts: 1
                  Error:    liveness: tcp 127.0.0.1:25: timeout

                search:
                  Status:   Starting ↻
                  PID:      4712
                  Uptime:   3s
                  Restarts: 0

                Health Monitoring: ✓ Active
                """;
        assertEquals(expected, StatusFormatter.text(SAMPLE));
    }

    @Test
    void inactiveMonitoringAndNoComponents() {
        StatusReport empty = new StatusReport(1, "0.1.0", 0, false, List.of());
        assertEquals("Stigmer Server Status:\n" + "─".repeat(37) + "\n\nHealth Monitoring: ✗ Inactive\n",
                StatusFormatter.text(empty));
        assertEquals(0, StatusFormatter.exitCode(empty));
    }

    @Test
    void inactiveMonitoringSaysWhichProbeIsStale() throws Exception {
        StatusReport stale = new StatusReport(1, "0.1.0", 60, false, List.of(), "",
                "liveness probe of stigmer-server: no result for 31s");
        assertTrue(StatusFormatter.text(stale).endsWith(
                "Health Monitoring: ✗ Inactive (liveness probe of stigmer-server: no result for 31s)\n"));
        JsonNode root = new ObjectMapper().readTree(StatusFormatter.json(stale));
        assertEquals(false, root.get("healthMonitoring").asBoolean());
        assertEquals("liveness probe of stigmer-server: no result for 31s", root.get("healthMonitoringProblem").asText());
    }

    @Test
    void exitCodeIsZeroOnlyWhenEveryComponentIsRunning() {
        assertEquals(1, StatusFormatter.exitCode(SAMPLE));
        StatusReport allRunning = new StatusReport(1, "0.1.0", 0, true, List.of(SAMPLE.components().get(0),
                SAMPLE.components().get(2)));
        assertEquals(0, StatusFormatter.exitCode(allRunning));
    }

    @Test
    void jsonIsWellFormedAndCarriesTheSameFacts() throws Exception {
        StatusReport tricky = new StatusReport(7, "0.1.0", 3, false, List.of(
                component("odd\"name", "process", "Failed", -1, "", 0, 10, -1, "line 1\nline\t2 \\ \u0001 ✗")),
                "cgroup v2 at /sys/fs/cgroup/unified/stigmer-0123456789ab");
        JsonNode root = new ObjectMapper().readTree(StatusFormatter.json(tricky));
        assertEquals(true, root.get("running").asBoolean());
        assertEquals(7, root.get("daemon").get("pid").asLong());
        assertEquals("cgroup v2 at /sys/fs/cgroup/unified/stigmer-0123456789ab", root.get("daemon").get("containment").asText());
        assertEquals(false, root.get("healthMonitoring").asBoolean());
        assertEquals(false, root.get("allRunning").asBoolean());
        JsonNode c = root.get("components").get(0);
        assertEquals("odd\"name", c.get("name").asText());
        assertEquals("Failed", c.get("state").asText());
        assertEquals("line 1\nline\t2 \\ \u0001 ✗", c.get("lastError").asText());

        JsonNode sample = new ObjectMapper().readTree(StatusFormatter.json(SAMPLE));
        assertEquals(7, sample.get("components").size());
        assertEquals("Agent Runner (Docker)", sample.get("components").get(2).get("displayName").asText());
        assertEquals(2500, sample.get("components").get(1).get("nextRestartInMillis").asLong());

        JsonNode down = new ObjectMapper().readTree(StatusFormatter.notRunningJson("stigmer daemon is not running"));
        assertEquals(false, down.get("running").asBoolean());
    }

    @Test
    void aStopInProgressShowsStoppingTheOldPidAndTheTimeLeftBeforeSigkill() throws Exception {
        StatusReport stopping = new StatusReport(1, "0.1.0", 60, true, List.of(
                new StatusReport.Component("stigmer-server", "process", "Stopped", false, 12345, "", 61, 0, 0, 0, -1,
                        "", -1, true, 3200),
                new StatusReport.Component("slow", "process", "Restarting", false, 4711, "", 9, 1, 1, 1, 5000,
                        "exited with code 1", 1, true, 0),
                new StatusReport.Component("agent-runner", "docker", "Stopped", false, -1, "abc123456789deadbeef", 61,
                        0, 0, 0, -1, "", -1, true, 1500)));
        String text = StatusFormatter.text(stopping);
        assertTrue(text.contains("""
                Stigmer Server:
                  Status:   Stopping ↻
                  PID:      12345
                  Uptime:   1m 1s
                  Restarts: 0
                  Stop:     SIGKILL in 4s
                """), text);
        assertTrue(text.contains("""
                slow:
                  Status:   Stopping ↻
                  PID:      4711
                  Uptime:   9s
                  Restarts: 1
                  Error:    exited with code 1
                  Stop:     stop timeout passed, SIGKILL sent
                  Next try: in 5s
                """), text);
        assertTrue(text.contains("""
                Agent Runner (Docker):
                  Status:   Stopping ↻
                  Container: abc123456789
                """), text);
        assertTrue(text.contains("  Stop:     engine kills the container in 2s\n"), text);
        assertEquals(1, StatusFormatter.exitCode(stopping), "a component being stopped is not Running");
        StatusReport runningButStopping = new StatusReport(1, "0.1.0", 60, true, List.of(
                new StatusReport.Component("x", "process", "Running", true, 5, "", 1, 0, 0, 0, -1, "", -1, true, 10)));
        assertEquals(1, StatusFormatter.exitCode(runningButStopping));

        JsonNode c = new ObjectMapper().readTree(StatusFormatter.json(stopping)).get("components").get(0);
        assertEquals("Stopped", c.get("state").asText(), "State keeps the six words (SPEC §6)");
        assertTrue(c.get("stopping").asBoolean());
        assertEquals(3200, c.get("stopRemainingMillis").asLong());
        assertEquals(12345, c.get("pid").asLong());
    }

    @Test
    void aComponentWaitingForALaunchSlotSaysHowManyAreAheadAndKeepsItsStateWord() throws Exception {
        StatusReport waiting = new StatusReport(1, "0.1.0", 60, true, List.of(
                new StatusReport.Component("w1", "process", "Starting", false, -1, "", 0, 1, 1, 1, -1, "", 137,
                        false, -1, 4),
                new StatusReport.Component("w2", "process", "Starting", false, -1, "", 0, 1, 1, 1, -1, "", 137,
                        false, -1, 1)));
        String text = StatusFormatter.text(waiting);
        assertTrue(text.contains("w1:\n  Status:   Starting ↻ (waiting for a launch slot, 3 ahead)\n"), text);
        assertTrue(text.contains("w2:\n  Status:   Starting ↻ (waiting for a launch slot, next)\n"), text);
        assertTrue(!StatusFormatter.text(SAMPLE).contains("launch slot"), "none waits in the sample");

        JsonNode c = new ObjectMapper().readTree(StatusFormatter.json(waiting)).get("components").get(0);
        assertEquals("Starting", c.get("state").asText(), "State keeps the six words (SPEC §3)");
        assertEquals(4, c.get("launchQueuePosition").asInt());
        JsonNode none = new ObjectMapper().readTree(StatusFormatter.json(SAMPLE)).get("components").get(0);
        assertEquals(0, none.get("launchQueuePosition").asInt());
    }

    @Test
    void aComponentThatIsNotStoppingSaysSoInJsonAndShowsNoStopLine() throws Exception {
        assertTrue(!StatusFormatter.text(SAMPLE).contains("Stop:"));
        JsonNode c = new ObjectMapper().readTree(StatusFormatter.json(SAMPLE)).get("components").get(0);
        assertEquals(false, c.get("stopping").asBoolean());
        assertEquals(-1, c.get("stopRemainingMillis").asLong());
    }

    @Test
    void aDaemonThatDoesNotAnswerIsStillRunningInJson() throws Exception {
        JsonNode root = new ObjectMapper().readTree(StatusFormatter.notReadableJson(false,
                "stigmer daemon (pid 42) does not answer on 127.0.0.1:50099"));
        assertEquals(true, root.get("running").asBoolean());
        assertEquals(false, root.get("answering").asBoolean());
        assertEquals("stigmer daemon (pid 42) does not answer on 127.0.0.1:50099", root.get("message").asText());
        JsonNode refused = new ObjectMapper().readTree(StatusFormatter.notReadableJson(true, "refused"));
        assertEquals(true, refused.get("running").asBoolean());
        assertEquals(true, refused.get("answering").asBoolean());
    }

    @Test
    void durations() {
        assertEquals("0s", StatusFormatter.duration(0));
        assertEquals("45s", StatusFormatter.duration(45));
        assertEquals("1m 0s", StatusFormatter.duration(60));
        assertEquals("59m 59s", StatusFormatter.duration(3599));
        assertEquals("2h 15m", StatusFormatter.duration(2 * 3600 + 15 * 60 + 59));
        assertEquals("3d 4h", StatusFormatter.duration(3 * 86400 + 4 * 3600 + 5));
    }
}
