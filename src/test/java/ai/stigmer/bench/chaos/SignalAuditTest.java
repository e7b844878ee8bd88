package ai.stigmer.bench.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.bench.chaos.Census.Proc;
import ai.stigmer.bench.chaos.DaemonLog.Event;
import ai.stigmer.bench.chaos.Violations.Kind;
import ai.stigmer.os.ProcFs;
import ai.stigmer.runtime.InstanceMarker;
import ai.stigmer.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak's signal audit ({@link LogChecks#checkSignals}) on real processes: a signal line naming
 * a live process without the home's marker is a wrong pid; one naming a process seen only as a
 * zombie, or only as a daemon's child before its exec, is too short-lived to be seen, not a wrong pid.
 */
class SignalAuditTest {
    private static final String HOME_ID = "5a1d17";
    private static final String MARKER = InstanceMarker.value(HOME_ID, SoakConfig.SLEEPER, "0123456789abcdef");
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final long SELF = ProcessHandle.current().pid();

    @TempDir
    Path run;

    private final Violations violations = new Violations();

    @Test
    void aSignalToALiveProcessWithoutTheMarkerIsAWrongPid() {
        Census census = new Census(HOME_ID, run, 0);
        long ticks = census.read(SELF).orElseThrow().ticks();
        LogChecks checks = audit(census, List.of(), SELF, ticks);
        assertEquals(1, violations.count(Kind.WRONG_PID));
        assertTrue(checks.summary().contains("1 checked, 0 to processes too short-lived"), checks.summary());
    }

    @Test
    void aSignalToAMarkedProcessIsOneOfOurs() throws Exception {
        Process sleeper = start(true, "sleep", "60");
        try {
            Census census = new Census(HOME_ID, run, 0);
            Proc seen = Await.value("the sleeper seen with its marker", LIMIT,
                    () -> census.read(sleeper.pid()).orElseThrow(), Proc::marked);
            LogChecks checks = audit(census, List.of(), sleeper.pid(), seen.ticks());
            assertEquals(0, violations.total());
            assertTrue(checks.summary().contains("1 checked, 0 to processes too short-lived"), checks.summary());
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    @Test
    void aMarkedProcessSeenOnlyAsAZombieIsNoWrongPid() throws Exception {
        // The shell's marked child exits at once; the shell execs a sleep that never reaps it.
        Process parent = start(true, "/bin/sh", "-c", "sleep 0 & exec sleep 60");
        try {
            long zombie = Await.value("a zombie child of " + parent.pid(), LIMIT, () -> zombieChildOf(parent.pid()),
                    Optional::isPresent).orElseThrow();
            Census census = new Census(HOME_ID, run, 0);
            long ticks = census.read(zombie).orElseThrow().ticks();
            LogChecks checks = audit(census, List.of(), zombie, ticks);
            assertEquals(0, violations.total());
            assertTrue(checks.summary().contains("1 checked, 1 to processes too short-lived"), checks.summary());
        } finally {
            parent.destroyForcibly().waitFor();
        }
    }

    @Test
    void aDaemonsChildSeenOnlyBeforeItsExecIsNoWrongPidAnotherYoungProcessIs() throws Exception {
        // A census for which nothing settles: every look at an unmarked process is a young one.
        Census census = new Census(HOME_ID, run, 60_000);
        Process child = start(false, "sleep", "60");
        long ticks = census.read(child.pid()).orElseThrow().ticks();
        child.destroyForcibly().waitFor();
        Event daemonStarted = new Event(System.currentTimeMillis(), "INFO", "",
                "stigmer 1.0 " + LogChecks.DAEMON_STARTED + SELF + ", config x, 1 components)");

        audit(census, List.of(daemonStarted), child.pid(), ticks);
        assertEquals(0, violations.total(), "the child of a daemon, seen before its exec");
        audit(census, List.of(), child.pid(), ticks);
        assertEquals(1, violations.count(Kind.WRONG_PID), "a young process that no daemon started");
    }

    private LogChecks audit(Census census, List<Event> before, long pid, long ticks) {
        List<Event> events = new ArrayList<>(before);
        events.add(new Event(System.currentTimeMillis(), "DEBUG", "", "Sent SIGTERM to pid " + pid + " (start time " + ticks + ")"));
        LogChecks checks = new LogChecks(new SoakConfig(0, 0, null), census, violations);
        checks.checkSignals(events);
        return checks;
    }

    private static Process start(boolean marked, String... command) throws Exception {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        if (marked) {
            b.environment().put(InstanceMarker.ENV, MARKER);
        }
        return b.start();
    }

    private static Optional<Long> zombieChildOf(long parent) {
        return ProcFs.pids().stream()
                .filter(pid -> ProcFs.stat(pid, f -> ProcFs.gone(f[0].charAt(0)) && Long.parseLong(f[1]) == parent).orElse(false))
                .findFirst();
    }
}
