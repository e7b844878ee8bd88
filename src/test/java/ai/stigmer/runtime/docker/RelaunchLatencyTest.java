package ai.stigmer.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.runtime.Instance;
import com.github.dockerjava.api.DockerClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A measurement, not a rule: how long from {@code docker kill} until a new container runs when the
 * instance is launched again at once. Run with
 * {@code mvn -B -o -q test -Dtest=RelaunchLatencyTest -Dstigmer.measure=true}.
 */
@EnabledIfSystemProperty(named = "stigmer.measure", matches = "true")
class RelaunchLatencyTest {

    @Test
    void killToRunningAgain() throws Exception {
        DockerEngine engine = DockerTestSupport.defaultEngine();
        DockerClient docker = DockerTestSupport.requireEngine(engine);
        String name = DockerTestSupport.uniqueName();
        List<Long> exitMillis = new ArrayList<>();
        List<Long> runningMillis = new ArrayList<>();
        try (DockerRuntime runtime = DockerTestSupport.runtime(name)) {
            Instance instance = runtime.launch();
            for (int i = 0; i < 10; i++) {
                long killed = System.nanoTime();
                docker.killContainerCmd(instance.containerId()).exec();
                instance.exited().get(10, TimeUnit.SECONDS);
                exitMillis.add((System.nanoTime() - killed) / 1_000_000);
                instance = runtime.launch(); // replaces the exited container of the same name
                assertTrue(docker.inspectContainerCmd(instance.containerId()).exec().getState().getRunning());
                runningMillis.add((System.nanoTime() - killed) / 1_000_000);
            }
            instance.stop(Duration.ofSeconds(5));
        } finally {
            DockerTestSupport.removeQuietly(docker, name);
            engine.close();
        }
        System.out.println("kill -> exited(): " + summary(exitMillis));
        System.out.println("kill -> running again: " + summary(runningMillis));
    }

    private static String summary(List<Long> millis) {
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return "min " + sorted.get(0) + " ms, median " + sorted.get(sorted.size() / 2) + " ms, max "
                + sorted.get(sorted.size() - 1) + " ms over " + sorted.size() + " runs";
    }
}
