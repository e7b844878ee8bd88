package ai.stigmer.probe;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A pid is signalled only while it is still the process that started at the recorded time. */
class VerifiedKillTest {

    @Test
    void aWrongStartTimeSendsNothingTheRightOneKills() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "1000").start();
        try {
            long start = ProcessTable.read(sleeper.pid()).orElseThrow().startTicks();
            assertFalse(VerifiedKill.kill(sleeper.pid(), start + 1));
            assertFalse(sleeper.waitFor(200, TimeUnit.MILLISECONDS), "still alive after a refused kill");
            assertTrue(VerifiedKill.kill(sleeper.pid(), start));
            assertTrue(sleeper.waitFor(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS));
            assertFalse(VerifiedKill.kill(sleeper.pid(), start), "a reaped process is not signalled again");
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void pidOneAndZeroAreNeverSignalled() {
        long initStart = ProcessTable.read(1).orElseThrow().startTicks();
        assertFalse(VerifiedKill.kill(1, initStart));
        assertFalse(VerifiedKill.kill(0, 0));
    }
}
