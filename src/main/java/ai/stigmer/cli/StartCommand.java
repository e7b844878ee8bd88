package ai.stigmer.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code stigmer server start <component>}: the component's JMX {@code start()}, ending an operator's stop. */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Start a stopped or Failed component, its counters reset; ends the stop of `server stop NAME`.",
            "Exit 2 for an unknown component, 3 when the daemon is not running."})
final class StartCommand implements Callable<Integer> {
    private final CliEnvironment env;
    @Spec CommandSpec spec;
    @ParentCommand ServerCommand parent;
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "COMPONENT", description = "Component name, as in stigmer.yaml")
    String component;

    StartCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        String state = ComponentOperation.call(env, env.jmx(config.orElse(parent == null ? null : parent.config)),
                component, "start");
        spec.commandLine().getOut().println("Started " + component + " (now " + state + ")");
        return ExitCode.OK;
    }
}
