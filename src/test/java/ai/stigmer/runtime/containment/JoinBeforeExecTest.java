package ai.stigmer.runtime.containment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ProcessSpec;
import ai.stigmer.config.ResourcesSpec;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.LaunchException;
import ai.stigmer.runtime.process.ProcessRuntime;
import ai.stigmer.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The instance is in its cgroup before its first instruction, keeps the pid the JDK knows, and a
 * cgroup it cannot join is a failed launch, not a running instance outside containment.
 */
class JoinBeforeExecTest {
    @TempDir
    Path dir;

    @Test
    void theComponentReadsItsOwnCgroupAsItsFirstAct() throws Exception {
        Containment containment = Modes.of("cgroup");
        ProcessRuntime runtime = new ProcessRuntime("first-act", Modes.HOME,
                new ProcessSpec(List.of("cat", "/proc/self/cgroup"), Map.of(), null), dir.resolve("first-act.log"), containment);

        Instance i = runtime.launch();
        assertEquals(0, i.exited().get(20, TimeUnit.SECONDS).code());

        String cgroups = Files.readString(dir.resolve("first-act.log"));
        assertTrue(cgroups.lines().anyMatch(l -> l.startsWith("0::") && l.endsWith("/stigmer-" + Modes.HOME + "/first-act")),
                cgroups);
        i.stop(Duration.ofSeconds(1));
        assertTrue(Files.notExists(((CgroupContainment) containment).bases().get(0).resolve("first-act")), "removed after the stop");
    }

    @Test
    void thePidTheJdkSeesIsTheComponents() throws Exception {
        ProcessRuntime runtime = new ProcessRuntime("own-pid", Modes.HOME,
                new ProcessSpec(List.of("sleep", "100000"), Map.of(), null, ResourcesSpec.NONE), dir.resolve("own-pid.log"),
                Modes.of("cgroup"));
        Instance i = runtime.launch();
        try {
            Await.until("sleep execs", Duration.ofSeconds(20), () -> ProcessScan.arguments(i.pid()).get(0).endsWith("sleep"));
            assertEquals(List.of("/usr/bin/sleep", "100000"), ProcessScan.arguments(i.pid()).stream()
                    .map(a -> a.equals("/bin/sleep") ? "/usr/bin/sleep" : a).toList());
        } finally {
            i.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void aCgroupThatCannotBeJoinedFailsTheLaunch() throws Exception {
        Modes.of("cgroup");
        Path missing = dir.resolve("no-such-cgroup");
        Containment broken = Modes.enclosingIn(new CgroupEnclosure(new Cgroup(missing), "/no-such-cgroup", Limits.NONE), "a cgroup that is not there");
        ProcessRuntime runtime = new ProcessRuntime("outside", Modes.HOME,
                new ProcessSpec(List.of("sleep", "100000"), Map.of(), null), dir.resolve("outside.log"), broken);

        LaunchException e = assertThrows(LaunchException.class, runtime::launch);

        assertTrue(e.getMessage().contains("could not place the process in cgroup " + missing), e.getMessage());
        assertTrue(Files.readString(dir.resolve("outside.log")).contains(Enclosure.JOIN_FAILED + " " + missing),
                "the wrapper said so in the component log, and did not exec the command");
    }

    @AfterAll
    static void tidy() {
        Modes.tidy();
    }
}
