package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ProbeSpec;
import ai.stigmer.config.ProcessSpec;
import ai.stigmer.config.RestartSpec;
import ai.stigmer.probe.ProbeKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** dependsOn ordering and the watchdog's pulse, on the manual clock. */
class SupervisorTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    private final FakeRuntime serverRuntime = new FakeRuntime();
    private final FakeRuntime workerRuntime = new FakeRuntime();
    private final ScriptedProber serverProber = new ScriptedProber();

    private ComponentSupervisor component(String name, List<String> deps, FakeRuntime runtime, ScriptedProber prober,
            ProbeSpec readiness) {
        ComponentConfig config = new ComponentConfig(name, deps, RestartSpec.DEFAULT, Duration.ofSeconds(10), null,
                null, readiness, new ProcessSpec(List.of("/bin/true"), Map.of(), null), null);
        return new ComponentSupervisor(config, runtime, prober, scheduler, Runnable::run, new RecordingLog(),
                InstanceStore.NONE, new Backoff(config.restart().backoff(), () -> 0.5));
    }

    @Test
    void aDependentStartsOnlyOnceItsDependencyIsRunningAndReady() {
        serverProber.then(ProbeKind.READINESS, false, false).always(ProbeKind.READINESS, true);
        ComponentSupervisor server = component("server", List.of(), serverRuntime, serverProber,
                new ProbeSpec(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1,
                        List.of(new ai.stigmer.config.CheckSpec.Process())));
        ComponentSupervisor worker = component("worker", List.of("server"), workerRuntime, new ScriptedProber(), null);
        Supervisor supervisor = new Supervisor(List.of(server, worker), scheduler);
        supervisor.start(c -> Optional.empty());
        scheduler.runDue();

        assertEquals(State.RUNNING, server.status().state());
        assertFalse(server.status().ready());
        assertEquals(State.STOPPED, worker.status().state());
        assertEquals("server", worker.status().waitingFor());
        assertEquals("", worker.status().lastError(), "waiting for a dependency is not an error");
        assertTrue(workerRuntime.launched.isEmpty());

        scheduler.advance(Duration.ofSeconds(2));
        assertTrue(server.status().ready());
        assertEquals(State.RUNNING, worker.status().state());
        assertEquals("", worker.status().lastError());
    }

    @Test
    void aDependencyRestartDoesNotRestartItsDependents() {
        ComponentSupervisor server = component("server", List.of(), serverRuntime, serverProber, null);
        ComponentSupervisor worker = component("worker", List.of("server"), workerRuntime, new ScriptedProber(), null);
        new Supervisor(List.of(server, worker), scheduler).start(c -> Optional.empty());
        scheduler.runDue();
        serverRuntime.last().exit(1);
        scheduler.advance(Duration.ofSeconds(2));
        assertEquals(State.RUNNING, server.status().state());
        assertEquals(1, server.status().restarts());
        assertEquals(1, workerRuntime.launched.size());
        assertEquals(0, workerRuntime.last().stops);
    }

    @Test
    void monitoringIsActiveOnlyWhileTheWatchdogTicks() {
        Supervisor supervisor = new Supervisor(List.of(component("server", List.of(), serverRuntime, serverProber, null)),
                scheduler);
        supervisor.start(c -> Optional.empty());
        scheduler.advance(Duration.ofSeconds(30));
        assertTrue(supervisor.monitoringActive());
    }

    @Test
    void anAdoptedInstanceIsNotLaunchedAgain() {
        ComponentSupervisor server = component("server", List.of(), serverRuntime, serverProber, null);
        FakeRuntime.FakeInstance survivor = new FakeRuntime.FakeInstance(4242);
        new Supervisor(List.of(server), scheduler).start(c -> Optional.of(survivor));
        scheduler.runDue();
        assertEquals(State.RUNNING, server.status().state());
        assertEquals(4242, server.status().pid());
        assertTrue(serverRuntime.launched.isEmpty());
    }
}
