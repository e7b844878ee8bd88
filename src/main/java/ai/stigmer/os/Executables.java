package ai.stigmer.os;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Finds programs on this machine the way a shell would: by PATH, and setsid where it usually lives. */
public final class Executables {
    private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

    private Executables() {}

    /** The absolute path of the first regular, executable file called {@code name} in PATH. */
    public static Optional<String> inPath(String name) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse(DEFAULT_PATH);
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath().toString());
            }
        }
        return Optional.empty();
    }

    /** The setsid program, by its usual absolute paths; the bare name when none of them is there. */
    public static Path setsid() {
        for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid", "/usr/local/bin/setsid")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return Path.of("setsid");
    }
}
