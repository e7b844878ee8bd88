package ai.stigmer.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.LogsSpec;
import ai.stigmer.testing.Await;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stigmer server logs -f} across rotations: what a follower prints while the log is written
 * and rotated under it is the whole stream, each line once, for the daemon's in-place rotation and
 * for log4j's renames; {@code -a} prints the rotated parts first.
 */
class RotatedLogReaderTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long LINES = 30_000;

    @TempDir
    Path dir;

    @Test
    void aFollowerPrintsEveryLineOnceWhileTheLogRotatesInPlace() throws Exception {
        Path live = dir.resolve("chatty.log");
        Files.createFile(live);
        AppendedLogRotation rotation = new AppendedLogRotation(live, new LogsSpec(32 * 1024, 100_000));
        Follower follower = Follower.start(live, true); // -a: also what rotated before it began
        long[] n = {0};
        Thread writer = writer(live, () -> {
            if (++n[0] % 50 == 0) {
                pause(); // many rotations while the follower reads, on a fast machine too
            }
        });
        writer.start();
        while (writer.isAlive()) {
            rotation.rotateIfDue();
        }
        rotation.rotateIfDue();
        assertTrue(new RotatedLog(live).rotatedOldestFirst().size() >= 5, "rotated while it was followed");
        assertWhole(follower.awaitLine(LINES));
    }

    @Test
    void aSlowFollowerFarBehindTheRotationsPrintsEveryLineOnce() throws Exception {
        Path live = dir.resolve("chatty.log");
        Files.createFile(live);
        AppendedLogRotation rotation = new AppendedLogRotation(live, new LogsSpec(16 * 1024, 100_000));
        // Each chunk printed costs 20 ms: the reader falls behind the writer, and rotations move what
        // it has yet to read.
        Follower follower = Follower.start(live, true, 20);
        long[] n = {0};
        Thread writer = writer(live, () -> {
            if (++n[0] % 50 == 0) {
                pause();
            }
        });
        writer.start();
        while (writer.isAlive()) {
            rotation.rotateIfDue();
        }
        rotation.rotateIfDue();
        assertWhole(follower.awaitLine(LINES));
    }

    @Test
    void aFollowerPrintsEveryLineOnceAcrossLog4jRenames() throws Exception {
        Path live = dir.resolve("daemon.log");
        Files.createFile(live);
        RotatedLog log = new RotatedLog(live);
        Follower follower = Follower.start(live, true); // -a: also what rotated before it began
        long[] written = {0};
        OutputStream[] out = {new FileOutputStream(live.toFile(), true)};
        // As log4j's RollingFile with fileIndex="min" does: shift the parts up, rename the live file, reopen.
        for (long n = 1; n <= LINES; n++) {
            out[0].write(NumberedLines.line("w1", n).getBytes(StandardCharsets.US_ASCII));
            if (++written[0] % 700 == 0) {
                out[0].close();
                log.shift(1000);
                Files.move(live, log.rotated(1), StandardCopyOption.ATOMIC_MOVE);
                out[0] = new FileOutputStream(live.toFile(), true);
            }
        }
        out[0].close();
        assertWhole(follower.awaitLine(LINES));
    }

    @Test
    void aFollowerReadsAFileThatWasReplacedFromItsStart() throws Exception {
        Path live = dir.resolve("c.log");
        Files.writeString(live, NumberedLines.line("w1", 1) + NumberedLines.line("w1", 2));
        Follower follower = Follower.start(live, true); // -a: also what rotated before it began
        Await.until("the first lines printed", WAIT, () -> tailIs(follower.output(), NumberedLines.line("w1", 2)));
        Files.delete(live);
        Files.writeString(live, NumberedLines.line("w1", 3));
        assertEquals(NumberedLines.line("w1", 1) + NumberedLines.line("w1", 2) + NumberedLines.line("w1", 3),
                Files.readString(follower.awaitLine(3)));
    }

    private static boolean tailIs(Path file, String end) {
        try {
            return Files.exists(file) && Files.readString(file).endsWith(end);
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void withAllTheRotatedPartsComeFirstOldestFirst() throws Exception {
        Path live = dir.resolve("c.log");
        AppendedLogRotation rotation = new AppendedLogRotation(live, new LogsSpec(8192, 1000));
        try (OutputStream out = new FileOutputStream(live.toFile(), true)) {
            for (long n = 1; n <= 2000; n++) {
                out.write(NumberedLines.line("w1", n).getBytes(StandardCharsets.US_ASCII));
                rotation.rotateIfDue();
            }
        }
        StringWriter printed = new StringWriter();
        new RotatedLogReader(live, printed, new StringWriter()).run(true, false);
        assertTrue(new RotatedLog(live).rotatedOldestFirst().size() > 10);
        StringBuilder expected = new StringBuilder();
        for (long n = 1; n <= 2000; n++) {
            expected.append(NumberedLines.line("w1", n));
        }
        assertEquals(expected.toString(), printed.toString());

        StringWriter liveOnly = new StringWriter();
        new RotatedLogReader(live, liveOnly, new StringWriter()).run(false, false);
        assertEquals(Files.readString(live), liveOnly.toString(), "without -a: the live file");
    }

    private void assertWhole(Path printed) throws IOException {
        NumberedLines.Count count = NumberedLines.count(List.of(printed));
        assertEquals(List.of(), count.problems());
        NumberedLines.Writer w = count.of("w1");
        assertEquals(List.of(), w.problems());
        assertEquals(1, w.first());
        assertEquals(LINES, w.last());
        assertEquals(LINES, w.count());
        assertEquals(0, count.other(), "nothing but the lines");
    }

    private static void pause() {
        pause(1);
    }

    private static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread writer(Path live, Runnable afterEachLine) {
        return new Thread(() -> {
            try (OutputStream out = new FileOutputStream(live.toFile(), true)) {
                for (long n = 1; n <= LINES; n++) {
                    out.write(NumberedLines.line("w1", n).getBytes(StandardCharsets.US_ASCII));
                    afterEachLine.run();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "writer");
    }

    /** A reader following the log on a thread of its own, into a file. */
    private record Follower(Thread thread, Path output, List<Throwable> failures) {
        static Follower start(Path live, boolean all) throws IOException {
            return start(live, all, 0);
        }

        static Follower start(Path live, boolean all, long millisPerWrite) throws IOException {
            Path output = live.resolveSibling("printed.txt");
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            Writer file = Files.newBufferedWriter(output);
            Writer out = new java.io.FilterWriter(file) {
                @Override
                public void write(String text, int off, int len) throws IOException {
                    pause(millisPerWrite);
                    super.write(text, off, len);
                }

                @Override
                public void write(char[] text, int off, int len) throws IOException {
                    pause(millisPerWrite);
                    super.write(text, off, len);
                }
            };
            Thread t = new Thread(() -> {
                try (out) {
                    new RotatedLogReader(live, out, new StringWriter()).run(all, true);
                } catch (InterruptedException e) {
                    // stopped by the test
                } catch (IOException | RuntimeException e) {
                    failures.add(e);
                }
            }, "follower");
            t.start();
            return new Follower(t, output, failures);
        }

        Path awaitLine(long last) throws Exception {
            String end = NumberedLines.line("w1", last);
            Await.until("the follower printed line " + last, WAIT, () -> {
                try {
                    return endsWith(output, end) || !failures.isEmpty();
                } catch (IOException e) {
                    return false;
                }
            });
            thread.interrupt();
            thread.join();
            assertEquals(List.of(), failures);
            return output;
        }

        private static boolean endsWith(Path file, String end) throws IOException {
            // the follower flushes at the end of the live file; read only the tail
            try (var raf = new java.io.RandomAccessFile(file.toFile(), "r")) {
                long length = raf.length();
                if (length < end.length()) {
                    return false;
                }
                byte[] tail = new byte[end.length()];
                raf.seek(length - end.length());
                raf.readFully(tail);
                return new String(tail, StandardCharsets.US_ASCII).equals(end);
            }
        }
    }
}
