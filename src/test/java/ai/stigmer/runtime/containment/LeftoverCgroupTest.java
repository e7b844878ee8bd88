package ai.stigmer.runtime.containment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.stigmer.config.ProcessSpec;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.process.ProcStat;
import ai.stigmer.runtime.process.ProcessRuntime;
import ai.stigmer.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A launch makes the component's cgroup, and looks inside only where it was there already: a
 * cgroup that an earlier daemon's instance left with processes in it is emptied (they are killed)
 * before the new instance is born in it; one that the launch made holds nothing to look for. And an
 * ended instance is cleared by one removal of its cgroup, which the kernel refuses while anything
 * is inside.
 */
class LeftoverCgroupTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String HOME = "test-left-" + ProcessHandle.current().pid();

    @TempDir
    Path dir;
    private Containment first;
    private Containment second;

    @AfterEach
    void tidy() {
        for (Containment c : new Containment[] {first, second}) {
            if (c != null) {
                c.tidy();
            }
        }
    }

    @Test
    void whatAnEarlierDaemonLeftInTheCgroupIsKilledBeforeTheNextInstanceIsBornThere() throws Exception {
        WithLeftover launched = launchLeavingASleep("left", "exec sleep 100000");
        Instance earlier = launched.instance();
        long leftover = launched.leftover();

        // A new daemon: a containment of the same home that has no enclosure of the earlier instance.
        second = Containment.cgroupV2(HOME).orElseThrow();
        Instance next = new ProcessRuntime("left", HOME, new ProcessSpec(List.of("sleep", "100002"), Map.of(), null),
                dir.resolve("left.log"), second).launch();
        try {
            assertTrue(gone(earlier.pid()), "the earlier instance was killed");
            assertTrue(gone(leftover), "and what it left");
            assertTrue(Files.readAllLines(Path.of("/proc", Long.toString(next.pid()), "cgroup")).stream()
                    .anyMatch(l -> l.startsWith("0::") && l.endsWith("/stigmer-" + HOME + "/left")),
                    "the next instance is born in the component's cgroup, made again");
        } finally {
            next.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void anEndedInstanceIsClearedByOneRemovalThatTheKernelRefusesWhileAnythingIsInside() throws Exception {
        WithLeftover launched = launchLeavingASleep("ended", "exit 3");
        Instance ended = launched.instance();
        assertEquals(3, ended.exited().get(20, java.util.concurrent.TimeUnit.SECONDS).code());
        long leftover = launched.leftover();
        Path cgroup = Path.of(first.description().replaceFirst("^cgroup v2 at ", "")).resolve("ended");

        assertFalse(ended.clearIfEnded(), "a process is still inside");
        assertTrue(Files.isDirectory(cgroup), "and its cgroup is left as it was");
        ProcessHandle.of(leftover).ifPresent(ProcessHandle::destroyForcibly);
        Await.until("the leftover is gone", WAIT, () -> gone(leftover));

        assertTrue(ended.clearIfEnded(), "nothing inside now");
        assertFalse(Files.exists(cgroup), "its cgroup removed");
    }

    /** An instance and the {@code sleep} it started in the background, which outlives it. */
    private record WithLeftover(Instance instance, long leftover) {}

    /**
     * Launches {@code component} in {@link #first} (skipped without a writable cgroup v2) as a shell
     * that starts a {@code sleep} in the background, then runs {@code then}.
     */
    private WithLeftover launchLeavingASleep(String component, String then) throws Exception {
        first = Containment.cgroupV2(HOME).orElse(null);
        assumeTrue(first != null, "no writable cgroup v2 here");
        Path leftoverPid = dir.resolve(component + ".leftover");
        ProcessSpec spec = new ProcessSpec(List.of("sh", "-c", "sleep 100001 & echo $! > " + leftoverPid + "; " + then),
                Map.of(), null);
        Instance instance = new ProcessRuntime(component, HOME, spec, dir.resolve(component + ".log"), first).launch();
        Await.until("the leftover is started", WAIT, () -> !read(leftoverPid).isEmpty());
        return new WithLeftover(instance, Long.parseLong(read(leftoverPid)));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static boolean gone(long pid) {
        return ProcStat.read(pid).map(ProcStat::gone).orElse(true);
    }
}
