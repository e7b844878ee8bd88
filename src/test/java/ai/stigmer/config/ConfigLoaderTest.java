package ai.stigmer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private static final String FULL = """
            daemon:
              jmx: { host: 127.0.0.1, port: 50100 }
            defaults:
              restart:
                policy: on-failure
                backoff: { initial: 500ms, multiplier: 1.5, max: 30s, jitter: 0.1 }
                maxRestarts: 5
                window: 5m
                minUptime: 1.5s
              stop: { timeout: 5s }
              probes:
                liveness: { period: 20s }
            components:
              agent-runner:
                dependsOn: [stigmer-server]
                docker:
                  image: ${REGISTRY}/agent-runner:1.0
                  command: [run, --verbose]
                  env: { MODE: prod }
                  mounts: ["${DATA}:/data:ro"]
                  network: host
                probes:
                  liveness: { checks: [ { container: {} } ] }
              stigmer-server:
                process:
                  command: [java, -jar, "${INSTALL}/lib/server.jar"]
                  env: { PORT: "50051" }
                  workingDir: work
                restart: { policy: always, backoff: { max: 2m } }
                probes:
                  startup:   { checks: [ { process: {} }, { grpc: { port: 50051 } } ] }
                  liveness:  { timeout: 4s, checks: [ { process: {} }, { grpc: { port: 50051, service: stigmer } } ] }
                  readiness:
                    checks:
                      - tcp: { host: localhost, port: 50051 }
                      - http: { url: "http://127.0.0.1:8080/ready" }
              workflow-runner:
                dependsOn: [stigmer-server]
                process: { command: [bin/worker] }
                stop: { timeout: 1m }
                probes:
                  startup:  { initialDelay: 250ms, checks: [ { process: {} }, { uptime: { min: 10s } } ] }
                  liveness: { checks: [ { process: {} }, { exec: { command: [sh, -c, "test -f ${INSTALL}/ok"] } } ] }
            """;

    private static final Map<String, String> VARS =
            Map.of("REGISTRY", "registry.local", "DATA", "/srv/data", "INSTALL", "/opt/stigmer");

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("stigmer.yaml"), yaml);
    }

    @Test
    void fullConfigLoadsWithDefaultsMergedAndOverridesApplied() throws Exception {
        Path file = write(FULL);
        StigmerConfig config = ConfigLoader.load(file, VARS);

        assertEquals(file, config.source());
        assertEquals(new JmxConfig("127.0.0.1", 50100), config.jmx());
        assertEquals(List.of("stigmer-server", "agent-runner", "workflow-runner"),
                config.components().stream().map(ComponentConfig::name).toList());

        RestartSpec fromDefaults = new RestartSpec(RestartPolicy.ON_FAILURE,
                new BackoffSpec(Duration.ofMillis(500), 1.5, Duration.ofSeconds(30), 0.1),
                5, Duration.ofMinutes(5), Duration.ofMillis(1500));

        ComponentConfig server = config.component("stigmer-server").orElseThrow();
        assertEquals("process", server.kind());
        assertEquals(List.of(), server.dependsOn());
        assertEquals(new RestartSpec(RestartPolicy.ALWAYS,
                new BackoffSpec(Duration.ofMillis(500), 1.5, Duration.ofMinutes(2), 0.1),
                5, Duration.ofMinutes(5), Duration.ofMillis(1500)), server.restart());
        assertEquals(Duration.ofSeconds(5), server.stopTimeout());
        assertEquals(new ProcessSpec(List.of("java", "-jar", "/opt/stigmer/lib/server.jar"),
                Map.of("PORT", "50051"), dir.toAbsolutePath().resolve("work")), server.process());
        assertNull(server.docker());
        assertEquals(new ProbeSpec(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 30,
                List.of(new CheckSpec.Process(), new CheckSpec.Grpc("127.0.0.1", 50051, ""))), server.startup());
        assertEquals(new ProbeSpec(Duration.ZERO, Duration.ofSeconds(20), Duration.ofSeconds(4), 1, 3,
                List.of(new CheckSpec.Process(), new CheckSpec.Grpc("127.0.0.1", 50051, "stigmer"))), server.liveness());
        assertEquals(new ProbeSpec(Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(2), 1, 3,
                List.of(new CheckSpec.Tcp("localhost", 50051), new CheckSpec.Http(URI.create("http://127.0.0.1:8080/ready")))),
                server.readiness());

        ComponentConfig agent = config.component("agent-runner").orElseThrow();
        assertEquals("docker", agent.kind());
        assertEquals(List.of("stigmer-server"), agent.dependsOn());
        assertEquals(fromDefaults, agent.restart());
        assertEquals(new DockerSpec("registry.local/agent-runner:1.0", "stigmer-agent-runner", List.of("run", "--verbose"),
                Map.of("MODE", "prod"), List.of("/srv/data:/data:ro"), "host"), agent.docker());
        assertNull(agent.process());
        assertNull(agent.startup());
        assertNull(agent.readiness());
        assertEquals(List.of(new CheckSpec.Container()), agent.liveness().checks());
        assertEquals(Duration.ofSeconds(20), agent.liveness().period());

        ComponentConfig worker = config.component("workflow-runner").orElseThrow();
        assertEquals(Duration.ofMinutes(1), worker.stopTimeout());
        assertEquals(fromDefaults, worker.restart());
        assertEquals(new ProcessSpec(List.of("bin/worker"), Map.of(), null), worker.process());
        assertEquals(new ProbeSpec(Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 30,
                List.of(new CheckSpec.Process(), new CheckSpec.Uptime(Duration.ofSeconds(10)))), worker.startup());
        assertEquals(new CheckSpec.Exec(List.of("sh", "-c", "test -f /opt/stigmer/ok")), worker.liveness().checks().get(1));
    }

    @Test
    void builtInDefaultsApplyWhenTheFileSaysNothing() throws Exception {
        StigmerConfig config = ConfigLoader.load(write("""
                components:
                  solo:
                    process: { command: [sleep, "100"] }
                    probes:
                      startup:   { checks: [ { process: {} } ] }
                      liveness:  { checks: [ { process: {} } ] }
                      readiness: { checks: [ { process: {} } ] }
                """), Map.of());
        assertEquals(JmxConfig.DEFAULT, config.jmx());
        ComponentConfig solo = config.components().get(0);
        assertEquals(RestartSpec.DEFAULT, solo.restart());
        assertEquals(Duration.ofSeconds(10), solo.stopTimeout());
        List<CheckSpec> process = List.of(new CheckSpec.Process());
        assertEquals(new ProbeSpec(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 30, process), solo.startup());
        assertEquals(new ProbeSpec(Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(3), 1, 3, process), solo.liveness());
        assertEquals(new ProbeSpec(Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(2), 1, 3, process), solo.readiness());
    }

    @Test
    void zeroInitialBackoffIsAccepted() throws Exception {
        StigmerConfig config = ConfigLoader.load(write("""
                components:
                  eager:
                    process: { command: [sleep, "100"] }
                    restart: { backoff: { initial: 0s } }
                """), VARS);
        assertEquals(java.time.Duration.ZERO, config.components().get(0).restart().backoff().initial());
    }

    @Test
    void theEndpointsSitNextToJmxUnlessTheFileMovesOrDisablesThem() throws Exception {
        String component = "components:\n  app:\n    process: { command: [sleep, \"100\"] }\n";
        assertEquals(new HttpConfig(true, "127.0.0.1", 50100, false),
                ConfigLoader.load(write(component), VARS).http());
        assertEquals(new HttpConfig(true, "127.0.0.1", 51001, false),
                ConfigLoader.load(write("daemon: { jmx: { port: 51000 } }\n" + component), VARS).http());
        assertEquals(new HttpConfig(true, "localhost", 9400, true),
                ConfigLoader.load(write("daemon: { http: { host: localhost, port: 9400 } }\n" + component), VARS).http());
        assertEquals(HttpConfig.DISABLED,
                ConfigLoader.load(write("daemon: { http: { enabled: false } }\n" + component), VARS).http());
    }

    @Test
    void alertsAndTheRearmCoolDownAreRead() throws Exception {
        StigmerConfig config = ConfigLoader.load(write("""
                defaults:
                  restart: { rearmAfter: 30m }
                alerts:
                  - events: [failed, rearmed]
                    components: [app]
                    exec: { command: [notify, "${DATA}"], timeout: 3s }
                  - events: [not-ready]
                    webhook: { url: "http://127.0.0.1:9/hook" }
                    minInterval: 0s
                components:
                  app:
                    process: { command: [sleep, "100"] }
                """), VARS);
        assertEquals(java.time.Duration.ofMinutes(30), config.components().get(0).restart().rearmAfter());
        assertEquals(List.of(
                new AlertSpec(Set.of("failed", "rearmed"), List.of("app"), List.of("notify", "/srv/data"), null,
                        java.time.Duration.ofSeconds(3), AlertSpec.DEFAULT_MIN_INTERVAL),
                new AlertSpec(Set.of("not-ready"), List.of(), null, java.net.URI.create("http://127.0.0.1:9/hook"),
                        AlertSpec.DEFAULT_TIMEOUT, java.time.Duration.ZERO)), config.alerts());
        assertTrue(config.alerts().get(1).matches("any", "not-ready"));
        assertFalse(config.alerts().get(0).matches("other", "failed"));
    }

    @Test
    void startOrderIsTopologicalWithTiesInFileOrder() throws Exception {
        StigmerConfig config = ConfigLoader.load(write("""
                components:
                  a: { dependsOn: [c], process: { command: [x] } }
                  b: { process: { command: [x] } }
                  c: { dependsOn: [d], process: { command: [x] } }
                  d: { process: { command: [x] } }
                  e: { dependsOn: [a, b], process: { command: [x] } }
                """), Map.of());
        assertEquals(List.of("b", "d", "c", "a", "e"), config.components().stream().map(ComponentConfig::name).toList());
    }

    @Test
    void variablesAreExpandedAndDoubleDollarIsALiteralDollar() throws Exception {
        StigmerConfig config = ConfigLoader.load(write("""
                components:
                  app:
                    process:
                      command: ["${BIN}/app", "--price=$$5", "${A}${B}", "$HOME"]
                      env: { GREETING: "hi ${NAME}" }
                      workingDir: "${ROOT}/run"
                """), Map.of("BIN", "/opt/bin", "A", "1", "B", "2", "NAME", "you", "ROOT", "/srv"));
        ProcessSpec process = config.components().get(0).process();
        assertEquals(List.of("/opt/bin/app", "--price=$5", "12", "$HOME"), process.command());
        assertEquals(Map.of("GREETING", "hi you"), process.env());
        assertEquals(Path.of("/srv/run"), process.workingDir());
    }

    @Test
    void unknownVariableIsNamedWithItsKeyPath() throws IOException {
        Path file = write("""
                components:
                  app:
                    process: { command: [run], env: { TOKEN: "${SECRET_TOKEN}" } }
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of("OTHER", "x")));
        assertEquals("components.app.process.env.TOKEN", e.keyPath());
        assertEquals("unknown variable ${SECRET_TOKEN}", e.problem());
        assertEquals(file, e.file());
    }

    @Test
    void unknownVariableInAnExecCheckOfDefaults() throws IOException {
        Path file = write("""
                defaults:
                  probes:
                    liveness: { checks: [ { exec: { command: [check, "${MISSING}"] } } ] }
                components:
                  app: { process: { command: [run] } }
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertEquals("defaults.probes.liveness.checks[0].exec.command[1]", e.keyPath());
        assertEquals("unknown variable ${MISSING}", e.problem());
    }

    @Test
    void missingFileIsAConfigException() {
        Path file = dir.resolve("absent.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertEquals(file, e.file());
        assertEquals("no such file", e.problem());
    }

    @Test
    void daemonSettingsAndLogRotationAreReadWithDefaultsFillingTheGaps() throws Exception {
        StigmerConfig config = ConfigLoader.load(write("""
                daemon:
                  maxConcurrentLaunches: 3
                  logs: { maxSize: 20m }
                defaults:
                  logs: { keep: 2 }
                components:
                  quiet:
                    process: { command: [run] }
                  chatty:
                    process: { command: [run] }
                    logs: { maxSize: 512k }
                """), Map.of());
        assertEquals(3, config.maxConcurrentLaunches());
        assertEquals(new LogsSpec(20L << 20, 5), config.logs());
        assertEquals(new LogsSpec(10L << 20, 2), config.component("quiet").orElseThrow().logs());
        assertEquals(new LogsSpec(512L << 10, 2), config.component("chatty").orElseThrow().logs());

        StigmerConfig plain = ConfigLoader.load(write("components: { app: { process: { command: [run] } } }\n"), Map.of());
        assertEquals(Runtime.getRuntime().availableProcessors(), plain.maxConcurrentLaunches());
        assertEquals(LogsSpec.DEFAULT, plain.logs());
        assertEquals(LogsSpec.DEFAULT, plain.component("app").orElseThrow().logs());
    }
}
