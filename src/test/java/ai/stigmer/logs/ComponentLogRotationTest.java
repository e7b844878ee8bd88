package ai.stigmer.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.Await;
import ai.stigmer.testing.StigmerInstall;
import ai.stigmer.testing.WithStigmerInstall;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A component writing 50 MB into its log at {@code logs: { maxSize: 10m, keep: 5 }}, with the
 * daemon killed with SIGKILL (and started again) half way: the component keeps writing while no
 * daemon lives, its log ends as at most 6 files, and its numbered lines, counted across the files
 * oldest first, run without a gap or a repeat up to the last one written; {@code stigmer server logs
 * -a -f}, following all along, printed each line once as well.
 */
class ComponentLogRotationTest extends WithStigmerInstall {
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final long TOTAL = 50L << 20;
    private static final long MAX_SIZE = 10L << 20;

    @Test
    void aComponentWriting50MbLeavesAtMostSixFilesNoLostLineAndKeepsWritingAcrossADaemonKill() throws Exception {
        Path done = dir.resolve("written");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        install.config("""
                components:
                  chatty:
                    process:
                      command: ['%s', '-Xmx32m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-cp', '%s',
                                '%s', '%d', '%s']
                    logs: { maxSize: 10m, keep: 5 }
                """.formatted(java, System.getProperty("java.class.path"), NumberedLineWriter.class.getName(),
                TOTAL, done));
        Path logs = install.home.resolve("logs");
        Path live = logs.resolve("chatty.log");
        install.start();
        install.awaitState("chatty", "Running", WAIT);
        long component = install.pid("chatty");
        Path followed = dir.resolve("followed.txt");
        Process follower = cli(followed, "server", "logs", "chatty", "-a", "-f");
        try {
            Await.until("20 MB written", WAIT, () -> written(logs) > 20L << 20);
            assertTrue(names(logs).stream().anyMatch(n -> n.matches("chatty\\.log\\.[1-5]")),
                    "rotated while the daemon lives: " + names(logs));

            long daemon = install.daemonPid();
            StigmerInstall.kill9(daemon);
            Await.until("the daemon is gone", WAIT, () -> ProcessHandle.of(daemon).map(h -> !h.isAlive()).orElse(true));
            long atKill = written(logs);
            Await.until("5 MB more written with no daemon", WAIT, () -> written(logs) > atKill + (5L << 20)
                    || Files.exists(done));
            assertTrue(written(logs) > atKill, "the component kept writing");
            assertTrue(ProcessHandle.of(component).map(ProcessHandle::isAlive).orElse(false), "and lives");

            install.start();
            install.awaitState("chatty", "Running", WAIT);
            assertEquals(component, install.pid("chatty"), "the same instance, adopted");
            Await.until("all written", WAIT, () -> Files.exists(done));
            Await.until("rotated down to maxSize", WAIT, () -> size(live) <= MAX_SIZE);
            long last = Long.parseLong(Files.readString(done).trim());

            List<String> files = names(logs);
            assertTrue(files.size() <= 6, "at most keep + 1 files: " + files);
            assertTrue(files.stream().allMatch(f -> f.matches("chatty\\.log(\\.[1-5])?")), "no leftovers: " + files);
            RotatedLog log = new RotatedLog(live);
            List<Path> oldestFirst = new ArrayList<>(log.rotatedOldestFirst());
            oldestFirst.add(live);
            NumberedLines.Count count = NumberedLines.count(oldestFirst);
            System.out.println("files " + files + ", lines " + count.of("w1") + ", daemon lines " + count.other());
            assertContiguousUpTo(count, last, files.size() == 6);

            Await.until("the follower printed the last line", WAIT,
                    () -> tail(followed).contains(NumberedLines.line("w1", last)));
            follower.destroy();
            follower.waitFor();
            NumberedLines.Count printed = NumberedLines.count(List.of(followed));
            assertEquals(List.of(), printed.problems());
            assertEquals(List.of(), printed.of("w1").problems(), "logs -f printed each line once");
            assertEquals(1, printed.of("w1").first());
            assertEquals(last, printed.of("w1").last());
        } finally {
            follower.destroyForcibly();
        }
    }

    /** Contiguous from the oldest line kept to the last written; from 1 unless keep deleted the oldest part. */
    private static void assertContiguousUpTo(NumberedLines.Count count, long last, boolean partsDeleted) {
        assertEquals(List.of(), count.problems(), "whole lines only");
        NumberedLines.Writer w = count.of("w1");
        assertEquals(List.of(), w.problems(), "none missing, none repeated");
        assertEquals(last, w.last(), "the last line written is there");
        assertEquals(w.last() - w.first() + 1, w.count());
        if (!partsDeleted) {
            assertEquals(1, w.first(), "nothing deleted yet: from the first line");
        }
        assertTrue(count.other() > 0, "the daemon's lines are there too, whole");
    }

    private Process cli(Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(StigmerInstall.ROOT.resolve("bin/stigmer").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(output.toFile())
                .redirectError(dir.resolve("follower.err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(install.environment());
        return pb.start();
    }

    /** All the bytes in the component's log and its parts (none is deleted below 60 MB). */
    private static long written(Path logs) {
        long total = 0;
        for (String name : names(logs)) {
            total += name.matches("chatty\\.log(\\.\\d+)?") ? size(logs.resolve(name)) : 0; // not a copy under way
        }
        return total;
    }

    private static List<String> names(Path logs) {
        try (Stream<Path> files = Files.list(logs)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("chatty.log")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String tail(Path file) {
        try (var raf = new java.io.RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, raf.length() - 4096);
            byte[] bytes = new byte[(int) (raf.length() - start)];
            raf.seek(start);
            raf.readFully(bytes);
            return new String(bytes, java.nio.charset.StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "";
        }
    }
}
