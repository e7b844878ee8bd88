package ai.stigmer.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.StigmerInstall;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training run of the daemon's class-data archive, as bin/stigmer runs it: a daemon that
 * starts, runs its one component, answers a JMX client and stops, in a JVM that writes the archive
 * at its exit; it exits 0 and leaves nothing behind in the temp dir (its home, the component).
 */
class DaemonTrainerTest {
    @TempDir
    Path dir;

    @Test
    void trainingRunStartsAndStopsADaemonWritesTheArchiveAndLeavesNothing() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path archive = dir.resolve("daemon.jsa");
        runTrainer(tmp, "-XX:ArchiveClassesAtExit=" + archive);
        assertTrue(Files.size(archive) > 0, "the archive was written");
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "the temporary home is removed");
        }
    }

    /**
     * Every class the training run loads goes into the archive that each daemon maps: its daemon's
     * stop, up to the JVM's exit, starts no second log4j (whose configuration lookup loads Jackson).
     */
    @Test
    void trainingRunLoadsNoJacksonClassUpToItsExit() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path classes = dir.resolve("classes.txt");
        runTrainer(tmp, "-Xlog:class+load=info:file=" + classes);
        String loaded = Files.readString(classes);
        assertTrue(loaded.contains("ai.stigmer.daemon.Daemon "), "the daemon ran");
        assertFalse(loaded.contains("com.fasterxml.jackson"), "no Jackson class was loaded");
    }

    private void runTrainer(Path tmp, String option) throws Exception {
        Process child = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m", "-XX:+UseSerialGC", option,
                "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED", "-Djava.io.tmpdir=" + tmp,
                "-Dstigmer.install=" + StigmerInstall.ROOT,
                "-Dlog4j2.configurationFile=" + StigmerInstall.ROOT.resolve("conf/log4j2.xml"),
                "-cp", jarOfClasses() + File.pathSeparator + StigmerInstall.ROOT.resolve("target/lib/*"),
                DaemonTrainer.class.getName()))
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        assertTrue(child.waitFor(2, TimeUnit.MINUTES), "the training run ended");
        assertEquals(0, child.exitValue(), Files.readString(dir.resolve("out.txt")));
    }

    /** target/classes in a jar, as bin/stigmer runs the daemon: CDS archives no class from a directory. */
    private Path jarOfClasses() throws IOException {
        Path classes = StigmerInstall.ROOT.resolve("target/classes");
        Path jar = dir.resolve("stigmer.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
