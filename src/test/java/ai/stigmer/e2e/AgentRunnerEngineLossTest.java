package ai.stigmer.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.Await;
import ai.stigmer.testing.StigmerInstall;
import com.github.dockerjava.api.DockerClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Docker engine goes away while agent-runner runs, and comes back. The daemon talks to a
 * {@link PrivateDockerd} (through {@code DOCKER_HOST}), so stopping the engine touches nobody else.
 */
class AgentRunnerEngineLossTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String DOCKER = "agent-runner";
    private static final String PROCESS = "sleeper";

    @TempDir
    Path dir;
    private DockerClient machineEngine;
    private PrivateDockerd engine;
    private StigmerInstall install;

    @BeforeEach
    void setUp() throws Exception {
        machineEngine = DockerE2e.requireEngine(); // the image comes from there
        engine = PrivateDockerd.start(machineEngine, DockerE2e.IMAGE);
        install = new StigmerInstall(dir).env("DOCKER_HOST", engine.host().toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (install != null) {
                install.close();
            }
        } finally {
            if (engine != null) {
                engine.close();
            }
            DockerE2e.closeQuietly(machineEngine);
        }
    }

    private String attribute(String component, String attribute) {
        return String.valueOf(install.attribute(component, attribute));
    }

    @Test
    void engineLossMakesTheComponentUnhealthyWhileTheWatchdogCarriesOnAndItRecoversWhenTheEngineIsBack()
            throws Exception {
        String name = DockerE2e.uniqueName();
        install.config("""
                defaults:
                  restart:
                    backoff: { initial: 200ms, multiplier: 2.0, max: 1s }
                    maxRestarts: 100
                    minUptime: 2s
                  stop: { timeout: 2s }
                components:
                  agent-runner:
                    docker: { image: %s, name: %s, env: { AGENT_HEARTBEAT_SECONDS: "1" } }
                    probes:
                      liveness: { period: 1s, timeout: 3s, failureThreshold: 3, checks: [ { container: {} } ] }
                  sleeper:
                    process: { command: [sleep, "1000"] }
                """.formatted(DockerE2e.IMAGE, name));
        install.start();
        install.awaitState(DOCKER, "Running", WAIT);
        install.awaitState(PROCESS, "Running", WAIT);
        String container = attribute(DOCKER, "ContainerId");

        engine.stop();

        String unreachable = "Docker is not reachable at " + engine.host();
        Await.until("LastError says the engine is gone", WAIT, () -> attribute(DOCKER, "LastError").contains(unreachable));
        String lost = "Component marked unhealthy (Docker daemon connection lost: " + unreachable;
        Await.until("the daemon log says the connection was lost", WAIT, () -> install.daemonOut().contains(lost));
        assertNotEquals("Running", attribute(DOCKER, "State"));
        // ContainerId names the old container while its stop is in flight (SPEC §6), then it is let go.
        Await.until("the lost container is let go", WAIT, () -> "".equals(attribute(DOCKER, "ContainerId")));
        StigmerInstall.Result status = install.stigmer("server", "status");
        assertEquals(1, status.exit(), status.out());
        assertTrue(status.out().contains(unreachable), status.out());
        assertTrue(status.out().contains("Health Monitoring: ✓ Active"), status.out());

        // The watchdog keeps working for everything else.
        assertEquals(Boolean.TRUE, install.daemonAttribute("MonitoringActive"));
        assertEquals("Running", attribute(PROCESS, "State"));
        long pid = install.pid(PROCESS);
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        Await.until("sleeper restarted", WAIT, () -> install.restarts(PROCESS) == 1
                && "Running".equals(install.state(PROCESS)) && install.pid(PROCESS) != pid);
        assertEquals(Boolean.TRUE, install.daemonAttribute("MonitoringActive"));
        assertTrue(attribute(DOCKER, "LastError").contains(unreachable), attribute(DOCKER, "LastError"));
        assertNotEquals("Failed", attribute(DOCKER, "State"));

        engine.start();

        install.awaitState(DOCKER, "Running", WAIT);
        // The container ran on meanwhile (live restore): the next launch took it over.
        assertEquals(container, attribute(DOCKER, "ContainerId"));
        assertTrue(((Number) install.attribute(DOCKER, "Restarts")).intValue() >= 1);
        try (DockerClient client = engine.client()) {
            assertTrue(DockerE2e.running(client, container));
            assertEquals(1, DockerE2e.managed(client, name).size());
        }
        assertTrue(install.daemonOut().contains("[agent-runner] Component restarted successfully"), install.daemonOut());
        status = install.stigmer("server", "status");
        assertEquals(0, status.exit(), status.out());
        assertTrue(status.out().contains("Container: " + container.substring(0, 12)), status.out());

        StigmerInstall.Result stop = install.stigmer("server", "stop");
        assertEquals(0, stop.exit(), stop.out());
        try (DockerClient client = engine.client()) {
            assertEquals(0, DockerE2e.managed(client, name).size(), "stop removed the container");
        }
    }
}
