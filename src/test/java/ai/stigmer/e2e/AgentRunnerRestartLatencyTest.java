package ai.stigmer.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.stigmer.testing.Await;
import ai.stigmer.testing.StigmerInstall;
import com.github.dockerjava.api.DockerClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A measurement, not a rule: with the default restart settings (backoff 1 s), how long from
 * {@code docker kill} until the daemon has the container running again. Each kill waits for the
 * previous instance to pass {@code minUptime} (10 s), so every restart is a first failure (1 s).
 * Run with
 * {@code CI=true mvn -B -o -q test -Dtest=AgentRunnerRestartLatencyTest -Dstigmer.measure=true};
 * the figures are in {@code target/surefire-reports/ai.stigmer.e2e.AgentRunnerRestartLatencyTest-output.txt}.
 */
@EnabledIfSystemProperty(named = "stigmer.measure", matches = "true")
class AgentRunnerRestartLatencyTest {
    private static final int KILLS = 5;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void dockerKillToRunningAgain() throws Exception {
        DockerClient docker = DockerE2e.requireEngine();
        String name = DockerE2e.uniqueName();
        List<Long> engineMillis = new ArrayList<>();
        List<Long> daemonMillis = new ArrayList<>();
        try (StigmerInstall install = new StigmerInstall(dir)) {
            install.config("""
                    components:
                      agent-runner:
                        docker: { image: %s, name: %s }
                        probes:
                          liveness: { checks: [ { container: {} } ] }
                    """.formatted(DockerE2e.IMAGE, name));
            install.start();
            for (int i = 0; i < KILLS; i++) {
                Await.until("Running with ConsecutiveFailures 0", WAIT,
                        () -> "Running".equals(install.state("agent-runner"))
                                && ((Number) install.attribute("agent-runner", "ConsecutiveFailures")).intValue() == 0);
                String old = (String) install.attribute("agent-runner", "ContainerId");
                long killed = System.nanoTime();
                docker.killContainerCmd(old).exec();
                Await.until("a new container runs", WAIT, () -> DockerE2e.inspect(docker, name)
                        .filter(c -> !c.getId().equals(old) && Boolean.TRUE.equals(c.getState().getRunning()))
                        .isPresent());
                engineMillis.add((System.nanoTime() - killed) / 1_000_000);
                Await.until("the daemon says Running with the new container", WAIT,
                        () -> "Running".equals(install.state("agent-runner"))
                                && !old.equals(install.attribute("agent-runner", "ContainerId"))
                                && install.restarts("agent-runner") > 0);
                daemonMillis.add((System.nanoTime() - killed) / 1_000_000);
            }
            assertEquals(KILLS, install.restarts("agent-runner"));
        } finally {
            DockerE2e.removeQuietly(docker, name);
            DockerE2e.closeQuietly(docker);
        }
        System.out.println("docker kill -> new container running (engine): " + summary(engineMillis));
        System.out.println("docker kill -> State Running over JMX:          " + summary(daemonMillis));
    }

    private static String summary(List<Long> millis) {
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return "median " + sorted.get(sorted.size() / 2) + " ms, min " + sorted.get(0) + " ms, max "
                + sorted.get(sorted.size() - 1) + " ms over " + sorted.size() + " kills " + millis;
    }
}
