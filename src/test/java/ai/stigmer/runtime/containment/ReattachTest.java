package ai.stigmer.runtime.containment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ProcessSpec;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.process.ProcessRuntime;
import ai.stigmer.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An instance taken over after a daemon restart is stopped as a whole too: its cgroup, or its session and marker. */
class ReattachTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cgroup", "session"})
    void anAdoptedInstanceLeavesNoSetsidChildBehind(String mode) throws Exception {
        Enclosure enclosure = adoptAndStop(mode, "setsid sleep TOKEN & exec sleep 100000");
        assertEquals(mode.equals("cgroup") ? CgroupEnclosure.class : SessionEnclosure.class, enclosure.getClass());
    }

    /** Its main process moved into a cgroup it made inside the component's: adopted by the component's cgroup. */
    @org.junit.jupiter.api.Test
    void anAdoptedInstanceInACgroupOfItsOwnIsStoppedWhole() throws Exception {
        Enclosure enclosure = adoptAndStop("cgroup", "cg=$(awk '$3 == \"cgroup2\" {print $2; exit}' /proc/self/mounts)"
                + "$(sed -n 's/^0:://p' /proc/self/cgroup); [ -f \"$cg/cgroup.procs\" ] && mkdir \"$cg/inner\""
                + " && echo $$ > \"$cg/inner/cgroup.procs\" && { setsid sleep TOKEN & exec sleep 100000; }");
        assertEquals(CgroupEnclosure.class, enclosure.getClass());
        assertTrue(enclosure.describe().endsWith("/stigmer-" + Modes.HOME + "/" + component), enclosure.describe());
        assertTrue(!((CgroupEnclosure) enclosure).cgroup().exists(), "the cgroup is removed with the one inside it");
    }

    private String component;

    /** Launches {@code script}, adopts the instance in a later daemon's containment, stops it; nothing of it is left. */
    private Enclosure adoptAndStop(String mode, String script) throws Exception {
        String token = Integer.toString(ThreadLocalRandom.current().nextInt(1_000_000, 9_000_000));
        component = "adopted-" + ThreadLocalRandom.current().nextInt(1_000_000);
        ProcessSpec spec = new ProcessSpec(List.of("/bin/sh", "-c", script.replace("TOKEN", token)), Map.of(), null);
        Instance first = new ProcessRuntime(component, Modes.homeOf(mode), spec, dir.resolve("a.log"), Modes.of(mode)).launch();
        try {
            Await.until("the setsid child runs", Duration.ofSeconds(20), () -> !ProcessScan.withArgument(token).isEmpty());
            // A later daemon: a containment made afresh where it holds no state (cgroup), the same otherwise.
            Containment later = mode.equals("cgroup") ? Containment.cgroupV2(Modes.HOME).orElseThrow() : Modes.of(mode);
            Instance adopted = new ProcessRuntime(component, Modes.homeOf(mode), spec, dir.resolve("a.log"), later)
                    .adopt(first.record()).orElseThrow();
            Enclosure enclosure = (Enclosure) invoke(adopted, "enclosure");

            adopted.stop(Duration.ofSeconds(2));

            assertEquals(List.of(), ProcessScan.withArgument(token));
            assertTrue(!adopted.isAlive());
            return enclosure;
        } finally {
            first.stop(Duration.ZERO);
        }
    }

    private static Object invoke(Object target, String method) throws Exception {
        var m = target.getClass().getDeclaredMethod(method);
        m.setAccessible(true);
        return m.invoke(target);
    }

    @AfterAll
    static void tidy() {
        Modes.tidy();
    }
}
