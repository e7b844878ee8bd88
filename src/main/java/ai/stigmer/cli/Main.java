package ai.stigmer.cli;

import ai.stigmer.Version;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code stigmer}: the command line of SPEC §7, a thin JMX client of the daemon (and, with
 * {@code server --foreground}, the daemon itself). Every error becomes an exit code here.
 */
@Command(name = "stigmer", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Supervises the Stigmer components.", subcommands = {ServerCommand.class, ExportCommand.class})
public final class Main implements Callable<Integer> {
    /**
     * The JMX client's own java.util.logging output ("Failed to restart", "Failed to call the method
     * close()") when a daemon closes its port, as it does at the end of every stop: each command says
     * in its own words what happened. Silencing its logger is not enough: the LogManager's shutdown
     * hook resets every level while the client's threads may still log, so the root handlers go.
     */
    private static void silenceJdkLogging() {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        for (java.util.logging.Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
    }

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }

    public static void main(String[] args) {
        silenceJdkLogging();
        PrintWriter out = utf8(FileDescriptor.out);
        PrintWriter err = utf8(FileDescriptor.err);
        int code = StatusCommand.isPlain(args)
                ? runStatus(args, CliEnvironment.fromSystem(), out, err)
                : ServerCommand.isPlainForeground(args)
                ? ServerCommand.runPlainForeground(args)
                : ServerCommand.isPlainBackground(args)
                ? runBackground(args, CliEnvironment.fromSystem(), out, err)
                : run(args, CliEnvironment.fromSystem(), out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one command line; returns its exit code. */
    static int run(String[] args, CliEnvironment env, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main(), new Factory(env));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> report(e, cmd.getErr()));
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * {@code server status [--json]} without building the picocli model: monitors poll it, and the
     * model costs about as much CPU as the JMX round trip itself. Same output and exit codes.
     */
    static int runStatus(String[] args, CliEnvironment env, PrintWriter out, PrintWriter err) {
        try {
            return StatusCommand.run(env, StatusCommand.plainConfig(args), StatusCommand.plainJson(args), out);
        } catch (RuntimeException e) {
            return report(e, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** {@code server [--config FILE]} without the picocli model ({@link ServerCommand#isPlainBackground}). */
    static int runBackground(String[] args, CliEnvironment env, PrintWriter out, PrintWriter err) {
        try {
            return ServerCommand.runPlainBackground(args, env, out, err);
        } catch (RuntimeException e) {
            return report(e, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The one place where a failure becomes a message and an exit code. */
    private static int report(Exception e, PrintWriter err) {
        if (e instanceof CliException c) {
            err.println(c.getMessage());
            return c.exitCode();
        }
        err.println("stigmer: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        return ExitCode.FAILURE;
    }

    /** Status uses ✓ ↻ ✗ ○ whatever the locale says. */
    private static PrintWriter utf8(FileDescriptor fd) {
        return new PrintWriter(new OutputStreamWriter(new FileOutputStream(fd), StandardCharsets.UTF_8), true);
    }

    /** Gives commands that take one the {@link CliEnvironment}. */
    private record Factory(CliEnvironment env) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                return type.getDeclaredConstructor(CliEnvironment.class).newInstance(env);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"stigmer " + Version.VERSION};
        }
    }
}
