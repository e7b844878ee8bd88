package ai.stigmer.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.ChildJava;
import ai.stigmer.testing.StigmerInstall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * daemon.log rotates by size with the daemon's {@code daemon.logs} settings, through the install's
 * conf/log4j2.xml: {@code daemon.log.1} the newest part up to {@code daemon.log.<keep>}, each about
 * {@code maxSize}, and its lines, read oldest first, run on without a gap to the last one.
 */
class DaemonLogRotationTest {
    private static final Pattern NUMBERED = Pattern.compile("numbered line (\\d+)$");

    @TempDir
    Path dir;

    @Test
    void daemonLogRotatesAtMaxSizeKeepingKeepParts() throws Exception {
        Path home = dir.resolve("home");
        int count = 20_000; // some 1.3 MB of lines
        long maxBytes = 64 * 1024;
        Process child = ChildJava.start(dir, DaemonLogChild.class, home.toString(),
                StigmerInstall.ROOT.resolve("conf/log4j2.xml").toString(), Long.toString(maxBytes), "3",
                Integer.toString(count));
        assertTrue(child.waitFor(2, TimeUnit.MINUTES), "the child logged");
        assertEquals(0, child.exitValue(), ChildJava.read(dir, "err.txt"));

        Path logs = home.resolve("logs");
        List<String> names;
        try (Stream<Path> files = Files.list(logs)) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("daemon.log", "daemon.log.1", "daemon.log.2", "daemon.log.3"), names);
        List<Path> oldestFirst = new ArrayList<>(new RotatedLog(logs.resolve("daemon.log")).rotatedOldestFirst());
        for (Path part : oldestFirst) {
            assertTrue(Files.size(part) <= maxBytes + 200, part + ": " + Files.size(part));
        }
        oldestFirst.add(logs.resolve("daemon.log"));
        long previous = -1;
        for (Path file : oldestFirst) {
            for (String line : Files.readAllLines(file)) {
                Matcher m = NUMBERED.matcher(line);
                assertTrue(m.find(), "a whole line: " + line);
                long n = Long.parseLong(m.group(1));
                assertTrue(previous < 0 || n == previous + 1, n + " after " + previous + " in " + file);
                previous = n;
            }
        }
        assertEquals(count, previous, "the last line is there");
        assertEquals("", ChildJava.read(dir, "err.txt"), "log4j itself had nothing to complain about");
    }
}
