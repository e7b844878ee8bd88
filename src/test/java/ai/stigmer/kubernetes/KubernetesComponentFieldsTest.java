package ai.stigmer.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ConfigLoader;
import ai.stigmer.kubernetes.ExportWarning.Code;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
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
 * The component's fields besides its probes: each row writes one into a component and names where
 * it must land in the Deployment's pod template (a path into the exported YAML) and the warnings it
 * must yield, beyond the restart warnings every component gets.
 */
class KubernetesComponentFieldsTest {
    private static final Set<Code> ALWAYS = EnumSet.of(Code.BACKOFF_NOT_EXPRESSIBLE,
            Code.RESTART_LIMIT_NOT_EXPRESSIBLE, Code.MIN_UPTIME_NOT_EXPRESSIBLE);
    private static final String PROCESS = "    process: { command: [/bin/app, --fast] }\n    kubernetes: { image: app:1 }\n";

    @TempDir Path dir;

    /** {@code path}: dotted keys into the Deployment, {@code [0]} picks a list item; {@code expected}: YAML. */
    record Row(String name, String component, String path, String expected, Set<Code> warnings) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String POD = "spec.template.spec.";
    private static final String CONTAINER = POD + "containers[0].";

    static Stream<Row> rows() {
        return Stream.of(
                new Row("process command", PROCESS, CONTAINER + "command", "[/bin/app, --fast]", none()),
                new Row("process workingDir", "    process: { command: [/bin/app], workingDir: /srv/app }\n"
                        + "    kubernetes: { image: app:1 }\n", CONTAINER + "workingDir", "/srv/app", none()),
                new Row("kubernetes image", PROCESS, CONTAINER + "image", "app:1", none()),
                new Row("docker image and command", "    docker: { image: 'registry.example.com/agent:2', command: [run, --x] }\n",
                        CONTAINER + "args", "[run, --x]", EnumSet.of(Code.DOCKER_NAME_UNUSED)),
                new Row("kubernetes image over docker's", "    docker: { image: 'agent:local' }\n    kubernetes: { image: 'registry.example.com/agent:2' }\n",
                        CONTAINER + "image", "registry.example.com/agent:2", EnumSet.of(Code.DOCKER_NAME_UNUSED)),
                new Row("docker mount and network", "    docker: { image: 'agent:1', mounts: ['/data:/data:ro'], network: host }\n",
                        CONTAINER + "image", "agent:1",
                        EnumSet.of(Code.DOCKER_NAME_UNUSED, Code.DOCKER_MOUNT_NOT_EXPORTED, Code.DOCKER_NETWORK_NOT_EXPORTED)),
                new Row("resources memory and cpu", "    process: { command: [/bin/app], resources: { memory: 256m, cpu: 0.5 } }\n"
                        + "    kubernetes: { image: app:1 }\n", CONTAINER + "resources",
                        "{ limits: { memory: 256Mi, cpu: 500m }, requests: { memory: 256Mi, cpu: 500m } }", none()),
                new Row("resources whole cores and odd bytes", "    process: { command: [/bin/app], resources: { memory: 1537k, cpu: 2 } }\n"
                        + "    kubernetes: { image: app:1 }\n", CONTAINER + "resources.limits", "{ memory: 1537Ki, cpu: '2' }", none()),
                new Row("resources cpu finer than a millicore", "    process: { command: [/bin/app], resources: { cpu: 0.0125 } }\n"
                        + "    kubernetes: { image: app:1 }\n", CONTAINER + "resources.limits", "{ cpu: 13m }", EnumSet.of(Code.CPU_ROUNDED)),
                new Row("resources pids", "    process: { command: [/bin/app], resources: { pids: 64 } }\n"
                        + "    kubernetes: { image: app:1 }\n", CONTAINER + "resources", "~", EnumSet.of(Code.PIDS_LIMIT_NOT_EXPRESSIBLE)),
                new Row("stop timeout", PROCESS + "    stop: { timeout: 30s }\n", POD + "terminationGracePeriodSeconds", "30", none()),
                new Row("stop timeout 2500ms", PROCESS + "    stop: { timeout: 2500ms }\n", POD + "terminationGracePeriodSeconds", "3",
                        EnumSet.of(Code.DURATION_ROUNDED)),
                new Row("restart policy on-failure", PROCESS + "    restart: { policy: on-failure }\n", "spec.replicas", "1",
                        EnumSet.of(Code.RESTART_POLICY_NOT_EXPRESSIBLE)),
                new Row("rearmAfter", PROCESS + "    restart: { rearmAfter: 30m }\n", "spec.strategy", "{ type: Recreate }",
                        EnumSet.of(Code.REARM_NOT_EXPRESSIBLE)),
                new Row("logs rotation", PROCESS + "    logs: { maxSize: 1m, keep: 2 }\n", "spec.replicas", "1",
                        EnumSet.of(Code.LOG_ROTATION_NOT_EXPRESSIBLE)),
                new Row("a loopback address in the command", "    process: { command: [/bin/app, --server, 'localhost:9'] }\n"
                        + "    kubernetes: { image: app:1 }\n", CONTAINER + "command", "[/bin/app, --server, 'localhost:9']",
                        EnumSet.of(Code.LOOPBACK_ADDRESS)),
                new Row("dependsOn a component with a Service", PROCESS + "    dependsOn: [db]\n", POD + "initContainers",
                        "[ { name: wait-for-db, image: 'busybox:1.36', command: [sh, -c,"
                                + " 'until nc -z -w 2 db 5432; do echo waiting for db; sleep 2; done'] } ]", none()),
                new Row("dependsOn a component without Service", PROCESS + "    dependsOn: [worker]\n", POD + "initContainers", "~",
                        EnumSet.of(Code.DEPENDENCY_WITHOUT_SERVICE)));
    }

    private static Set<Code> none() {
        return EnumSet.noneOf(Code.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void fieldMapsOrWarns(Row row) throws Exception {
        Export export = export("components:\n  app:\n" + row.component()
                + "  db:\n    process: { command: [/bin/db] }\n    kubernetes: { image: db:1 }\n"
                + "    probes: { readiness: { checks: [ { tcp: { host: 127.0.0.1, port: 5432 } } ] } }\n"
                + "  worker:\n    process: { command: [/bin/worker] }\n    kubernetes: { image: worker:1 }\n");
        ComponentManifests app = export.components().stream().filter(c -> c.component().equals("app")).findFirst().orElseThrow();
        // Through JSON text, so that numbers compare as the YAML reader reads them.
        Object deployment = new Yaml().load(new ObjectMapper().writeValueAsString(KubernetesProbeMappingTest.deployment(app)));
        assertEquals(new Yaml().load(row.expected()), at(deployment, row.path()), row.name());
        Set<Code> codes = app.warnings().stream().map(ExportWarning::code).filter(c -> !ALWAYS.contains(c))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Code.class)));
        assertEquals(row.warnings(), codes, app.warnings().toString());
    }

    @Test
    void aServiceExposesEachCheckedPortOnceAndAlertsAreReported() throws Exception {
        Export export = export("""
                components:
                  app:
                    process: { command: [/bin/app] }
                    kubernetes: { image: app:1 }
                    probes:
                      startup: { checks: [ { tcp: { port: 8080 } } ] }
                      liveness: { checks: [ { http: { url: 'http://localhost:8080/health' } } ] }
                      readiness: { checks: [ { grpc: { port: 9090 } }, { tcp: { host: db.internal, port: 5432 } } ] }
                alerts:
                  - events: [failed]
                    exec: { command: [/bin/page] }
                """);
        List<HasMetadata> objects = export.components().get(0).objects();
        Service service = (Service) objects.get(0);
        assertEquals(List.of("tcp-8080:8080", "grpc-9090:9090"),
                service.getSpec().getPorts().stream().map(p -> p.getName() + ":" + p.getPort()).toList());
        assertEquals(List.of(Code.DAEMON_NOT_EXPORTED, Code.ALERTS_NOT_EXPORTED), export.fileWarnings().stream().map(ExportWarning::code).toList());
        assertTrue(export.warnings().containsAll(export.fileWarnings()));
    }

    @Test
    void theNamespaceGoesIntoEveryObject() throws Exception {
        Path file = Files.writeString(dir.resolve("ns.yaml"), "components:\n  app:\n" + PROCESS
                + "    probes: { liveness: { checks: [ { tcp: { port: 1 } } ] } }\n");
        Export export = KubernetesExport.export(ConfigLoader.load(file, Map.of()),
                new ExportOptions("team-a", Map.of("app", "other:2"), false));
        List<HasMetadata> objects = export.components().get(0).objects();
        assertEquals(List.of("team-a", "team-a"), objects.stream().map(o -> o.getMetadata().getNamespace()).toList());
        assertEquals("other:2", KubernetesProbeMappingTest.container(export.components().get(0)).getImage(),
                "--image wins over kubernetes.image");
    }

    private Export export(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("stigmer.yaml"), yaml);
        return KubernetesExport.export(ConfigLoader.load(file, Map.of()), new ExportOptions(null, Map.of(), false));
    }

    /** The value at a dotted path such as {@code spec.template.spec.containers[0].image}; null if absent. */
    private static Object at(Object root, String path) {
        Object node = root;
        for (String part : path.split("\\.")) {
            String key = part.replaceAll("\\[\\d+]$", "");
            node = node instanceof Map<?, ?> map ? map.get(key) : null;
            if (part.endsWith("]") && node instanceof List<?> list) {
                node = list.get(Integer.parseInt(part.substring(part.indexOf('[') + 1, part.length() - 1)));
            }
        }
        return node;
    }
}
