package ai.stigmer.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ProcessSpec;
import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceMarker;
import ai.stigmer.runtime.Signals;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.OrphanProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Show 7 of issue 9: an adopted process (not our child; PID 1 reaps it, late) killed with SIGKILL is
 * seen exited at once, through its pidfd, or within the polling interval where pidfds are missing;
 * and its age is its real running time, not the time since adoption. The 50 ms goal itself is
 * measured by {@code bench.KillToUnhealthyBenchmark adopted}; here the bound is generous for a loaded
 * machine and the figure is printed.
 */
class AdoptedExitSeenAtOnceTest {
    private static final String HOME = "test0home000";
    private static final ProcessSpec SPEC = new ProcessSpec(List.of("sleep", "1000"), Map.of(), null);
    private static final Duration GENEROUS = Duration.ofSeconds(1);

    private final List<OrphanProcess> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        started.forEach(OrphanProcess::close);
    }

    private OrphanProcess orphan(String marker) throws Exception {
        OrphanProcess p = OrphanProcess.start(Map.of(InstanceMarker.ENV, marker), "sleep", "1000");
        started.add(p);
        return p;
    }

    private static long millisToExit(OrphanProcess p, CompletableFuture<ExitStatus> exited) throws Exception {
        long killed = System.nanoTime();
        p.kill();
        exited.get(20, TimeUnit.SECONDS);
        return (System.nanoTime() - killed) / 1_000_000;
    }

    @Test
    void anAdoptedProcessKilledWithSigkillEndsAtOnceAndItsAgeIsContinuous() throws Exception {
        String marker = InstanceMarker.value(HOME, "x", "0123abcd");
        long spawned = System.nanoTime();
        OrphanProcess p = orphan(marker);
        Await.until("the orphan has run a second", Duration.ofSeconds(20),
                () -> ProcessAge.of(p.startTicks).compareTo(Duration.ofSeconds(1)) >= 0);
        assertFalse(ProcessHandle.current().children().anyMatch(c -> c.pid() == p.pid), "not our child");

        Instance adopted = new ProcessRuntime("x", HOME, SPEC, null).adopt(p.record(marker, SPEC)).orElseThrow();
        Duration sinceSpawn = Duration.ofNanos(System.nanoTime() - spawned);

        assertTrue(adopted.age().compareTo(Duration.ofSeconds(1)) >= 0, "age " + adopted.age());
        assertTrue(adopted.age().compareTo(sinceSpawn.plusMillis(100)) <= 0,
                "age " + adopted.age() + " not above the time since it was spawned, " + sinceSpawn);
        assertFalse(adopted.exited().isDone());

        long millis = millisToExit(p, adopted.exited());
        System.out.printf("adopted process: SIGKILL -> exited() in %d ms (%s)%n", millis, ExitWatcher.shared().mode());
        assertTrue(millis < GENEROUS.toMillis(), millis + " ms");
        ExitStatus exit = adopted.exited().join();
        assertTrue(exit.signal() == Signals.SIGKILL || exit.equals(ExitStatus.UNKNOWN), exit.toString());
        assertFalse(adopted.isAlive());
    }

    @Test
    void pidfdsAreUsedOnThisKernel() {
        assertEquals("pidfd", ExitWatcher.shared().mode(), "Linux >= 5.3 here (NOTES.md)");
    }

    @Test
    void withoutPidfdsPollingProcSeesTheExitToo() throws Exception {
        ExitWatcher polling = new ExitWatcher(false);
        assertEquals("polling /proc", polling.mode());
        OrphanProcess p = orphan(InstanceMarker.value(HOME, "x", "1"));

        CompletableFuture<ExitStatus> exited = polling.watch(p.pid, p.startTicks);
        assertFalse(exited.isDone());
        long millis = millisToExit(p, exited);

        System.out.printf("adopted process, /proc polling: SIGKILL -> exited() in %d ms%n", millis);
        assertTrue(millis < GENEROUS.toMillis(), millis + " ms");
    }

    @Test
    void oneWatcherTellsManyProcessesApart() throws Exception {
        ExitWatcher watcher = new ExitWatcher(true);
        List<OrphanProcess> ps = new ArrayList<>();
        List<CompletableFuture<ExitStatus>> exits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            OrphanProcess p = orphan(InstanceMarker.value(HOME, "x", Integer.toString(i)));
            ps.add(p);
            exits.add(watcher.watch(p.pid, p.startTicks));
        }

        millisToExit(ps.get(1), exits.get(1));

        assertFalse(exits.get(0).isDone());
        assertFalse(exits.get(2).isDone());
        millisToExit(ps.get(2), exits.get(2));
        assertFalse(exits.get(0).isDone());
    }

    @Test
    void aProcessAlreadyGoneEndsAtOnce() throws Exception {
        OrphanProcess p = orphan(InstanceMarker.value(HOME, "x", "2"));
        p.kill();
        Await.until("gone", Duration.ofSeconds(20), () -> !p.alive());

        assertTrue(ExitWatcher.shared().watch(p.pid, p.startTicks).isDone());
        assertTrue(new ExitWatcher(false).watch(p.pid, p.startTicks).isDone());
    }
}
