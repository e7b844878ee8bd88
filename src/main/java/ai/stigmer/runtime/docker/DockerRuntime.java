package ai.stigmer.runtime.docker;

import ai.stigmer.config.DockerSpec;
import ai.stigmer.probe.Check;
import ai.stigmer.runtime.ComponentRuntime;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.runtime.LaunchException;
import java.util.Optional;

/** Runs a component as a Docker container through the Engine API. */
public final class DockerRuntime implements ComponentRuntime {

    public DockerRuntime(String component, DockerSpec spec) {}

    @Override
    public Instance launch() throws LaunchException {
        throw new LaunchException("Docker runtime not available yet");
    }

    @Override
    public Optional<Instance> adopt(InstanceRecord record) {
        return Optional.empty();
    }

    /** The {@code container} check for this runtime's instances. */
    public Check containerCheck() {
        throw new UnsupportedOperationException("not yet");
    }
}
