package ai.stigmer.runtime.containment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.stigmer.testing.StaticCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native launcher is built wherever the build had a C compiler, found beside the classes, and
 * run only when no one but its owner (the daemon's user or root) could have changed it or put
 * another in its place.
 */
class NativeLauncherTest {
    @TempDir
    Path dir;

    @Test
    void isBuiltBesideTheClassesAndPreferredWhereTheBuildHadACompiler() {
        assumeTrue(StaticCompiler.present(), "no C compiler with the static C library here: launches use Perl");
        Path expected = NativeLauncher.beside(BornInCgroup.class).orElseThrow();
        assertTrue(Files.isExecutable(expected), "built by process-classes: " + expected);
        assertEquals(Optional.of(expected), NativeLauncher.find(BornInCgroup.class));
        assertEquals(Optional.of(BornInCgroup.Launcher.NATIVE), BornInCgroup.launcher());
    }

    /**
     * On x86-64 the launcher is built without the C library, whose start-up (CPUID instructions,
     * each a trap in a virtual machine) cost every launch about 0.7 ms before the clone.
     */
    @Test
    void onX8664ItIsBuiltWithoutTheCLibrary() throws Exception {
        assumeTrue(StaticCompiler.present(), "no C compiler with the static C library here: launches use Perl");
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "built on the C library on this architecture");
        String image = new String(Files.readAllBytes(NativeLauncher.beside(BornInCgroup.class).orElseThrow()),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(image.contains("launch_start"), "its own entry point");
        assertFalse(image.contains("__libc_start_main"), "no C library start-up linked in");
    }

    /** Its last line names what it could not join whole, however long (the daemon reads that line). */
    @Test
    void aCgroupItCannotJoinIsNamedWholeOnItsLastLine() throws Exception {
        Path built = NativeLauncher.beside(BornInCgroup.class).filter(Files::isRegularFile).orElse(null);
        assumeTrue(built != null, "no native launcher built here");
        String missing = "/nonexistent/" + "d".repeat(5000);
        Process p = new ProcessBuilder(built.toString(), missing, "--", "/bin/true")
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        assertEquals(125, p.waitFor());
        assertEquals(Enclosure.JOIN_FAILED + " " + missing + ": File name too long\n", out);
    }

    @Test
    void aLauncherOthersCouldChangeIsPassedOver() throws Exception {
        Path built = NativeLauncher.beside(BornInCgroup.class).filter(Files::isRegularFile).orElse(null);
        assumeTrue(built != null, "no native launcher built here");
        Path copy = Files.copy(built, dir.resolve("stigmer-launch-copy"));

        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(Optional.of(copy), NativeLauncher.safe(copy));

        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertEquals(Optional.empty(), NativeLauncher.safe(copy), "group-writable");
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xrwx"));
        assertEquals(Optional.empty(), NativeLauncher.safe(copy), "world-writable");
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(Optional.empty(), NativeLauncher.safe(copy), "not executable");

        Path open = Files.createDirectory(dir.resolve("open"));
        Path inOpen = Files.copy(built, open.resolve("stigmer-launch-copy"));
        Files.setPosixFilePermissions(inOpen, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(Optional.empty(), NativeLauncher.safe(inOpen), "in a folder anyone may write to");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(Optional.of(inOpen), NativeLauncher.safe(inOpen));

        Path link = Files.createSymbolicLink(dir.resolve("stigmer-launch-link"), built);
        assertEquals(Optional.empty(), NativeLauncher.safe(link), "a link is not followed");
        assertEquals(Optional.empty(), NativeLauncher.safe(dir.resolve("missing")));
    }

    @Test
    void aLauncherOwnedByAnotherUserIsPassedOver() throws Exception {
        Path built = NativeLauncher.beside(BornInCgroup.class).filter(Files::isRegularFile).orElse(null);
        assumeTrue(built != null, "no native launcher built here");
        assumeTrue(ai.stigmer.security.OwnerOnly.currentUid() == 0, "only root can give a file away");
        Path copy = Files.copy(built, dir.resolve("stigmer-launch-theirs"));
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setAttribute(copy, "unix:uid", 65534);

        assertEquals(Optional.empty(), NativeLauncher.safe(copy));
    }
}
