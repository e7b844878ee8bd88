package ai.stigmer.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The last line an instance wrote to its component log, as an exit's LastError shows it. */
class LastOutputLineTest {
    @TempDir
    Path dir;

    private Path log(String text) throws Exception {
        Path log = dir.resolve("c.log");
        Files.writeString(log, text);
        return log;
    }

    @Test
    void theLastLineTheInstanceWroteSkippingTheDaemonsLines() throws Exception {
        Path log = log("""
                starting
                stigmer-server: port 50051 on 127.0.0.1 is already in use
                2025-01-02 03:04:05.678 WARN  [stigmer] Component marked unhealthy (exited with code 3)

                """);
        assertEquals("stigmer-server: port 50051 on 127.0.0.1 is already in use", LastOutputLine.read(log, 0));
    }

    @Test
    void onlyWhatWasWrittenSinceTheLaunch() throws Exception {
        Path log = log("an earlier instance said this\n");
        long mark = LastOutputLine.mark(log);
        Files.writeString(log, "2025-01-02 03:04:05.678 INFO  [stigmer] Restarting component (attempt 1/10)\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertEquals("", LastOutputLine.read(log, mark));
        Files.writeString(log, "this one\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals("this one", LastOutputLine.read(log, mark));
    }

    @Test
    void oneShortPrintableLine() throws Exception {
        Path log = log("\u001B[31mred\u001B[0m alert\t!\n" + "x".repeat(10_000) + "\n");
        String line = LastOutputLine.read(log, 0);
        assertEquals(LastOutputLine.MAX_LENGTH, line.length());
        assertEquals("red alert!", LastOutputLine.read(log("\u001B[31mred\u001B[0m alert\t!\n"), 0));
    }

    @Test
    void linesEndWithLfCrLfOrCrAndTheLastMayHaveNoEnd() throws Exception {
        assertEquals("done: ünïcode ✓", LastOutputLine.read(log("one\r\ndone: ünïcode ✓\r\n\r\n"), 0));
        assertEquals("two", LastOutputLine.read(log("one\rtwo\r"), 0));
        assertEquals("no end", LastOutputLine.read(log("one\nno end"), 0));
        assertEquals("", LastOutputLine.read(log("\n\r\n  \n"), 0));
    }

    @Test
    void aMissingOrTruncatedLogGivesWhatThereIs() throws Exception {
        assertEquals("", LastOutputLine.read(dir.resolve("none.log"), 0));
        assertEquals(0, LastOutputLine.mark(dir.resolve("none.log")));
        assertEquals("short", LastOutputLine.read(log("short\n"), 1_000));
    }
}
