package ai.stigmer.cli;

import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ConfigException;
import ai.stigmer.config.ConfigLoader;
import ai.stigmer.config.Durations;
import ai.stigmer.config.JmxConfig;
import ai.stigmer.jmx.JmxCredentials;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code stigmer server stop [--timeout D]}: the daemon stops every component, dependents first,
 * then itself. SPEC §7: exit 0 only when the daemon and everything it ran are gone (or nothing was
 * running); otherwise exit 1 and name what is left. What must be gone (pids with their start
 * times, container ids, descendants) is read before the shutdown is asked for, and checked again
 * after: the command never takes the daemon's word, nor a pid the OS has since given to another.
 */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = {"Stop every component (dependents first), then the daemon, and check that nothing is left.",
            "Exit 0 when everything is gone, also when nothing was running; 1 naming what is still running; "
                + "4 when the daemon refuses the credentials.",
            "With COMPONENT: stop that component only (it stays stopped, also across a daemon restart, until "
                + "`server start COMPONENT`); the daemon keeps running. Exit 2 for an unknown component, 3 when "
                + "the daemon is not running."})
final class StopCommand implements Callable<Integer> {
    /** Added to the components' stop timeouts for the default wait: JVM exit, engine round trips. */
    static final Duration MARGIN = Duration.ofSeconds(30);
    /** The wait when the config cannot be read. */
    static final Duration FALLBACK_WAIT = Duration.ofSeconds(120);
    /** Each JMX call of stop; the shutdown operation itself returns at once. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 100;

    private final CliEnvironment env;
    @Spec CommandSpec spec;
    @ParentCommand ServerCommand parent;
    @Mixin ConfigOption config;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = {"How long to wait for the daemon to stop everything and exit, e.g. 90s or 2m.",
                "Default: the sum of the components' stop.timeout in the config, plus 30s (120s without a config)."})
    String timeout;

    @Parameters(arity = "0..1", paramLabel = "COMPONENT",
            description = "Stop only this component (as in stigmer.yaml); the daemon keeps running")
    String component;

    StopCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Path configFile = config.orElse(parent == null ? null : parent.config);
        if (component != null) {
            // The operator's stop of one component (its stop() operation), not the daemon's shutdown.
            ComponentOperation.call(env, env.jmx(configFile), component, "stop");
            out.println("Stopped " + component);
            return ExitCode.OK;
        }
        JmxConfig jmx = env.jmx(configFile);
        Duration wait = wait(configFile);
        StopOutcome outcome;
        DaemonClient client;
        try {
            client = DaemonClient.connect(jmx, env.home(), JmxCredentials.CONTROL, CALL_TIMEOUT);
        } catch (CliException.NotRunning e) {
            return notRunning(out);
        } catch (CliException.NotAnswering e) {
            return notAnswering(e, out, wait, jmx);
        }
        try {
            StatusReport report = client.status();
            // This very JVM serves JMX in the command line's own tests: it cannot watch itself exit.
            Optional<LiveProcess> daemon = report.daemonPid() == ProcessHandle.current().pid()
                    ? Optional.empty() : LiveProcess.of(report.daemonPid());
            outcome = new StopOutcome(daemon, StopOutcome.instances(report.components(), records()));
            out.println("Stopping stigmer daemon (pid " + report.daemonPid() + ")...");
            out.flush();
            client.shutdown();
        } catch (CliException.NotRunning e) {
            client.close();
            return notRunning(out);
        } catch (CliException.NotAnswering e) {
            client.close();
            return notAnswering(e, out, wait, jmx);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        StopProgress progress = StopProgress.start(client, out);
        try {
            return await(outcome, wait, jmx, out, progress);
        } finally {
            progress.finish();
        }
    }

    /** SPEC §7: exit 0 when nothing was running; instances a dead daemon left behind are named. */
    private int notRunning(PrintWriter out) {
        StopOutcome.Report left = new StopOutcome(Optional.empty(), records().values().stream()
                .map(StopOutcome.Instance::of).flatMap(Optional::stream).toList()).check();
        if (left.clean()) {
            out.println("stigmer daemon is not running");
            return ExitCode.OK;
        }
        out.println("stigmer daemon is not running, but instances it started are left: "
                + String.join(", ", left.stillRunning()));
        out.println("(the next `stigmer server` takes them over; `stigmer server stop` then stops them)");
        return ExitCode.FAILURE;
    }

    /**
     * The daemon holds its lock but gives no answer. It is asked to stop with SIGTERM (what the
     * daemon does on SIGTERM is the same orderly shutdown), unless it is suspended (SIGSTOP): then
     * nothing is sent, and the command says so instead of waiting for nothing.
     */
    private int notAnswering(CliException.NotAnswering e, PrintWriter out, Duration wait, JmxConfig jmx)
            throws InterruptedException {
        out.println(e.getMessage());
        Optional<DaemonLock.Holder> holder = DaemonLock.holder(env.home().run());
        if (holder.isEmpty()) {
            return notRunning(out); // it exited meanwhile
        }
        // The pid holds the daemon's lock (read from /proc/locks): it is the daemon, not a stale pid file.
        Optional<LiveProcess> daemon = holder.filter(DaemonLock.Holder::proven).flatMap(h -> LiveProcess.of(h.pid()));
        StopOutcome outcome = new StopOutcome(daemon, StopOutcome.instances(List.of(), records()));
        if (daemon.isEmpty()) {
            out.println("cannot tell which process holds " + env.home().run().resolve(DaemonLock.FILE)
                    + "; nothing was signalled");
            return fail(outcome.check(), out, ExitCode.NOT_ANSWERING);
        }
        long pid = daemon.get().pid();
        if (daemon.get().suspended()) {
            out.println("stigmer daemon (pid " + pid + ") is suspended (SIGSTOP); nothing was signalled:"
                    + " continue it (kill -CONT " + pid + ") and stop it again");
            return fail(outcome.check(), out, ExitCode.FAILURE);
        }
        if (!daemon.get().terminate()) {
            out.println("could not send SIGTERM to stigmer daemon (pid " + pid + ")");
            return fail(outcome.check(), out, ExitCode.FAILURE);
        }
        out.println("Sent SIGTERM to stigmer daemon (pid " + pid + ")...");
        out.flush();
        return await(outcome, wait, jmx, out, null);
    }

    /** Waits up to {@code wait} for the daemon to exit, then checks every instance; {@code progress} may be null. */
    private int await(StopOutcome outcome, Duration wait, JmxConfig jmx, PrintWriter out, StopProgress progress)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        boolean suspended = false;
        while (!(outcome.daemon().isPresent() ? outcome.daemonGone() : !DaemonClient.answers(jmx))) {
            suspended = outcome.daemon().map(LiveProcess::suspended).orElse(false);
            if (suspended || System.nanoTime() - deadline > 0) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        if (progress != null) {
            progress.finish();
        }
        StopOutcome.Report report = outcome.check();
        if (report.clean()) {
            report.lines().forEach(out::println);
            out.println("stigmer daemon stopped");
            return ExitCode.OK;
        }
        if (suspended) {
            out.println("stigmer daemon is suspended (SIGSTOP) and cannot finish the stop until continued");
        } else if (!outcome.daemonGone()) {
            out.println("stigmer daemon has not exited within " + Durations.format(wait)
                    + " (--timeout); it may still be stopping components");
        }
        return fail(report, out, ExitCode.FAILURE);
    }

    private int fail(StopOutcome.Report report, PrintWriter out, int code) {
        report.lines().forEach(out::println);
        if (!report.clean()) {
            out.println("still running: " + String.join(", ", report.stillRunning()));
        }
        out.println("see " + env.home().logs().resolve("daemon.log"));
        return report.clean() ? code : Math.max(code, ExitCode.FAILURE);
    }

    private Map<String, InstanceRecords.Entry> records() {
        return InstanceRecords.read(env.home().run());
    }

    /** {@code --timeout}, else the components' stop timeouts in turn plus {@link #MARGIN}. */
    private Duration wait(Path configFile) {
        if (timeout != null) {
            try {
                Duration d = Durations.parse(timeout);
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("must be more than zero, found '" + timeout + "'");
                }
                return d;
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.USAGE, "--timeout: " + e.getMessage());
            }
        }
        Path file = ConfigLoader.locate(configFile, env.home().root(), env.install());
        if (!Files.exists(file)) {
            return FALLBACK_WAIT;
        }
        try {
            // Serial, as the longest the daemon may take; it gives up on its own a little earlier.
            return ConfigLoader.load(file, env.home().configVariables(env.install())).components().stream()
                    .map(ComponentConfig::stopTimeout).reduce(MARGIN, Duration::plus);
        } catch (ConfigException | RuntimeException e) {
            return FALLBACK_WAIT;
        }
    }
}
