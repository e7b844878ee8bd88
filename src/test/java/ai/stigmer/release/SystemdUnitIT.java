package ai.stigmer.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit the archive ships ({@code conf/stigmer.service}) passes {@code systemd-analyze
 * verify} once its placeholder install path is replaced by the unpacked archive's, as the README
 * tells operators to do: the commands it names exist and are executable, and systemd takes every
 * setting (an unknown or misspelt one is only a warning to systemd, so any word about the unit fails).
 */
class SystemdUnitIT {
    private static final String PLACEHOLDER = "/opt/stigmer";

    @TempDir
    Path dir;

    @Test
    void theShippedUnitPassesSystemdAnalyzeVerifyForTheUnpackedInstall() throws Exception {
        UnpackedRelease release = UnpackedRelease.into(dir);
        String shipped = Files.readString(release.root.resolve("conf/stigmer.service"));
        assertTrue(shipped.contains("ExecStart=" + PLACEHOLDER + "/bin/stigmer server --foreground"), shipped);
        Path unit = Files.writeString(Files.createDirectories(dir.resolve("units")).resolve("stigmer.service"),
                shipped.replace(PLACEHOLDER, release.root.toString()));

        UnpackedRelease.Result verify = UnpackedRelease.command(dir, "systemd-analyze", "verify", unit.toString());
        assertEquals(0, verify.exit(), verify.out());
        List<String> aboutTheUnit = verify.out().lines().filter(line -> line.contains("stigmer.service")).toList();
        assertEquals(List.of(), aboutTheUnit, verify.out());
    }
}
