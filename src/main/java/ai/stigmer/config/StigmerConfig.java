package ai.stigmer.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A validated {@code stigmer.yaml}: the daemon settings and every component with its defaults
 * already applied. Components are listed in start order: every component after its dependencies.
 *
 * @param maxConcurrentLaunches launches in flight at once, host-wide ({@code daemon.maxConcurrentLaunches})
 * @param logs rotation of daemon.log and daemon.out ({@code daemon.logs})
 * @param http the metrics and health endpoints ({@code daemon.http})
 * @param alerts the hooks run on component events ({@code alerts:}), in the order written
 */
public record StigmerConfig(Path source, JmxConfig jmx, int maxConcurrentLaunches, LogsSpec logs,
        List<ComponentConfig> components, HttpConfig http, List<AlertSpec> alerts) {

    /** Launches in flight at once when the file does not say: the number of cores. */
    public static int defaultMaxConcurrentLaunches() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    public StigmerConfig {
        components = List.copyOf(components);
        alerts = List.copyOf(alerts);
        if (maxConcurrentLaunches < 1) {
            throw new IllegalArgumentException("maxConcurrentLaunches must be at least 1: " + maxConcurrentLaunches);
        }
    }

    /** With the default endpoints, next to JMX, and no alerts. */
    public StigmerConfig(Path source, JmxConfig jmx, int maxConcurrentLaunches, LogsSpec logs,
            List<ComponentConfig> components) {
        this(source, jmx, maxConcurrentLaunches, logs, components, HttpConfig.besides(jmx), List.of());
    }

    /** With the default daemon settings. */
    public StigmerConfig(Path source, JmxConfig jmx, List<ComponentConfig> components) {
        this(source, jmx, defaultMaxConcurrentLaunches(), LogsSpec.DEFAULT, components);
    }

    public Optional<ComponentConfig> component(String name) {
        return components.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
