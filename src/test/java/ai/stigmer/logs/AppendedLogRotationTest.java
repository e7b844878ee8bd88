package ai.stigmer.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.LogsSpec;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotation of a file that others append to while it rotates: every byte ends in exactly one file,
 * in order, on ext4 (collapse) and, with a WARN, on tmpfs (copy and truncate, writers quiet).
 */
class AppendedLogRotationTest {
    @TempDir
    Path dir;

    @Test
    void appendsDuringRotationsAreNeitherLostNorDuplicated() throws Exception {
        Path live = dir.resolve("chatty.log");
        AppendedLogRotation rotation = new AppendedLogRotation(live, new LogsSpec(64 * 1024, 100_000));
        int writers = 3;
        long perWriter = 40_000; // about 3.5 MB each: some 150 rotations while they write
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int w = 1; w <= writers; w++) {
            String name = "w" + w;
            // Each writer opens the file for itself with O_APPEND, as a child's inherited stdout is.
            Thread t = new Thread(() -> {
                try (OutputStream out = new FileOutputStream(live.toFile(), true)) {
                    for (long n = 1; n <= perWriter; n++) {
                        out.write(NumberedLines.line(name, n).getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (IOException e) {
                    failures.add(e);
                }
            }, name);
            threads.add(t);
        }
        Files.createFile(live);
        threads.forEach(Thread::start);
        int rotations = 0;
        while (threads.stream().anyMatch(Thread::isAlive)) {
            if (rotation.rotateIfDue()) {
                rotations++;
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(failures.isEmpty(), failures.toString());
        assertTrue(rotations >= 10, "rotated while they wrote: " + rotations);

        RotatedLog log = new RotatedLog(live);
        List<Path> files = new ArrayList<>(log.rotatedOldestFirst());
        files.add(live);
        NumberedLines.Count count = NumberedLines.count(files);
        assertTrue(count.problems().isEmpty(), count.problems().toString());
        for (int w = 1; w <= writers; w++) {
            NumberedLines.Writer writer = count.of("w" + w);
            assertEquals(List.of(), writer.problems(), "w" + w);
            assertEquals(1, writer.first(), "w" + w);
            assertEquals(perWriter, writer.last(), "w" + w);
            assertEquals(perWriter, writer.count(), "w" + w);
        }
        assertFalse(Files.exists(log.marker()));
        long total = 0;
        for (Path f : files) {
            total += Files.size(f);
        }
        assertEquals(writers * perWriter * NumberedLines.line("w1", 1).length(), total, "every byte once");
    }

    @Test
    void keepsAtMostKeepRotatedPartsNewestFirst() throws Exception {
        Path live = dir.resolve("c.log");
        AppendedLogRotation rotation = new AppendedLogRotation(live, new LogsSpec(8192, 3));
        long n = 0;
        for (int round = 0; round < 10; round++) {
            try (OutputStream out = new FileOutputStream(live.toFile(), true)) {
                for (int i = 0; i < 200; i++) {
                    out.write(NumberedLines.line("w1", ++n).getBytes(StandardCharsets.US_ASCII));
                }
            }
            assertTrue(rotation.rotateIfDue());
        }
        RotatedLog log = new RotatedLog(live);
        assertEquals(List.of(log.rotated(3), log.rotated(2), log.rotated(1)), log.rotatedOldestFirst());
        List<Path> files = new ArrayList<>(log.rotatedOldestFirst());
        files.add(live);
        NumberedLines.Writer w = NumberedLines.count(files).of("w1");
        assertEquals(List.of(), w.problems());
        assertEquals(n, w.last(), "the last line written is there");
        assertTrue(w.first() > 1, "the oldest parts were deleted");
        assertTrue(Files.size(live) < 4096 + 8192, "live file is small again: " + Files.size(live));
    }

    @Test
    void aRotationInterruptedBeforeItsHeadWasPublishedIsUndone() throws Exception {
        Path live = dir.resolve("c.log");
        String text = lines(1, 1000);
        Files.writeString(live, text);
        RotatedLog log = new RotatedLog(live);
        Files.writeString(log.marker(), "4242\n");
        Files.writeString(log.next(), text.substring(0, 8192));

        new AppendedLogRotation(live, new LogsSpec(1 << 20, 5)).recover();

        assertEquals(text, Files.readString(live));
        assertFalse(Files.exists(log.next()));
        assertFalse(Files.exists(log.marker()));
        assertEquals(List.of(), log.rotatedOldestFirst());
    }

    @Test
    void aRotationInterruptedAfterItsHeadWasPublishedIsFinished() throws Exception {
        Path live = dir.resolve("c.log");
        String text = lines(1, 1000);
        Files.writeString(live, text);
        RotatedLog log = new RotatedLog(live);
        Files.writeString(log.marker(), "4242\n");
        Files.writeString(log.rotated(1), text.substring(0, 8192));

        new AppendedLogRotation(live, new LogsSpec(1 << 20, 5)).recover();

        assertEquals(text.substring(8192), Files.readString(live));
        assertEquals(text, Files.readString(log.rotated(1)) + Files.readString(live));
        assertFalse(Files.exists(log.marker()));
    }

    @Test
    void withoutCollapseTheLiveFileIsCopiedAndTruncated() throws Exception {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm));
        Path tmpfs = Files.createTempDirectory(shm, "rotation");
        try {
            Path live = tmpfs.resolve("c.log");
            String text = lines(1, 1000);
            Files.writeString(live, text);
            AppendedLogRotation rotation = new AppendedLogRotation(live, new LogsSpec(8192, 5));
            assertTrue(rotation.rotateIfDue());
            RotatedLog log = new RotatedLog(live);
            assertEquals(text, Files.readString(log.rotated(1)));
            assertEquals(0, Files.size(live));
            Files.writeString(live, lines(1001, 2000), java.nio.file.StandardOpenOption.APPEND);
            assertTrue(rotation.rotateIfDue());
            assertEquals(lines(1, 2000), Files.readString(log.rotated(2)) + Files.readString(log.rotated(1)));
        } finally {
            try (var files = Files.list(tmpfs)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(tmpfs);
        }
    }

    private static String lines(long from, long to) {
        StringBuilder b = new StringBuilder();
        for (long n = from; n <= to; n++) {
            b.append(NumberedLines.line("w1", n));
        }
        return b.toString();
    }
}
