package ai.stigmer.runtime.docker;

import ai.stigmer.config.DockerSpec;
import com.github.dockerjava.api.DockerClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Base of the tests against the real Docker engine: each {@link Test} gets a container {@link #name}
 * of its own, and afterwards the container of that name is removed and every runtime made by
 * {@link #runtime} closed. A subclass's own {@code @AfterEach} runs before that clean-up.
 */
abstract class WithDockerEngine {
    final DockerEngine engine = DockerTestSupport.defaultEngine();
    private final List<DockerRuntime> runtimes = new ArrayList<>();
    DockerClient docker;
    String name;

    @BeforeEach
    final void engineAnswers() {
        docker = DockerTestSupport.requireEngine(engine);
        name = DockerTestSupport.uniqueName();
    }

    @AfterEach
    final void cleanUp() {
        if (docker != null) {
            DockerTestSupport.removeQuietly(docker, name);
        }
        runtimes.forEach(DockerRuntime::close);
        engine.close();
    }

    /** An agent-runner runtime of the home {@code homeId} on the default engine, closed after the test. */
    DockerRuntime runtime(String homeId, DockerSpec spec) {
        DockerRuntime runtime = new DockerRuntime("agent-runner", homeId, spec, DockerEngine.defaultHost());
        runtimes.add(runtime);
        return runtime;
    }
}
