package ai.stigmer.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.HttpConfig;
import ai.stigmer.jmx.FakeComponent;
import ai.stigmer.jmx.FakeSupervision;
import ai.stigmer.supervisor.ComponentStatus;
import ai.stigmer.supervisor.State;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The health endpoints over real HTTP on loopback: {@code /healthz} fails while monitoring is not
 * active (the watchdog has stopped ticking), {@code /readyz?verbose} names the component that is
 * not ready and why, and only GET and HEAD are answered.
 */
class HealthEndpointsTest {
    private final FakeComponent server = FakeComponent.running("stigmer-server", "process", 4242, "");
    private final FakeComponent worker = FakeComponent.running("workflow-runner", "process", 4343, "");
    private final FakeSupervision supervision = new FakeSupervision(server, worker);
    private HttpEndpoints endpoints;

    @AfterEach
    void tearDown() {
        if (endpoints != null) {
            endpoints.close();
        }
    }

    private int start() throws Exception {
        endpoints = HttpEndpoints.start(new HttpConfig(true, "127.0.0.1", 0, false), new PrometheusRegistry(),
                new HealthEndpoints(supervision, () -> "{\"running\":true}"));
        return endpoints.port();
    }

    @Test
    void healthzFailsWhileTheWatchdogDoesNotTick() throws Exception {
        int port = start();
        assertEquals(200, Http.get(port, "/healthz").statusCode());
        supervision.monitoring = false;
        HttpResponse<String> stalled = Http.get(port, "/healthz");
        assertEquals(503, stalled.statusCode());
        assertTrue(stalled.body().startsWith("failed: the watchdog has not ticked"), stalled.body());
        supervision.monitoring = true;
        assertEquals(200, Http.get(port, "/healthz").statusCode());
    }

    @Test
    void readyzVerboseListsTheComponentThatIsNotReady() throws Exception {
        int port = start();
        HttpResponse<String> ready = Http.get(port, "/readyz");
        assertEquals(200, ready.statusCode());
        assertEquals("ok\n", ready.body());
        worker.setStatus(new ComponentStatus("workflow-runner", "process", State.RESTARTING, false, -1, "", 0, 1, 1, 1,
                900, "exited with code 3", 3, List.of("stigmer-server")));
        HttpResponse<String> verbose = Http.get(port, "/readyz?verbose");
        assertEquals(503, verbose.statusCode());
        assertEquals("[+]stigmer-server ok\n[-]workflow-runner failed: Restarting (exited with code 3)\n"
                + "readyz check failed\n", verbose.body());
    }

    @Test
    void onlyGetAndHeadAreAnswered() throws Exception {
        int port = start();
        for (String path : List.of("/healthz", "/readyz", "/status", "/metrics")) {
            HttpResponse<String> post = Http.send("POST", port, path);
            assertEquals(405, post.statusCode(), path);
            assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""), path);
            assertEquals(200, Http.send("HEAD", port, path).statusCode(), path);
        }
        assertEquals("{\"running\":true}\n", Http.get(port, "/status").body());
        assertEquals(404, Http.get(port, "/other").statusCode());
    }
}
