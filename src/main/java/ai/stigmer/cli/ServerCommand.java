package ai.stigmer.cli;

import ai.stigmer.daemon.DaemonMain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stigmer server [--foreground]}: starts the daemon, in the background unless told otherwise. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Start the stigmer daemon in the background, wait until it answers and print the status.",
            "If it is already running, say so and change nothing."},
        subcommands = {StatusCommand.class, StopCommand.class, RestartCommand.class, LogsCommand.class})
final class ServerCommand implements Callable<Integer> {
    private final CliEnvironment env;
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;

    @Option(names = "--foreground", description = "Run the daemon in this process (for systemd, containers, tests)")
    boolean foreground;

    ServerCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        if (foreground) {
            return DaemonMain.runForeground(config.orElse(null), System.err);
        }
        return new BackgroundStart(env, config.orElse(null), spec.commandLine().getOut(), spec.commandLine().getErr()).run();
    }
}
