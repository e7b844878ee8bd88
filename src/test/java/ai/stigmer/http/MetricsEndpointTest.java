package ai.stigmer.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.Await;
import ai.stigmer.testing.Ports;
import ai.stigmer.testing.StigmerInstall;
import ai.stigmer.testing.WithStigmerInstall;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A real daemon's {@code /metrics}: the output passes {@code promtool check metrics}; after a
 * {@code kill -9} of a component's process its restart counter is one higher and its state series
 * move through Restarting back to Running; the probe histograms have samples.
 */
class MetricsEndpointTest extends WithStigmerInstall {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void metricsPassPromtoolAndFollowAKill() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        if (!Files.isExecutable(promtool)) {
            assertTrue(System.getenv("CI") == null, "promtool is missing in CI (.ci/run installs prometheus)");
            Assumptions.abort("promtool is not installed");
        }
        int port = Ports.free();
        install.config("  http: { host: 127.0.0.1, port: " + port + " }\n" + """
                components:
                  sleeper:
                    process: { command: [sleep, '1000'] }
                    restart: { backoff: { initial: 2s } }
                    probes:
                      startup:  { period: 200ms, checks: [ { process: {} } ] }
                      liveness: { period: 200ms, checks: [ { process: {} }, { exec: { command: ["true"] } } ] }
                """);
        install.start();
        Http monitor = new Http("monitor", install.password("monitor"));
        assertEquals(401, Http.ANONYMOUS.get(port, "/metrics").statusCode(), "no login, no metrics");
        assertEquals(401, new Http("monitor", "guess").get(port, "/metrics").statusCode(), "a wrong password");
        install.awaitState("sleeper", "Running", WAIT);
        String first = Await.value("liveness probe samples", WAIT, () -> monitor.get(port, "/metrics").body(),
                m -> value(m, "stigmer_probe_duration_seconds_count{check=\"exec\",component=\"sleeper\",probe=\"liveness\"}") > 0);
        assertTrue(value(first, "stigmer_probe_duration_seconds_count{check=\"process\",component=\"sleeper\",probe=\"startup\"}") > 0, first);
        assertEquals(1, value(first, "stigmer_component_state{component=\"sleeper\",state=\"Running\"}"), first);
        assertEquals(0, value(first, "stigmer_component_restarts_total{component=\"sleeper\"}"), first);
        assertTrue(first.contains("stigmer_build_info{version=\""), first);
        assertTrue(first.contains("jvm_memory_used_bytes"), first);
        assertTrue(value(first, "stigmer_component_resident_memory_bytes{component=\"sleeper\"}") > 0, first);
        promtoolAccepts(promtool, first);

        StigmerInstall.kill9(install.pid("sleeper"));
        Await.value("Restarting in the state series", WAIT, () -> monitor.get(port, "/metrics").body(),
                m -> value(m, "stigmer_component_state{component=\"sleeper\",state=\"Restarting\"}") == 1
                        && value(m, "stigmer_component_state{component=\"sleeper\",state=\"Running\"}") == 0
                        && value(m, "stigmer_component_restarts_total{component=\"sleeper\"}") == 1);
        install.awaitState("sleeper", "Running", WAIT);
        String after = monitor.get(port, "/metrics").body();
        assertEquals(1, value(after, "stigmer_component_state{component=\"sleeper\",state=\"Running\"}"), after);
        assertEquals(1, value(after, "stigmer_component_restarts_total{component=\"sleeper\"}"), after);
        promtoolAccepts(promtool, after);
    }

    /** The value of the series written exactly as {@code series}, or -1 when it is absent. */
    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private void promtoolAccepts(Path promtool, String metrics) throws Exception {
        Path body = dir.resolve("metrics.txt");
        Files.writeString(body, metrics);
        Path out = dir.resolve("promtool.out");
        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true)
                .redirectInput(body.toFile()).redirectOutput(out.toFile()).start();
        assertTrue(check.waitFor(60, TimeUnit.SECONDS), "promtool finished");
        String said = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, check.exitValue(), said);
        assertEquals("", said.trim(), "promtool found problems");
    }
}
