package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ProcessSpec;
import ai.stigmer.config.RestartSpec;
import ai.stigmer.runtime.Instance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The operator's stop() of a component outlives the daemon: a later daemon leaves it Stopped until
 * start() or restart(). The daemon's own shutdown is not such a stop. Each "daemon" here is a new
 * Supervisor over the same store, as a new daemon reads the same run/.
 */
class OperatorStopTest {
    private final MemoryInstanceStore store = new MemoryInstanceStore();
    private final ManualScheduler scheduler = new ManualScheduler();

    /** One daemon's view of the components "held" and "free", with runtimes of its own. */
    private final class Daemon {
        final FakeRuntime held = new FakeRuntime();
        final FakeRuntime free = new FakeRuntime();
        final ComponentSupervisor heldC = component("held", held);
        final ComponentSupervisor freeC = component("free", free);
        final Supervisor supervisor = new Supervisor(List.of(heldC, freeC), scheduler);

        Daemon start(Function<ComponentSupervisor, Optional<Instance>> adoptable) {
            supervisor.start(adoptable);
            scheduler.runDue();
            return this;
        }

        Daemon start() {
            return start(c -> Optional.empty());
        }

        void shutdown() {
            supervisor.stopAll();
            scheduler.runDue();
            assertEquals(State.STOPPED, heldC.status().state());
            assertEquals(State.STOPPED, freeC.status().state());
        }
    }

    private ComponentSupervisor component(String name, FakeRuntime runtime) {
        ComponentConfig config = new ComponentConfig(name, List.of(), RestartSpec.DEFAULT, Duration.ofSeconds(10), null,
                null, null, new ProcessSpec(List.of("/bin/true"), Map.of(), null), null);
        return new ComponentSupervisor(config, runtime, new ScriptedProber(), scheduler, Runnable::run,
                new RecordingLog(), store, new Backoff(config.restart().backoff(), () -> 0.5));
    }

    @Test
    void anOperatorsStopIsKeptAcrossADaemonRestartUntilStart() {
        Daemon first = new Daemon().start();
        first.heldC.stop();
        scheduler.runDue();
        assertTrue(store.stoppedByOperator("held"));
        first.shutdown();
        assertFalse(store.stoppedByOperator("free"), "the daemon's shutdown is not the operator's stop");

        Daemon second = new Daemon().start();
        scheduler.advance(Duration.ofMinutes(1));
        assertEquals(State.STOPPED, second.heldC.status().state());
        assertTrue(second.held.launched.isEmpty(), "not started by the next daemon");
        assertEquals(State.RUNNING, second.freeC.status().state());

        second.heldC.start();
        scheduler.runDue();
        assertEquals(State.RUNNING, second.heldC.status().state());
        assertFalse(store.stoppedByOperator("held"), "start() clears it");
        second.shutdown();

        Daemon third = new Daemon().start();
        assertEquals(State.RUNNING, third.heldC.status().state());
        assertEquals(State.RUNNING, third.freeC.status().state());
    }

    @Test
    void restartClearsTheOperatorsStop() {
        Daemon first = new Daemon().start();
        first.heldC.stop();
        scheduler.runDue();
        first.heldC.restart();
        scheduler.runDue();
        assertFalse(store.stoppedByOperator("held"));
        assertEquals(State.RUNNING, first.heldC.status().state());
    }

    @Test
    void anInstanceStillFoundForAStoppedComponentIsStoppedNotAdopted() {
        store.markStopped("held", true);
        FakeRuntime.FakeInstance leftover = new FakeRuntime.FakeInstance(4242);
        Daemon daemon = new Daemon().start(c -> c.name().equals("held") ? Optional.of(leftover) : Optional.empty());
        assertEquals(State.STOPPED, daemon.heldC.status().state());
        assertEquals(1, leftover.stops, "the operator's stop is finished");
        assertEquals(-1, daemon.heldC.status().pid());
        assertTrue(daemon.held.launched.isEmpty());
        assertTrue(store.stoppedByOperator("held"));
    }

    @Test
    void aComponentStoppedWhileWaitingForItsDependenciesIsNotStartedWhenTheyAreReady() {
        FakeRuntime serverRuntime = new FakeRuntime();
        FakeRuntime workerRuntime = new FakeRuntime();
        ScriptedProber serverProber = new ScriptedProber().always(ai.stigmer.probe.ProbeKind.READINESS, false);
        ComponentConfig serverConfig = new ComponentConfig("server", List.of(), RestartSpec.DEFAULT,
                Duration.ofSeconds(10), null, null, Harness.probe(Duration.ofSeconds(1), 1),
                new ProcessSpec(List.of("/bin/true"), Map.of(), null), null);
        ComponentSupervisor server = new ComponentSupervisor(serverConfig, serverRuntime, serverProber, scheduler,
                Runnable::run, new RecordingLog(), store, new Backoff(serverConfig.restart().backoff(), () -> 0.5));
        ComponentConfig workerConfig = new ComponentConfig("worker", List.of("server"), RestartSpec.DEFAULT,
                Duration.ofSeconds(10), null, null, null, new ProcessSpec(List.of("/bin/true"), Map.of(), null), null);
        ComponentSupervisor worker = new ComponentSupervisor(workerConfig, workerRuntime, new ScriptedProber(),
                scheduler, Runnable::run, new RecordingLog(), store, new Backoff(workerConfig.restart().backoff(), () -> 0.5));
        new Supervisor(List.of(server, worker), scheduler).start(c -> Optional.empty());
        scheduler.runDue();
        assertEquals("server", worker.status().waitingFor());
        worker.stop();
        scheduler.runDue();

        serverProber.always(ai.stigmer.probe.ProbeKind.READINESS, true);
        scheduler.advance(Duration.ofSeconds(5));
        assertTrue(server.status().ready());
        assertEquals(State.STOPPED, worker.status().state());
        assertTrue(workerRuntime.launched.isEmpty());
    }
}
