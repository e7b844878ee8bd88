package ai.stigmer.runtime.containment;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the native {@code stigmer-launch} (src/main/c) of this machine's architecture beside the
 * daemon's classes: {@code target/stigmer-launch-amd64} next to {@code target/classes} or a jar in
 * {@code target/}, {@code lib/stigmer-launch-amd64} next to the release's jars. The daemon runs it
 * with the instance's environment, so it is taken only when nobody else could have put it there: a
 * regular file (not a link), owned by the daemon's user or root, writable by its owner alone, in a
 * folder that no one else may write to (sticky folders aside). Anything else is passed over with a warning, and launches use Perl.
 */
final class NativeLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(NativeLauncher.class);
    static final String PREFIX = "stigmer-launch-";

    private NativeLauncher() {}

    /** The launcher beside the code of {@code anchor}, where it is there and safe to run. */
    static Optional<Path> find(Class<?> anchor) {
        return beside(anchor).flatMap(NativeLauncher::safe);
    }

    /** Where the launcher of this architecture would be, beside the class folder or jar of {@code anchor}. */
    static Optional<Path> beside(Class<?> anchor) {
        CodeSource source = anchor.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            Path code = Path.of(source.getLocation().toURI());
            Path folder = code.getParent();
            return folder == null ? Optional.empty()
                    : Optional.of(folder.resolve(PREFIX + System.getProperty("os.arch", "unknown")));
        } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return Optional.empty();
        }
    }

    /** {@code file} if it is a regular, executable file that only its owner (us or root) can change. */
    static Optional<Path> safe(Path file) {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        String refused = refusal(file);
        if (refused != null) {
            LOG.warn("Not using the launcher {}: {}; launches into a cgroup use Perl", file, refused);
            return Optional.empty();
        }
        return Optional.of(file);
    }

    private static String refusal(Path file) {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return "not a regular file";
            }
            int uid = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            long self = ai.stigmer.security.OwnerOnly.currentUid();
            if (uid != 0 && uid != self) {
                return "owned by uid " + uid + ", not by this user (" + self + ") or root";
            }
            if ((mode & 0022) != 0) {
                return String.format("writable by others than its owner (mode %o)", mode & 07777);
            }
            Path folder = file.toAbsolutePath().getParent();
            int folderMode = (Integer) Files.getAttribute(folder, "unix:mode");
            if ((folderMode & 0022) != 0 && (folderMode & 01000) == 0) {
                return String.format("its folder %s is writable by others than its owner (mode %o): they could replace it",
                        folder, folderMode & 07777);
            }
            if (!Files.isExecutable(file)) {
                return "not executable";
            }
            return null;
        } catch (IOException | UnsupportedOperationException | ClassCastException e) {
            return "cannot be checked (" + e.getMessage() + ")";
        }
    }
}
