package ai.stigmer.cli;

import ai.stigmer.jmx.JmxCredentials;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code stigmer server events [-f] [--json]}: the component notifications, one line each, read
 * over JMX as the read-only {@code monitor} role. Without {@code -f} the ones the daemon remembers
 * (its last 200); with it, those and then every new one until SIGINT or SIGTERM (exit 0). A daemon
 * that is not running or does not answer: the line and exit code of {@code status} (3, 4).
 */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = {"Print the components' events (state changes, unhealthy, restarting, restarted, failed,"
                + " ready, not-ready), one line each: time, component, event, from → to, message.",
            "Without -f the last 200 the daemon remembers; -f then follows new ones until interrupted (exit 0).",
            "Exit 3 when the daemon is not running, 4 when it does not answer or refuses the credentials."})
final class EventsCommand implements Callable<Integer> {
    private final CliEnvironment env;
    @Spec CommandSpec spec;
    @ParentCommand ServerCommand parent;
    @Mixin ConfigOption config;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events until interrupted")
    boolean follow;

    @Option(names = "--json", description = "One JSON object per line instead of text")
    boolean json;

    EventsCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        EventStream stream = new EventStream(out, spec.commandLine().getErr(), json, ZoneId.systemDefault());
        DaemonClient client;
        try {
            client = DaemonClient.connect(env.jmx(config.orElse(parent == null ? null : parent.config)), env.home(),
                    JmxCredentials.MONITOR, StatusCommand.TIMEOUT);
        } catch (CliException e) {
            return StatusCommand.unreadable(e, json, out);
        }
        try (client) {
            if (!follow) {
                stream.printRecent(client);
                return ExitCode.OK;
            }
            // An operator ends a follow with Ctrl-C, a service manager with SIGTERM: both are a clean end.
            for (String signal : new String[] {"INT", "TERM"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stream.stop());
            }
            stream.follow(client);
            return ExitCode.OK;
        }
    }
}
