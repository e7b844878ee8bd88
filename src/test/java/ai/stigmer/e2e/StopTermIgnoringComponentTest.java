package ai.stigmer.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.runtime.process.ProcStat;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.StigmerInstall.Result;
import ai.stigmer.testing.WithStigmerInstall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, Show 5: {@code stop} with a component that ignores SIGTERM and a stop timeout the test
 * sets. Waiting long enough, stop exits 0, says the component needed SIGKILL, and nothing is left;
 * waiting less than the stop timeout, stop exits 1 and names the daemon and the component, both
 * still alive. Either way its words match what the processes did.
 */
class StopTermIgnoringComponentTest extends WithStigmerInstall {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The whole group ignores SIGTERM (sleep inherits the ignored signal): only SIGKILL ends it. */
    private static final String STUBBORN = "components:\n  stubborn:\n"
            + "    process: { command: [sh, -c, 'trap \"\" TERM; while :; do sleep 1; done'] }\n";

    @Test
    void stopWaitingLongerThanTheStopTimeoutExitsZeroAndSaysSigkillWasNeeded() {
        install.homeConfig("defaults:\n  stop: { timeout: 2s }\n" + STUBBORN);
        install.start();
        install.awaitState("stubborn", "Running", WAIT);
        long daemon = install.daemonPid();
        long stubborn = install.pid("stubborn");
        List<Long> group = group(stubborn);

        Result stop = install.stigmer("server", "stop", "--timeout", "60s");
        assertEquals(0, stop.exit(), stop.out() + install.daemonOut());
        assertTrue(stop.out().contains("  stubborn (pid " + stubborn
                + "): stopped with SIGKILL after its stop timeout (it ignores SIGTERM)\n"), stop.out());
        assertTrue(stop.out().endsWith("stigmer daemon stopped\n"), stop.out());
        assertFalse(stop.out().contains("still running"), stop.out());
        assertFalse(stop.out().contains("WARNING"), "only the command's own words:\n" + stop.out());
        assertTrue(gone(daemon), "daemon");
        for (long pid : group) {
            assertTrue(gone(pid), "left behind: " + pid + "\n" + stop.out());
        }
        Result status = install.stigmer("server", "status");
        assertEquals(3, status.exit(), status.out());
    }

    @Test
    void stopWaitingLessThanTheStopTimeoutExitsOneAndNamesWhatStillRuns() {
        install.homeConfig("defaults:\n  stop: { timeout: 15s }\n" + STUBBORN);
        install.start();
        install.awaitState("stubborn", "Running", WAIT);
        long daemon = install.daemonPid();
        long stubborn = install.pid("stubborn");

        Result stop = install.stigmer("server", "stop", "--timeout", "1s");
        assertEquals(1, stop.exit(), stop.out());
        assertFalse(stop.out().contains("stigmer daemon stopped"), stop.out());
        assertTrue(stop.out().contains("has not exited within 1s (--timeout)"), stop.out());
        assertTrue(stop.out().contains("still running: daemon (pid " + daemon + "), stubborn (pid " + stubborn + ")"),
                stop.out());
        // True when it said it: SIGTERM cannot end stubborn, and its SIGKILL is 15s after the stop request.
        assertFalse(gone(stubborn), "stop named a process that was gone");

        // The daemon carries on with the stop on its own: SIGKILL at the stop timeout, then it exits.
        Await.until("daemon and stubborn gone after the stop timeout", WAIT, () -> gone(daemon) && gone(stubborn));
        Result again = install.stigmer("server", "stop");
        assertEquals(0, again.exit(), again.out());
        assertTrue(again.out().contains("not running"), again.out());
    }

    /** The instance and every process of its group and session now. */
    private static List<Long> group(long leader) {
        List<Long> pids = new ArrayList<>(List.of(leader));
        ProcStat.members(leader, leader).forEach(s -> pids.add(s.pid()));
        return pids;
    }

    /** Gone, or a zombie that init has yet to reap: nothing runs any more. */
    private static boolean gone(long pid) {
        return ProcStat.read(pid).map(ProcStat::gone).orElse(true);
    }
}
