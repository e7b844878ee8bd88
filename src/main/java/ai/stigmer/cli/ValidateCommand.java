package ai.stigmer.cli;

import ai.stigmer.config.ConfigException;
import ai.stigmer.config.ConfigLoader;
import ai.stigmer.config.StigmerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code stigmer server validate [--config FILE]}: checks the config the daemon would read, as it
 * reads it, and names every mistake at once. Needs no daemon.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check the configuration file as the daemon reads it; no daemon is needed.",
            "Exit 0 when it is valid; 2 listing every mistake in it (file: key.path: what is wrong)."})
final class ValidateCommand implements Callable<Integer> {
    private final CliEnvironment env;
    @Spec CommandSpec spec;
    @ParentCommand ServerCommand parent;
    @Mixin ConfigOption config;

    ValidateCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        Path file = ConfigLoader.locate(config.orElse(parent == null ? null : parent.config), env.home().root(),
                env.install());
        PrintWriter out = spec.commandLine().getOut();
        try {
            StigmerConfig valid = ConfigLoader.load(file, env.home().configVariables(env.install()));
            int n = valid.components().size();
            out.println(file + ": valid, " + n + (n == 1 ? " component" : " components"));
            return ExitCode.OK;
        } catch (ConfigException e) {
            e.problems().forEach(p -> out.println(p.describe(file)));
            int n = e.problems().size();
            out.println(file + ": invalid, " + n + (n == 1 ? " mistake" : " mistakes"));
            return ExitCode.USAGE;
        }
    }
}
