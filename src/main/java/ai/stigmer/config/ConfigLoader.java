package ai.stigmer.config;

import java.nio.file.Path;
import java.util.Map;

/** Reads and validates {@code stigmer.yaml} (SPEC §2). */
public final class ConfigLoader {
    private ConfigLoader() {}

    /**
     * Loads {@code file}. {@code ${NAME}} in command, env, workingDir, docker and exec strings is
     * replaced from {@code variables}.
     */
    public static StigmerConfig load(Path file, Map<String, String> variables) throws ConfigException {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * The config file of SPEC §1: {@code explicit} if given, else {@code home/stigmer.yaml} if it
     * exists, else {@code install/conf/stigmer.yaml}.
     */
    public static Path locate(Path explicit, Path home, Path install) {
        if (explicit != null) {
            return explicit;
        }
        Path inHome = home.resolve("stigmer.yaml");
        return java.nio.file.Files.exists(inHome) ? inHome : install.resolve("conf").resolve("stigmer.yaml");
    }
}
