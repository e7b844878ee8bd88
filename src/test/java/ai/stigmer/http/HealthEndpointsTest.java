package ai.stigmer.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.HttpConfig;
import ai.stigmer.jmx.FakeComponent;
import ai.stigmer.jmx.FakeSupervision;
import ai.stigmer.jmx.JmxCredentials;
import ai.stigmer.supervisor.ComponentStatus;
import ai.stigmer.supervisor.State;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health endpoints over real HTTP on loopback: {@code /healthz} fails while monitoring is not
 * active (the watchdog has stopped ticking), {@code /readyz?verbose} names the component that is
 * not ready and why, only GET and HEAD are answered, and only to a login of the JMX roles.
 */
class HealthEndpointsTest {
    private final FakeComponent server = FakeComponent.running("stigmer-server", "process", 4242, "");
    private final FakeComponent worker = FakeComponent.running("workflow-runner", "process", 4343, "");
    private final FakeSupervision supervision = new FakeSupervision(server, worker);
    @TempDir Path jmxDir;
    private Http monitor;
    private HttpEndpoints endpoints;

    @BeforeEach
    void credentials() throws Exception {
        JmxCredentials.ensure(jmxDir);
        monitor = login(JmxCredentials.MONITOR);
    }

    private Http login(String role) throws Exception {
        return new Http(role, JmxCredentials.readPasswords(jmxDir.resolve(JmxCredentials.PASSWORD_FILE)).get(role));
    }

    @AfterEach
    void tearDown() {
        if (endpoints != null) {
            endpoints.close();
        }
    }

    private int start() throws Exception {
        endpoints = HttpEndpoints.start(new HttpConfig(true, "127.0.0.1", 0, false), jmxDir, new PrometheusRegistry(),
                new HealthEndpoints(supervision, () -> "{\"running\":true}"));
        return endpoints.port();
    }

    @Test
    void healthzFailsWhileTheWatchdogDoesNotTick() throws Exception {
        int port = start();
        assertEquals(200, monitor.get(port, "/healthz").statusCode());
        supervision.monitoring = false;
        HttpResponse<String> stalled = monitor.get(port, "/healthz");
        assertEquals(503, stalled.statusCode());
        assertTrue(stalled.body().startsWith("failed: the watchdog has not ticked"), stalled.body());
        supervision.monitoring = true;
        assertEquals(200, monitor.get(port, "/healthz").statusCode());
    }

    @Test
    void readyzVerboseListsTheComponentThatIsNotReady() throws Exception {
        int port = start();
        HttpResponse<String> ready = monitor.get(port, "/readyz");
        assertEquals(200, ready.statusCode());
        assertEquals("ok\n", ready.body());
        worker.setStatus(new ComponentStatus("workflow-runner", "process", State.RESTARTING, false, -1, "", 0, 1, 1, 1,
                900, "exited with code 3", 3, List.of("stigmer-server")));
        HttpResponse<String> verbose = monitor.get(port, "/readyz?verbose");
        assertEquals(503, verbose.statusCode());
        assertEquals("[+]stigmer-server ok\n[-]workflow-runner failed: Restarting (exited with code 3)\n"
                + "readyz check failed\n", verbose.body());
    }

    @Test
    void onlyGetAndHeadAreAnswered() throws Exception {
        int port = start();
        for (String path : List.of("/healthz", "/readyz", "/status", "/metrics")) {
            HttpResponse<String> post = monitor.send("POST", port, path);
            assertEquals(405, post.statusCode(), path);
            assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""), path);
            assertEquals(200, monitor.send("HEAD", port, path).statusCode(), path);
        }
        assertEquals("{\"running\":true}\n", monitor.get(port, "/status").body());
        assertEquals(404, monitor.get(port, "/other").statusCode());
    }

    /** Another user of the machine reaches loopback too: without the monitor's password it learns nothing. */
    @Test
    void everyPathAsksForALoginOfTheJmxRoles() throws Exception {
        int port = start();
        for (String path : List.of("/healthz", "/readyz?verbose", "/status", "/metrics", "/other")) {
            HttpResponse<String> anonymous = Http.ANONYMOUS.get(port, path);
            assertEquals(401, anonymous.statusCode(), path);
            assertEquals("Basic realm=\"stigmer\", charset=\"UTF-8\"",
                    anonymous.headers().firstValue("WWW-Authenticate").orElse(""), path);
            assertTrue(!anonymous.body().contains("workflow-runner"), path);
            assertEquals(401, new Http(JmxCredentials.MONITOR, "guess").get(port, path).statusCode(), path);
            assertEquals(401, new Http("nobody", "guess").get(port, path).statusCode(), path);
        }
        assertEquals(200, login(JmxCredentials.CONTROL).get(port, "/readyz").statusCode(), "control reads as well");

        // A user with a password but no line in the access file is refused, as the JMX connector refuses it.
        Path passwords = jmxDir.resolve(JmxCredentials.PASSWORD_FILE);
        Files.writeString(passwords, Files.readString(passwords) + "stranger s3cret\n");
        assertEquals(401, new Http("stranger", "s3cret").get(port, "/readyz").statusCode());
    }
}
