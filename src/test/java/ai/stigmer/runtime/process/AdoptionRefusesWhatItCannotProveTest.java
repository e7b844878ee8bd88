package ai.stigmer.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ProcessSpec;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceMarker;
import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.OrphanProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Show 3 of issue 9: adoption refuses pid 1, pid 0, the daemon itself, a foreign session leader with
 * the correct start time, and a record whose marker is missing or wrong; none of them is signalled.
 * Real processes; the foreign ones log every catchable signal they get to a file.
 */
class AdoptionRefusesWhatItCannotProveTest {
    private static final String HOME = "test0home000";
    private static final String MARKER = InstanceMarker.value(HOME, "x", "0123abcd");
    private static final ProcessSpec SPEC = new ProcessSpec(List.of("sleep", "1000"), Map.of(), null);

    @TempDir
    Path dir;
    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : started) {
            c.close();
        }
    }

    private ProcessRuntime runtime() {
        return new ProcessRuntime("x", HOME, SPEC, dir.resolve("x.log"));
    }

    /** A session leader that writes the name of every catchable signal it gets to {@code signals}. */
    private OrphanProcess signalRecorder(Map<String, String> env) throws Exception {
        Path signals = dir.resolve("signals");
        Path ready = dir.resolve("ready");
        String script = "for s in HUP INT QUIT USR1 USR2 TERM CONT; do trap \"echo $s >> " + signals + "\" $s; done; "
                + "echo > " + ready + "; while :; do sleep 0.05; done";
        OrphanProcess p = OrphanProcess.start(env, "/bin/sh", "-c", script);
        started.add(p);
        Await.until("traps set", Duration.ofSeconds(20), () -> Files.exists(ready));
        return p;
    }

    private void assertNeverSignalled(OrphanProcess p) throws Exception {
        assertTrue(p.alive(), "pid " + p.pid + " still runs");
        Path signals = dir.resolve("signals");
        assertEquals("", Files.exists(signals) ? Files.readString(signals) : "", "signals received");
    }

    @Test
    void refusesPidOne() {
        long ticks = ProcStat.read(1).orElseThrow().startTicks();
        assertTrue(runtime().adopt(InstanceRecord.ofProcess(1, ticks, MARKER, "", "")).isEmpty());
        assertTrue(ProcStat.read(1).isPresent());
    }

    @Test
    void refusesPidZeroAndNegativePids() {
        assertTrue(runtime().adopt(InstanceRecord.ofProcess(0, 0, MARKER, "", "")).isEmpty());
        assertTrue(runtime().adopt(InstanceRecord.ofProcess(-1, 0, MARKER, "", "")).isEmpty());
    }

    @Test
    void refusesTheDaemonItself() {
        long self = ProcessHandle.current().pid();
        long ticks = ProcStat.read(self).orElseThrow().startTicks();
        assertTrue(runtime().adopt(InstanceRecord.ofProcess(self, ticks, MARKER, "", "")).isEmpty());
    }

    @Test
    void refusesAForeignSessionLeaderWithTheCorrectStartTime() throws Exception {
        OrphanProcess foreign = signalRecorder(Map.of());

        assertTrue(runtime().adopt(foreign.record(MARKER, SPEC)).isEmpty(), "no marker in its environment");

        assertNeverSignalled(foreign);
    }

    @Test
    void refusesARecordWithoutMarkerOrWithAnotherMarker() throws Exception {
        OrphanProcess ours = signalRecorder(Map.of(InstanceMarker.ENV, MARKER));

        assertTrue(runtime().adopt(InstanceRecord.ofProcess(ours.pid, ours.startTicks)).isEmpty(), "record without marker");
        String other = InstanceMarker.value(HOME, "x", "ffff0000");
        assertTrue(runtime().adopt(ours.record(other, SPEC)).isEmpty(), "recorded marker differs from the carried one");
        InstanceRecord right = ours.record(MARKER, SPEC);
        assertTrue(runtime().adopt(new InstanceRecord(ours.pid, ours.startTicks - 1, "", MARKER, right.commandDigest(),
                right.envDigest())).isEmpty(), "start time differs");

        assertNeverSignalled(ours);
        // The control: the very same process with the right record is adopted, so the refusals above are real.
        Instance adopted = runtime().adopt(ours.record(MARKER, SPEC)).orElseThrow();
        assertEquals(ours.pid, adopted.pid());
    }

    @Test
    void refusesAnInstanceOfAnotherHomeOrComponent() throws Exception {
        String otherHome = InstanceMarker.value("0other0home0", "x", "0123abcd");
        OrphanProcess ofOtherHome = signalRecorder(Map.of(InstanceMarker.ENV, otherHome));
        assertTrue(runtime().adopt(ofOtherHome.record(otherHome, SPEC)).isEmpty(), "another home's record and marker");
        assertTrue(runtime().adopt(ofOtherHome.record(MARKER, SPEC)).isEmpty(), "our record, another home's marker");

        ProcessRuntime otherComponent = new ProcessRuntime("y", HOME, SPEC, dir.resolve("y.log"));
        assertTrue(otherComponent.adopt(ofOtherHome.record(otherHome, SPEC)).isEmpty());

        assertNeverSignalled(ofOtherHome);
    }

    @Test
    void aLaunchedInstanceIsAdoptedOnlyWithItsOwnRecord() throws Exception {
        Instance launched = runtime().launch();
        try {
            InstanceRecord record = launched.record();
            assertTrue(InstanceMarker.belongsTo(record.marker(), HOME, "x"), record.marker());
            assertEquals(record.marker(), OwnershipProof.markerOf(launched.pid()).orElseThrow());
            assertTrue(runtime().adopt(record).isPresent());
            assertFalse(new ProcessRuntime("x", "0other0home0", SPEC, dir.resolve("x.log")).adopt(record).isPresent());
            assertTrue(launched.isAlive());
        } finally {
            launched.stop(Duration.ofSeconds(2));
        }
    }
}
