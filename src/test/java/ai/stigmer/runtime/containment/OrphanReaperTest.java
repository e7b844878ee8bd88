package ai.stigmer.runtime.containment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ProcessSpec;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceMarker;
import ai.stigmer.runtime.process.ProcessRuntime;
import ai.stigmer.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session mode: the daemon is a child subreaper, orphans of its instances come back to it, are
 * reaped (by their pid only) and killed when their instance is no longer current.
 */
class OrphanReaperTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long SELF = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @Test
    void anOrphanComesBackToTheDaemonAndIsReapedAfterTheStop() throws Exception {
        String token = token();
        Instance i = runtime("(sleep " + token + " &); exec sleep 100000").launch();
        ProcessEntry orphan = Await.value("the orphan runs", WAIT, () -> ProcessScan.withArgument(token), l -> !l.isEmpty()).get(0);
        assertEquals(SELF, Await.value("reparented", WAIT, () -> ProcessEntry.read(orphan.pid()).orElseThrow().ppid(),
                ppid -> ppid == SELF), "the daemon, a child subreaper, is the orphan's parent now");

        i.stop(Duration.ofSeconds(2));

        // Killed and reaped: not even a zombie is left in /proc.
        Await.until("the orphan is reaped", WAIT, () -> ProcessEntry.read(orphan.pid())
                .filter(e -> e.startTicks() == orphan.startTicks()).isEmpty());
    }

    @Test
    void anOrphanOfAStoppedInstanceIsKilledAndReapedByTheSweep() throws Exception {
        SessionContainment session = (SessionContainment) Modes.session();
        Instance i = runtime("exec sleep 100000").launch();
        // Read while sh execs sleep, /proc/PID/environ is empty for an instant: wait for the marker.
        String marker = Await.value("the instance's marker", WAIT, () -> ProcessEntry.environment(i.pid(), InstanceMarker.ENV),
                java.util.Objects::nonNull);
        i.stop(Duration.ofSeconds(2));
        String token = token();
        // A process of that instance that turns up later, orphaned to the daemon: its marker is stale.
        ProcessBuilder late = new ProcessBuilder("/bin/sh", "-c", "(setsid sleep " + token + " &)");
        late.environment().put(InstanceMarker.ENV, marker);
        assertEquals(0, late.start().waitFor());
        try {
            ProcessEntry orphan = Await.value("the late orphan", WAIT, () -> ProcessScan.withArgument(token),
                    l -> !l.isEmpty() && l.get(0).ppid() == SELF).get(0);

            session.reaper().sweep(); // kills it
            Await.until("killed", WAIT, () -> ProcessScan.withArgument(token).isEmpty());
            session.reaper().sweep(); // reaps it

            assertTrue(ProcessEntry.read(orphan.pid()).filter(e -> e.startTicks() == orphan.startTicks()).isEmpty(),
                    "reaped, not left a zombie");
        } finally {
            ProcessScan.withArgument(token).forEach(e -> ProcessHandle.of(e.pid()).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    @Test
    void aChildOfTheDaemonWithoutOurMarkerIsNeverTouched() throws Exception {
        SessionContainment session = (SessionContainment) Modes.session();
        String token = token();
        Process own = new ProcessBuilder("sleep", token).start(); // a child the JDK started, like a probe's
        try {
            Process quick = new ProcessBuilder("true").start(); // ends at once; the JDK collects its exit
            Await.until("both run or ran", WAIT, () -> !ProcessScan.withArgument(token).isEmpty());

            session.reaper().sweep();

            assertEquals(0, quick.waitFor(20, TimeUnit.SECONDS) ? quick.exitValue() : -1, "its exit status was not taken");
            assertTrue(own.isAlive());
        } finally {
            own.destroyForcibly().waitFor();
        }
        assertFalse(own.isAlive());
    }

    @Test
    void anEndedOrphanWithoutMarkerIsReapedToo() throws Exception {
        SessionContainment session = (SessionContainment) Modes.session();
        String token = token();
        // Like an exec check's background child: no marker, in the check's session, orphaned to us.
        assertEquals(0, new ProcessBuilder("setsid", "sh", "-c", "(sleep " + token + " &)").start().waitFor());
        ProcessEntry orphan = Await.value("the orphan", WAIT, () -> ProcessScan.withArgument(token),
                l -> !l.isEmpty() && l.get(0).ppid() == SELF).get(0);
        ProcessHandle.of(orphan.pid()).ifPresent(ProcessHandle::destroyForcibly);
        Await.until("a zombie", WAIT, () -> ProcessEntry.read(orphan.pid()).map(ProcessEntry::gone).orElse(true));

        session.reaper().sweep();

        assertTrue(ProcessEntry.read(orphan.pid()).filter(e -> e.startTicks() == orphan.startTicks()).isEmpty(), "reaped");
    }

    @Test
    void aChildLaunchedWhileTheSweepLooksIsNeverKilled() throws Exception {
        String home = Modes.HOME + "-race"; // a home of its own: the session mode's running reaper must not see it
        LaunchDuringSweep containment = new LaunchDuringSweep();
        String marker = InstanceMarker.value(home, "racing", Long.toHexString(ThreadLocalRandom.current().nextLong()));
        String token = token();
        // As ProcessRuntime.launch does: the enclosure becomes current, then the child starts with its marker.
        containment.makeCurrent("racing", new SessionEnclosure(marker, Limits.NONE));
        ProcessBuilder launch = new ProcessBuilder("setsid", "sleep", token);
        launch.environment().put(InstanceMarker.ENV, marker);
        Process child = launch.start();
        try {
            Await.until("the child carries its marker", WAIT,
                    () -> marker.equals(ProcessEntry.environment(child.pid(), InstanceMarker.ENV)));

            new OrphanReaper(home, containment).sweep(); // its first look at the instances predates the launch

            assertFalse(child.waitFor(2, TimeUnit.SECONDS), "the new instance was killed: " + child);
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    /** Answers the reaper's first look at the current instances as they were just before a launch. */
    private static final class LaunchDuringSweep extends Containment {
        private int looks;

        @Override
        synchronized Map<String, Enclosure> currentEnclosures() {
            return looks++ == 0 ? Map.of() : super.currentEnclosures();
        }

        @Override
        public String description() {
            return "session, a launch racing the sweep";
        }

        @Override
        public Enclosure enclose(String component, String marker, ai.stigmer.config.ResourcesSpec resources) {
            throw new UnsupportedOperationException();
        }

        @Override
        Enclosure reattach(String component, long pid, long startTicks, String marker) {
            throw new UnsupportedOperationException();
        }

        @Override
        List<Path> bases() {
            return List.of();
        }
    }

    /** The rule that keeps the JDK's exit statuses its own, case by case (a race with the JDK's reaper cannot be staged). */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource({
            "a JDK child in the daemon's session,             7,   100, false",
            "a JDK child that leads its own session (setsid), 200, 200, false",
            "an orphan in its dead parent's session,          250, 300, true",
            "an orphan of an instance's session,              555, 556, true"})
    void onlyWhatCannotBeTheJdksChildIsReapedUnseen(String name, long sid, long pid, boolean reaped) {
        long daemonSession = 7;
        ProcessEntry zombie = new ProcessEntry(pid, 'Z', SELF, sid, 1);
        assertEquals(reaped, new OrphanReaper("h", Modes.session()).reapable(zombie, daemonSession));
    }

    private static String token() {
        return Integer.toString(ThreadLocalRandom.current().nextInt(1_000_000, 9_000_000));
    }

    private ProcessRuntime runtime(String script) {
        String component = "orphan-" + ThreadLocalRandom.current().nextInt(1_000_000);
        return new ProcessRuntime(component, Modes.homeOf("session"), new ProcessSpec(List.of("/bin/sh", "-c", script), Map.of(), null),
                dir.resolve(component + ".log"), Modes.session());
    }

    @AfterAll
    static void tidy() {
        Modes.tidy();
    }
}
