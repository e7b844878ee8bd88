package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ProcessSpec;
import ai.stigmer.config.RestartSpec;
import ai.stigmer.runtime.Instance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Adoption at the daemon's start runs off the watchdog thread, one task per component, under a
 * deadline: one that does not answer holds nothing else, and ends with the component started anew;
 * what a late answer finds never runs beside the new instance.
 */
class AdoptionDeadlineTest {
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    private final ManualScheduler scheduler = new ManualScheduler();
    /** The adoption pool: tasks run only when the test says, in any order, as threads would. */
    private final List<Runnable> adopting = new ArrayList<>();
    private final Map<String, FakeRuntime> runtimes = new HashMap<>();
    private final Map<String, Optional<Instance>> found = new HashMap<>();

    private ComponentSupervisor component(String name) {
        ComponentConfig config = new ComponentConfig(name, List.of(), RestartSpec.DEFAULT, Duration.ofSeconds(10), null,
                null, null, new ProcessSpec(List.of("/bin/true"), Map.of(), null), null);
        FakeRuntime runtime = new FakeRuntime();
        runtimes.put(name, runtime);
        found.put(name, Optional.empty());
        return new ComponentSupervisor(config, runtime, new ScriptedProber(), scheduler, Runnable::run,
                new RecordingLog(), InstanceStore.NONE, new Backoff(config.restart().backoff(), () -> 0.5));
    }

    private Supervisor started(Executor pool, ComponentSupervisor... components) {
        Supervisor supervisor = new Supervisor(List.of(components), scheduler);
        supervisor.start(c -> found.get(c.name()), pool, DEADLINE);
        scheduler.runDue();
        return supervisor;
    }

    private void answer(int task) {
        adopting.get(task).run();
        scheduler.runDue();
    }

    @Test
    void anAdoptionWithoutAnAnswerHoldsNoOtherComponentAndStartsItsOwnAnewAtTheDeadline() {
        ComponentSupervisor agent = component("agent");
        ComponentSupervisor sleeper = component("sleeper");
        Supervisor supervisor = started(adopting::add, agent, sleeper);
        assertEquals(2, adopting.size(), "one adoption task per component, none on the watchdog");

        answer(1); // sleeper's answer is in; agent's adoption hangs
        assertEquals(State.RUNNING, sleeper.status().state());
        assertEquals(State.STOPPED, agent.status().state());
        assertTrue(runtimes.get("agent").launched.isEmpty(), "nothing launched while its adoption may still answer");
        scheduler.advance(DEADLINE.minusSeconds(1));
        assertTrue(supervisor.monitoringActive(), "the watchdog ticks meanwhile");
        assertTrue(runtimes.get("agent").launched.isEmpty());

        scheduler.advance(Duration.ofSeconds(1));
        assertEquals(1, runtimes.get("agent").launched.size(), "the deadline passed: launched anew");
        assertEquals(State.RUNNING, agent.status().state());
    }

    @Test
    void aProcessFoundByALateAnswerIsStoppedNeverAdoptedBesideTheNewInstance() {
        ComponentSupervisor agent = component("agent");
        FakeRuntime.FakeInstance leftover = new FakeRuntime.FakeInstance(4242);
        found.put("agent", Optional.of(leftover));
        started(adopting::add, agent);
        scheduler.advance(DEADLINE);
        long launchedPid = agent.status().pid();

        answer(0); // the answer comes after all: it found the earlier daemon's instance
        answer(1); // ... whose stop runs on the pool

        assertEquals(1, leftover.stops, "the late-found instance is stopped");
        assertEquals(1, runtimes.get("agent").launched.size());
        assertEquals(launchedPid, agent.status().pid(), "the new instance stays the one supervised");
        assertEquals(State.RUNNING, agent.status().state());
    }

    @Test
    void aContainerFoundByALateAnswerIsLeftToTheLaunchThatReplacedTheAdoption() {
        ComponentSupervisor agent = component("agent");
        FakeRuntime.FakeInstance container = new FakeRuntime.FakeInstance(-1);
        container.containerId = "0123456789ab";
        found.put("agent", Optional.of(container));
        started(adopting::add, agent);
        scheduler.advance(DEADLINE);

        answer(0);

        assertEquals(1, adopting.size(), "nothing more to do: no stop");
        assertEquals(0, container.stops, "never stopped: it may be the very container the launch took over");
        assertEquals(1000, agent.status().pid(), "not adopted beside the launched instance");
    }

    @Test
    void anAnswerInTimeIsAdoptedAndNothingIsLaunched() {
        ComponentSupervisor agent = component("agent");
        FakeRuntime.FakeInstance survivor = new FakeRuntime.FakeInstance(4242);
        found.put("agent", Optional.of(survivor));
        started(adopting::add, agent);
        scheduler.advance(DEADLINE.minusSeconds(1));

        answer(0);
        scheduler.advance(DEADLINE);

        assertEquals(4242, agent.status().pid());
        assertTrue(runtimes.get("agent").launched.isEmpty(), "the deadline that passed later changes nothing");
    }

    @Test
    void anAdoptionThatCannotGetAThreadStartsTheComponentAnewAtOnce() {
        ComponentSupervisor agent = component("agent");
        started(task -> {
            throw new RejectedExecutionException("no thread left");
        }, agent);

        assertEquals(1, runtimes.get("agent").launched.size());
        assertEquals(State.RUNNING, agent.status().state());
    }
}
