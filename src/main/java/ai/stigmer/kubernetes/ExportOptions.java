package ai.stigmer.kubernetes;

import java.util.Map;

/**
 * The choices of {@code stigmer export kubernetes}: the namespace written into every object (null:
 * none, kubectl's current one), the image of each component by name (over {@code kubernetes.image}
 * and {@code docker.image}), and whether every env value goes into the Secret.
 */
public record ExportOptions(String namespace, Map<String, String> images, boolean allEnvSecret) {
    public ExportOptions {
        images = Map.copyOf(images);
    }
}
