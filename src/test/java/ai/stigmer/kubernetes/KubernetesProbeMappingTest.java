package ai.stigmer.kubernetes;

import static ai.stigmer.kubernetes.ExportWarning.Code.CHECK_HOST_IS_POD_IP;
import static ai.stigmer.kubernetes.ExportWarning.Code.CONTAINER_HEALTHCHECK_IGNORED;
import static ai.stigmer.kubernetes.ExportWarning.Code.DOCKER_NAME_UNUSED;
import static ai.stigmer.kubernetes.ExportWarning.Code.DURATION_ROUNDED;
import static ai.stigmer.kubernetes.ExportWarning.Code.EXTRA_CHECK_DROPPED;
import static ai.stigmer.kubernetes.ExportWarning.Code.GRPC_HOST_DROPPED;
import static ai.stigmer.kubernetes.ExportWarning.Code.PROBE_NOT_EXPORTED;
import static ai.stigmer.kubernetes.ExportWarning.Code.PROCESS_CHECK_IMPLICIT;
import static ai.stigmer.kubernetes.ExportWarning.Code.SUCCESS_THRESHOLD_FORCED_TO_ONE;
import static ai.stigmer.kubernetes.ExportWarning.Code.UPTIME_AS_INITIAL_DELAY;
import static ai.stigmer.kubernetes.ExportWarning.Code.UPTIME_AS_MIN_READY_SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ConfigLoader;
import ai.stigmer.kubernetes.ExportWarning.Code;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Every check type and every probe field, exported from a real config: each row gives one probe
 * as written in stigmer.yaml, the Kubernetes probe it must become (none: "~"), and the warnings it
 * must yield. The restart warnings every component gets are left out of the comparison.
 */
class KubernetesProbeMappingTest {
    private static final Set<Code> ALWAYS = EnumSet.of(Code.BACKOFF_NOT_EXPRESSIBLE,
            Code.RESTART_LIMIT_NOT_EXPRESSIBLE, Code.MIN_UPTIME_NOT_EXPRESSIBLE);
    private static final String LIVENESS_TIMING =
            "initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 3, successThreshold: 1, failureThreshold: 3";
    private static final String STARTUP_TIMING = "periodSeconds: 1, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 30";
    private static final String EXEC = "{ exec: { command: [/bin/check] } }";
    private static final String EXEC_PROBE = "exec: { command: [/bin/check] }, ";

    @TempDir Path dir;

    record Row(String name, String kind, String probe, String written, String expected, Set<Code> warnings) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Row> rows() {
        return Stream.of(
                // check types
                new Row("tcp on loopback", "process", "liveness", "{ checks: [ { tcp: { port: 8080 } } ] }",
                        "{ tcpSocket: { port: 8080 }, " + LIVENESS_TIMING + " }", EnumSet.of(CHECK_HOST_IS_POD_IP)),
                new Row("tcp of another host", "process", "liveness", "{ checks: [ { tcp: { host: db.internal, port: 5432 } } ] }",
                        "{ tcpSocket: { host: db.internal, port: 5432 }, " + LIVENESS_TIMING + " }", EnumSet.noneOf(Code.class)),
                new Row("grpc with a service", "process", "liveness", "{ checks: [ { grpc: { port: 50051, service: api } } ] }",
                        "{ grpc: { port: 50051, service: api }, " + LIVENESS_TIMING + " }", EnumSet.of(CHECK_HOST_IS_POD_IP)),
                new Row("grpc of another host", "process", "liveness", "{ checks: [ { grpc: { host: other, port: 9000 } } ] }",
                        "{ grpc: { port: 9000 }, " + LIVENESS_TIMING + " }", EnumSet.of(GRPC_HOST_DROPPED)),
                new Row("http on loopback", "process", "liveness",
                        "{ checks: [ { http: { url: 'http://127.0.0.1:8080/health?full=1' } } ] }",
                        "{ httpGet: { path: '/health?full=1', port: 8080, scheme: HTTP }, " + LIVENESS_TIMING + " }",
                        EnumSet.of(CHECK_HOST_IS_POD_IP)),
                new Row("https of another host", "process", "liveness", "{ checks: [ { http: { url: 'https://status.example.com/ok' } } ] }",
                        "{ httpGet: { host: status.example.com, path: /ok, port: 443, scheme: HTTPS }, " + LIVENESS_TIMING + " }",
                        EnumSet.noneOf(Code.class)),
                new Row("exec", "process", "liveness", "{ checks: [ { exec: { command: [/bin/check, --quick] } } ] }",
                        "{ exec: { command: [/bin/check, --quick] }, " + LIVENESS_TIMING + " }", EnumSet.noneOf(Code.class)),
                new Row("process alone", "process", "liveness", "{ checks: [ { process: {} } ] }",
                        "~", EnumSet.of(PROCESS_CHECK_IMPLICIT, PROBE_NOT_EXPORTED)),
                new Row("process beside exec", "process", "liveness", "{ checks: [ { process: {} }, " + EXEC + " ] }",
                        "{ " + EXEC_PROBE + LIVENESS_TIMING + " }", EnumSet.of(PROCESS_CHECK_IMPLICIT)),
                new Row("container alone", "docker", "readiness", "{ checks: [ { container: {} } ] }",
                        "~", EnumSet.of(CONTAINER_HEALTHCHECK_IGNORED, PROBE_NOT_EXPORTED, DOCKER_NAME_UNUSED)),
                new Row("uptime beside exec", "process", "startup", "{ checks: [ { uptime: { min: 20s } }, " + EXEC + " ] }",
                        "{ " + EXEC_PROBE + "initialDelaySeconds: 20, " + STARTUP_TIMING + " }", EnumSet.of(UPTIME_AS_INITIAL_DELAY)),
                new Row("uptime alone", "process", "startup", "{ checks: [ { uptime: { min: 20s } } ] }",
                        "~", EnumSet.of(PROBE_NOT_EXPORTED, UPTIME_AS_MIN_READY_SECONDS)),
                new Row("two handlers", "process", "liveness", "{ checks: [ " + EXEC + ", { tcp: { port: 8080 } } ] }",
                        "{ " + EXEC_PROBE + LIVENESS_TIMING + " }", EnumSet.of(EXTRA_CHECK_DROPPED)),
                // probe fields
                new Row("every field, whole seconds", "process", "liveness",
                        "{ initialDelay: 5s, period: 7s, timeout: 2s, successThreshold: 1, failureThreshold: 4, checks: [ " + EXEC + " ] }",
                        "{ " + EXEC_PROBE + "initialDelaySeconds: 5, periodSeconds: 7, timeoutSeconds: 2, successThreshold: 1, failureThreshold: 4 }",
                        EnumSet.noneOf(Code.class)),
                new Row("minutes", "process", "readiness", "{ initialDelay: 1m, period: 2m, timeout: 30s, checks: [ " + EXEC + " ] }",
                        "{ " + EXEC_PROBE + "initialDelaySeconds: 60, periodSeconds: 120, timeoutSeconds: 30, successThreshold: 1, failureThreshold: 3 }",
                        EnumSet.noneOf(Code.class)),
                new Row("period 1500ms", "process", "liveness", "{ period: 1500ms, checks: [ " + EXEC + " ] }",
                        "{ " + EXEC_PROBE + LIVENESS_TIMING.replace("periodSeconds: 10", "periodSeconds: 2") + " }",
                        EnumSet.of(DURATION_ROUNDED)),
                new Row("timeout 250ms", "process", "liveness", "{ timeout: 250ms, checks: [ " + EXEC + " ] }",
                        "{ " + EXEC_PROBE + LIVENESS_TIMING.replace("timeoutSeconds: 3", "timeoutSeconds: 1") + " }",
                        EnumSet.of(DURATION_ROUNDED)),
                new Row("initialDelay 100ms", "process", "liveness", "{ initialDelay: 100ms, checks: [ " + EXEC + " ] }",
                        "{ " + EXEC_PROBE + LIVENESS_TIMING.replace("initialDelaySeconds: 0", "initialDelaySeconds: 1") + " }",
                        EnumSet.of(DURATION_ROUNDED)),
                new Row("readiness successThreshold 3", "process", "readiness", "{ successThreshold: 3, checks: [ " + EXEC + " ] }",
                        "{ " + EXEC_PROBE + "initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, successThreshold: 3, failureThreshold: 3 }",
                        EnumSet.noneOf(Code.class)),
                new Row("liveness successThreshold 3", "process", "liveness", "{ successThreshold: 3, checks: [ " + EXEC + " ] }",
                        "{ " + EXEC_PROBE + LIVENESS_TIMING + " }", EnumSet.of(SUCCESS_THRESHOLD_FORCED_TO_ONE)),
                new Row("startup successThreshold 2", "process", "startup", "{ successThreshold: 2, checks: [ " + EXEC + " ] }",
                        "{ " + EXEC_PROBE + "initialDelaySeconds: 0, " + STARTUP_TIMING + " }", EnumSet.of(SUCCESS_THRESHOLD_FORCED_TO_ONE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void probeMapsOrWarns(Row row) throws Exception {
        ComponentManifests exported = export(row.kind(), "    probes:\n      " + row.probe() + ": " + row.written() + "\n");
        Probe probe = switch (row.probe()) {
            case "startup" -> container(exported).getStartupProbe();
            case "liveness" -> container(exported).getLivenessProbe();
            default -> container(exported).getReadinessProbe();
        };
        Object expected = new Yaml().load(row.expected());
        assertEquals(expected, probe == null ? null : new ObjectMapper().convertValue(probe, Map.class), row.name());
        Set<Code> codes = exported.warnings().stream().map(ExportWarning::code).filter(c -> !ALWAYS.contains(c))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Code.class)));
        assertEquals(row.warnings(), codes, exported.warnings().toString());
    }

    @Test
    void aRoundedDurationSaysHowItWasRounded() throws Exception {
        ComponentManifests exported = export("process",
                "    probes:\n      liveness: { period: 1500ms, timeout: 250ms, checks: [ " + EXEC + " ] }\n");
        List<String> rounded = exported.warnings().stream().filter(w -> w.code() == DURATION_ROUNDED)
                .map(ExportWarning::message).toList();
        assertEquals(List.of(
                "liveness probe period 1500ms rounded up to 2s (Kubernetes counts whole seconds, at least 1)",
                "liveness probe timeout 250ms rounded up to 1s (Kubernetes counts whole seconds, at least 1)"), rounded);
    }

    @Test
    void uptimeWithoutAHandlerBecomesMinReadySeconds() throws Exception {
        ComponentManifests exported = export("process",
                "    probes:\n      startup: { checks: [ { process: {} }, { uptime: { min: 10s } } ] }\n");
        assertEquals(10, deployment(exported).getSpec().getMinReadySeconds());
        assertTrue(container(exported).getStartupProbe() == null);
    }

    private ComponentManifests export(String kind, String probes) throws Exception {
        String runs = kind.equals("docker") ? "    docker: { image: app:1 }\n"
                : "    process: { command: [/bin/app] }\n    kubernetes: { image: app:1 }\n";
        Path file = Files.writeString(dir.resolve("stigmer.yaml"), "components:\n  app:\n" + runs + probes);
        Export export = KubernetesExport.export(ConfigLoader.load(file, Map.of()), new ExportOptions(null, Map.of(), false));
        return export.components().get(0);
    }

    static Deployment deployment(ComponentManifests exported) {
        return exported.objects().stream().filter(o -> o instanceof Deployment).map(o -> (Deployment) o).findFirst().orElseThrow();
    }

    static Container container(ComponentManifests exported) {
        return deployment(exported).getSpec().getTemplate().getSpec().getContainers().get(0);
    }
}
