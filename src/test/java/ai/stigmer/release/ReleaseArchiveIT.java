package ai.stigmer.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.Await;
import ai.stigmer.testing.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive of {@code mvn package}, unpacked into an empty folder and run with Java alone:
 * no Maven on the PATH, no sources, no build. {@code bin/stigmer server} starts the daemon with a
 * {@code sleep} component and a {@code bin/stigmer-server} component (the archive's own JVM
 * component), {@code server status} answers, {@code server stop} stops everything; and the zip
 * holds the same files as the tar.gz.
 */
class ReleaseArchiveIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private UnpackedRelease release;

    @AfterEach
    void stopWhatIsLeft() {
        if (release != null) {
            release.bin("stigmer", "server", "stop");
        }
    }

    @Test
    void theUnpackedArchiveRunsTheDaemonWithJavaAloneAndStopsIt() throws Exception {
        release = UnpackedRelease.into(dir);
        Path home = dir.resolve("stigmer-home");
        release.env("STIGMER_HOME", home.toString());
        assertNotEquals(0, release.shell("command -v mvn").exit(), "Maven is not on the PATH");
        assertEquals(0, release.shell("command -v java").exit(), "Java is");
        assertTrue(Files.notExists(release.root.resolve("pom.xml")) && Files.notExists(release.root.resolve("src")));
        List<String> shipped = release.files();

        int grpcPort = Ports.free();
        Files.createDirectories(home);
        Files.writeString(home.resolve("stigmer.yaml"), """
                daemon:
                  jmx: { host: 127.0.0.1, port: %d }
                components:
                  sleeper:
                    process: { command: [sleep, '1000'] }
                  stigmer-server:
                    process: { command: ["${STIGMER_INSTALL}/bin/stigmer-server", "--port", "%d"] }
                    probes:
                      startup: { checks: [ { grpc: { port: %d } } ] }
                """.formatted(Ports.free(), grpcPort, grpcPort));

        UnpackedRelease.Result start = release.bin("stigmer", "server");
        assertEquals(0, start.exit(), start.out() + log(home));
        assertTrue(start.out().contains("stigmer daemon started"), start.out());

        UnpackedRelease.Result status = Await.value("every component Running", WAIT,
                () -> release.bin("stigmer", "server", "status"), r -> r.exit() == 0);
        assertTrue(status.out().contains("Running ✓"), status.out());
        assertEquals(0, release.bin("stigmer-status").exit(), "bin/stigmer-status answers too");

        UnpackedRelease.Result stop = release.bin("stigmer", "server", "stop");
        assertEquals(0, stop.exit(), stop.out());
        assertTrue(stop.out().contains("stigmer daemon stopped"), stop.out());
        assertEquals(3, release.bin("stigmer", "server", "status").exit(), "not running any more");
        assertEquals(shipped, release.files(), "nothing was built or written into the install");
    }

    @Test
    void theZipHoldsTheSameFilesAsTheTarGz() throws IOException {
        UnpackedRelease.Result tar = UnpackedRelease.command(dir, "tar", "-tzf", UnpackedRelease.TAR.toString());
        assertEquals(0, tar.exit(), tar.out());
        List<String> tarFiles = tar.out().lines().filter(name -> !name.endsWith("/")).sorted().toList();
        List<String> zipFiles;
        try (ZipFile zip = new ZipFile(UnpackedRelease.ZIP.toFile())) {
            zipFiles = Collections.list(zip.entries()).stream().filter(e -> !e.isDirectory()).map(e -> e.getName())
                    .sorted().toList();
        }
        assertEquals(tarFiles, zipFiles);
        String top = UnpackedRelease.NAME + "/";
        for (String expected : List.of("bin/stigmer", "bin/stigmer-status", "bin/stigmer-server", "bin/workflow-runner",
                "conf/stigmer.yaml", "conf/log4j2.xml", "conf/stigmer.service", "jmx/README.md", "README.md", "LICENSE",
                "lib/" + UnpackedRelease.NAME + ".jar")) {
            assertTrue(tarFiles.contains(top + expected), expected + " in " + tarFiles);
        }
        if (ai.stigmer.testing.StaticCompiler.present()) {
            String launcher = "lib/stigmer-launch-" + System.getProperty("os.arch");
            assertTrue(tarFiles.contains(top + launcher), "the native launcher, built with cc: " + launcher);
            UnpackedRelease.Result mode = UnpackedRelease.command(dir, "tar", "-tvzf", UnpackedRelease.TAR.toString(),
                    top + launcher);
            assertTrue(mode.out().startsWith("-rwxr-xr-x"), "executable, writable by its owner alone: " + mode.out());
        }
    }

    private static String log(Path home) throws IOException {
        Path out = home.resolve("logs/daemon.out");
        return Files.exists(out) ? "\n" + Files.readString(out) : "";
    }
}
