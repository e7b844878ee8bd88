package ai.stigmer.config;

import java.nio.file.Path;

/**
 * An invalid configuration: which file, which key (a dotted path such as
 * {@code components.stigmer-server.probes.liveness.period}) and what is wrong with it.
 */
public final class ConfigException extends Exception {
    private final Path file;
    private final String keyPath;
    private final String problem;

    public ConfigException(Path file, String keyPath, String problem) {
        super(file + ": " + (keyPath.isEmpty() ? "" : keyPath + ": ") + problem);
        this.file = file;
        this.keyPath = keyPath;
        this.problem = problem;
    }

    public Path file() { return file; }

    public String keyPath() { return keyPath; }

    public String problem() { return problem; }
}
