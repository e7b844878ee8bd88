package ai.stigmer.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A component run as a local process. {@code env} is added to the daemon's environment; its values
 * may be secrets and are never logged. {@code workingDir} is null for the daemon's own directory.
 * {@code resources} limits the process and everything it starts ({@link ResourcesSpec#NONE} if not set).
 */
public record ProcessSpec(List<String> command, Map<String, String> env, Path workingDir, ResourcesSpec resources) {
    public ProcessSpec {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        resources = resources == null ? ResourcesSpec.NONE : resources;
    }

    /** Without resource limits. */
    public ProcessSpec(List<String> command, Map<String, String> env, Path workingDir) {
        this(command, env, workingDir, ResourcesSpec.NONE);
    }
}
