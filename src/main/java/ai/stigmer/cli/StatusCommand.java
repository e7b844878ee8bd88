package ai.stigmer.cli;

import ai.stigmer.config.JmxConfig;
import ai.stigmer.jmx.JmxCredentials;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code stigmer server status [--json]} (also {@code stigmer-status}): exit 0 all Running (SPEC §7;
 * readiness is shown, not counted), 1 not, 3 no daemon, 4 a daemon that does not answer or
 * refuses the credentials.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show every component and its health, read over JMX.",
            "Exit 0 when all are Running (readiness is shown, not counted), 1 when some are not,"
                + " 3 when the daemon is not running, "
                + "4 when it runs but does not answer in time or refuses the credentials."})
final class StatusCommand implements Callable<Integer> {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final CliEnvironment env;
    @Spec CommandSpec spec;
    @ParentCommand ServerCommand parent;
    @Mixin ConfigOption config;

    @Option(names = "--json", description = "Print one JSON object instead of text")
    boolean json;

    StatusCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        return run(env, config.orElse(parent == null ? null : parent.config), json, spec.commandLine().getOut());
    }

    /**
     * Whether {@code args} are {@code server status}, with at most one {@code --json} and one
     * {@code --config FILE} after it, in either order: what monitors and scripts run.
     */
    static boolean isPlain(String[] args) {
        if (args.length < 2 || !"server".equals(args[0]) || !"status".equals(args[1])) {
            return false;
        }
        boolean json = false;
        boolean config = false;
        for (int i = 2; i < args.length; i++) {
            if ("--json".equals(args[i]) && !json) {
                json = true;
            } else if ("--config".equals(args[i]) && !config && i + 1 < args.length && !args[i + 1].startsWith("-")) {
                config = true;
                i++;
            } else {
                return false;
            }
        }
        return true;
    }

    /** The {@code --config} of plain status arguments ({@link #isPlain}), absolute; null without one. */
    static Path plainConfig(String[] args) {
        for (int i = 2; i + 1 < args.length; i++) {
            if ("--config".equals(args[i])) {
                return Path.of(args[i + 1]).toAbsolutePath();
            }
        }
        return null;
    }

    static boolean plainJson(String[] args) {
        return Arrays.asList(args).subList(2, args.length).contains("--json");
    }

    /** The status of the daemon that {@code config} (or the default config) describes, printed to {@code out}. */
    static int run(CliEnvironment env, Path config, boolean json, PrintWriter out) {
        JmxConfig jmx = env.jmx(config);
        StatusReport report;
        try (DaemonClient client = DaemonClient.connect(jmx, env.home(), JmxCredentials.MONITOR, TIMEOUT)) {
            report = client.status();
        } catch (CliException e) {
            return unreadable(e, json, out);
        }
        out.print(json ? StatusFormatter.json(report) + "\n" : StatusFormatter.text(report));
        return StatusFormatter.exitCode(report);
    }

    /**
     * A daemon that is not running (3), does not answer or refuses the credentials (4): one line (or
     * one JSON object) on the output monitors read, and its exit code; any other failure is rethrown.
     */
    static int unreadable(CliException e, boolean json, PrintWriter out) {
        if (e instanceof CliException.NotRunning) {
            out.println(json ? StatusFormatter.notRunningJson(e.getMessage()) : e.getMessage());
            return ExitCode.NOT_RUNNING;
        }
        if (e.exitCode() != ExitCode.NOT_ANSWERING) {
            throw e;
        }
        // The daemon runs (its lock is held).
        out.println(json ? StatusFormatter.notReadableJson(e instanceof CliException.CredentialsRefused, e.getMessage())
                : e.getMessage());
        return ExitCode.NOT_ANSWERING;
    }
}
