package ai.stigmer.cli;

import ai.stigmer.config.JmxConfig;
import ai.stigmer.jmx.JmxCredentials;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code stigmer server} without {@code --foreground} (SPEC §7): if a daemon answers, says so and
 * prints the status; otherwise runs {@code bin/stigmer server --foreground} in a session of its own
 * ({@code setsid}, stdin from /dev/null, output appended to {@code logs/daemon.out}) and waits until
 * it answers over JMX. The daemon writes daemon.out itself, straight into the file (no pipe to this
 * command), and rotates it in place by {@code daemon.logs}. Exit 0 once it answers; 1 if it exits first or stays silent too long.
 */
final class BackgroundStart {
    static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PORT_POLL = Duration.ofMillis(50);
    private static final Duration LOGIN_RETRY = Duration.ofMillis(200);
    private static final int TAIL_LINES = 20;

    private final CliEnvironment env;
    private final Path config;
    private final PrintWriter out;
    private final PrintWriter err;

    BackgroundStart(CliEnvironment env, Path config, PrintWriter out, PrintWriter err) {
        this.env = env;
        this.config = config;
        this.out = out;
        this.err = err;
    }

    int run() {
        JmxConfig jmx;
        try {
            jmx = env.jmx(config);
        } catch (CliException e) {
            err.println("stigmer daemon not started: " + e.getMessage());
            return ExitCode.FAILURE;
        }
        // Nobody holds the home's lock and nothing listens on the port: no daemon, without a JMX login
        // (what status would conclude, minus the RMI client's start).
        if (DaemonLock.holder(env.home().run()).isPresent() || DaemonClient.answers(jmx)) {
            try {
                StatusReport running = status(jmx);
                return printed("stigmer daemon is already running (pid " + running.daemonPid() + ")", running);
            } catch (CliException.NotRunning e) {
                // start one below
            } catch (CliException.NotAnswering | CliException.CredentialsRefused e) {
                err.println(e.getMessage() + "; not starting another");
                return ExitCode.FAILURE;
            } catch (CliException e) {
                err.println("Something answers on " + jmx.host() + ":" + jmx.port() + " but: " + e.getMessage());
                return ExitCode.FAILURE;
            }
        }
        try {
            return startAndWait(jmx);
        } catch (IOException e) {
            err.println("stigmer daemon not started: " + e.getMessage());
            return ExitCode.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.FAILURE;
        }
    }

    /** {@code headline}, a blank line and the status: what a start prints once the daemon answers. */
    private int printed(String headline, StatusReport report) {
        out.println(headline);
        out.println();
        out.print(StatusFormatter.text(report));
        return ExitCode.OK;
    }

    private int startAndWait(JmxConfig jmx) throws IOException, InterruptedException {
        env.home().ensure();
        Path output = env.home().logs().resolve("daemon.out");
        long offset = Files.exists(output) ? Files.size(output) : 0;
        Process daemon = new ProcessBuilder(command())
                .redirectInput(new File("/dev/null"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .start();
        // The whole config is checked while the daemon's JVM starts (it reads the config before it
        // does anything else, and exits on the same mistake): an invalid one starts nothing either way.
        try {
            env.validate(config);
        } catch (CliException e) {
            daemon.destroy();
            daemon.waitFor(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            err.println("stigmer daemon not started: " + e.getMessage());
            return ExitCode.FAILURE;
        }
        out.println("Starting stigmer daemon (pid " + daemon.pid() + ", output in " + output + ")...");
        out.flush();
        long deadline = System.nanoTime() + WAIT.toNanos();
        CliException lastProblem = null;
        while (System.nanoTime() < deadline) {
            Duration pause = PORT_POLL;
            // Until the port accepts, a plain connect tells: no JMX login, whose cold client would take
            // CPU from the daemon's own start.
            if (DaemonClient.answers(jmx)) {
                try {
                    StatusReport report = status(jmx);
                    return printed("stigmer daemon started (pid " + report.daemonPid() + ")", report);
                } catch (CliException.NotRunning e) {
                    lastProblem = null;
                } catch (CliException e) {
                    lastProblem = e; // e.g. credentials not written yet: keep trying until the deadline
                }
                pause = LOGIN_RETRY;
            }
            if (daemon.waitFor(pause.toMillis(), TimeUnit.MILLISECONDS)) {
                err.println("stigmer daemon exited with code " + daemon.exitValue() + " before answering on "
                        + jmx.host() + ":" + jmx.port() + ". Last lines of " + output + ":");
                tail(output, offset).forEach(line -> err.println("  " + line));
                return ExitCode.FAILURE;
            }
        }
        err.println("stigmer daemon (pid " + daemon.pid() + ") did not answer on " + jmx.host() + ":" + jmx.port()
                + " within " + WAIT.toSeconds() + "s" + (lastProblem == null ? "" : " (" + lastProblem.getMessage() + ")")
                + "; it was left running, see " + output);
        return ExitCode.FAILURE;
    }

    private StatusReport status(JmxConfig jmx) {
        try (DaemonClient client = DaemonClient.connect(jmx, env.home(), JmxCredentials.MONITOR, CALL_TIMEOUT)) {
            return client.status();
        }
    }

    private List<String> command() throws IOException {
        Path launcher = env.install().resolve("bin").resolve("stigmer");
        if (!Files.isExecutable(launcher)) {
            throw new IOException("cannot find " + launcher + " (is -Dstigmer.install set to the install?)");
        }
        List<String> command = new ArrayList<>(List.of("setsid", launcher.toString(), "server", "--foreground"));
        if (config != null) {
            command.addAll(List.of("--config", config.toString()));
        }
        return command;
    }

    /** The last lines the child wrote to {@code file} after {@code offset}. */
    private static List<String> tail(Path file, long offset) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            // The daemon may have rotated daemon.out at its start: then its lines begin at the top.
            long start = Math.max(raf.length() < offset ? 0 : offset, raf.length() - 64 * 1024);
            byte[] bytes = new byte[(int) (raf.length() - start)];
            raf.seek(start);
            raf.readFully(bytes);
            List<String> lines = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n"));
            return lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
        }
    }
}
