package ai.stigmer.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code stigmer server restart <component>}: the component's JMX {@code restart()}. */
@Command(name = "restart", mixinStandardHelpOptions = true,
        description = {"Restart a component with its counters reset; brings a Failed component back.",
            "Exit 2 for an unknown component, 3 when the daemon is not running."})
final class RestartCommand implements Callable<Integer> {
    /** Longer than the daemon's own bound on the operation, so its message arrives. */
    static final Duration TIMEOUT = Duration.ofSeconds(90);
    private final CliEnvironment env;
    @Spec CommandSpec spec;
    @ParentCommand ServerCommand parent;
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "COMPONENT", description = "Component name, as in stigmer.yaml")
    String component;

    RestartCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        String state = ComponentOperation.call(env, env.jmx(config.orElse(parent == null ? null : parent.config)),
                component, "restart");
        spec.commandLine().getOut().println("Restarted " + component + " (now " + state + ")");
        return ExitCode.OK;
    }
}
