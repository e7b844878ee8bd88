package ai.stigmer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each broken file is refused with the key path where the mistake was written and a clear reason. */
class ConfigLoaderErrorsTest {
    @TempDir
    Path dir;

    /** A valid component to append to configs whose mistake is elsewhere. */
    private static final String OK_COMPONENT = """
            components:
              app:
                process: { command: [run] }
            """;

    static Stream<Arguments> brokenConfigs() {
        return Stream.of(
                broken("unknown top-level key", "demon: {}\n" + OK_COMPONENT,
                        "demon", "unknown key 'demon'; allowed here: daemon, defaults, components, alerts"),
                broken("an alert on an unknown event", "alerts: [ { events: [crashed], exec: { command: [notify] } } ]\n"
                        + OK_COMPONENT, "alerts[0].events[0]", "unknown event 'crashed'; allowed: unhealthy, restarting,"
                        + " restarted, failed, rearmed, ready, not-ready"),
                broken("an alert keyed on:, which YAML reads as true", "alerts: [ { on: [failed], exec: { command: [notify] } } ]\n"
                        + OK_COMPONENT, "alerts[0].true", "keys must be strings (on, off, yes and no are read as true or false:"
                        + " quote them; alerts take events:, not on:)"),
                broken("the endpoints on a public address", "daemon: { http: { host: 0.0.0.0 } }\n" + OK_COMPONENT,
                        "daemon.http.host", "the metrics and health endpoints must listen on loopback only"),
                broken("the endpoints on the JMX port", "daemon: { jmx: { port: 50099 }, http: { port: 50099 } }\n"
                        + OK_COMPONENT, "daemon.http.port", "is the JMX port; the endpoints need a port of their own"),
                broken("no port after JMX's", "daemon: { jmx: { port: 65535 } }\n" + OK_COMPONENT,
                        "daemon.http", "no default port after the JMX port 65535: set daemon.http.port"),
                broken("an alert with two hooks", "alerts: [ { events: [failed], exec: { command: [notify] },"
                        + " webhook: { url: \"http://127.0.0.1:9/\" } } ]\n" + OK_COMPONENT,
                        "alerts[0]", "has both exec and webhook; write two alerts for two hooks"),
                broken("an alert without a hook", "alerts: [ { events: [failed] } ]\n" + OK_COMPONENT,
                        "alerts[0]", "needs exactly one of exec or webhook"),
                broken("an alert for an unknown component", "alerts: [ { events: [failed], components: [ap],"
                        + " exec: { command: [notify] } } ]\n" + OK_COMPONENT,
                        "alerts[0].components[0]", "unknown component 'ap'; components are: app"),
                broken("a rearm after a negative cool-down", """
                        defaults: { restart: { rearmAfter: -5m } }
                        """ + OK_COMPONENT,
                        "defaults.restart.rearmAfter", "must not be negative"),
                broken("no components", "daemon: { jmx: { port: 50099 } }\n",
                        "components", "no components"),
                broken("JMX on a public address", "daemon: { jmx: { host: 0.0.0.0 } }\n" + OK_COMPONENT,
                        "daemon.jmx.host", "JMX must listen on loopback only"),
                broken("no launch at all", "daemon: { maxConcurrentLaunches: 0 }\n" + OK_COMPONENT,
                        "daemon.maxConcurrentLaunches", "must be between 1 and 10000"),
                broken("log size without a number", "daemon: { logs: { maxSize: big } }\n" + OK_COMPONENT,
                        "daemon.logs.maxSize", "expected a size such as 10m"),
                broken("log size too small to rotate", """
                        defaults: { logs: { maxSize: 100 } }
                        """ + OK_COMPONENT,
                        "defaults.logs.maxSize", "must be at least 4k"),
                broken("no rotated file kept", """
                        components:
                          app:
                            process: { command: [run] }
                            logs: { keep: 0 }
                        """,
                        "components.app.logs.keep", "must be between 1 and 1000"),
                broken("JMX port out of range", "daemon: { jmx: { port: 70000 } }\n" + OK_COMPONENT,
                        "daemon.jmx.port", "must be between 1 and 65535"),
                broken("duration without unit in defaults", """
                        defaults: { probes: { liveness: { period: 10 } } }
                        """ + OK_COMPONENT,
                        "defaults.probes.liveness.period", "expected a duration with a unit, such as 10s"),
                broken("quoted duration without unit", """
                        defaults: { stop: { timeout: "10" } }
                        """ + OK_COMPONENT,
                        "defaults.stop.timeout", "expected a duration with a unit"),
                broken("zero period in a component", """
                        components:
                          app:
                            process: { command: [run] }
                            probes: { liveness: { period: 0s, checks: [ { process: {} } ] } }
                        """,
                        "components.app.probes.liveness.period", "must be greater than 0"),
                broken("negative timeout inherited from defaults", """
                        defaults: { probes: { readiness: { timeout: -2s } } }
                        """ + OK_COMPONENT,
                        "defaults.probes.readiness.timeout", "must not be negative"),
                broken("threshold below 1", """
                        components:
                          app:
                            process: { command: [run] }
                            probes: { startup: { failureThreshold: 0 } }
                        """,
                        "components.app.probes.startup.failureThreshold", "must be at least 1"),
                broken("memory limit without a unit that makes sense", """
                        components:
                          app:
                            process: { command: [run], resources: { memory: 64x } }
                        """,
                        "components.app.process.resources.memory", "expected a size such as 256m"),
                broken("cpu limit of zero", """
                        components:
                          app:
                            process: { command: [run], resources: { cpu: 0 } }
                        """,
                        "components.app.process.resources.cpu", "must be a number of cores between 0.01"),
                broken("unknown resource", """
                        components:
                          app:
                            process: { command: [run], resources: { disk: 1g } }
                        """,
                        "components.app.process.resources.disk", "unknown key 'disk'; allowed here: memory, cpu, pids"),
                broken("misspelt probe key", """
                        components:
                          app:
                            process: { command: [run] }
                            probes: { liveness: { perod: 5s } }
                        """,
                        "components.app.probes.liveness.perod", "unknown key 'perod'; allowed here: initialDelay, period"),
                broken("port that is not a number", """
                        components:
                          app:
                            process: { command: [run] }
                            probes: { liveness: { checks: [ { process: {} }, { tcp: { port: abc } } ] } }
                        """,
                        "components.app.probes.liveness.checks[1].tcp.port", "expected a whole number, found 'abc'"),
                broken("unknown check type", """
                        components:
                          app:
                            process: { command: [run] }
                            probes: { liveness: { checks: [ { process: {} }, { ping: { port: 1 } } ] } }
                        """,
                        "components.app.probes.liveness.checks[1].ping", "unknown check type 'ping'; allowed: process, tcp"),
                broken("check with two types", """
                        components:
                          app:
                            process: { command: [run] }
                            probes: { liveness: { checks: [ { process: {}, tcp: { port: 1 } } ] } }
                        """,
                        "components.app.probes.liveness.checks[0]", "a check is a map with one key"),
                broken("container check on a process component", """
                        components:
                          app:
                            process: { command: [run] }
                            probes: { liveness: { checks: [ { container: {} } ] } }
                        """,
                        "components.app.probes.liveness.checks[0].container", "only valid for docker components"),
                broken("process check on a docker component", """
                        components:
                          app:
                            docker: { image: busybox }
                            probes: { liveness: { checks: [ { process: {} } ] } }
                        """,
                        "components.app.probes.liveness.checks[0].process", "only valid for process components"),
                broken("ftp URL", """
                        components:
                          app:
                            process: { command: [run] }
                            probes: { readiness: { checks: [ { http: { url: "ftp://host/x" } } ] } }
                        """,
                        "components.app.probes.readiness.checks[0].http.url", "http:// or https://"),
                broken("multiplier below 1", """
                        defaults: { restart: { backoff: { multiplier: 0.5 } } }
                        """ + OK_COMPONENT,
                        "defaults.restart.backoff.multiplier", "must be at least 1"),
                broken("jitter above 1", """
                        components:
                          app:
                            process: { command: [run] }
                            restart: { backoff: { jitter: 1.5 } }
                        """,
                        "components.app.restart.backoff.jitter", "must be between 0 and 1"),
                broken("backoff max below an overridden initial", """
                        components:
                          app:
                            process: { command: [run] }
                            restart: { backoff: { initial: 2m } }
                        """,
                        "components.app.restart.backoff.initial", "backoff max (1m) is less than initial (2m)"),
                broken("negative maxRestarts", """
                        defaults: { restart: { maxRestarts: -1 } }
                        """ + OK_COMPONENT,
                        "defaults.restart.maxRestarts", "must be at least 0"),
                broken("unknown restart policy", """
                        components:
                          app:
                            process: { command: [run] }
                            restart: { policy: sometimes }
                        """,
                        "components.app.restart.policy", "unknown restart policy 'sometimes'; allowed: always, on-failure, never"),
                broken("neither process nor docker", """
                        components:
                          app: { dependsOn: [] }
                        """,
                        "components.app", "needs exactly one of process or docker"),
                broken("both process and docker", """
                        components:
                          app: { process: { command: [run] }, docker: { image: busybox } }
                        """,
                        "components.app", "has both process and docker"),
                broken("empty command", """
                        components:
                          app: { process: { command: [] } }
                        """,
                        "components.app.process.command", "must not be empty"),
                broken("command as one string", """
                        components:
                          app: { process: { command: "java -jar app.jar" } }
                        """,
                        "components.app.process.command", "write the command as a list"),
                broken("command item that is not a string", """
                        components:
                          app: { process: { command: [sleep, [10]] } }
                        """,
                        "components.app.process.command[1]", "expected a string, found a list"),
                broken("env value that is not a string", """
                        components:
                          app: { process: { command: [run], env: { PORT: 8080 } } }
                        """,
                        "components.app.process.env.PORT", "expected a string, found integer 8080 (quote it)"),
                broken("docker without image", """
                        components:
                          app: { docker: { name: app } }
                        """,
                        "components.app.docker.image", "required"),
                broken("bad mount", """
                        components:
                          app: { docker: { image: busybox, mounts: ["/data"] } }
                        """,
                        "components.app.docker.mounts[0]", "expected source:target"),
                broken("invalid component name", """
                        components:
                          Bad_Name: { process: { command: [run] } }
                        """,
                        "components.Bad_Name", "must match [a-z0-9][a-z0-9-]{0,62}"),
                broken("unknown dependency", """
                        components:
                          app: { dependsOn: [ghost], process: { command: [run] } }
                        """,
                        "components.app.dependsOn[0]", "unknown component 'ghost'"),
                broken("self-dependency", """
                        components:
                          app: { dependsOn: [app], process: { command: [run] } }
                        """,
                        "components.app.dependsOn[0]", "cannot depend on itself"),
                broken("dependency cycle", """
                        components:
                          root: { process: { command: [run] } }
                          a: { dependsOn: [root, b], process: { command: [run] } }
                          b: { dependsOn: [c], process: { command: [run] } }
                          c: { dependsOn: [a], process: { command: [run] } }
                        """,
                        "components.a.dependsOn", "dependency cycle: a -> b -> c -> a"),
                broken("duplicate key", """
                        components:
                          app: { process: { command: [run] } }
                          app: { process: { command: [run] } }
                        """,
                        "", "duplicate key app"),
                broken("YAML syntax error", "components:\n  app: { process: [ }\n",
                        "", "invalid YAML: line 2, column"),
                broken("alias that contains itself", "components:\n  app: &loop { process: { command: [run] }, x: *loop }\n",
                        "components.app.x", "a YAML alias that contains itself"),
                broken("not a map at the top", "- just\n- a list\n",
                        "", "expected a map, found a list"));
    }

    private static Arguments broken(String name, String yaml, String keyPath, String problemPart) {
        return Arguments.of(name, yaml, keyPath, problemPart);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenConfigs")
    void isRefusedWithKeyPathAndReason(String name, String yaml, String keyPath, String problemPart) throws Exception {
        Path file = Files.writeString(dir.resolve("stigmer.yaml"), yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertEquals(file, e.file());
        assertEquals(keyPath, e.keyPath(), e.getMessage());
        assertTrue(e.problem().contains(problemPart), () -> "problem was: " + e.problem());
    }

    @Test
    void everyMistakeOfAFileIsFoundInOneReadingTheFirstOneLeading() throws Exception {
        Path file = Files.writeString(dir.resolve("stigmer.yaml"), """
                daemon: { jmx: { port: 70000 }, colour: blue }
                defaults: { probes: { liveness: { period: 10 } } }
                components:
                  app:
                    process: { command: [run], resources: { cpu: 0 } }
                    restart: { policy: sometimes, maxRestarts: -1 }
                  web:
                    dependsOn: [ghost]
                    process: { command: [run] }
                    probes: { readiness: { timeout: 0s, checks: [ { ping: {} } ] } }
                  other:
                    process: { command: [run] }
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertEquals(List.of(
                new ConfigException.Problem("daemon.colour", "unknown key 'colour'; allowed here: jmx, http, maxConcurrentLaunches, logs"),
                new ConfigException.Problem("daemon.jmx.port", "must be between 1 and 65535, found 70000"),
                new ConfigException.Problem("defaults.probes.liveness.period", "expected a duration with a unit, such as 10s (units: ms, s, m, h), found integer 10"),
                new ConfigException.Problem("components.app.restart.policy", "unknown restart policy 'sometimes'; allowed: always, on-failure, never"),
                new ConfigException.Problem("components.app.restart.maxRestarts", "must be at least 0, found -1"),
                new ConfigException.Problem("components.app.process.resources.cpu", "must be a number of cores between 0.01 and 4096, such as 0.5, found 0.0"),
                new ConfigException.Problem("components.web.probes.readiness.timeout", "must be greater than 0, found 0s"),
                new ConfigException.Problem("components.web.probes.readiness.checks[0].ping", "unknown check type 'ping'; allowed: process, tcp, grpc, http, exec, uptime, container"),
                new ConfigException.Problem("components.web.dependsOn[0]", "unknown component 'ghost'; components are: app, web, other")),
                e.problems());
        assertEquals(file + ": daemon.colour: unknown key 'colour'; allowed here: jmx, http, maxConcurrentLaunches, logs",
                e.getMessage(), "the first mistake, as a single one reads");
    }
}
