package ai.stigmer.jmx;

import ai.stigmer.security.OwnerOnly;
import ai.stigmer.security.UnsafePermissionsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JMX credential files of SPEC §1 in {@code $STIGMER_HOME/jmx}: {@code jmxremote.password}
 * (a random password for each role) and {@code jmxremote.access} (what each role may do), in the
 * JDK's formats. Generated 0600 on first start; files that exist are kept as they are, but only if
 * they are the daemon user's alone (SPEC §6): otherwise the daemon refuses to start.
 */
public final class JmxCredentials {
    /** The read-only role: attributes and notifications. */
    public static final String MONITOR = "monitor";
    /** The read-write role: also the operations of the ai.stigmer beans (restart, stop, start, shutdown). */
    public static final String CONTROL = "control";
    public static final String PASSWORD_FILE = "jmxremote.password";
    public static final String ACCESS_FILE = "jmxremote.access";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private JmxCredentials() {}

    /**
     * Creates {@code dir} (0700) and whichever of the two files is missing, then checks that the
     * folder and both files are the daemon user's alone; an {@link UnsafePermissionsException} names
     * the file and the command that fixes it.
     */
    public static void ensure(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        Path passwords = dir.resolve(PASSWORD_FILE);
        if (!Files.exists(passwords)) {
            writeOwnerOnly(passwords, "# stigmer JMX passwords, generated on first start. Keep this file 0600.\n"
                    + "# <role> <password>; what each role may do is in " + ACCESS_FILE + ".\n"
                    + MONITOR + " " + randomPassword() + "\n"
                    + CONTROL + " " + randomPassword() + "\n");
        }
        Path access = dir.resolve(ACCESS_FILE);
        if (!Files.exists(access)) {
            writeOwnerOnly(access, "# stigmer JMX access: monitor reads attributes and notifications,\n"
                    + "# control may also call the operations of the ai.stigmer beans (restart, stop, start, shutdown).\n"
                    + "# No role calls the JVM's own operations (heap dump, diagnostic commands, gc): see jmx/README.md.\n"
                    + MONITOR + " readonly\n"
                    + CONTROL + " readwrite\n");
        }
        OwnerOnly.checkPrivateDirectory(dir);
        OwnerOnly.checkSecretFile(passwords);
        OwnerOnly.checkSecretFile(access);
    }

    /**
     * Whether {@code user} and {@code password} log in, as the JMX connector judges them: the
     * password of {@code passwordFile} (compared in constant time) and a {@code readonly} or
     * {@code readwrite} line in {@code accessFile}, both read now, so an edited file applies at once.
     *
     * @throws SecurityException naming what is wrong, never the password
     */
    static Access check(Path passwordFile, Path accessFile, String user, String password) throws IOException {
        String expected = readPasswords(passwordFile).get(user);
        String level = readAccess(accessFile).get(user);
        if (expected == null || !MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8))) {
            throw new SecurityException("Invalid user name or password");
        }
        return Access.fromWord(level == null ? "" : level).orElseThrow(() -> new SecurityException(
                "User " + user + " has no readonly or readwrite line in " + ACCESS_FILE));
    }

    /**
     * Whether {@code user} and {@code password} may read the daemon (either role): the test of
     * {@link #check} for the HTTP endpoints, which serve only what the {@code monitor} role reads.
     */
    public static boolean mayRead(Path jmxDir, String user, String password) {
        try {
            check(jmxDir.resolve(PASSWORD_FILE), jmxDir.resolve(ACCESS_FILE), user, password);
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** The {@code role → level} lines of an access file ({@code readonly}, {@code readwrite}); {@code #} starts a comment. */
    public static Map<String, String> readAccess(Path file) throws IOException {
        Map<String, String> levels = new LinkedHashMap<>();
        for (String trimmed : entries(file)) {
            String[] fields = trimmed.split("\\s+");
            if (fields.length >= 2) {
                levels.put(fields[0], fields[1]);
            }
        }
        return levels;
    }

    /** The {@code role → password} lines of a password file; {@code #} starts a comment. */
    public static Map<String, String> readPasswords(Path file) throws IOException {
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String trimmed : entries(file)) {
            String[] fields = trimmed.split("\\s+", 2);
            if (fields.length == 2) {
                passwords.put(fields[0], fields[1].strip());
            }
        }
        return passwords;
    }

    /** The lines of {@code file} that say something: stripped, blank lines and {@code #} comments left out. */
    private static List<String> entries(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes); // made here, not at class load: the command line only reads passwords
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Written to a 0600 temporary file first and moved in place, so no one sees it half written. */
    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(tmp, OWNER_ONLY);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
