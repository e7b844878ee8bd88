package ai.stigmer.runtime.containment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ResourcesSpec;
import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.LaunchException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cgroup v2 controllers path (a systemd host with a delegated subtree), on a directory laid out
 * as the kernel lays out a cgroup: this host's cgroup v2 has no controllers to try it on for real.
 */
class V2LimitsTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path own;

    private Path component;

    private CgroupContainment containment(String controllers) throws Exception {
        Files.writeString(own.resolve("cgroup.controllers"), controllers + "\n");
        Files.writeString(own.resolve("cgroup.subtree_control"), "\n");
        Path base = Files.createDirectories(own.resolve("stigmer-h"));
        Files.writeString(base.resolve("cgroup.procs"), "");
        Files.writeString(base.resolve("cgroup.subtree_control"), "\n");
        component = Files.createDirectories(base.resolve("web"));
        for (String file : new String[] {"cgroup.procs", "memory.max", "memory.swap.max", "cpu.max", "pids.max", "memory.events"}) {
            Files.writeString(component.resolve(file), "");
        }
        return CgroupContainment.create("h", new CgroupMounts(Optional.of(own), "/system.slice/stigmer.service", Map.of()))
                .orElseThrow();
    }

    @Test
    void theControllersAreEnabledDownToTheComponentAndTheLimitsWritten() throws Exception {
        Enclosure enclosure = containment("cpuset cpu io memory pids").enclose("web", "h/web/1", new ResourcesSpec(64 * MIB, 0.25, 100));

        assertEquals("+memory +cpu +pids", Files.readString(own.resolve("cgroup.subtree_control")));
        assertEquals("+memory +cpu +pids", Files.readString(own.resolve("stigmer-h/cgroup.subtree_control")));
        assertEquals(Long.toString(64 * MIB), Files.readString(component.resolve("memory.max")));
        assertEquals("0", Files.readString(component.resolve("memory.swap.max")));
        assertEquals("25000 100000", Files.readString(component.resolve("cpu.max")));
        assertEquals("100", Files.readString(component.resolve("pids.max")));
        assertEquals(java.util.List.of(component.resolve("cgroup.procs")), enclosure.joinFiles());
    }

    @Test
    void anOomKillCountedInMemoryEventsIsTheExitsDescription() throws Exception {
        Enclosure enclosure = containment("memory").enclose("web", "h/web/1", new ResourcesSpec(64 * MIB, 0, 0));
        ExitStatus killed = ExitStatus.ofCode(137);
        assertEquals("killed by signal 9 (SIGKILL)", enclosure.explain(killed).describe(), "no OOM kill yet");

        Files.writeString(component.resolve("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");

        assertEquals("OOM killed (memory limit 64m)", enclosure.explain(killed).describe());
        assertEquals("exited with code 1 after an OOM kill in the instance (memory limit 64m)",
                enclosure.explain(ExitStatus.ofCode(1)).describe());
    }

    @Test
    void aControllerTheHostDoesNotHaveRefusesTheLaunch() throws Exception {
        CgroupContainment c = containment("cpu memory");

        LaunchException e = assertThrows(LaunchException.class, () -> c.enclose("web", "h/web/1", new ResourcesSpec(0, 0, 10)));

        assertTrue(e.getMessage().contains("has no pids controller"), e.getMessage());
        assertTrue(e.getMessage().contains("cgroup v1 has no pids controller mounted"), e.getMessage());
    }
}
