package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ProcessSpec;
import ai.stigmer.config.RestartSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** SPEC §4: independent components stop in parallel, dependents before their dependencies. */
class ShutdownOrderTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    private final DeferredExecutor blocking = new DeferredExecutor();

    private ComponentSupervisor component(String name, List<String> deps, FakeRuntime runtime) {
        ComponentConfig config = new ComponentConfig(name, deps, RestartSpec.DEFAULT, Duration.ofSeconds(10), null,
                null, null, new ProcessSpec(List.of("/bin/true"), Map.of(), null), null);
        return new ComponentSupervisor(config, runtime, new ScriptedProber(), scheduler, blocking, new RecordingLog(),
                InstanceStore.NONE, new Backoff(config.restart().backoff(), () -> 0.5));
    }

    @Test
    void aDependencyStopsOnlyOnceItsDependentsAreGoneWhileIndependentOnesStopAtOnce() {
        FakeRuntime serverRuntime = new FakeRuntime();
        FakeRuntime workerRuntime = new FakeRuntime();
        FakeRuntime otherRuntime = new FakeRuntime();
        ComponentSupervisor server = component("server", List.of(), serverRuntime);
        ComponentSupervisor worker = component("worker", List.of("server"), workerRuntime);
        ComponentSupervisor other = component("other", List.of(), otherRuntime);
        Supervisor supervisor = new Supervisor(List.of(server, worker, other), scheduler);
        supervisor.start(c -> Optional.empty());
        blocking.runAll(scheduler);
        List.of(server, worker, other).forEach(c -> assertEquals(State.RUNNING, c.status().state(), c.name()));

        CompletableFuture<Void> done = supervisor.stopAll();
        scheduler.runDue();
        assertTrue(worker.status().stopping(), "the dependent stops first");
        assertTrue(other.status().stopping(), "an independent component stops at the same time");
        assertFalse(server.status().stopping(), "the dependency waits for its dependent");
        assertEquals(2, blocking.pending());

        blocking.runOne(scheduler); // "other" is gone: changes nothing for server
        assertFalse(server.status().stopping());
        blocking.runOne(scheduler); // "worker" is gone: server's stop begins
        assertTrue(server.status().stopping());
        assertEquals(1000, server.status().pid());
        assertFalse(done.isDone());

        blocking.runAll(scheduler);
        assertTrue(done.isDone() && !done.isCompletedExceptionally());
        assertEquals(1, serverRuntime.last().stops);
        assertEquals(-1, server.status().pid());
    }
}
