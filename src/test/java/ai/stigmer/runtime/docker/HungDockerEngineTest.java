package ai.stigmer.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.jmx.JmxCredentials;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.StigmerInstall;
import ai.stigmer.testing.WithStigmerInstall;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The real daemon ({@code bin/stigmer server}) on a Docker socket that accepts and never answers:
 * the daemon talks to the machine's engine through a {@link SocketProxy} (its {@code DOCKER_HOST})
 * that lets nothing through once hung. agent-runner's launch fails at its deadline with the reason
 * and backs off, its adoption after a daemon crash ends the same way, and meanwhile the rest of the
 * daemon (a process component, the watchdog, the JMX connector) answers as usual.
 *
 * <p>It mostly waits for deadlines, with an install, ports and container name of its own, so it runs
 * beside the rest of the suite ({@code junit-platform.properties}).
 */
@Execution(ExecutionMode.CONCURRENT)
class HungDockerEngineTest extends WithStigmerInstall {
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Generous upper bound for one Engine API deadline (5 s) on a loaded machine. */
    private static final Duration WITHIN_DEADLINE = Duration.ofSeconds(30);
    private static final String DOCKER = "agent-runner";
    private static final String PROCESS = "sleeper";

    private final DockerEngine engine = DockerTestSupport.defaultEngine();
    private DockerClient docker;
    private SocketProxy proxy;
    private String name;
    private String silent;

    @BeforeEach
    void engineBehindAProxy() throws Exception {
        docker = DockerTestSupport.requireEngine(engine);
        assertEquals("unix", engine.host().getScheme(), "the proxy needs the engine on a Unix socket");
        name = DockerTestSupport.uniqueName();
        proxy = new SocketProxy(dir.resolve("docker.sock"), Path.of(engine.host().getPath()));
        silent = "launch failed: Docker is not reachable at unix://" + proxy.socket() + " (no answer within 5 s)";
        install.env("DOCKER_HOST", "unix://" + proxy.socket());
        install.config("""
                defaults:
                  restart:
                    backoff: { initial: 1s, multiplier: 2.0, max: 4s }
                    maxRestarts: 100
                  stop: { timeout: 2s }
                components:
                  agent-runner:
                    docker: { image: %s, name: %s, env: { AGENT_HEARTBEAT_SECONDS: "1" } }
                  sleeper:
                    process: { command: [sleep, "1000"] }
                """.formatted(DockerTestSupport.IMAGE, name));
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            if (proxy != null) {
                proxy.answerAgain();
                install.stigmer("server", "stop");
                proxy.close();
            }
        } finally {
            if (docker != null) {
                DockerTestSupport.removeQuietly(docker, name);
            }
            engine.close();
        }
    }

    private String lastError() {
        return String.valueOf(install.attribute(DOCKER, "LastError"));
    }

    @Test
    void aSilentEngineFailsTheLaunchWithItsReasonWithinItsDeadlineBacksOffAndJmxAnswersMeanwhile() throws Exception {
        proxy.hang();
        install.start();
        long started = System.nanoTime();

        Await.until("agent-runner's launch failed with the reason", WAIT, () -> lastError().equals(silent));
        long failedAfter = System.nanoTime() - started;
        System.out.printf("agent-runner: launch failed %d ms after bin/stigmer server returned%n", failedAfter / 1_000_000);
        assertTrue(failedAfter < WITHIN_DEADLINE.toNanos(), "failed at its deadline, not later");

        // Meanwhile the rest of the daemon answers: a process component, the watchdog, a new JMX connection.
        install.awaitState(PROCESS, "Running", WAIT);
        long connecting = System.nanoTime();
        try (JMXConnector jmx = install.connect(JmxCredentials.MONITOR)) {
            MBeanServerConnection server = jmx.getMBeanServerConnection();
            assertEquals(Boolean.TRUE, server.getAttribute(new ObjectName("ai.stigmer:type=Daemon"), "MonitoringActive"));
            assertEquals("Running", server.getAttribute(
                    new ObjectName("ai.stigmer:type=Component,name=" + PROCESS), "State"));
        }
        long answeredAfter = System.nanoTime() - connecting;
        System.out.printf("a new JMX connection and two reads meanwhile: %d ms%n", answeredAfter / 1_000_000);
        assertTrue(answeredAfter < Duration.ofSeconds(10).toNanos(), "JMX answered at once");

        // It backs off and tries again by the usual rules, each try failing the same way.
        Await.until("agent-runner retried after its backoff", WAIT, () -> install.restarts(DOCKER) >= 2);
        assertEquals(silent, lastError());
        String out = install.daemonOut();
        assertTrue(out.contains("[agent-runner] Restarting component (attempt 1/100)"), out);
        assertTrue(out.contains("[agent-runner] Restarting component (attempt 2/100)"), out);
        assertFalse(DockerTestSupport.exists(docker, name), "nothing was created");

        StigmerInstall.Result status = install.stigmer("server", "status");
        assertTrue(status.out().contains("no answer within 5 s"), status.out());
        assertTrue(status.out().contains("Health Monitoring: ✓ Active"), status.out());
        StigmerInstall.Result stop = install.stigmer("server", "stop");
        assertEquals(0, stop.exit(), stop.out());
    }

    @Test
    void adoptionOnASilentEngineHoldsNoOtherComponentAndEndsInALaunchFailureThenTakesTheContainerOver() {
        install.start();
        install.awaitState(DOCKER, "Running", WAIT);
        install.awaitState(PROCESS, "Running", WAIT);
        String container = String.valueOf(install.attribute(DOCKER, "ContainerId"));
        long sleeper = install.pid(PROCESS);
        long daemon = install.daemonPid();
        StigmerInstall.kill9(daemon);
        Await.until("the daemon is gone", WAIT, () -> ProcessHandle.of(daemon).map(h -> !h.isAlive()).orElse(true));

        proxy.hang();
        install.start();

        // agent-runner comes first in the config; its adoption hangs and holds nothing.
        install.awaitState(PROCESS, "Running", WAIT);
        assertEquals(sleeper, install.pid(PROCESS), "the process component was adopted");
        assertEquals(Boolean.TRUE, install.daemonAttribute("MonitoringActive"));
        Await.until("agent-runner's adoption ended in a launch failure", WAIT, () -> lastError().equals(silent));
        assertTrue(install.daemonOut().contains("Could not adopt container " + container.substring(0, 12)),
                install.daemonOut());

        proxy.answerAgain();

        install.awaitState(DOCKER, "Running", WAIT);
        assertEquals(container, install.attribute(DOCKER, "ContainerId"), "the container that ran on was taken over");
        List<Container> managed = docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(DockerEngine.MANAGED_LABEL, "true"))
                .withNameFilter(List.of("^/" + name + "$")).exec();
        assertEquals(1, managed.size(), "never a second container");
        assertEquals(sleeper, install.pid(PROCESS), "the process component ran on untouched");
    }
}
