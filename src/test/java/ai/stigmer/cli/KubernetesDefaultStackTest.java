package ai.stigmer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ConfigLoader;
import ai.stigmer.config.JmxConfig;
import ai.stigmer.config.ProbeSpec;
import ai.stigmer.config.StigmerConfig;
import ai.stigmer.daemon.StigmerHome;
import ai.stigmer.testing.KubernetesSchemaValidator;
import ai.stigmer.testing.StigmerInstall;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stigmer export kubernetes} of the default conf/stigmer.yaml: every object passes the
 * upstream schemas, and stigmer-server's three probes are grpc probes with the file's numbers.
 */
class KubernetesDefaultStackTest {
    static final Path CONFIG = StigmerInstall.ROOT.resolve("conf/stigmer.yaml");
    static final String[] IMAGES = {"--image", "stigmer-server=stigmer/stigmer-server:0.1.0",
        "--image", "workflow-runner=stigmer/workflow-runner:0.1.0"};

    @TempDir Path dir;

    @Test
    void defaultStackPassesTheSchemasWithStigmerServerProbedOverGrpc() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliEnvironment env = new CliEnvironment(new StigmerHome(dir.resolve("home")), StigmerInstall.ROOT,
                config -> JmxConfig.DEFAULT);
        String[] args = {"export", "kubernetes", "--config", CONFIG.toString(), IMAGES[0], IMAGES[1], IMAGES[2], IMAGES[3]};
        assertEquals(0, Main.run(args, env, new PrintWriter(out), new PrintWriter(err)), err.toString());

        List<Map<String, Object>> objects = KubernetesSchemaValidator.validate(out.toString(), dir);
        assertEquals(List.of("Service/stigmer-server", "Deployment/stigmer-server", "Deployment/workflow-runner",
                "Deployment/agent-runner"), objects.stream().map(o -> o.get("kind") + "/" + name(o)).toList());

        StigmerConfig config = ConfigLoader.load(CONFIG, Map.of("STIGMER_INSTALL", "/opt/stigmer"));
        var server = config.component("stigmer-server").orElseThrow();
        Map<String, Object> container = container(objects.get(1));
        assertEquals("stigmer/stigmer-server:0.1.0", container.get("image"));
        assertProbe(server.startup(), container.get("startupProbe"));
        assertProbe(server.liveness(), container.get("livenessProbe"));
        assertProbe(server.readiness(), container.get("readinessProbe"));
        assertEquals(Map.of("grpc", Map.of("port", 50051), "periodSeconds", 1, "timeoutSeconds", 1,
                "failureThreshold", 30, "successThreshold", 1, "initialDelaySeconds", 0), container.get("startupProbe"),
                "the numbers of conf/stigmer.yaml's defaults");
        assertTrue(err.toString().contains("warning: workflow-runner: LOOPBACK_ADDRESS: "), err.toString());
    }

    private static void assertProbe(ProbeSpec spec, Object exported) {
        assertEquals(Map.of(
                "grpc", Map.of("port", 50051),
                "initialDelaySeconds", (int) spec.initialDelay().toSeconds(),
                "periodSeconds", (int) spec.period().toSeconds(),
                "timeoutSeconds", (int) spec.timeout().toSeconds(),
                "successThreshold", spec.successThreshold(),
                "failureThreshold", spec.failureThreshold()), exported);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> container(Map<String, Object> deployment) {
        Map<String, Object> spec = (Map<String, Object>) deployment.get("spec");
        Map<String, Object> template = (Map<String, Object>) spec.get("template");
        Map<String, Object> podSpec = (Map<String, Object>) template.get("spec");
        return ((List<Map<String, Object>>) podSpec.get("containers")).get(0);
    }

    @SuppressWarnings("unchecked")
    static String name(Map<String, Object> object) {
        return (String) ((Map<String, Object>) object.get("metadata")).get("name");
    }
}
