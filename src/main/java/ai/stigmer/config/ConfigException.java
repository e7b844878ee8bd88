package ai.stigmer.config;

import java.nio.file.Path;
import java.util.List;

/**
 * An invalid configuration: which file, which key (a dotted path such as
 * {@code components.stigmer-server.probes.liveness.period}) and what is wrong with it. The message,
 * {@link #keyPath()} and {@link #problem()} are those of the first mistake in the file;
 * {@link #problems()} lists every one found, in file order.
 */
public final class ConfigException extends Exception {
    private final Path file;
    private final List<Problem> problems;

    /** One mistake: where it was written and what is wrong. */
    public record Problem(String keyPath, String problem) {
        /** {@code file: key.path: problem}, the one-line form of the daemon's refusal. */
        public String describe(Path file) {
            return file + ": " + (keyPath.isEmpty() ? "" : keyPath + ": ") + problem;
        }
    }

    public ConfigException(Path file, String keyPath, String problem) {
        this(file, List.of(new Problem(keyPath, problem)));
    }

    /** {@code problems} not empty, the first one first. */
    public ConfigException(Path file, List<Problem> problems) {
        super(problems.get(0).describe(file));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    public Path file() { return file; }

    public String keyPath() { return problems.get(0).keyPath(); }

    public String problem() { return problems.get(0).problem(); }

    /** Every mistake found in the file, at least one. */
    public List<Problem> problems() { return problems; }
}
