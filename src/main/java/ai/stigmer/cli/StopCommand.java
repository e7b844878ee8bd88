package ai.stigmer.cli;

import ai.stigmer.config.JmxConfig;
import ai.stigmer.jmx.JmxCredentials;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code stigmer server stop}: the daemon stops every component, dependents first, then itself. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop every component (dependents first), then the daemon. Exit 0, also when nothing was running.")
final class StopCommand implements Callable<Integer> {
    /** Long enough for every component's stop timeout in turn. */
    static final Duration WAIT = Duration.ofSeconds(120);
    private final CliEnvironment env;
    @Spec CommandSpec spec;
    @ParentCommand ServerCommand parent;
    @Mixin ConfigOption config;

    StopCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        JmxConfig jmx = env.jmx(config.orElse(parent == null ? null : parent.config));
        long pid;
        try (DaemonClient client = DaemonClient.connect(jmx, env.home().jmx(), JmxCredentials.CONTROL, WAIT)) {
            pid = client.shutdown();
        } catch (CliException.NotRunning e) {
            out.println("stigmer daemon is not running");
            return ExitCode.OK;
        }
        out.println("Stopping stigmer daemon (pid " + pid + ")...");
        out.flush();
        long deadline = System.nanoTime() + WAIT.toNanos();
        // The daemon closes its JMX port once every component has stopped; then its process ends.
        while (DaemonClient.answers(jmx)) {
            if (System.nanoTime() > deadline) {
                throw new CliException(ExitCode.FAILURE, "stigmer daemon (pid " + pid + ") still answers after "
                        + WAIT.toSeconds() + "s; see " + env.home().logs().resolve("daemon.log"));
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        Optional<ProcessHandle> process = pid == ProcessHandle.current().pid() ? Optional.empty() : ProcessHandle.of(pid);
        if (process.isPresent()) {
            try {
                process.get().onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new CliException(ExitCode.FAILURE, "stigmer daemon (pid " + pid + ") has not exited after "
                        + WAIT.toSeconds() + "s");
            }
        }
        out.println("stigmer daemon stopped");
        return ExitCode.OK;
    }
}
