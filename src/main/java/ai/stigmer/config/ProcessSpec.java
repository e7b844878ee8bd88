package ai.stigmer.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A component run as a local process. {@code env} is added to the daemon's environment; its values
 * may be secrets and are never logged. {@code workingDir} is null for the daemon's own directory.
 */
public record ProcessSpec(List<String> command, Map<String, String> env, Path workingDir) {
    public ProcessSpec {
        command = List.copyOf(command);
        env = Map.copyOf(env);
    }
}
