package ai.stigmer.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * The checks of SPEC §6 on the daemon's own files, as the JDK's management agent makes on its
 * password file and ssh on {@code ~/.ssh}: a secret file is owned by the user running the daemon and
 * neither readable nor writable by group or others; a folder of the home is owned by that user and
 * not writable by group or others (a writable folder lets another user swap the files inside).
 * Symbolic links are followed: what counts is the file that is read.
 */
public final class OwnerOnly {
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS_WRITE = EnumSet.of(
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private OwnerOnly() {}

    /** A file only its owner, the user running this JVM, may read or write: else what to run ({@code chmod 600}). */
    public static void checkSecretFile(Path file) throws IOException {
        checkOwner(file);
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        if (mode.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
            throw new UnsafePermissionsException(file + " is open to group or others (mode " + octal(mode)
                    + "): the daemon's JMX credentials must be its user's alone. Run: chmod 600 " + file);
        }
    }

    /** A folder owned by the user running this JVM that group and others cannot write: else {@code chmod 700}. */
    public static void checkPrivateDirectory(Path dir) throws IOException {
        checkOwner(dir);
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
        if (mode.stream().anyMatch(GROUP_OR_OTHERS_WRITE::contains)) {
            throw new UnsafePermissionsException(dir + " is writable by group or others (mode " + octal(mode)
                    + "): another user could replace the daemon's files in it. Run: chmod 700 " + dir);
        }
    }

    private static void checkOwner(Path path) throws IOException {
        int owner = (Integer) Files.getAttribute(path, "unix:uid");
        long self = currentUid();
        if (owner != self) {
            String user = System.getProperty("user.name");
            throw new UnsafePermissionsException(path + " is owned by uid " + owner + ", not by " + user + " (uid " + self
                    + ") who runs the daemon. Run: chown " + user + " " + path + " (after checking who changed it)");
        }
    }

    /** The user id of this process ({@code getuid}), the one that owns the files it creates. */
    public static long currentUid() throws IOException {
        return new com.sun.security.auth.module.UnixSystem().getUid();
    }

    /** {@code 0644}-style, as chmod and ls speak. */
    static String octal(Set<PosixFilePermission> mode) {
        int bits = 0;
        for (PosixFilePermission p : mode) {
            bits |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", bits);
    }
}
