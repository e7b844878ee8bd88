package ai.stigmer.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ProcessSpec;
import ai.stigmer.runtime.InstanceMarker;
import ai.stigmer.runtime.process.ProcStat;
import ai.stigmer.runtime.process.ProcessRuntime;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.OrphanProcess;
import ai.stigmer.testing.StigmerInstall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Show 4 of issue 9, second half: the recorded instance of a component no longer in the config is
 * stopped when the daemon starts (proven first, like any adoption); a record that proves nothing is
 * dropped and its pid left alone. Real processes, a real daemon for the end-to-end case.
 */
class RemovedComponentStoppedAtStartTest {
    private static final String HOME = "test0home000";
    private static final ProcessSpec SLEEP = new ProcessSpec(List.of("sleep", "1000"), Map.of(), null);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private final List<OrphanProcess> started = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();
    private StigmerInstall install;

    @AfterEach
    void cleanUp() {
        if (install != null) {
            install.close();
        }
        started.forEach(OrphanProcess::close);
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private OrphanProcess orphan(Map<String, String> env) throws Exception {
        OrphanProcess p = OrphanProcess.start(env, "sleep", "1000");
        started.add(p);
        return p;
    }

    @Test
    void theProvenInstanceOfARemovedComponentIsStoppedAndAnUnprovableOneLeftAlone() throws Exception {
        FileInstanceStore store = new FileInstanceStore(dir);
        String retiredMarker = InstanceMarker.value(HOME, "retired", "1");
        OrphanProcess retired = orphan(Map.of(InstanceMarker.ENV, retiredMarker));
        store.save("retired", retired.record(retiredMarker, SLEEP));
        OrphanProcess stranger = orphan(Map.of());
        store.save("ghost", stranger.record(InstanceMarker.value(HOME, "ghost", "2"), SLEEP));
        OrphanProcess kept = orphan(Map.of(InstanceMarker.ENV, InstanceMarker.value(HOME, "kept", "3")));
        store.save("kept", kept.record(InstanceMarker.value(HOME, "kept", "3"), SLEEP));

        new RecordedInstances(store, HOME, c -> dir.resolve(c + ".log")).stopRemoved(Set.of("kept"));

        assertFalse(retired.alive(), "the removed component's instance was stopped");
        assertTrue(stranger.alive(), "an unprovable record signals nothing");
        assertTrue(kept.alive(), "a configured component is not touched");
        assertEquals(Set.of("kept"), store.recordedComponents(), "both removed records are gone");
    }

    @Test
    void aRecordTheRuntimeRefusesIsDroppedAndItsPidLeftAlone() throws Exception {
        FileInstanceStore store = new FileInstanceStore(dir);
        OrphanProcess stranger = orphan(Map.of());
        store.save("x", stranger.record(InstanceMarker.value(HOME, "x", "1"), SLEEP));
        ProcessRuntime runtime = new ProcessRuntime("x", HOME, SLEEP, dir.resolve("x.log"));

        assertTrue(new RecordedInstances(store, HOME, c -> dir.resolve(c + ".log")).adopt("x", runtime).isEmpty());

        assertTrue(store.load("x").isEmpty(), "record dropped");
        assertTrue(stranger.alive());
    }

    @Test
    void aDaemonStartedWithoutAComponentStopsWhatAnEarlierDaemonLeftOfIt() throws Exception {
        install = new StigmerInstall(dir);
        install.config("""
                components:
                  keeper:
                    process: { command: [sleep, '1000'] }
                  retired:
                    process: { command: [sleep, '1001'] }
                """);
        install.start();
        install.awaitState("keeper", "Running", WAIT);
        install.awaitState("retired", "Running", WAIT);
        long keeper = install.pid("keeper");
        long retired = install.pid("retired");
        pids.addAll(List.of(keeper, retired));
        StigmerInstall.kill9(install.daemonPid());
        Await.until("the daemon is gone", WAIT, () -> ProcessHandle.of(install.daemonPid()).isEmpty()
                || !ProcessHandle.of(install.daemonPid()).get().isAlive());

        install.config("""
                components:
                  keeper:
                    process: { command: [sleep, '1000'] }
                """);
        install.start();
        install.awaitState("keeper", "Running", WAIT);

        assertEquals(keeper, install.pid("keeper"), "the configured component was adopted");
        // Gone or a zombie: PID 1 reaps the orphan in its own time.
        assertTrue(ProcStat.read(retired).map(ProcStat::gone).orElse(true), "the removed one was stopped\n" + install.daemonOut());
        assertTrue(install.daemonOut().contains("Stopping instance of removed component retired (pid " + retired + ")"),
                install.daemonOut());
        assertFalse(Files.exists(install.home.resolve("run/retired.instance")));
    }

}
