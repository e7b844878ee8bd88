package ai.stigmer.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code stigmer export}: the component spec in another system's terms. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write the configured components in another system's format.",
        subcommands = KubernetesExportCommand.class)
final class ExportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }
}
