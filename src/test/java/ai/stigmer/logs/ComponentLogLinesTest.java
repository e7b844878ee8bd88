package ai.stigmer.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.StigmerInstall;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * conf/log4j2.xml sends a component's health lines to {@code logs/<component>.log} through the one
 * {@code ComponentLogs} appender: each component's lines land in its own file, in the format of
 * that file, a line without a component in none of them, and no appender is built per component
 * (what made the watchdog slow in a cold start of many components).
 */
class ComponentLogLinesTest {
    private static final String STAMP = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} ";

    @TempDir
    Path dir;

    @Test
    void eachComponentsLinesLandInItsOwnLogAndNoAppenderIsBuiltPerComponent() throws Exception {
        Path home = dir.resolve("home");
        Process child = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), ComponentLogChild.class.getName(),
                home.toString(), StigmerInstall.ROOT.resolve("conf/log4j2.xml").toString(), "50"))
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        assertTrue(child.waitFor(2, TimeUnit.MINUTES), "the child logged");
        assertEquals(0, child.exitValue(), Files.readString(dir.resolve("err.txt")));

        assertEquals("components daemon stderr", Files.readString(dir.resolve("out.txt")).strip(),
                "the appenders of conf/log4j2.xml, and none made for the 50 components");
        List<String> c1 = Files.readAllLines(home.resolve("logs/c1.log"));
        assertEquals(2, c1.size(), String.join("\n", c1));
        assertTrue(c1.get(0).matches(STAMP + "INFO  \\[stigmer\\] first line of c1"), c1.get(0));
        assertTrue(c1.get(1).matches(STAMP + "WARN  \\[stigmer\\] second line of c1"), c1.get(1));
        for (int n = 2; n <= 50; n++) {
            List<String> lines = Files.readAllLines(home.resolve("logs/c" + n + ".log"));
            assertEquals(1, lines.size(), "c" + n + ": " + lines);
            assertTrue(lines.get(0).endsWith("[stigmer] first line of c" + n), lines.get(0));
        }
        try (Stream<Path> logs = Files.list(home.resolve("logs"))) {
            assertEquals(51, logs.count(), "daemon.log and one log per component, nothing else");
        }
        List<String> daemon = Files.readAllLines(home.resolve("logs/daemon.log"));
        assertEquals(52, daemon.size(), "every line is in daemon.log too");
        assertTrue(daemon.get(0).endsWith("INFO  [c1] first line of c1"), daemon.get(0));
        assertEquals("", Files.readString(dir.resolve("err.txt")), "log4j itself had nothing to complain about");
    }
}
