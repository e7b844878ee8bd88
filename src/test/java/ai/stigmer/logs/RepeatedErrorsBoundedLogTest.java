package ai.stigmer.logs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.Await;
import ai.stigmer.testing.ChildJava;
import ai.stigmer.testing.StigmerInstall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same error 10,000 times produces a bounded log: through the install's conf/log4j2.xml (its
 * window shortened to 5 s so that summaries come within the test), a daemon error, a warning of the
 * JDK's RMI accept loop (java.util.logging) and a component's health line, each repeated 10,000
 * times, are each written once a window with their stack trace and otherwise counted in a summary
 * line, in daemon.log, in the component's log and on the console (daemon.out).
 */
class RepeatedErrorsBoundedLogTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void theSameErrorTenThousandTimesProducesABoundedLog() throws Exception {
        Path home = dir.resolve("home");
        Path conf = dir.resolve("log4j2.xml");
        String shipped = Files.readString(StigmerInstall.ROOT.resolve("conf/log4j2.xml"));
        assertTrue(shipped.contains("<RepeatFilter/>"), "the shipped configuration rate-limits");
        Files.writeString(conf, shipped.replace("<RepeatFilter/>", "<RepeatFilter window=\"5s\"/>"));
        long started = System.nanoTime();
        Process child = ChildJava.start(dir, RepeatedErrorsChild.class, home.toString(), conf.toString());
        try {
            Await.until("the child logged", WAIT, () -> ChildJava.read(dir, "out.txt").contains("logged"));
            Duration logging = Duration.ofNanos(System.nanoTime() - started);
            Path daemonLog = home.resolve("logs/daemon.log");
            Path componentLog = home.resolve("logs/chatty.log");
            // Every occurrence is accounted for: written, or counted in a summary.
            Await.until("the summaries", WAIT, () -> accounted(read(daemonLog), RepeatedErrorsChild.DAEMON_ERROR)
                    && accounted(read(daemonLog), RepeatedErrorsChild.RMI_WARNING)
                    && accounted(read(daemonLog), RepeatedErrorsChild.HEALTH_WARNING)
                    && accounted(read(componentLog), RepeatedErrorsChild.HEALTH_WARNING)
                    && accounted(ChildJava.read(dir, "err.txt"), RepeatedErrorsChild.DAEMON_ERROR));
            String daemon = read(daemonLog);
            String component = read(componentLog);
            String console = ChildJava.read(dir, "err.txt");

            // One line a window: the logging took some seconds on a loaded machine, the windows are 5 s.
            long windows = logging.toSeconds() / 5 + 2;
            for (String line : new String[] {RepeatedErrorsChild.DAEMON_ERROR, RepeatedErrorsChild.RMI_WARNING,
                    RepeatedErrorsChild.HEALTH_WARNING}) {
                assertTrue(count(daemon, line + "\n") <= windows, line + " at most once a window:\n" + daemon);
            }
            assertTrue(count(component, RepeatedErrorsChild.HEALTH_WARNING + "\n") <= windows, component);
            assertTrue(count(console, RepeatedErrorsChild.DAEMON_ERROR + "\n") <= windows, console);
            assertTrue(daemon.contains("[chatty] " + RepeatedErrorsChild.HEALTH_WARNING + " … repeated "), daemon);
            assertTrue(daemon.length() < 16 * 1024 * windows, "daemon.log is bounded: " + daemon.length() + " bytes");
            assertTrue(component.length() < 512 * windows, component);
            assertTrue(console.length() < 1024 * windows, console);
            assertFalse(console.contains(RepeatedErrorsChild.RMI_WARNING), "JDK logging is not on the console");
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    /** The written lines and the counts of the summaries of {@code line} add up to all its occurrences. */
    private static boolean accounted(String log, String line) {
        long total = count(log, line + "\n");
        Matcher m = Pattern.compile(Pattern.quote(line) + " … repeated (\\d+) times in 5s\n").matcher(log);
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        return total == RepeatedErrorsChild.TIMES;
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            n++;
        }
        return n;
    }
}
