package ai.stigmer.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.Await;
import ai.stigmer.testing.StigmerInstall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Show 1 of issue 11: the daemon's threads do not grow with its components. A real daemon with 3 and
 * then with 200 {@code sleep} components, all Running, without probes and with a {@code process}
 * liveness probe each, has the same number of threads within a small constant: the JDK's thread
 * per child (its process reaper) is gone with posix_spawn and the one exit loop, and probes run on
 * the watchdog and a pool sized by the cores. What may differ: the launch pool (at most
 * 2 × maxConcurrentLaunches) and the JMX connection threads of this test.
 */
class ThreadCountIndependentOfComponentsTest {
    private static final int SMALL_CONSTANT = 8;
    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "liveness probe: {0}")
    @ValueSource(booleans = {false, true})
    void threadsWithTwoHundredComponentsAreThoseWithThree(boolean liveness) throws Exception {
        Map<String, Long> three = threadsRunning(3, liveness);
        Map<String, Long> twoHundred = threadsRunning(200, liveness);

        long a = three.values().stream().mapToLong(Long::longValue).sum();
        long b = twoHundred.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("daemon threads, liveness probe %s: 3 components %d, 200 components %d%n", liveness, a, b);
        assertTrue(b - a <= SMALL_CONSTANT, "threads with 3 components: " + a + " " + three
                + "; with 200: " + b + " " + twoHundred);
    }

    /** The daemon's threads by name (digits dropped), once all {@code count} components are Running. */
    private Map<String, Long> threadsRunning(int count, boolean liveness) throws IOException {
        List<String> names = IntStream.rangeClosed(1, count).mapToObj(i -> "sleeper-" + i).toList();
        StringBuilder config = new StringBuilder("  maxConcurrentLaunches: 2\ncomponents:\n");
        for (String name : names) {
            config.append("  ").append(name).append(":\n    process: { command: [sleep, '100000'] }\n");
            if (liveness) {
                config.append("    probes: { liveness: { period: 10s, checks: [ { process: {} } ] } }\n");
            }
        }
        try (StigmerInstall install = new StigmerInstall(dir.resolve(count + "-" + liveness))) {
            install.config(config.toString());
            install.start();
            for (String name : names) {
                install.awaitState(name, "Running", WAIT);
            }
            Map<String, Long> threads = threads(install.daemonPid());
            assertTrue(threads.values().stream().mapToLong(Long::longValue).sum() > 5, "threads read: " + threads);
            return threads;
        }
    }

    private static Map<String, Long> threads(long pid) throws IOException {
        Map<String, Long> byName = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+", "#");
                    byName.merge(name, 1L, Long::sum);
                } catch (IOException ended) {
                    // the thread ended while it was listed
                }
            }
        }
        return byName;
    }
}
