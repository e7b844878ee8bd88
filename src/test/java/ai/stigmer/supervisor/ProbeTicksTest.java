package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Probe runs and heartbeats on the whole seconds of the watchdog's clock: one wake for all due then. */
class ProbeTicksTest {
    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    private static long delay(long now, long delay, Duration period) {
        return ProbeTicks.delay(now, Duration.ofNanos(delay), period).toNanos();
    }

    @Test
    void aWholeSecondPeriodRunsOnTheNextWholeSecond() {
        Duration tenSeconds = Duration.ofSeconds(10);
        long[][] cases = { // now, asked delay, delay given
            {5 * S, 10 * S, 10 * S},                // on the second already
            {5 * S + 300 * MS, 10 * S, 10 * S - 300 * MS + S}, // the first run after initialDelay: the next second
            {5 * S + 3 * MS, 10 * S - 3 * MS, 10 * S - 3 * MS}, // the next after a run that started 3 ms late: 15 s
            {5 * S + 90 * MS, 10 * S - 2 * MS, 10 * S - 90 * MS}, // due 88 ms past 15 s: counted as 15 s
            {5 * S + 150 * MS, 10 * S, 11 * S - 150 * MS}, // due 150 ms past 15 s: 16 s
            {5 * S + 50 * MS, 20 * MS, 0},          // due 70 ms past 5 s, which has passed: now
        };
        for (long[] c : cases) {
            assertEquals(c[2], delay(c[0], c[1], tenSeconds), "now " + c[0] + ", delay " + c[1]);
        }
    }

    @Test
    void aRunAskedForAtOnceOrAPeriodThatIsNotWholeSecondsKeepsItsDelay() {
        assertEquals(0, delay(5 * S + 300 * MS, 0, Duration.ofSeconds(10)));
        assertEquals(1500 * MS, delay(5 * S + 300 * MS, 1500 * MS, Duration.ofMillis(1500)));
        assertEquals(200 * MS, delay(5 * S + 300 * MS, 200 * MS, Duration.ofMillis(200)));
    }

    @Test
    void runsStayOnePeriodApartOnceOnTheSecond() {
        long now = 7 * S + 420 * MS; // the component came up between two seconds
        long run = now + delay(now, 10 * S, Duration.ofSeconds(10));
        assertEquals(18 * S, run);
        for (int i = 0; i < 5; i++) {
            long started = run + 4 * MS; // the watchdog gets to it a little late
            long next = started + delay(started, 10 * S - 4 * MS, Duration.ofSeconds(10)); // the machine counts from the start
            assertEquals(run + 10 * S, next);
            run = next;
        }
    }

    @Test
    void negativeDueTimesRoundTheSameWay() {
        assertEquals(-S, ProbeTicks.onTheSecond(-S));
        assertEquals(-S, ProbeTicks.onTheSecond(-S + 1));
        assertEquals(0, ProbeTicks.onTheSecond(-S + 200 * MS));
        assertEquals(0, ProbeTicks.onTheSecond(50 * MS));
    }
}
