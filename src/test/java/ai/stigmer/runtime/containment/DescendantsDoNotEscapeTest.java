package ai.stigmer.runtime.containment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ProcessSpec;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.process.ProcessRuntime;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.Ports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Show 1 (issue 9): children that setsid, setpgrp, double-fork or run under {@code timeout} survive
 * neither a stop nor a restart (stop, then launch), in the cgroup mode and in the session mode. What
 * is left is looked for in /proc by the test's unique argument and by the instance's marker.
 */
class DescendantsDoNotEscapeTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    Path dir;
    private final List<Instance> started = new ArrayList<>();
    private String token;

    /** Escapes by name, as shell commands; {@code TOKEN} is the unique argument of the process that escapes. */
    static Stream<Arguments> escapes() {
        List<String> modes = List.of("cgroup", "session");
        List<String[]> escapes = List.of(
                new String[] {"setsid", "setsid sleep TOKEN & wait"},
                new String[] {"setpgrp", "perl -e 'setpgrp(0, 0); exec \"sleep\", \"TOKEN\"' & wait"},
                new String[] {"double fork", "(sleep TOKEN &); exec sleep 100000"},
                new String[] {"double fork and setsid", "(setsid sleep TOKEN &); exec sleep 100000"},
                new String[] {"timeout", "timeout 86400 sleep TOKEN"});
        List<Arguments> cases = new ArrayList<>();
        for (String mode : modes) {
            for (String[] e : escapes) {
                cases.add(Arguments.of(mode, e[0], e[1]));
            }
        }
        // The instance may write to its own cgroup: it can make cgroups inside it and move there.
        String cgroup = "cg=$(awk '$3 == \"cgroup2\" {print $2; exit}' /proc/self/mounts)$(sed -n 's/^0:://p' /proc/self/cgroup); ";
        String moveInto = "[ -f \"$1/cgroup.procs\" ] && mkdir -p \"$1/$2\" && echo $$ > \"$1/$2/cgroup.procs\" && exec sleep TOKEN";
        cases.add(Arguments.of("cgroup", "a cgroup inside its own",
                cgroup + "sh -c '" + moveInto + "' x \"$cg\" inner & exec sleep 100000"));
        cases.add(Arguments.of("cgroup", "two levels down, the instance itself as well",
                cgroup + "[ -f \"$cg/cgroup.procs\" ] && mkdir \"$cg/a\" && echo $$ > \"$cg/a/cgroup.procs\"; sh -c '" + moveInto
                        + "' x \"$cg\" a/b/c & wait"));
        // A threaded cgroup's cgroup.procs cannot be read (EOPNOTSUPP); its processes are listed by its thread root.
        cases.add(Arguments.of("cgroup", "a threaded cgroup inside its own",
                cgroup + "[ -f \"$cg/cgroup.procs\" ] && mkdir \"$cg/t\" && echo threaded > \"$cg/t/cgroup.type\" && sh -c '"
                        + moveInto + "' x \"$cg\" t & exec sleep 100000"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("escapes")
    void nothingSurvivesAStop(String mode, String name, String script) throws Exception {
        ProcessRuntime runtime = runtime(mode, script.replace("TOKEN", token()));
        Instance instance = launch(runtime);
        List<ProcessEntry> escaped = awaitEscaped();

        instance.stop(STOP_TIMEOUT);

        assertNothingLeft(escaped, instance);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("escapes")
    void nothingSurvivesARestart(String mode, String name, String script) throws Exception {
        ProcessRuntime runtime = runtime(mode, script.replace("TOKEN", token()));
        Instance first = launch(runtime);
        List<ProcessEntry> escaped = awaitEscaped();

        first.stop(STOP_TIMEOUT);
        Instance second = launch(runtime);

        for (ProcessEntry e : escaped) {
            assertFalse(ProcessScan.stillRuns(e), "the first instance's " + ProcessScan.describe(List.of(e)) + " survived");
        }
        List<ProcessEntry> again = awaitEscaped();
        assertTrue(again.stream().noneMatch(escaped::contains));
        second.stop(STOP_TIMEOUT);
        assertNothingLeft(again, second);
    }

    /** The real case of the issue: after a restart, the old http.server no longer holds the port. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"cgroup", "session"})
    void anHttpServerUnderTimeoutGivesItsPortBackOnRestart(String mode) throws Exception {
        Path python = Stream.of("/usr/bin/python3", "/usr/local/bin/python3").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(python != null, "python3 is not installed");
        int port = Ports.free();
        ProcessRuntime runtime = runtime(mode, "timeout 86400 " + python + " -m http.server " + port + " --bind 127.0.0.1");
        Instance first = launch(runtime);
        Await.until("the first server answers", WAIT, () -> answers(port));
        long firstServer = serverPid(port);

        first.stop(STOP_TIMEOUT);
        assertFalse(answers(port), "the port is still served after the stop");
        Instance second = launch(runtime);
        Await.until("the second server answers", WAIT, () -> answers(port));

        assertTrue(second.isAlive(), "the new instance runs: its server got the port");
        assertTrue(serverPid(port) != firstServer);
        second.stop(STOP_TIMEOUT);
        assertFalse(answers(port));
    }

    private static long serverPid(int port) {
        return ProcessEntry.all().stream()
                .filter(e -> !e.gone() && ProcessScan.arguments(e.pid()).contains(Integer.toString(port))
                        && ProcessScan.arguments(e.pid()).stream().anyMatch(a -> a.endsWith("python3")))
                .mapToLong(ProcessEntry::pid).findFirst().orElse(-1);
    }

    private static boolean answers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String token() {
        // sleep takes a number: a random one that nothing else on the machine is sleeping.
        token = Integer.toString(ThreadLocalRandom.current().nextInt(1_000_000, 9_000_000));
        return token;
    }

    private ProcessRuntime runtime(String mode, String script) {
        Containment containment = Modes.of(mode);
        String component = "escape-" + ThreadLocalRandom.current().nextInt(1_000_000);
        return new ProcessRuntime(component, Modes.homeOf(mode), new ProcessSpec(List.of("/bin/sh", "-c", script), Map.of(), null),
                dir.resolve(component + ".log"), containment);
    }

    private Instance launch(ProcessRuntime runtime) throws Exception {
        Instance i = runtime.launch();
        started.add(i);
        return i;
    }

    private List<ProcessEntry> awaitEscaped() {
        return Await.value("the escaping process runs", WAIT, () -> ProcessScan.withArgument(token), l -> !l.isEmpty());
    }

    private void assertNothingLeft(List<ProcessEntry> escaped, Instance instance) {
        List<ProcessEntry> left = ProcessScan.withArgument(token);
        assertEquals(List.of(), left, () -> "left behind: " + ProcessScan.describe(left));
        for (ProcessEntry e : escaped) {
            assertFalse(ProcessScan.stillRuns(e), "survived: " + ProcessScan.describe(List.of(e)));
        }
        assertFalse(instance.isAlive());
        String marker = ai.stigmer.runtime.InstanceMarker.ENV;
        assertTrue(ProcessEntry.all().stream().noneMatch(e -> !e.gone() && String.valueOf(
                ProcessEntry.environment(e.pid(), marker)).contains("/escape-") && ProcessScan.arguments(e.pid()).contains(token)));
    }

    @org.junit.jupiter.api.AfterAll
    static void tidy() {
        Modes.tidy();
    }

    @AfterEach
    void cleanUp() {
        for (Instance i : started) {
            try {
                i.stop(Duration.ZERO);
            } catch (RuntimeException e) {
                // reported by the test itself
            }
        }
        for (ProcessEntry e : token == null ? List.<ProcessEntry>of() : ProcessScan.withArgument(token)) {
            ProcessHandle.of(e.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
