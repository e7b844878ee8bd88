package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.Threads;
import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ProcessSpec;
import ai.stigmer.config.RestartSpec;
import ai.stigmer.runtime.process.ProcStat;
import ai.stigmer.runtime.process.ProcessRuntime;
import ai.stigmer.testing.Await;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Show 8: three TERM-ignoring independent components with stop.timeout 3 s stop in about 3 s, not 9. */
class ParallelShutdownTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    Path dir;
    private final ScheduledExecutorService watchdog =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("test-watchdog"));
    private final ExecutorService blocking = Executors.newCachedThreadPool(Threads.daemon("test-runtime"));
    private final List<ComponentSupervisor> components = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (ComponentSupervisor c : components) {
            c.stop().get();
        }
        watchdog.shutdownNow();
        blocking.shutdownNow();
    }

    @Test
    void threeTermIgnoringComponentsStopInParallel() throws Exception {
        Scheduler scheduler = new ExecutorScheduler(watchdog, Clock.systemUTC());
        for (String name : List.of("stubborn-a", "stubborn-b", "stubborn-c")) {
            // The shell and its sleep both ignore SIGTERM (an ignored signal stays ignored across exec).
            ComponentConfig config = new ComponentConfig(name, List.of(), RestartSpec.DEFAULT, STOP_TIMEOUT, null, null,
                    null, new ProcessSpec(List.of("sh", "-c", "trap '' TERM; sleep 1000"), Map.of(), null), null);
            ProcessRuntime runtime = new ProcessRuntime(name, "test", config.process(), dir.resolve(name + ".log"));
            components.add(new ComponentSupervisor(config, runtime, (kind, instance, uptime, done) -> {}, scheduler,
                    blocking, new RecordingLog(), InstanceStore.NONE, new Backoff(config.restart().backoff(), () -> 0.5)));
        }
        Supervisor supervisor = new Supervisor(components, scheduler);
        supervisor.start(c -> Optional.empty());
        List<Long> pids = new ArrayList<>();
        for (ComponentSupervisor c : components) {
            pids.add(Await.value(c.name() + " running", WAIT, c::status,
                    s -> s.state() == State.RUNNING && s.pid() > 0).pid());
        }
        // The sleep under each shell is up: the trap is set before it starts.
        Await.until("every sleep started", WAIT, () -> pids.stream().allMatch(p ->
                ProcStat.members(p, p).size() >= 2));

        long started = System.nanoTime();
        boolean stopped = supervisor.shutdown(Duration.ofSeconds(60));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        System.out.println("Shutdown of three TERM-ignoring components, stop.timeout 3s: " + took.toMillis() + " ms");
        assertTrue(stopped);
        assertTrue(took.compareTo(Duration.ofMillis(2_500)) >= 0, "SIGTERM was ignored, SIGKILL came: " + took);
        assertTrue(took.compareTo(Duration.ofSeconds(7)) < 0, "in parallel, about 3 s, not 9: " + took);
        for (long pid : pids) {
            assertTrue(ProcStat.read(pid).map(ProcStat::gone).orElse(true), "pid " + pid + " is gone");
            assertEquals(0, ProcStat.members(pid, pid).stream().filter(m -> !m.gone()).count(),
                    "nothing of its session is left");
        }
        components.forEach(c -> assertEquals(State.STOPPED, c.status().state()));
    }
}
