package ai.stigmer.supervisor;

import ai.stigmer.Threads;
import ai.stigmer.config.BackoffSpec;
import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ProbeSpec;
import ai.stigmer.config.ProcessSpec;
import ai.stigmer.config.RestartPolicy;
import ai.stigmer.config.RestartSpec;
import ai.stigmer.probe.Check;
import ai.stigmer.probe.CheckPool;
import ai.stigmer.probe.ProbeKind;
import ai.stigmer.probe.Prober;
import ai.stigmer.runtime.process.ProcessRuntime;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One real process ({@code sleep 1000}) supervised as the daemon does it: a real watchdog thread, a
 * real {@link Prober} with the given liveness checks on the given {@link CheckPool}, and a
 * {@link Supervisor} around it; restarts back off from 100 ms.
 */
public final class LiveComponent implements AutoCloseable {
    private static final RestartSpec FAST_RESTART = new RestartSpec(RestartPolicy.ALWAYS,
            new BackoffSpec(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 0.0), 10, Duration.ofMinutes(10),
            Duration.ofSeconds(10));

    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(Threads.daemon("test-watchdog"));
    private final ExecutorService blocking = Executors.newCachedThreadPool(Threads.daemon("test-runtime"));
    private final RecordingLog log = new RecordingLog();
    private final Prober prober;
    private final ComponentSupervisor component;
    private final Supervisor supervisor;

    private LiveComponent(String name, Path dir, ProbeSpec liveness, List<Check> checks, CheckPool pool) {
        ComponentConfig config = new ComponentConfig(name, List.of(), FAST_RESTART, Duration.ofSeconds(2), null,
                liveness, null, new ProcessSpec(List.of("sleep", "1000"), Map.of(), null), null);
        ProcessRuntime runtime = new ProcessRuntime(name, "test", config.process(), dir.resolve(name + ".log"));
        prober = new Prober(name, Map.of(ProbeKind.LIVENESS, liveness), Map.of(ProbeKind.LIVENESS, checks), pool);
        Scheduler scheduler = new ExecutorScheduler(watchdog, Clock.systemUTC());
        component = new ComponentSupervisor(config, runtime, prober, scheduler, blocking, log, InstanceStore.NONE,
                new Backoff(config.restart().backoff(), () -> 0.5));
        supervisor = new Supervisor(List.of(component), scheduler);
    }

    /** Starts supervising {@code name}, whose liveness probe runs {@code checks} on {@code pool}. */
    public static LiveComponent start(String name, Path dir, ProbeSpec liveness, List<Check> checks, CheckPool pool) {
        LiveComponent live = new LiveComponent(name, dir, liveness, checks, pool);
        live.supervisor.start(c -> Optional.empty());
        return live;
    }

    public ComponentStatus status() {
        return component.status();
    }

    public Supervision supervision() {
        return supervisor;
    }

    /** Lines of the component's log at {@code level} ("WARN") that contain {@code text}. */
    public long logged(String level, String text) {
        return log.count(level, text);
    }

    @Override
    public void close() {
        supervisor.shutdown(Duration.ofSeconds(10));
        prober.close();
        watchdog.shutdownNow();
        blocking.shutdownNow();
    }
}
