package ai.stigmer.daemon;

import ai.stigmer.security.OwnerOnly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The daemon's home (SPEC §1): {@code $STIGMER_HOME}, default {@code ~/.stigmer}, with {@code logs/},
 * {@code run/} and {@code jmx/} below it.
 */
public record StigmerHome(Path root) {

    /** {@code $STIGMER_HOME}, else {@code ~/.stigmer}. */
    public static StigmerHome fromEnvironment() {
        String env = System.getenv("STIGMER_HOME");
        Path root = env != null && !env.isBlank()
                ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".stigmer");
        return new StigmerHome(root.toAbsolutePath().normalize());
    }

    /**
     * A short id of this home (12 hex digits of the SHA-256 of its absolute path): what tells the
     * instances, cgroups and containers of two installs on one machine apart.
     */
    public String id() {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(root.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path logs() {
        return root.resolve("logs");
    }

    public Path run() {
        return root.resolve("run");
    }

    public Path jmx() {
        return root.resolve("jmx");
    }

    public Path componentLog(String component) {
        return logs().resolve(component + ".log");
    }

    /** The {@code ${NAME}} values of the config: the environment plus STIGMER_HOME and STIGMER_INSTALL. */
    public java.util.Map<String, String> configVariables(Path install) {
        java.util.Map<String, String> vars = new java.util.HashMap<>(System.getenv());
        vars.put("STIGMER_HOME", root.toString());
        vars.put("STIGMER_INSTALL", install.toString());
        return vars;
    }

    /**
     * Creates the home (0700) and its folders if they are missing, then checks that each is owned by
     * the user running the daemon and not writable by group or others (SPEC §6); an
     * {@link ai.stigmer.security.UnsafePermissionsException} names the folder and the fix.
     */
    public StigmerHome ensure() throws IOException {
        for (Path dir : new Path[] {root, logs(), run(), jmx()}) {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
            OwnerOnly.checkPrivateDirectory(dir);
        }
        return this;
    }
}
