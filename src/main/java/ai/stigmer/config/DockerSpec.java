package ai.stigmer.config;

import java.util.List;
import java.util.Map;

/**
 * A component run as a Docker container. {@code mounts} are {@code source:target[:ro]} strings;
 * {@code network} is null for Docker's default; {@code command} empty means the image's own.
 */
public record DockerSpec(
        String image, String name, List<String> command, Map<String, String> env, List<String> mounts, String network) {
    public DockerSpec {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        mounts = List.copyOf(mounts);
    }
}
