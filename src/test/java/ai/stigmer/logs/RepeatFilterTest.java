package ai.stigmer.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.Await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Filter.Result;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

/** The rate limit of repeated lines, on a manual clock: first line, then one summary per window. */
class RepeatFilterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<LogEvent> summaries = new ArrayList<>();
    private final RepeatFilter filter = new RepeatFilter(Level.WARN, Duration.ofSeconds(60), now::get, summaries::add);

    @Test
    void theSameErrorTenThousandTimesIsOneLineThenOneSummaryAtTheEndOfTheWindow() {
        int passed = 0;
        for (int i = 0; i < 10_000; i++) {
            if (filter.filter(error("cannot reach the engine", "Connection refused", Map.of())) == Result.NEUTRAL) {
                passed++;
            }
            now.addAndGet(1_000_000); // 10 s in all
        }
        assertEquals(1, passed);
        filter.sweep();
        assertEquals(List.of(), summaries, "no summary while the window lasts");

        now.addAndGet(Duration.ofSeconds(50).toNanos());
        filter.sweep();
        assertEquals(1, summaries.size());
        LogEvent summary = summaries.get(0);
        assertEquals("cannot reach the engine … repeated 9999 times in 60s", summary.getMessage().getFormattedMessage());
        assertEquals(Level.ERROR, summary.getLevel());
        assertEquals("ai.stigmer.test", summary.getLoggerName());
        assertEquals(Result.NEUTRAL, filter.filter(summary), "a summary is never held back");

        filter.sweep();
        assertEquals(1, summaries.size(), "one summary per window");
        assertEquals(Result.NEUTRAL, filter.filter(error("cannot reach the engine", "Connection refused", Map.of())),
                "a new window begins with the line itself");
    }

    @Test
    void theLineThatOpensTheNextWindowComesAfterTheSummaryOfThePrevious() {
        filter.filter(error("boom", "x", Map.of()));
        filter.filter(error("boom", "x", Map.of()));
        filter.filter(error("boom", "x", Map.of()));
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        assertEquals(Result.NEUTRAL, filter.filter(error("boom", "x", Map.of())));
        assertEquals(1, summaries.size());
        assertEquals("boom … repeated 2 times in 60s", summaries.get(0).getMessage().getFormattedMessage());
    }

    @Test
    void aLineWithoutRepeatsHasNoSummary() {
        filter.filter(error("once", "x", Map.of()));
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        filter.sweep();
        assertEquals(List.of(), summaries);
    }

    @Test
    void linesOfOtherComponentsOrWithOtherExceptionsAreOtherLines() {
        assertEquals(Result.NEUTRAL, filter.filter(error("Health check failed", "x", Map.of("component", "a"))));
        assertEquals(Result.NEUTRAL, filter.filter(error("Health check failed", "x", Map.of("component", "b"))));
        assertEquals(Result.NEUTRAL, filter.filter(error("Health check failed", "y", Map.of("component", "b"))));
        assertEquals(Result.DENY, filter.filter(error("Health check failed", "y", Map.of("component", "b"))));
        now.addAndGet(Duration.ofSeconds(60).toNanos());
        filter.sweep();
        assertEquals(1, summaries.size());
        assertEquals("b", summaries.get(0).getContextData().getValue("component"), "the summary goes to b's log");
    }

    @Test
    void stateChangeLinesAreNeverHeldBack() {
        org.apache.logging.log4j.Marker transition = org.apache.logging.log4j.MarkerManager.getMarker(
                ai.stigmer.supervisor.Slf4jComponentLog.TRANSITION_MARKER);
        for (int i = 0; i < 3; i++) {
            LogEvent unhealthy = Log4jLogEvent.newBuilder().setLoggerName("ai.stigmer.health").setLevel(Level.WARN)
                    .setMarker(transition).setMessage(new SimpleMessage("Component marked unhealthy (exit code 3)"))
                    .setContextMap(Map.of("component", "crashloop")).build();
            assertEquals(Result.NEUTRAL, filter.filter(unhealthy), "one per restart, and scripts count them");
        }
        assertEquals(Result.NEUTRAL, filter.filter(event(Level.WARN, "Component marked unhealthy (exit code 3)", null,
                Map.of("component", "crashloop"))));
        assertEquals(Result.DENY, filter.filter(event(Level.WARN, "Component marked unhealthy (exit code 3)", null,
                Map.of("component", "crashloop"))), "the same line without the marker is an ordinary repeat");
    }

    @Test
    void linesBelowWarnAreNeverHeldBack() {
        for (int i = 0; i < 3; i++) {
            assertEquals(Result.NEUTRAL, filter.filter(event(Level.INFO, "Health check failed (startup: ...)", null,
                    Map.of())));
        }
    }

    @Test
    void pastTheTrackingLimitNewLinesPassUntracked() {
        for (int i = 0; i < RepeatFilter.MAX_TRACKED; i++) {
            filter.filter(error("distinct " + i, "x", Map.of()));
        }
        assertEquals(Result.NEUTRAL, filter.filter(error("one more", "x", Map.of())));
        assertEquals(Result.NEUTRAL, filter.filter(error("one more", "x", Map.of())), "untracked: written");
        assertEquals(Result.DENY, filter.filter(error("distinct 7", "x", Map.of())), "tracked ones still held back");
    }

    @Test
    void aStartedFilterSweepsOnlyWhileAWindowIsOpenAndWritesTheSummaryWhenItEnds() {
        List<LogEvent> written = java.util.Collections.synchronizedList(new ArrayList<>());
        RepeatFilter started = new RepeatFilter(Level.WARN, Duration.ofMillis(200), System::nanoTime, written::add);
        started.start();
        try {
            assertFalse(started.sweepPending(), "no window open: nothing to wake for");
            started.filter(error("flapping", "x", Map.of()));
            started.filter(error("flapping", "x", Map.of()));
            assertTrue(started.sweepPending(), "the window's end is swept");
            Await.until("the summary", Duration.ofSeconds(30), () -> written.size() == 1);
            assertEquals("flapping … repeated 1 times in 200ms", written.get(0).getMessage().getFormattedMessage());
            Await.until("no sweep left once every window has ended", Duration.ofSeconds(30),
                    () -> !started.sweepPending());
        } finally {
            started.stop();
        }
        assertFalse(started.sweepPending());
    }

    private static LogEvent error(String message, String cause, Map<String, String> context) {
        return event(Level.ERROR, message, new IOException(cause), context);
    }

    private static LogEvent event(Level level, String message, Throwable thrown, Map<String, String> context) {
        return Log4jLogEvent.newBuilder().setLoggerName("ai.stigmer.test").setLevel(level)
                .setMessage(new SimpleMessage(message)).setThrown(thrown).setContextMap(context).build();
    }
}
