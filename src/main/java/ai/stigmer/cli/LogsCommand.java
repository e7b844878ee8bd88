package ai.stigmer.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code stigmer server logs <component> [-f]}: prints, or follows, {@code $STIGMER_HOME/logs/<component>.log}. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print a component's log ($STIGMER_HOME/logs/<component>.log); -f keeps following it.")
final class LogsCommand implements Callable<Integer> {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final long POLL_MILLIS = 250;
    private final CliEnvironment env;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "COMPONENT", description = "Component name, as in stigmer.yaml")
    String component;

    @Option(names = {"-f", "--follow"}, description = "Keep printing what is appended, until interrupted")
    boolean follow;

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
        PrintWriter out = spec.commandLine().getOut();
        char[] buffer = new char[8192];
        while (true) {
            try (FileChannel channel = FileChannel.open(log);
                    Reader reader = Channels.newReader(channel, StandardCharsets.UTF_8)) {
                while (true) {
                    int n = reader.read(buffer);
                    if (n > 0) {
                        out.write(buffer, 0, n);
                        continue;
                    }
                    out.flush();
                    if (!follow) {
                        return ExitCode.OK;
                    }
                    TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
                    if (Files.size(log) < channel.position()) {
                        break; // truncated or replaced: start over from its beginning, as tail -F does
                    }
                }
            }
        }
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
