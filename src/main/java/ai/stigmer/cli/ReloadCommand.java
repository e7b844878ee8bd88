package ai.stigmer.cli;

import ai.stigmer.jmx.JmxCredentials;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code stigmer server reload}: the daemon's JMX {@code reload()}. The daemon reads again the config
 * file it started with; {@code --config} here only says where to find the daemon, as for status.
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Read the daemon's config file again and apply it: added components start, removed ones stop,"
                + " changed ones restart with their new spec, the others are not touched.",
            "Exit 0 when applied; 2 when the file is invalid or changes what needs a daemon restart (nothing is changed);"
                + " 1 when a reload is already under way or a stop failed; 3 not running; 4 no answer."})
final class ReloadCommand implements Callable<Integer> {
    /** The daemon stops what leaves before it answers: as long as a stop may take, and more. */
    static final Duration TIMEOUT = Duration.ofMinutes(5);
    private final CliEnvironment env;
    @Spec CommandSpec spec;
    @ParentCommand ServerCommand parent;
    @Mixin ConfigOption config;

    ReloadCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        try (DaemonClient client = DaemonClient.connect(env.jmx(config.orElse(parent == null ? null : parent.config)),
                env.home(), JmxCredentials.CONTROL, TIMEOUT)) {
            spec.commandLine().getOut().println(client.reload());
            return ExitCode.OK;
        }
    }
}
