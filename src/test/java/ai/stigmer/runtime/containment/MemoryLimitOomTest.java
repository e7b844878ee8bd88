package ai.stigmer.runtime.containment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ProcessSpec;
import ai.stigmer.config.ResourcesSpec;
import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.LaunchException;
import ai.stigmer.runtime.process.ProcessRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Show 9 (issue 9): a memory limit kills a component that exceeds it, and its exit says OOM; limits
 * are where the instance runs; a limit that no controller can apply refuses the launch.
 */
class MemoryLimitOomTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;
    private final List<Instance> started = new ArrayList<>();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cgroup", "session"})
    void aComponentOverItsMemoryLimitIsOomKilledAndSaysSo(String mode) throws Exception {
        // The shell keeps 100 MB of x in a variable: far over 32m.
        Instance i = launch(mode, new ResourcesSpec(32 * MIB, 0, 0),
                "x=$(head -c 100000000 /dev/zero | tr '\\0' x); echo survived ${#x}");

        ExitStatus exit = i.exited().get(60, TimeUnit.SECONDS);

        assertEquals("OOM killed (memory limit 32m)", exit.describe());
        assertEquals(9, exit.signal());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cgroup", "session"})
    void aComponentWithinItsLimitExitsAsUsual(String mode) throws Exception {
        Instance i = launch(mode, new ResourcesSpec(32 * MIB, 0, 0), "x=$(head -c 1000000 /dev/zero | tr '\\0' x); exit 3");
        assertEquals("exited with code 3", i.exited().get(60, TimeUnit.SECONDS).describe());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cgroup", "session"})
    void everyLimitIsWrittenWhereTheInstanceRuns(String mode) throws Exception {
        Instance i = launch(mode, new ResourcesSpec(48 * MIB, 0.5, 64), "exec sleep 100000");
        Enclosure enclosure = enclosureOf(i);
        long pid = i.pid();
        if (enclosure.limits() instanceof V2Limits) {
            Path cgroup = ((CgroupEnclosure) enclosure).cgroup().dir();
            assertEquals(Long.toString(48 * MIB), Files.readString(cgroup.resolve("memory.max")).strip());
            assertEquals("50000 100000", Files.readString(cgroup.resolve("cpu.max")).strip());
            assertEquals("64", Files.readString(cgroup.resolve("pids.max")).strip());
        } else {
            Map<String, Path> v1 = CgroupMounts.ofThisProcess().v1();
            assertEquals(Long.toString(48 * MIB), read(v1Cgroup(pid, "memory", v1).resolve("memory.limit_in_bytes")));
            assertEquals("50000", read(v1Cgroup(pid, "cpu", v1).resolve("cpu.cfs_quota_us")));
            assertEquals("100000", read(v1Cgroup(pid, "cpu", v1).resolve("cpu.cfs_period_us")));
            assertEquals("64", read(v1Cgroup(pid, "pids", v1).resolve("pids.max")));
        }
        i.stop(Duration.ofSeconds(2));
        if (enclosure.limits() instanceof V1Limits v1) {
            v1.joinFiles().forEach(f -> assertTrue(Files.notExists(f.getParent()), f.getParent() + " was not removed"));
        }
    }

    @Test
    void aLimitThatNoControllerCanApplyRefusesTheLaunch() {
        // A cgroup v2 without controllers (as on this hybrid host) and no v1 controller mounted.
        CgroupMounts real = CgroupMounts.ofThisProcess();
        Assumptions.assumeTrue(real.v2().isPresent(), "no cgroup v2 here");
        CgroupMounts noV1 = new CgroupMounts(real.v2(), real.v2Path(), Map.of());
        Optional<CgroupContainment> bare = CgroupContainment.create(Modes.HOME, noV1);
        Assumptions.assumeTrue(bare.isPresent(), "no writable cgroup v2 here");
        Assumptions.assumeFalse(readQuietly(real.v2().get().resolve("cgroup.controllers")).contains("memory"),
                "cgroup v2 has a memory controller here: the limit can be applied");
        ProcessRuntime runtime = new ProcessRuntime("refused", Modes.HOME,
                new ProcessSpec(List.of("/bin/sleep", "100000"), Map.of(), null, new ResourcesSpec(32 * MIB, 0, 0)),
                dir.resolve("refused.log"), bare.get());

        LaunchException e = assertThrows(LaunchException.class, runtime::launch);

        assertTrue(e.getMessage().startsWith("resources are configured but no cgroup controller can apply them"), e.getMessage());
        assertTrue(e.getMessage().contains("memory"), e.getMessage());
    }

    private static Path v1Cgroup(long pid, String controller, Map<String, Path> v1) throws Exception {
        // /proc/<pid>/cgroup: "4:memory:/process_api/.../stigmer-home/component"
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
            String[] f = line.split(":", 3);
            if (List.of(f[1].split(",")).contains(controller)) {
                Path mount = v1.get(controller);
                // The mount of this JVM's own cgroup, minus its own path, plus the instance's path.
                String own = ownV1Path(controller);
                Path root = own.equals("/") ? mount : Path.of(mount.toString().substring(0, mount.toString().length() - own.length()));
                return Path.of(root + f[2]);
            }
        }
        throw new AssertionError("pid " + pid + " is in no " + controller + " cgroup");
    }

    private static String ownV1Path(String controller) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            if (List.of(f[1].split(",")).contains(controller)) {
                return f[2];
            }
        }
        throw new AssertionError(controller);
    }

    private static String read(Path file) throws Exception {
        return Files.readString(file).strip();
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "";
        }
    }

    private Enclosure enclosureOf(Instance i) throws Exception {
        var method = i.getClass().getDeclaredMethod("enclosure");
        method.setAccessible(true);
        return (Enclosure) method.invoke(i);
    }

    private Instance launch(String mode, ResourcesSpec resources, String script) throws Exception {
        Containment containment = Modes.of(mode);
        String component = "oom-" + ThreadLocalRandom.current().nextInt(1_000_000);
        Instance i = new ProcessRuntime(component, Modes.homeOf(mode),
                new ProcessSpec(List.of("/bin/sh", "-c", script), Map.of(), null, resources),
                dir.resolve(component + ".log"), containment).launch();
        started.add(i);
        return i;
    }

    @org.junit.jupiter.api.AfterAll
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
