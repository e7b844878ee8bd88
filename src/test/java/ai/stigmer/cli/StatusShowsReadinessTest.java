package ai.stigmer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.Await;
import ai.stigmer.testing.Ports;
import ai.stigmer.testing.StigmerInstall.Result;
import ai.stigmer.testing.WithStigmerInstall;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SPEC §7: a component with a readiness probe that is not Ready shows {@code Ready:   no (reason)}
 * with the probe's own reason from the daemon, a Ready one {@code Ready:   yes}, one without a
 * readiness probe no Ready line; a component held back for its dependencies shows
 * {@code Stopped ○ (waiting for X)}, not an error. Status exits 1 while a readiness probe fails.
 */
class StatusShowsReadinessTest extends WithStigmerInstall {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HTTP_503 = "readiness: http http://127.0.0.1:8080/: HTTP status 503";

    private static StatusReport.Component web(boolean ready, String problem) {
        return new StatusReport.Component("web", "process", "Running", ready, 4242, "", 75, 0, 0, 0, -1, "", -1,
                false, -1, 0, true, problem, "");
    }

    private static StatusReport.Component waiting(String dependencies) {
        return new StatusReport.Component("worker", "process", "Stopped", false, -1, "", 0, 0, 0, 0, -1, "", -1,
                false, -1, 0, false, "", dependencies);
    }

    private static StatusReport report(StatusReport.Component... components) {
        return new StatusReport(999, "0.1.0", 80, true, List.of(components));
    }

    @Test
    void aComponentThatIsNotReadyShowsTheReadinessProblemAndKeepsTheExitCodeOfItsState() {
        StatusReport r = report(web(false, HTTP_503));
        assertEquals("""
                web:
                  Status:   Running ✓
                  PID:      4242
                  Uptime:   1m 15s
                  Restarts: 0
                  Ready:   no (readiness: http http://127.0.0.1:8080/: HTTP status 503)
                """, block(StatusFormatter.text(r), "web"));
        assertEquals(ExitCode.OK, StatusFormatter.exitCode(r), "SPEC §7: 0 when all are Running; readiness is shown, not counted");
    }

    @Test
    void aReadyComponentSaysYesAndOneWithoutReadinessProbeHasNoReadyLine() {
        StatusReport.Component plain = new StatusReport.Component("plain", "process", "Running", true, 4243, "", 5, 0,
                0, 0, -1, "", -1);
        StatusReport r = report(web(true, ""), plain);
        String text = StatusFormatter.text(r);
        assertTrue(block(text, "web").endsWith("  Restarts: 0\n  Ready:   yes\n"), text);
        assertFalse(block(text, "plain").contains("Ready:"), text);
        assertEquals(ExitCode.OK, StatusFormatter.exitCode(r));
    }

    @Test
    void aComponentWaitingForItsDependenciesSaysSoOnItsStatusLineAndShowsNoError() {
        String text = StatusFormatter.text(report(waiting("stigmer-server, cache")));
        assertEquals("""
                worker:
                  Status:   Stopped ○ (waiting for stigmer-server, cache)
                  PID:      -
                  Uptime:   -
                  Restarts: 0
                """, block(text, "worker"));
    }

    @Test
    void jsonCarriesTheReadinessProblemAndTheDependenciesWaitedFor() throws Exception {
        JsonNode root = JSON.readTree(StatusFormatter.json(report(web(false, HTTP_503), waiting("web"))));
        JsonNode web = root.get("components").get(0);
        assertEquals(false, web.get("ready").asBoolean());
        assertEquals(true, web.get("hasReadinessProbe").asBoolean());
        assertEquals(HTTP_503, web.get("readinessProblem").asText());
        assertEquals("web", root.get("components").get(1).get("waitingFor").asText());
        assertEquals("", root.get("components").get(1).get("lastError").asText());
        assertEquals(false, root.get("allReady").asBoolean());
    }

    /** The real daemon, real processes and {@code bin/stigmer}: a tcp readiness check on a port nobody serves, then served. */
    @Test
    void theDaemonTellsWhyAComponentIsNotReadyAndWhatItsDependentWaitsFor() throws Exception {
        int port = Ports.free();
        install.homeConfig("""
                defaults:
                  stop: { timeout: 2s }
                  probes:
                    readiness: { period: 200ms, timeout: 1s, failureThreshold: 1 }
                components:
                  web:
                    process: { command: [sleep, '1000'] }
                    probes: { readiness: { checks: [ { tcp: { host: 127.0.0.1, port: %d } } ] } }
                  worker:
                    dependsOn: [web]
                    process: { command: [sleep, '1001'] }
                """.formatted(port));
        install.start();
        String reason = "readiness: tcp 127.0.0.1:" + port + ": ";
        Result notReady = Await.value("web Running and not Ready, with the reason", WAIT,
                () -> install.stigmer("server", "status"),
                r -> block(r.out(), "web").contains("  Ready:   no (" + reason));
        assertEquals(1, notReady.exit(), notReady.out());
        assertTrue(block(notReady.out(), "web").contains("  Status:   Running ✓"), notReady.out());
        String worker = block(notReady.out(), "worker");
        assertTrue(worker.contains("  Status:   Stopped ○ (waiting for web)\n"), notReady.out());
        assertFalse(worker.contains("Error:") || worker.contains("Ready:"), notReady.out());

        Result json = install.stigmer("server", "status", "--json");
        assertEquals(1, json.exit(), json.out());
        JsonNode components = JSON.readTree(json.out()).get("components");
        assertTrue(components.get(0).get("readinessProblem").asText().startsWith(reason), json.out());
        assertEquals("web", components.get(1).get("waitingFor").asText(), json.out());

        try (ServerSocket served = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            Result ready = Await.value("web Ready and worker started", WAIT, () -> install.stigmer("server", "status"),
                    r -> r.exit() == 0);
            assertTrue(block(ready.out(), "web").contains("  Ready:   yes"), ready.out());
            assertTrue(block(ready.out(), "worker").contains("  Status:   Running ✓"), ready.out());
        }
    }

    /** A component's block of the text status, up to and including its last line. */
    private static String block(String status, String component) {
        int start = status.indexOf(component + ":\n");
        if (start < 0) {
            return "";
        }
        int end = status.indexOf("\n\n", start);
        return status.substring(start, end < 0 ? status.length() : end + 1);
    }
}
