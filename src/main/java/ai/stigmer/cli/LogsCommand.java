package ai.stigmer.cli;

import ai.stigmer.logs.RotatedLogReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code stigmer server logs <component> [-a] [-f]}: prints, or follows, {@code $STIGMER_HOME/logs/<component>.log},
 * with {@code -a} its rotated parts first; {@code -f} follows it across rotations ({@link RotatedLogReader}).
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print a component's log ($STIGMER_HOME/logs/<component>.log); -a prints its rotated parts"
                + " first, -f keeps following it.")
final class LogsCommand implements Callable<Integer> {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private final CliEnvironment env;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "COMPONENT", description = "Component name, as in stigmer.yaml")
    String component;

    @Option(names = {"-f", "--follow"},
            description = "Keep printing what is appended, across rotations, until interrupted")
    boolean follow;

    @Option(names = {"-a", "--all"}, description = "Print the rotated parts (<component>.log.<keep> … .1) first")
    boolean all;

    LogsCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path log = env.home().componentLog(component);
        if (!NAME.matcher(component).matches() || !Files.isRegularFile(log)) {
            List<String> known = knownComponents();
            throw new CliException(ExitCode.USAGE, "no log for component '" + component + "' at " + log
                    + (known.isEmpty() ? "" : " (components with logs: " + String.join(", ", known) + ")"));
        }
        new RotatedLogReader(log, spec.commandLine().getOut(), spec.commandLine().getErr()).run(all, follow);
        return ExitCode.OK;
    }

    private List<String> knownComponents() throws IOException {
        if (!Files.isDirectory(env.home().logs())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(env.home().logs())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".log") && !f.equals("daemon.log"))
                    .map(f -> f.substring(0, f.length() - ".log".length()))
                    .sorted().toList();
        }
    }
}
