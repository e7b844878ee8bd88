package ai.stigmer.runtime.containment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.stigmer.config.ProcessSpec;
import ai.stigmer.config.ResourcesSpec;
import ai.stigmer.os.ProcFs;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.process.ProcessRuntime;
import ai.stigmer.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An instance cloned into its cgroup (no move, {@link BornInCgroup}) is what a spawned one was: the
 * launcher's own child, leader of its session and process group, with fds 0–2 only, its exit code
 * exact; and where the kernel refuses the clone, the launcher joins by a move and is the instance.
 * Each with either launcher, the native one and the Perl program.
 */
class BornInCgroupTest {
    private static final long SELF = ProcessHandle.current().pid();
    /** The names the kernel gives the launchers (comm: 15 characters at most). */
    private static final java.util.Set<String> LAUNCHERS = java.util.Set.of("perl", "stigmer-launch-");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(BornInCgroup.Launcher.class)
    void theInstanceIsBornInsideAsOurChildLeadingItsOwnSession(BornInCgroup.Launcher launcher) throws Exception {
        ProcessRuntime runtime = bornInsideBy(launcher, "born", List.of("sleep", "100000"));

        Instance i = runtime.launch();
        try {
            Await.until("sleep execs", Duration.ofSeconds(20), () -> ProcessScan.arguments(i.pid()).get(0).endsWith("sleep"));
            List<Long> ids = ProcFs.stat(i.pid(), f -> List.of(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])))
                    .orElseThrow();
            assertEquals(List.of(SELF, i.pid(), i.pid()), ids, "parent, process group, session");
            assertTrue(Files.readAllLines(Path.of("/proc", Long.toString(i.pid()), "cgroup")).stream()
                    .anyMatch(l -> l.startsWith("0::") && l.endsWith("/stigmer-" + Modes.HOME + "/born")));
            assertTrue(fds(i.pid()).stream().noneMatch(target -> target.startsWith("pipe:")),
                    "the answer's pipe is not inherited: " + fds(i.pid()));
            Await.until("the launcher is reaped", Duration.ofSeconds(20), () -> ProcFs.pids().stream()
                    .map(ProcessEntry::read).flatMap(java.util.Optional::stream)
                    .noneMatch(e -> e.ppid() == SELF && e.gone() && LAUNCHERS.contains(comm(e.pid()))));
        } finally {
            i.stop(Duration.ofSeconds(1));
        }
        assertEquals(128 + 15, i.exited().get(20, TimeUnit.SECONDS).code(), "ended by the stop's SIGTERM");
    }

    @ParameterizedTest
    @EnumSource(BornInCgroup.Launcher.class)
    void itsExitCodeIsExact(BornInCgroup.Launcher launcher) throws Exception {
        ProcessRuntime runtime = bornInsideBy(launcher, "exits", List.of("sh", "-c", "exit 7"));

        Instance i = runtime.launch();

        assertEquals(7, i.exited().get(20, TimeUnit.SECONDS).code());
        i.stop(Duration.ofSeconds(1));
    }

    /** A script without "#!" runs under /bin/sh, as execvp runs it. */
    @ParameterizedTest
    @EnumSource(BornInCgroup.Launcher.class)
    void aScriptWithoutAnInterpreterLineRunsUnderTheShell(BornInCgroup.Launcher launcher) throws Exception {
        Path script = script("plain-script", "exit 9\n");
        ProcessRuntime runtime = bornInsideBy(launcher, "script", List.of(script.toString()));

        Instance i = runtime.launch();

        assertEquals(9, i.exited().get(20, TimeUnit.SECONDS).code());
        i.stop(Duration.ofSeconds(1));
    }

    /** A command the kernel will not run (its interpreter is missing): 127, and why on the log's last line. */
    @ParameterizedTest
    @EnumSource(BornInCgroup.Launcher.class)
    void aCommandThatCannotRunEndsWith127AndSaysWhy(BornInCgroup.Launcher launcher) throws Exception {
        Path script = script("orphan-script", "#!/nonexistent/interpreter\n");
        ProcessRuntime runtime = bornInsideBy(launcher, "unrunnable", List.of(script.toString()));

        Instance i = runtime.launch();

        assertEquals(127, i.exited().get(20, TimeUnit.SECONDS).code());
        List<String> log = Files.readAllLines(dir.resolve("unrunnable.log"));
        assertEquals("stigmer: cannot run " + script + ": No such file or directory", log.get(log.size() - 1));
        i.stop(Duration.ofSeconds(1));
    }

    @ParameterizedTest
    @EnumSource(BornInCgroup.Launcher.class)
    void whereTheKernelRefusesTheCloneTheLauncherJoinsByAMoveAndIsTheInstance(BornInCgroup.Launcher launcher) throws Exception {
        Modes.of("cgroup");
        Path notACgroup = Files.createDirectory(dir.resolve("plain"));
        Files.createFile(notACgroup.resolve("cgroup.procs"));
        Enclosure plain = new CgroupEnclosure(new Cgroup(notACgroup), "/plain", Limits.NONE).withLauncher(launcher);
        assumeTrue(plain.bornInside(List.of("/bin/true")).isPresent(), launcher + " launcher not here");
        Containment refusing = Modes.enclosingIn(plain, "a directory the kernel takes for no cgroup");
        ProcessRuntime runtime = new ProcessRuntime("moved", Modes.HOME,
                new ProcessSpec(List.of("sleep", "100000"), Map.of(), null), dir.resolve("moved.log"), refusing);

        Instance i = runtime.launch();
        try {
            assertEquals(Long.toString(i.pid()), Files.readString(notACgroup.resolve("cgroup.procs")).strip(),
                    "the launcher wrote its own pid, and its pid is the instance's");
            Await.until("sleep execs in place", Duration.ofSeconds(20),
                    () -> ProcessScan.arguments(i.pid()).get(0).endsWith("sleep"));
        } finally {
            ProcessHandle.of(i.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
        assertEquals(128 + 9, i.exited().get(20, TimeUnit.SECONDS).code());
    }

    /** A runtime of {@code command} whose instances {@code launcher} clones into a cgroup of their own; skipped where it cannot run. */
    private ProcessRuntime bornInsideBy(BornInCgroup.Launcher launcher, String name, List<String> command) throws Exception {
        CgroupEnclosure enclosure = ((CgroupEnclosure) Modes.of("cgroup").enclose(name, "probe", ResourcesSpec.NONE))
                .withLauncher(launcher);
        assumeTrue(enclosure.bornInside(List.of("/bin/true")).isPresent(), launcher + " launcher not here");
        return new ProcessRuntime(name, Modes.HOME, new ProcessSpec(command, Map.of(), null), dir.resolve(name + ".log"),
                Modes.enclosingIn(enclosure, "cgroup"));
    }

    /** An executable file {@code name} in the test's folder holding {@code text}. */
    private Path script(String name, String text) throws IOException {
        Path script = Files.writeString(dir.resolve(name), text);
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** Where each open fd of {@code pid} points: /dev/null, pipe:[123], ... */
    private static List<String> fds(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.map(p -> {
                try {
                    return Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    return "";
                }
            }).toList();
        }
    }

    @AfterAll
    static void tidy() {
        Modes.tidy();
    }
}
