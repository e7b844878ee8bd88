package ai.stigmer.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A validated {@code stigmer.yaml}: the daemon settings and every component with its defaults
 * already applied. Components are listed in start order: every component after its dependencies.
 */
public record StigmerConfig(Path source, JmxConfig jmx, List<ComponentConfig> components) {

    public StigmerConfig {
        components = List.copyOf(components);
    }

    public Optional<ComponentConfig> component(String name) {
        return components.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
