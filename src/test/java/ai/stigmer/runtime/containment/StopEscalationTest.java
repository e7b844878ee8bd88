package ai.stigmer.runtime.containment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ProcessSpec;
import ai.stigmer.config.ResourcesSpec;
import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.StopFailedException;
import ai.stigmer.runtime.process.ProcessRuntime;
import ai.stigmer.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A stop is an outcome: a TERM-ignoring instance ends by SIGKILL after the timeout, a cgroup that
 * does not empty is a {@link StopFailedException} naming what is left, what an ended instance left
 * is killed before the next launch, and a late stop of an old instance never reaches its successor.
 */
class StopEscalationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final List<Instance> started = new ArrayList<>();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cgroup", "session"})
    void aTermIgnoringInstanceAndItsChildEndBySigkillAfterTheTimeout(String mode) throws Exception {
        String token = token();
        Instance i = launch(runtime(mode, "trap '' TERM; setsid sh -c 'trap \"\" TERM; exec sleep " + token
                + "' & echo ready; while :; do sleep 0.1; done"));
        Await.until("trap installed", WAIT, () -> read(dir).contains("ready") && !ProcessScan.withArgument(token).isEmpty());

        long begun = System.nanoTime();
        i.stop(Duration.ofMillis(500));
        long took = System.nanoTime() - begun;

        assertTrue(took >= Duration.ofMillis(500).toNanos(), "SIGTERM was ignored for the whole timeout");
        assertTrue(took < Duration.ofSeconds(10).toNanos(), "SIGKILL ended it soon after: " + took / 1_000_000 + "ms");
        assertEquals(9, i.exited().get(20, TimeUnit.SECONDS).signal());
        assertEquals(List.of(), ProcessScan.withArgument(token));
    }

    @Test
    void aDescendantCaughtInTheMiddleOfAnExecIsNotTakenForGone() throws Exception {
        // In the session mode a descendant that left the session is known by its marker only, and
        // /proc/PID/environ reads empty while the process is in execve(2). This one ignores SIGTERM
        // and execs itself over and over: a stop that ends before its timeout took it for gone.
        String token = token();
        Path loop = dir.resolve("loop-" + token + ".sh");
        Files.writeString(loop, "exec /bin/sh " + loop + "\n");
        Instance i = launch(runtime("session", "trap '' TERM; setsid /bin/sh " + loop + " & exec sleep 100000"));
        Await.until("the looping descendant runs", WAIT, () -> !ProcessScan.withArgument(loop.toString()).isEmpty());

        Duration timeout = Duration.ofSeconds(8);
        long begun = System.nanoTime();
        i.stop(timeout);
        long took = System.nanoTime() - begun;

        assertTrue(took >= timeout.toNanos(), "the stop ended after " + took / 1_000_000
                + "ms, before its timeout, while a TERM-ignoring process of the instance ran");
        assertEquals(List.of(), ProcessScan.withArgument(loop.toString()));
    }

    @Test
    void aCgroupThatDoesNotEmptyFailsTheStopNamingWhatIsLeft() throws Exception {
        Containment containment = Modes.of("cgroup");
        String token = token();
        String component = "unkillable-" + ThreadLocalRandom.current().nextInt(1_000_000);
        Cgroup cgroup = new Cgroup(((CgroupContainment) containment).bases().get(0).resolve(component));
        cgroup.create();
        // The seam: a cgroup whose kill does nothing, as if the kernel could not empty it.
        Cgroup base = new Cgroup(cgroup.dir().getParent());
        String path = hierarchyPath(cgroup);
        CgroupEnclosure unkillable = new CgroupEnclosure(cgroup, path, Limits.NONE) {
            @Override
            void killAll() {}
        };
        unkillable.setKillGrace(Duration.ofMillis(300));
        Process p = new ProcessBuilder(unkillable.command(
                List.of("/usr/bin/setsid", "/bin/sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.1; done", "sh", token)))
                .redirectErrorStream(true).redirectOutput(dir.resolve("u.log").toFile()).start();
        try {
            // Inside, and past the wrapper: the trap is set (a SIGTERM before it would end the shell).
            Await.until("inside, ignoring SIGTERM", WAIT, () -> unkillable.members().contains(p.pid())
                    && read(dir).contains("ready"));

            StopFailedException e = assertThrows(StopFailedException.class, () -> unkillable.stop(Duration.ofMillis(200)));

            assertTrue(e.getMessage().contains(cgroup.dir().toString()), e.getMessage());
            assertTrue(e.getMessage().contains(p.pid() + " (sh)"), e.getMessage());
            assertTrue(p.isAlive(), "the stop said it failed, and it did");
            assertTrue(cgroup.exists(), "a cgroup that holds processes is not removed");
        } finally {
            new CgroupEnclosure(cgroup, path, Limits.NONE).kill();
            assertFalse(base.dir().resolve(component).toFile().exists());
        }
        assertEquals(List.of(), ProcessScan.withArgument(token));
    }

    /** Before Linux 5.14 there is no cgroup.kill: freeze, kill each, thaw; a forking loop cannot outrun it. */
    @Test
    void withoutCgroupKillAFrozenCgroupIsKilledProcessByProcess() throws Exception {
        Containment containment = Modes.of("cgroup");
        String token = token();
        String component = "frozen-" + ThreadLocalRandom.current().nextInt(1_000_000);
        Cgroup cgroup = new Cgroup(((CgroupContainment) containment).bases().get(0).resolve(component));
        cgroup.create();
        CgroupEnclosure old = new CgroupEnclosure(cgroup, hierarchyPath(cgroup), Limits.NONE).withoutKillFile();
        // Ignores SIGTERM and keeps forking short-lived children that ignore it too.
        Process p = new ProcessBuilder(old.command(List.of("/usr/bin/setsid", "/bin/sh", "-c",
                "trap '' TERM; while :; do (trap '' TERM; sleep 0.05) & sleep 0.01; done", "sh", token))).redirectErrorStream(true).redirectOutput(dir.resolve("f.log").toFile()).start();
        Await.until("forking", WAIT, () -> old.members().size() >= 2);

        old.stop(Duration.ofMillis(300));

        assertEquals(List.of(), old.members());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the main process ended");
        assertEquals(137, p.exitValue());
        assertFalse(cgroup.exists(), "removed once empty");
        assertEquals(List.of(), ProcessScan.withArgument(token));
    }

    private static String hierarchyPath(Cgroup cgroup) throws Exception {
        // The path /proc/<pid>/cgroup shows: the directory below the v2 mount point.
        CgroupMounts mounts = CgroupMounts.ofThisProcess();
        Path own = mounts.v2().orElseThrow();
        String ownPath = mounts.v2Path().equals("/") ? "" : mounts.v2Path();
        return ownPath + "/" + own.relativize(cgroup.dir());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cgroup", "session"})
    void whatAnEndedInstanceLeftIsKilledBeforeTheNextLaunch(String mode) throws Exception {
        String token = token();
        ProcessRuntime runtime = runtime(mode, "setsid sleep " + token + " & sleep 0.2; exit 4");
        Instance first = launch(runtime);
        List<ProcessEntry> left = Await.value("the child runs", WAIT, () -> ProcessScan.withArgument(token), l -> !l.isEmpty());
        ExitStatus exit = first.exited().get(20, TimeUnit.SECONDS);
        assertEquals(4, exit.code());
        assertTrue(ProcessScan.stillRuns(left.get(0)), "the main process ended, its child did not");

        Instance second = launch(runtime);

        assertFalse(ProcessScan.stillRuns(left.get(0)), "the first instance's child was killed before the second launch");
        Await.until("the second instance's child runs", WAIT, () -> !ProcessScan.withArgument(token).isEmpty());
        first.stop(Duration.ofSeconds(1)); // late: must not touch the second instance
        assertFalse(ProcessScan.withArgument(token).isEmpty(), "a late stop of the first instance killed the second");
        second.stop(Duration.ofSeconds(1));
        assertEquals(List.of(), ProcessScan.withArgument(token));
    }

    private static String read(Path dir) {
        try (var files = Files.list(dir)) {
            StringBuilder all = new StringBuilder();
            for (Path f : files.toList()) {
                all.append(Files.readString(f));
            }
            return all.toString();
        } catch (Exception e) {
            return "";
        }
    }

    private static String token() {
        return Integer.toString(ThreadLocalRandom.current().nextInt(1_000_000, 9_000_000));
    }

    private ProcessRuntime runtime(String mode, String script) {
        String component = "stop-" + ThreadLocalRandom.current().nextInt(1_000_000);
        return new ProcessRuntime(component, Modes.homeOf(mode),
                new ProcessSpec(List.of("/bin/sh", "-c", script), Map.of(), null, ResourcesSpec.NONE),
                dir.resolve(component + ".log"), Modes.of(mode));
    }

    private Instance launch(ProcessRuntime runtime) throws Exception {
        Instance i = runtime.launch();
        started.add(i);
        return i;
    }

    @AfterAll
    static void tidy() {
        Modes.tidy();
    }

    @AfterEach
    void cleanUp() {
        for (Instance i : started) {
            i.stop(Duration.ZERO);
        }
    }
}
