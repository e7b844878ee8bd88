package ai.stigmer.runtime.containment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the daemon's cgroups are, from mountinfo and /proc/self/cgroup, on the hosts we meet. */
class CgroupMountsTest {

    @Test
    void aHybridHostHasV2AtUnifiedAndTheControllersInV1() {
        CgroupMounts m = CgroupMounts.parse(List.of(
                "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
                "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
                "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
                "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw"),
                List.of("8:pids:/", "4:memory:/process_api/7be1", "1:cpu:/", "0::/"));

        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/unified")), m.v2());
        assertEquals("/", m.v2Path());
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/unified/stigmer-ab/web")), m.v2Dir("/stigmer-ab/web"));
        assertEquals(Map.of("cpu", Path.of("/sys/fs/cgroup/cpu"), "memory", Path.of("/sys/fs/cgroup/memory/process_api/7be1"),
                "pids", Path.of("/sys/fs/cgroup/pids")), m.v1());
    }

    @Test
    void aSystemdServiceSitsInItsDelegatedCgroup() {
        CgroupMounts m = CgroupMounts.parse(List.of(
                "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate"),
                List.of("0::/system.slice/stigmer.service"));

        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/system.slice/stigmer.service")), m.v2());
        assertEquals("/system.slice/stigmer.service", m.v2Path());
        assertEquals(Map.of(), m.v1());
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/user.slice/stigmer-ab/web")), m.v2Dir("/user.slice/stigmer-ab/web"));
    }

    @Test
    void aContainerMountsItsOwnCgroupAsTheRoot() {
        CgroupMounts m = CgroupMounts.parse(List.of(
                "700 690 0:26 /docker/abc /sys/fs/cgroup ro,nosuid - cgroup2 cgroup2 rw"),
                List.of("0::/docker/abc"));

        assertEquals(Optional.of(Path.of("/sys/fs/cgroup")), m.v2());
        assertEquals(Optional.empty(), m.v2Dir("/docker/other"), "above the container's view: not reachable");
    }

    @Test
    void withoutCgroupV2ThereIsNone() {
        CgroupMounts m = CgroupMounts.parse(List.of(
                "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory"),
                List.of("4:memory:/"));

        assertEquals(Optional.empty(), m.v2());
        assertEquals(Map.of("memory", Path.of("/sys/fs/cgroup/memory")), m.v1());
    }

    @Test
    void aV2MountWithoutFavordynmodsGetsTheRemountAdviceWhereInstancesCannotBeBornInside(@TempDir Path own) throws Exception {
        CgroupMounts plain = CgroupMounts.parse(List.of(
                "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw"), List.of("0::/"));
        CgroupMounts favoring = CgroupMounts.parse(List.of(
                "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,favordynmods"), List.of("0::/"));

        assertFalse(plain.v2FavorsDynmods());
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/unified")), plain.v2Mount());
        assertTrue(favoring.v2FavorsDynmods());

        Path base = Files.createDirectories(own.resolve("stigmer-h"));
        Files.writeString(base.resolve("cgroup.procs"), "");
        Optional<String> advice = CgroupContainment.create("h",
                new CgroupMounts(Optional.of(own), "/", Map.of(), plain.v2Mount(), false)).orElseThrow().advice(false);
        assertEquals(Optional.of("cgroup v2 at /sys/fs/cgroup/unified is mounted without favordynmods: each launch"
                + " waits about 10 ms for the kernel to move the process into its cgroup; `mount -o remount,favordynmods"
                + " /sys/fs/cgroup/unified` (Linux 6.0 or later, as root) removes that wait"), advice);
        assertEquals(Optional.empty(), CgroupContainment.create("h",
                new CgroupMounts(Optional.of(own), "/", Map.of(), favoring.v2Mount(), true)).orElseThrow().advice(false));
        assertEquals(Optional.empty(), CgroupContainment.create("h",
                new CgroupMounts(Optional.of(own), "/", Map.of(), plain.v2Mount(), false)).orElseThrow().advice(true),
                "no move, no wait: nothing to advise");
    }
}
