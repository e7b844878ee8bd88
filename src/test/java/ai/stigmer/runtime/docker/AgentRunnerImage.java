package ai.stigmer.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Makes sure the agent-runner image exists, building it with bin/stigmer-build-agent-image if not. */
final class AgentRunnerImage {

    static final String NAME = "stigmer/agent-runner:local";

    private AgentRunnerImage() {}

    static synchronized void ensure(DockerClient client) {
        try {
            client.inspectImageCmd(NAME).exec();
            return;
        } catch (NotFoundException missing) {
            // build it below
        }
        try {
            Process build = new ProcessBuilder(Path.of("bin", "stigmer-build-agent-image").toAbsolutePath().toString())
                    .inheritIO()
                    .start();
            if (!build.waitFor(120, TimeUnit.SECONDS)) {
                build.destroyForcibly().waitFor();
            }
            assertEquals(0, build.exitValue(), "bin/stigmer-build-agent-image failed");
        } catch (IOException e) {
            throw new IllegalStateException("could not run bin/stigmer-build-agent-image", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
