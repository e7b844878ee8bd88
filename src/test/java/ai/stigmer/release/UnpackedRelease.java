package ai.stigmer.release;

import ai.stigmer.Version;
import ai.stigmer.testing.StigmerInstall;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The release archive that {@code mvn package} left in {@code target/}, unpacked into a folder of
 * the test's, and run as an operator would: with an environment of its own whose {@code PATH} has
 * Java and the usual tools but no Maven.
 */
final class UnpackedRelease {
    static final String NAME = "stigmer-" + Version.VERSION;
    static final Path TAR = Path.of(System.getProperty("user.dir"), "target", NAME + ".tar.gz");
    static final Path ZIP = Path.of(System.getProperty("user.dir"), "target", NAME + ".zip");
    private static final Duration COMMAND_LIMIT = Duration.ofMinutes(2);

    /** The install: the archive's one top folder. */
    final Path root;
    private final Path work;
    private final Map<String, String> env = new HashMap<>();

    private UnpackedRelease(Path root, Path work) {
        this.root = root;
        this.work = work;
    }

    /** Unpacks the tar.gz into {@code dir}, with {@code tar} as an operator would. */
    static UnpackedRelease into(Path dir) throws IOException {
        if (!Files.isRegularFile(TAR)) {
            throw new AssertionError(TAR + " is missing: the archive is made by `mvn package` (run `mvn -B verify`)");
        }
        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        Result tar = run(List.of("tar", "-xzf", TAR.toString(), "-C", unpacked.toString()), Map.of(), dir);
        if (tar.exit() != 0) {
            throw new AssertionError("tar failed: " + tar.out());
        }
        UnpackedRelease release = new UnpackedRelease(unpacked.resolve(NAME), dir);
        release.env.put("PATH", pathWithoutMaven(Files.createDirectories(dir.resolve("path"))).toString());
        release.env.put("HOME", Files.createDirectories(dir.resolve("user-home")).toString());
        release.env.put("LANG", "C.UTF-8");
        return release;
    }

    /**
     * A folder of links to every command of this test's {@code PATH} but Maven's ({@code mvn*}),
     * and to this JVM's {@code java}: what a machine with a Java runtime and no build tools offers.
     */
    private static Path pathWithoutMaven(Path bin) throws IOException {
        Files.createSymbolicLink(bin.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (dir.isEmpty() || !Files.isDirectory(Path.of(dir))) {
                continue;
            }
            try (Stream<Path> commands = Files.list(Path.of(dir))) {
                for (Path command : (Iterable<Path>) commands::iterator) {
                    Path link = bin.resolve(command.getFileName().toString());
                    if (!command.getFileName().toString().startsWith("mvn") && Files.notExists(link)
                            && Files.isExecutable(command)) {
                        Files.createSymbolicLink(link, command);
                    }
                }
            }
        }
        return bin;
    }

    /** Adds {@code name=value} to the environment of every command run. */
    UnpackedRelease env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Runs {@code bin/<script> args...} of the install in its environment, from a folder outside it. */
    Result bin(String script, String... args) {
        List<String> command = new ArrayList<>(List.of(root.resolve("bin").resolve(script).toString()));
        command.addAll(List.of(args));
        return run(command, env, work);
    }

    /** Runs the shell command line {@code script} in the install's environment (its PATH). */
    Result shell(String script) {
        return run(List.of(Path.of(env.get("PATH"), "sh").toString(), "-c", script), env, work);
    }

    record Result(int exit, String out) {}

    /** Runs {@code command} in this test's own environment, in {@code cwd}. */
    static Result command(Path cwd, String... command) {
        return run(List.of(command), Map.of(), cwd);
    }

    private static Result run(List<String> command, Map<String, String> env, Path cwd) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        if (!env.isEmpty()) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        StigmerInstall.Result r = StigmerInstall.runToEnd(pb, cwd, COMMAND_LIMIT);
        return new Result(r.exit(), r.out());
    }

    /** Every file of the install (folders left out), relative to it, sorted. */
    List<String> files() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }
}
