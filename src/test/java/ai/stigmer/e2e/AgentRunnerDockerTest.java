package ai.stigmer.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.Await;
import ai.stigmer.testing.StigmerInstall;
import com.github.dockerjava.api.DockerClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * agent-runner in Docker, end to end: the real {@code bin/stigmer} daemon supervising a container
 * on the real engine, observed over JMX, through {@code bin/stigmer server status} and through the
 * Engine API. Each test has its own container name and short timings.
 */
class AgentRunnerDockerTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String COMPONENT = "agent-runner";

    @TempDir
    Path dir;
    private DockerClient docker;
    private StigmerInstall install;
    private String name;
    private final List<String> containers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        docker = DockerE2e.requireEngine();
        name = DockerE2e.uniqueName();
        containers.add(name);
        install = new StigmerInstall(dir);
    }

    @AfterEach
    void tearDown() {
        try {
            if (install != null) {
                install.close();
            }
        } finally {
            containers.forEach(c -> DockerE2e.removeQuietly(docker, c));
            DockerE2e.closeQuietly(docker);
        }
    }

    /** Only the docker component, short timings; {@code probes} is the YAML under {@code probes:}. */
    private void config(String probes) {
        install.config("""
                defaults:
                  restart:
                    backoff: { initial: 200ms, multiplier: 2.0, max: 2s }
                    maxRestarts: 50
                    minUptime: 2s
                  stop: { timeout: 2s }
                components:
                  agent-runner:
                    docker:
                      image: %s
                      name: %s
                      env: { AGENT_HEARTBEAT_SECONDS: "1" }
                    probes:
                %s""".formatted(DockerE2e.IMAGE, name, probes.indent(6)));
    }

    private static final String LIVENESS = "liveness:  { period: 1s, timeout: 3s, failureThreshold: 2, checks: [ { container: {} } ] }";

    private String containerId() {
        return (String) install.attribute(COMPONENT, "ContainerId");
    }

    private boolean ready() {
        return (Boolean) install.attribute(COMPONENT, "Ready");
    }

    private String lastError() {
        return (String) install.attribute(COMPONENT, "LastError");
    }

    private void awaitRunningWithRestarts(int restarts) {
        try {
            Await.until(COMPONENT + " Running with Restarts " + restarts, WAIT,
                    () -> install.restarts(COMPONENT) == restarts && "Running".equals(install.state(COMPONENT)));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + install.daemonOut(), e);
        }
    }

    @Test
    void runsTheContainerAndRestartsItAfterDockerKill() throws Exception {
        config(LIVENESS);
        install.start();
        install.awaitState(COMPONENT, "Running", WAIT);
        String first = containerId();
        assertEquals(64, first.length(), "a full container id: " + first);
        assertTrue(DockerE2e.running(docker, first));
        assertEquals(name, DockerE2e.inspect(docker, first).orElseThrow().getName().substring(1));
        StigmerInstall.Result status = install.stigmer("server", "status");
        assertEquals(0, status.exit(), status.out());
        assertTrue(status.out().contains("Agent Runner (Docker):"), status.out());
        assertTrue(status.out().contains("Container: " + first.substring(0, 12) + "\n"), status.out());
        assertTrue(status.out().contains("Restarts: 0"), status.out());

        docker.killContainerCmd(first).exec();

        awaitRunningWithRestarts(1);
        String second = containerId();
        assertNotEquals(first, second, "a new container");
        assertTrue(DockerE2e.running(docker, second));
        assertEquals(137, ((Number) install.attribute(COMPONENT, "LastExitCode")).intValue(), "killed by SIGKILL");
        assertTrue(DockerE2e.inspect(docker, first).isEmpty(), "the killed container was removed");
        status = install.stigmer("server", "status");
        assertEquals(0, status.exit(), status.out());
        assertTrue(status.out().contains("Container: " + second.substring(0, 12) + "\n"), status.out());
        assertTrue(status.out().contains("Restarts: 1"), status.out());
        String log = install.daemonOut();
        assertTrue(log.contains("[agent-runner] Component marked unhealthy"), log);
        assertTrue(log.contains("Restarting component (attempt 1/50)"), log);
        assertTrue(log.contains("Component restarted successfully"), log);
    }

    @Test
    void anUnhealthyContainerIsRestartedByLivenessAndReadinessFollowsHealth() throws Exception {
        config(LIVENESS + "\nreadiness: { period: 1s, timeout: 3s, failureThreshold: 1, checks: [ { container: {} } ] }");
        install.start();
        install.awaitState(COMPONENT, "Running", WAIT);
        Await.until("ready once the HEALTHCHECK says healthy", WAIT, this::ready);
        String first = containerId();

        DockerE2e.exec(docker, first, "touch", "/tmp/unhealthy");

        Await.until("not ready while unhealthy", WAIT, () -> !ready());
        awaitRunningWithRestarts(1);
        String second = containerId();
        assertNotEquals(first, second, "liveness replaced the container");
        assertTrue(lastError().contains("liveness probe failed 2 times in a row: container: container is unhealthy"),
                lastError());
        Await.until("ready again once the new container is healthy", WAIT, this::ready);
        assertEquals("healthy", DockerE2e.inspect(docker, second).orElseThrow().getState().getHealth().getStatus());
        assertEquals(second, containerId());
    }

    @Test
    void readinessGoesFalseAndTrueWithHealthWithoutARestart() throws Exception {
        // Liveness tolerates a long unhealthy spell here: only readiness reacts.
        config("liveness:  { period: 1s, timeout: 3s, failureThreshold: 1000, checks: [ { container: {} } ] }\n"
                + "readiness: { period: 1s, timeout: 3s, failureThreshold: 1, checks: [ { container: {} } ] }");
        install.start();
        install.awaitState(COMPONENT, "Running", WAIT);
        Await.until("ready once healthy", WAIT, this::ready);
        String id = containerId();

        DockerE2e.exec(docker, id, "touch", "/tmp/unhealthy");
        Await.until("not ready while unhealthy", WAIT, () -> !ready());
        assertEquals("unhealthy", DockerE2e.inspect(docker, id).orElseThrow().getState().getHealth().getStatus());
        DockerE2e.exec(docker, id, "rm", "/tmp/unhealthy");
        Await.until("ready again once healthy", WAIT, this::ready);

        assertEquals("Running", install.state(COMPONENT));
        assertEquals(0, install.restarts(COMPONENT));
        assertEquals(id, containerId(), "the same container throughout");
    }

    @Test
    void serverStopLeavesNoStigmerContainerAndNeverTouchesALookalike() throws Exception {
        String lookalike = name + "-lookalike";
        containers.add(lookalike);
        String foreign = DockerE2e.runForeign(docker, lookalike);
        config(LIVENESS);
        install.start();
        install.awaitState(COMPONENT, "Running", WAIT);
        String id = containerId();
        assertEquals(1, DockerE2e.managed(docker, name).size());

        StigmerInstall.Result stop = install.stigmer("server", "stop");
        assertEquals(0, stop.exit(), stop.out());

        assertEquals(List.of(), DockerE2e.managed(docker, name), "no stigmer container left for " + name);
        assertTrue(DockerE2e.inspect(docker, id).isEmpty(), "the component's container was removed");
        assertTrue(DockerE2e.running(docker, foreign), "the lookalike without our labels still runs");
        assertEquals(lookalike, DockerE2e.inspect(docker, foreign).orElseThrow().getName().substring(1));
    }

    @Test
    void aForeignContainerHoldingTheNameIsNeverStoppedOrRemoved() throws Exception {
        String foreign = DockerE2e.runForeign(docker, name);
        config(LIVENESS);
        install.start();

        String expected = "a foreign container " + foreign.substring(0, 12) + " holds the name " + name;
        Await.until("LastError about the foreign container", WAIT, () -> lastError().contains(expected));
        assertNotEquals("Running", install.state(COMPONENT));
        assertEquals("", containerId(), "the foreign container is never the instance");
        StigmerInstall.Result status = install.stigmer("server", "status");
        assertEquals(1, status.exit(), status.out());
        assertTrue(status.out().contains(expected), status.out());
        assertTrue(DockerE2e.running(docker, foreign));

        StigmerInstall.Result stop = install.stigmer("server", "stop");
        assertEquals(0, stop.exit(), stop.out());
        assertTrue(DockerE2e.running(docker, foreign), "the foreign container still runs after the daemon stopped");
        assertEquals(List.of(), DockerE2e.managed(docker, name));
    }
}
