package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The restart limit's window (SPEC §4): exact at its edge, and a status view that later restarts never change. */
class RestartWindowTest {
    private static final Duration WINDOW = Duration.ofMinutes(10);
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aRestartCountsUntilExactlyOneWindowHasPassed() {
        RestartWindow window = new RestartWindow(WINDOW);
        window.record(0);
        window.record(5 * SECOND);

        assertEquals(2, window.count(WINDOW.toNanos() - 1));
        assertEquals(1, window.count(WINDOW.toNanos()), "the first is out at exactly one window");
        assertEquals(0, window.count(WINDOW.toNanos() + 5 * SECOND));
    }

    @Test
    void aViewKeepsItsTimesWhileRestartsGoOnAndTheArrayGrows() {
        RestartWindow window = new RestartWindow(WINDOW);
        for (int i = 0; i < 5; i++) {
            window.record(i * SECOND);
        }
        RestartWindow.View view = window.snapshot();
        assertSame(view, window.snapshot(), "no change, no new view");

        for (int i = 5; i < 1_000; i++) { // past one window, with the array replaced several times
            window.record(i * SECOND);
        }
        window.clear();
        window.record(2_000 * SECOND);

        assertEquals(5, RestartWindow.count(view, 4 * SECOND, WINDOW));
        assertEquals(3, RestartWindow.count(view, WINDOW.toNanos() + 2 * SECOND - 1, WINDOW));
        assertEquals(2, RestartWindow.count(view, WINDOW.toNanos() + 2 * SECOND, WINDOW));
        assertEquals(0, RestartWindow.count(view, WINDOW.toNanos() + 4 * SECOND, WINDOW));
        assertEquals(1, RestartWindow.count(window.snapshot(), 2_000 * SECOND, WINDOW));
    }

    /** A high limit and an instance that crashes at once: every restart stays in the window, each counted. */
    @Test
    void aHundredThousandRestartsInOneWindow() {
        RestartWindow window = new RestartWindow(WINDOW);
        long step = WINDOW.toNanos() / 200_000;
        for (int i = 0; i < 100_000; i++) {
            window.record(i * step);
            assertEquals(i + 1, window.count(i * step));
        }
        RestartWindow.View view = window.snapshot();
        assertEquals(100_000, RestartWindow.count(view, 100_000 * step, WINDOW));
        // at one window after restart k, restarts 0..k are out
        assertEquals(49_999, RestartWindow.count(view, WINDOW.toNanos() + 50_000 * step, WINDOW));
        assertEquals(49_999, window.count(WINDOW.toNanos() + 50_000 * step));
    }

    @Test
    void clearedCountsNothing() {
        RestartWindow window = new RestartWindow(WINDOW);
        window.record(SECOND);
        window.clear();
        assertEquals(0, window.count(2 * SECOND));
        assertEquals(0, RestartWindow.count(window.snapshot(), 2 * SECOND, WINDOW));
    }
}
