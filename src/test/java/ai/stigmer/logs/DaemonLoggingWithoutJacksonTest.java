package ai.stigmer.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.StigmerInstall;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's logging reads conf/log4j2.xml with log4j's XML reader alone: Jackson, on the class
 * path for docker-java, is not loaded (log4j's own factory lookup initialised it to ask whether a
 * JSON configuration could be read), and the lines still land in daemon.log.
 */
class DaemonLoggingWithoutJacksonTest {
    @TempDir
    Path dir;

    @Test
    void daemonLoggingLoadsNoJacksonClass() throws Exception {
        Path home = dir.resolve("home");
        Path classes = dir.resolve("classes.txt");
        Process child = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xlog:class+load=info:file=" + classes,
                "-cp", System.getProperty("java.class.path"), DaemonLogChild.class.getName(),
                home.toString(), StigmerInstall.ROOT.resolve("conf/log4j2.xml").toString(), "1048576", "3", "5"))
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        assertTrue(child.waitFor(2, TimeUnit.MINUTES), "the child logged");
        assertEquals(0, child.exitValue(), Files.readString(dir.resolve("err.txt")));

        List<String> lines = Files.readAllLines(home.resolve("logs/daemon.log"));
        assertEquals(5, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(4).endsWith("numbered line 5"), lines.get(4));
        String loaded = Files.readString(classes);
        assertTrue(loaded.contains("org.apache.logging.log4j.core.config.xml.XmlConfiguration "),
                "the XML configuration was read");
        assertFalse(loaded.contains("com.fasterxml.jackson"), "no Jackson class was loaded");
        assertEquals("", Files.readString(dir.resolve("err.txt")), "log4j itself had nothing to complain about");
    }
}
