package ai.stigmer.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.LogsSpec;
import ai.stigmer.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher's checks: a log written past its limit rotates, again after each rotation, also one
 * created after it was watched, and also where inotify is not used (every log checked each period).
 */
class LogRotationWatcherTest {
    private static final LogsSpec SMALL = new LogsSpec(4096, 3);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aLogWrittenPastItsLimitRotatesAndAgainAfterEachRotation() throws IOException {
        Path live = Files.createFile(dir.resolve("chatty.log"));
        try (LogRotationWatcher watcher = new LogRotationWatcher().watch(live, SMALL).start()) {
            assertTrue(watcher.usesInotify());
            rotatesTwice(live);
        }
    }

    @Test
    void aLogCreatedAfterItIsWatchedRotates() throws IOException {
        Path live = dir.resolve("late.log");
        try (LogRotationWatcher watcher = new LogRotationWatcher().watch(live, SMALL).start()) {
            assertTrue(watcher.usesInotify());
            rotatesTwice(live);
        }
    }

    @Test
    void withoutInotifyEveryLogIsCheckedEachPeriod() throws IOException {
        Path live = Files.createFile(dir.resolve("polled.log"));
        try (LogRotationWatcher watcher = new LogRotationWatcher(Duration.ofMillis(100), false).watch(live, SMALL)
                .start()) {
            rotatesTwice(live);
        }
    }

    @Test
    void aLogWatchedAgainWithNewLimitsRotatesAtThem() throws IOException {
        Path live = Files.createFile(dir.resolve("changed.log"));
        try (LogRotationWatcher watcher = new LogRotationWatcher().watch(live, new LogsSpec(1 << 20, 3)).start()) {
            watcher.unwatch(live);
            watcher.watch(live, SMALL);
            rotatesTwice(live);
        }
    }

    @Test
    void aLogWhoseFolderIsRemovedAndMadeAgainRotates() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("logs"));
        Path live = Files.createFile(folder.resolve("moved.log"));
        try (LogRotationWatcher watcher = new LogRotationWatcher(Duration.ofMillis(100)).watch(live, SMALL).start()) {
            Files.delete(live);
            Files.delete(folder);
            Files.createDirectory(folder);
            rotatesTwice(live);
        }
    }

    private static void rotatesTwice(Path live) throws IOException {
        append(live, 10_000);
        Await.until("the first rotation", WAIT, () -> Files.exists(part(live, 1)) && !rotating(live));
        append(live, 10_000);
        Await.until("the second rotation", WAIT, () -> Files.exists(part(live, 2)) && !rotating(live));
        assertEquals(20_000, size(live) + size(part(live, 1)) + size(part(live, 2)), "every byte in one file");
    }

    private static void append(Path live, int bytes) throws IOException {
        Files.write(live, "x".repeat(bytes - 1).concat("\n").getBytes(), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private static boolean rotating(Path live) {
        return Files.exists(new RotatedLog(live).marker());
    }

    private static Path part(Path live, int n) {
        return live.resolveSibling(live.getFileName() + "." + n);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
