package ai.stigmer.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE}, shared by {@code server} and its subcommands. */
final class ConfigOption {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (default: $STIGMER_HOME/stigmer.yaml, else conf/stigmer.yaml of the install)")
    Path file;

    /** This option if given, else {@code fallback}'s. */
    Path orElse(ConfigOption fallback) {
        Path chosen = file != null ? file : fallback != null ? fallback.file : null;
        return chosen == null ? null : chosen.toAbsolutePath();
    }
}
