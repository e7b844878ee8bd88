package ai.stigmer.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ProcessSpec;
import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.runtime.LaunchException;
import ai.stigmer.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: sessions, groups, exits, stop escalation and pid identity. */
class ProcessRuntimeTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @TempDir
    Path dir;
    private Instance instance;
    private Process stranger;

    @AfterEach
    void cleanUp() {
        if (instance != null) {
            instance.stop(Duration.ofSeconds(1));
        }
        if (stranger != null) {
            stranger.destroyForcibly();
        }
    }

    private Instance launch(String... command) throws LaunchException {
        instance = new ProcessRuntime("x", "test", new ProcessSpec(List.of(command), Map.of("SECRET", "s3cr3t"), null),
                dir.resolve("c.log")).launch();
        return instance;
    }

    @Test
    void runsInItsOwnSessionAndGroupWithOutputInTheLog() throws Exception {
        Instance i = launch("/bin/sh", "-c", "echo hello from $$; exec sleep 1000");
        ProcStat stat = ProcStat.read(i.pid()).orElseThrow();
        assertEquals(i.pid(), stat.pgrp());
        assertEquals(i.pid(), stat.session());
        Await.until("output in the log", WAIT, () -> read(dir.resolve("c.log")).contains("hello from " + i.pid()));
        assertTrue(i.isAlive());
    }

    /** The daemon's environment, the spec's over it, and a marker of each instance's own, once each. */
    @Test
    void eachInstanceGetsTheEnvironmentAndAMarkerOfItsOwn() throws Exception {
        Path out = dir.resolve("env");
        Map<String, String> env = Map.of("HOME", "/spec/home", "STIGMER_INSTANCE", "not this", "GREETING", "a=b c");
        ProcessRuntime runtime = new ProcessRuntime("x", "test", new ProcessSpec(List.of("/bin/sh", "-c",
                "{ env; echo ---; } >> \"$0\"; exec sleep 1000", out.toString()), env, null), dir.resolve("c.log"));
        for (int launches = 1; launches <= 2; launches++) {
            instance = runtime.launch();
            int count = launches;
            Await.until("the environment is written", WAIT,
                    () -> Files.exists(out) && read(out).split("---\n", -1).length > count);
            instance.stop(Duration.ofSeconds(1));
        }
        String[] seen = read(out).split("---\n");
        List<String> markers = new java.util.ArrayList<>();
        for (String section : seen) {
            List<String> lines = List.of(section.split("\n"));
            assertEquals(List.of("HOME=/spec/home"), lines.stream().filter(l -> l.startsWith("HOME=")).toList());
            assertEquals(List.of("GREETING=a=b c"), lines.stream().filter(l -> l.startsWith("GREETING=")).toList());
            assertTrue(lines.contains("PATH=" + System.getenv("PATH")), section);
            List<String> marker = lines.stream().filter(l -> l.startsWith("STIGMER_INSTANCE=")).toList();
            assertEquals(1, marker.size(), section);
            assertTrue(marker.get(0).startsWith("STIGMER_INSTANCE=test/x/"), marker.get(0));
            markers.addAll(marker);
        }
        assertEquals(2, markers.size());
        assertFalse(markers.get(0).equals(markers.get(1)), "a marker per instance");
    }

    @Test
    void anExitIsSeenTheMomentItHappensWithItsSignal() throws Exception {
        Instance i = launch("sleep", "1000");
        new ProcessBuilder("kill", "-9", Long.toString(i.pid())).start().waitFor();
        ExitStatus exit = i.exited().get(20, TimeUnit.SECONDS);
        assertEquals(9, exit.signal());
        assertEquals(137, exit.code());
        assertFalse(i.isAlive());
    }

    @Test
    void exitCodeIsReported() throws Exception {
        Instance i = launch("/bin/sh", "-c", "exit 7");
        assertEquals(new ExitStatus(7, 0, ""), i.exited().get(20, TimeUnit.SECONDS));
    }

    @Test
    void anExitCarriesTheLastLineTheInstanceWroteButNeverItsEnvironment() throws Exception {
        Files.writeString(dir.resolve("c.log"), "an earlier instance: not this one\n");
        Instance i = launch("/bin/sh", "-c", "echo working; echo 'cannot bind: port 4 is in use' >&2; exit 3");
        ExitStatus exit = i.exited().get(20, TimeUnit.SECONDS);
        assertEquals(3, exit.code());
        assertEquals("exited with code 3 (last output: cannot bind: port 4 is in use)", exit.describe());
        assertFalse(exit.describe().contains("s3cr3t"));
    }

    @Test
    void aDeathBySignalIsNotBlamedOnTheLastLine() throws Exception {
        Instance i = launch("/bin/sh", "-c", "echo all good; exec sleep 1000");
        Await.until("output in the log", WAIT, () -> read(dir.resolve("c.log")).contains("all good"));
        new ProcessBuilder("kill", "-9", Long.toString(i.pid())).start().waitFor();
        assertEquals("killed by signal 9 (SIGKILL)", i.exited().get(20, TimeUnit.SECONDS).describe());
    }

    /** Show 8: a component that forks a grandchild leaves nothing running after stop. */
    @Test
    void stopLeavesNoGrandchildBehind() throws Exception {
        Instance i = launch("/bin/sh", "-c", "sleep 1000 & sleep 1001 & wait");
        ProcessInstance p = (ProcessInstance) i;
        Await.until("two grandchildren", WAIT, () -> p.groupMembers().size() >= 3);
        List<Long> members = p.groupMembers().stream().map(ProcStat::pid).toList();
        i.stop(Duration.ofSeconds(5));
        assertTrue(p.groupMembers().isEmpty());
        for (long pid : members) {
            assertTrue(ProcStat.read(pid).map(ProcStat::gone).orElse(true), "pid " + pid + " left behind");
        }
    }

    @Test
    void stopEscalatesToSigkillAfterTheTimeout() throws Exception {
        Instance i = launch("/bin/sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.1; done");
        Await.until("trap installed", WAIT, () -> read(dir.resolve("c.log")).contains("ready"));
        long started = System.nanoTime();
        i.stop(Duration.ofMillis(300));
        assertTrue(System.nanoTime() - started >= Duration.ofMillis(300).toNanos(), "SIGTERM was ignored for the timeout");
        assertTrue(((ProcessInstance) i).groupMembers().isEmpty());
        assertEquals(9, i.exited().get(20, TimeUnit.SECONDS).signal());
    }

    @Test
    void aStoppedProcessIsKilledByStop() throws Exception {
        Instance i = launch("sleep", "1000");
        new ProcessBuilder("kill", "-STOP", Long.toString(i.pid())).start().waitFor();
        Await.until("stopped", WAIT, () -> ProcStat.read(i.pid()).map(s -> s.state() == 'T').orElse(false));
        i.stop(Duration.ofSeconds(2));
        assertEquals(15, i.exited().get(20, TimeUnit.SECONDS).signal(), "continued, it acted on SIGTERM");
    }

    /** Show 10: a recorded pid whose process start time differs is never signalled. */
    @Test
    void aPidWhoseStartTimeDiffersIsNeverSignalled() throws Exception {
        // A session leader with a child of its own in its session: as if our pid had been reused.
        stranger = new ProcessBuilder("setsid", "sh", "-c", "sleep 1000 & wait").start();
        long pid = stranger.pid();
        Await.until("stranger and its child run", WAIT, () -> ProcStat.members(pid, pid).size() >= 2);
        List<ProcStat> strangers = ProcStat.members(pid, pid);
        long realTicks = ProcStat.read(pid).orElseThrow().startTicks();
        InstanceRecord stale = InstanceRecord.ofProcess(pid, realTicks - 1);

        ProcessRuntime runtime = new ProcessRuntime("x", "test", new ProcessSpec(List.of("true"), Map.of(), null), dir.resolve("x.log"));
        assertTrue(runtime.adopt(stale).isEmpty(), "not adopted: the start time says it is another process");

        ProcessInstance impostor = new ProcessInstance(pid, realTicks - 1, new java.util.concurrent.CompletableFuture<>());
        impostor.stop(Duration.ofMillis(200));
        assertFalse(impostor.isAlive());
        assertTrue(stranger.isAlive(), "the stranger was not signalled");
        assertFalse(impostor.signalGroup(15));
        assertTrue(stranger.isAlive());
        assertTrue(impostor.groupMembers().isEmpty(), "the stranger's session is not ours");
        for (ProcStat s : strangers) {
            assertTrue(ProcStat.read(s.pid()).map(p -> !p.gone()).orElse(false), "pid " + s.pid() + " was signalled");
        }
    }

    @Test
    void aLiveRecordedInstanceIsAdopted() throws Exception {
        Instance i = launch("sleep", "1000");
        ProcessRuntime runtime = new ProcessRuntime("x", "test", new ProcessSpec(List.of("true"), Map.of(), null), dir.resolve("x.log"));
        Instance adopted = runtime.adopt(i.record()).orElseThrow();
        assertEquals(i.pid(), adopted.pid());
        adopted.stop(Duration.ofSeconds(2));
        assertTrue(adopted.exited().get(20, TimeUnit.SECONDS) != null);
    }

    @Test
    void anUnknownCommandFailsToLaunchWithAClearMessage() {
        LaunchException e = assertThrows(LaunchException.class, () -> launch("no-such-command-anywhere"));
        assertEquals("command not found in PATH: no-such-command-anywhere", e.getMessage());
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
