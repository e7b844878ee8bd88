package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.BackoffSpec;
import ai.stigmer.config.CheckSpec;
import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ProbeSpec;
import ai.stigmer.config.ProcessSpec;
import ai.stigmer.config.RestartPolicy;
import ai.stigmer.config.RestartSpec;
import ai.stigmer.probe.Check;
import ai.stigmer.probe.Checks;
import ai.stigmer.probe.ProbeKind;
import ai.stigmer.probe.Prober;
import ai.stigmer.Threads;
import ai.stigmer.runtime.process.ProcStat;
import ai.stigmer.runtime.process.ProcessRuntime;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.Ports;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes, real signals, real probes, short timings. */
class RealProcessSupervisionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final RestartSpec FAST_RESTART = new RestartSpec(RestartPolicy.ALWAYS,
            new BackoffSpec(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 0.0), 10, Duration.ofMinutes(10),
            Duration.ofSeconds(10));

    @TempDir
    Path dir;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(Threads.daemon("test-watchdog"));
    private final ExecutorService blocking = Executors.newCachedThreadPool(Threads.daemon("test-runtime"));
    private final List<ComponentEvent> events = new CopyOnWriteArrayList<>();
    private ComponentSupervisor supervisor;
    private Prober prober;

    @AfterEach
    void tearDown() throws Exception {
        if (supervisor != null) {
            supervisor.stop().get();
        }
        if (prober != null) {
            prober.close();
        }
        watchdog.shutdownNow();
        blocking.shutdownNow();
    }

    private ComponentSupervisor supervise(List<String> command, ProbeSpec liveness) {
        ComponentConfig config = new ComponentConfig("real", List.of(), FAST_RESTART, Duration.ofSeconds(2), null,
                liveness, null, new ProcessSpec(command, Map.of(), null), null);
        ProcessRuntime runtime = new ProcessRuntime(config.name(), "test", config.process(), dir.resolve("real.log"));
        Map<ProbeKind, ProbeSpec> specs = new EnumMap<>(ProbeKind.class);
        Map<ProbeKind, List<Check>> checks = new EnumMap<>(ProbeKind.class);
        specs.put(ProbeKind.LIVENESS, liveness);
        checks.put(ProbeKind.LIVENESS, liveness.checks().stream().map(c -> Checks.create(c, runtime)).toList());
        prober = new Prober("real", specs, checks);
        supervisor = new ComponentSupervisor(config, runtime, prober, new ExecutorScheduler(watchdog, Clock.systemUTC()),
                blocking, new RecordingLog(), InstanceStore.NONE, new Backoff(config.restart().backoff(), () -> 0.5));
        supervisor.addListener(events::add);
        supervisor.start();
        return supervisor;
    }

    private long count(ComponentEvent.Type type) {
        return events.stream().filter(e -> e.type() == type).count();
    }

    /** Show 6: a real child killed with SIGKILL is marked Unhealthy and restarted. */
    @Test
    void sigkilledChildIsMarkedUnhealthyAndRestarted() throws Exception {
        ProbeSpec liveness = new ProbeSpec(Duration.ZERO, Duration.ofSeconds(30), Duration.ofSeconds(1), 1, 3,
                List.of(new CheckSpec.Process()));
        ComponentSupervisor s = supervise(List.of("sleep", "1000"), liveness);
        long pid = Await.value("running", WAIT, s::status, st -> st.state() == State.RUNNING).pid();

        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();

        ComponentStatus after = Await.value("restarted", WAIT, s::status,
                st -> st.state() == State.RUNNING && st.pid() != pid);
        assertEquals(1, after.restarts());
        assertEquals(137, after.lastExitCode());
        assertEquals(1, count(ComponentEvent.Type.UNHEALTHY));
        assertEquals(1, count(ComponentEvent.Type.RESTARTED));
        // Seen at the exit, not at a liveness probe 30 s later.
        assertTrue(events.stream().anyMatch(e -> e.type() == ComponentEvent.Type.UNHEALTHY
                && e.message().contains("killed by signal 9")));
    }

    /** Show 7: a hung (SIGSTOP) process is caught by liveness at the probe timeout and killed. */
    @Test
    void hungProcessIsCaughtByLivenessTimeoutAndKilled() throws Exception {
        int port = Ports.free();
        ProbeSpec liveness = new ProbeSpec(Duration.ZERO, Duration.ofMillis(300), Duration.ofMillis(500), 1, 3,
                List.of(new CheckSpec.Process(), new CheckSpec.Http(URI.create("http://127.0.0.1:" + port + "/"))));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ComponentSupervisor s = supervise(List.of(java, "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), "ai.stigmer.testing.TinyHttpServer", Integer.toString(port)),
                liveness);
        long pid = Await.value("running and answering", WAIT, s::status,
                st -> st.state() == State.RUNNING && count(ComponentEvent.Type.UNHEALTHY) == 0).pid();
        Await.until("http answers", WAIT, () -> answers(port));

        new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor();

        ComponentEvent unhealthy = Await.value("unhealthy", WAIT,
                () -> events.stream().filter(e -> e.type() == ComponentEvent.Type.UNHEALTHY).findFirst().orElse(null),
                e -> e != null);
        assertTrue(unhealthy.message().contains("liveness probe failed 3 times in a row"), unhealthy.message());
        assertTrue(unhealthy.message().contains("timeout"), unhealthy.message());
        ComponentStatus after = Await.value("restarted", WAIT, s::status,
                st -> st.state() == State.RUNNING && st.pid() != pid && st.pid() > 0);
        assertNotEquals(pid, after.pid());
        Await.until("the stopped process is gone", WAIT,
                () -> ProcStat.read(pid).map(ProcStat::gone).orElse(true));
    }

    private static boolean answers(int port) {
        try {
            var c = (java.net.HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(500);
            return c.getResponseCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
