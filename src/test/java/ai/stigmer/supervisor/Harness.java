package ai.stigmer.supervisor;

import ai.stigmer.config.BackoffSpec;
import ai.stigmer.config.CheckSpec;
import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ProbeSpec;
import ai.stigmer.config.ProcessSpec;
import ai.stigmer.config.RestartPolicy;
import ai.stigmer.config.RestartSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One component under a manual scheduler with fakes at its edges, and the events it sent. */
final class Harness {
    final ManualScheduler scheduler;
    final FakeRuntime runtime = new FakeRuntime();
    final ScriptedProber prober = new ScriptedProber();
    final RecordingLog log = new RecordingLog();
    final List<ComponentEvent> events = new ArrayList<>();
    final ComponentSupervisor supervisor;

    Harness(ComponentConfig config) {
        this(config, Runnable::run);
    }

    /** With {@code blocking} for launches and stops, e.g. a queue the test runs when it chooses. */
    Harness(ComponentConfig config, java.util.concurrent.Executor blocking) {
        this(config, blocking, InstanceStore.NONE);
    }

    /** With a store of its own, to see what is remembered under run/. */
    Harness(ComponentConfig config, java.util.concurrent.Executor blocking, InstanceStore store) {
        this(config, RuntimeThreads.of(blocking), store, new ManualScheduler());
    }

    /** With launch and stop threads (and a launch gate) of the test's choosing. */
    Harness(ComponentConfig config, RuntimeThreads threads) {
        this(config, threads, InstanceStore.NONE, new ManualScheduler());
    }

    /** On a watchdog shared with other harnesses, as the daemon's components share one. */
    Harness(ComponentConfig config, RuntimeThreads threads, ManualScheduler scheduler) {
        this(config, threads, InstanceStore.NONE, scheduler);
    }

    private Harness(ComponentConfig config, RuntimeThreads threads, InstanceStore store, ManualScheduler scheduler) {
        this.scheduler = scheduler;
        supervisor = new ComponentSupervisor(config, runtime, prober, scheduler, threads, log,
                store, new Backoff(config.restart().backoff(), () -> 0.5));
        supervisor.addListener(events::add);
    }

    static ProbeSpec probe(Duration period, int failureThreshold) {
        return new ProbeSpec(Duration.ZERO, period, Duration.ofSeconds(1), 1, failureThreshold,
                List.of(new CheckSpec.Process()));
    }

    /** The SPEC defaults: always, backoff 1s×2 up to 60s, 10 restarts in 10m, minUptime 10s. */
    static ComponentConfig component(ProbeSpec startup, ProbeSpec liveness, ProbeSpec readiness) {
        return component(RestartSpec.DEFAULT, startup, liveness, readiness);
    }

    static ComponentConfig component(RestartSpec restart, ProbeSpec startup, ProbeSpec liveness, ProbeSpec readiness) {
        return new ComponentConfig("worker", List.of(), restart, Duration.ofSeconds(10), startup, liveness,
                readiness, new ProcessSpec(List.of("/bin/true"), Map.of(), null), null);
    }

    static RestartSpec policy(RestartPolicy policy) {
        return new RestartSpec(policy, BackoffSpec.DEFAULT, 10, Duration.ofMinutes(10), Duration.ofSeconds(10));
    }

    ComponentStatus status() {
        return supervisor.status();
    }

    State state() {
        return supervisor.status().state();
    }

    Harness start() {
        supervisor.start();
        scheduler.runDue();
        return this;
    }

    void advance(Duration d) {
        scheduler.advance(d);
    }

    void advanceSeconds(double s) {
        scheduler.advance(Duration.ofMillis(Math.round(s * 1000)));
    }

    long eventsOf(ComponentEvent.Type type) {
        return events.stream().filter(e -> e.type() == type).count();
    }
}
