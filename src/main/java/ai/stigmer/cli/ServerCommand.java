package ai.stigmer.cli;

import ai.stigmer.daemon.DaemonMain;
import java.io.PrintWriter;
import java.nio.file.Path;
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
        subcommands = {StatusCommand.class, StopCommand.class, StartCommand.class, RestartCommand.class,
            ReloadCommand.class, ValidateCommand.class, LogsCommand.class, EventsCommand.class})
final class ServerCommand implements Callable<Integer> {
    private final CliEnvironment env;
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;

    @Option(names = "--foreground", description = "Run the daemon in this process (for systemd, containers, tests)")
    boolean foreground;

    ServerCommand(CliEnvironment env) {
        this.env = env;
    }

    /**
     * The daemon's own command line as {@link BackgroundStart} writes it, {@code server --foreground
     * [--config FILE]}: run without building the picocli model, whose 170 classes would stay in the
     * daemon's metaspace for its whole life. Anything else goes through picocli.
     */
    static boolean isPlainForeground(String[] args) {
        return args.length >= 2 && "server".equals(args[0]) && "--foreground".equals(args[1])
                && (args.length == 2 || args.length == 4 && "--config".equals(args[2]) && !args[3].startsWith("-"));
    }

    /**
     * {@code server [--config FILE]}, what operators and scripts run to start the daemon: taken without
     * building the picocli model of the whole command line (about 0.15 s of a cold start, before the
     * daemon is even spawned). Same output and exit codes as through picocli.
     */
    static boolean isPlainBackground(String[] args) {
        return args.length >= 1 && "server".equals(args[0])
                && (args.length == 1 || args.length == 3 && "--config".equals(args[1]) && !args[2].startsWith("-"));
    }

    static int runPlainBackground(String[] args, CliEnvironment env, PrintWriter out, PrintWriter err) {
        Path config = args.length == 3 ? Path.of(args[2]).toAbsolutePath() : null;
        return new BackgroundStart(env, config, out, err).run();
    }

    static int runPlainForeground(String[] args) {
        Path config = args.length == 4 ? Path.of(args[3]).toAbsolutePath() : null;
        return DaemonMain.runForeground(config, System.err);
    }

    @Override
    public Integer call() {
        if (foreground) {
            return DaemonMain.runForeground(config.orElse(null), System.err);
        }
        return new BackgroundStart(env, config.orElse(null), spec.commandLine().getOut(), spec.commandLine().getErr()).run();
    }
}
