package ai.stigmer.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.runtime.process.ProcStat;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.StigmerInstall.Result;
import ai.stigmer.testing.WithStigmerInstall;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, Show 4: a daemon stopped with SIGSTOP holds its lock but cannot answer. {@code status}
 * says so within its deadline (exit 4, "does not answer"), {@code stop} exits non-zero without
 * claiming the daemon stopped, and {@code server} starts no second daemon beside it. The daemon is
 * continued at the end, and is then fine.
 */
class SigstoppedDaemonTest extends WithStigmerInstall {
    /** Far above the command line's own deadlines (10 s to connect), far below the harness's 2 min. */
    private static final Duration GENEROUS = Duration.ofSeconds(60);

    private long stoppedPid = -1;

    @AfterEach
    void tearDown() {
        if (stoppedPid > 0) {
            signal("CONT", stoppedPid);
        }
    }

    @Test
    void statusSaysNotAnsweringAndStopDoesNotClaimItStopped() {
        install.homeConfig("components:\n  solo:\n    process: { command: [sleep, '1004'] }\n");
        install.start();
        install.awaitState("solo", "Running", GENEROUS);
        long daemon = install.daemonPid();
        long solo = install.pid("solo");

        signal("STOP", daemon);
        stoppedPid = daemon;
        Await.until("daemon stopped (state T)", GENEROUS,
                () -> ProcStat.read(daemon).map(s -> s.state() == 'T').orElse(false));

        long started = System.nanoTime();
        Result status = install.stigmer("server", "status");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertEquals(4, status.exit(), status.out());
        assertTrue(status.out().startsWith("stigmer daemon (pid " + daemon + ") does not answer on 127.0.0.1:"
                + install.jmxPort), status.out());
        assertEquals(1, status.out().strip().lines().count(), "one line:\n" + status.out());
        assertTrue(took.compareTo(GENEROUS) < 0, "status returned after " + took);

        Result json = install.stigmer("server", "status", "--json");
        assertEquals(4, json.exit(), json.out());
        assertTrue(json.out().contains("\"running\":true,\"answering\":false"), json.out());

        Result second = install.stigmer("server");
        assertEquals(1, second.exit(), second.out());
        assertTrue(second.out().contains("stigmer daemon (pid " + daemon + ") does not answer on"), second.out());
        assertTrue(second.out().contains("not starting another"), second.out());
        assertEquals(daemon, install.daemonPid(), "no second daemon");

        Result stop = install.stigmer("server", "stop", "--timeout", "5s");
        assertNotEquals(0, stop.exit(), stop.out());
        assertFalse(stop.out().contains("stigmer daemon stopped"), stop.out());
        assertTrue(stop.out().contains("does not answer"), stop.out());
        assertTrue(stop.out().contains("still running: daemon (pid " + daemon + ", suspended: SIGSTOP)"), stop.out());
        assertTrue(stop.out().contains("solo (pid " + solo + ")"), stop.out());
        assertTrue(alive(daemon) && alive(solo), "stop did not kill anything");

        // Continued, the daemon answers again: stop signalled nothing while it could not act.
        signal("CONT", daemon);
        stoppedPid = -1;
        Result again = Await.value("status answers after SIGCONT", GENEROUS,
                () -> install.stigmer("server", "status"), r -> r.exit() == 0);
        assertTrue(again.out().contains("Running ✓"), again.out());
        assertEquals(solo, install.pid("solo"));

        Result finalStop = install.stigmer("server", "stop");
        assertEquals(0, finalStop.exit(), finalStop.out());
        assertTrue(finalStop.out().contains("stigmer daemon stopped"), finalStop.out());
        assertFalse(alive(daemon) || alive(solo), finalStop.out());
    }

    private static boolean alive(long pid) {
        return ProcStat.read(pid).map(s -> !s.gone()).orElse(false);
    }

    private static void signal(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            if (!kill.waitFor(30, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            throw new AssertionError("kill -" + signal + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
