package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ProcessSpec;
import ai.stigmer.config.RestartSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A reload's change of the component set ({@link Supervisor#replace}), on the manual clock: what
 * leaves stops dependents first, what stays is not touched, what comes starts in dependsOn order,
 * and a leaving component whose stop fails stays as it was.
 */
class ReplaceComponentsTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    private final DeferredExecutor blocking = new DeferredExecutor();
    private final List<String> told = new ArrayList<>();

    private ComponentSupervisor component(String name, List<String> deps, FakeRuntime runtime) {
        ComponentConfig config = new ComponentConfig(name, deps, RestartSpec.DEFAULT, Duration.ofSeconds(10), null,
                null, null, new ProcessSpec(List.of("/bin/true"), Map.of(), null), null);
        return new ComponentSupervisor(config, runtime, new ScriptedProber(), scheduler, blocking, new RecordingLog(),
                InstanceStore.NONE, new Backoff(config.restart().backoff(), () -> 0.5));
    }

    private Supervisor running(ComponentSupervisor... components) {
        Supervisor supervisor = new Supervisor(List.of(components), scheduler);
        supervisor.addComponentSetListener(new ComponentSetListener() {
            @Override public void added(SupervisedComponent c) { told.add("added " + c.name()); }
            @Override public void replaced(SupervisedComponent old, SupervisedComponent now) { told.add("replaced " + now.name()); }
            @Override public void removed(SupervisedComponent c) { told.add("removed " + c.name()); }
        });
        supervisor.start(c -> Optional.empty());
        blocking.runAll(scheduler);
        for (ComponentSupervisor c : components) {
            assertEquals(State.RUNNING, c.status().state(), c.name());
        }
        return supervisor;
    }

    @Test
    void leavingComponentsStopDependentsFirstTheUnchangedIsUntouchedAndNewOnesStartInDependsOnOrder() {
        FakeRuntime keepRuntime = new FakeRuntime();
        FakeRuntime legacyRuntime = new FakeRuntime();
        FakeRuntime userRuntime = new FakeRuntime();
        ComponentSupervisor keep = component("keep", List.of(), keepRuntime);
        ComponentSupervisor legacy = component("legacy", List.of(), legacyRuntime);
        ComponentSupervisor user = component("user", List.of("legacy"), userRuntime);
        Supervisor supervisor = running(keep, legacy, user);

        FakeRuntime newUserRuntime = new FakeRuntime();
        FakeRuntime addedRuntime = new FakeRuntime();
        ComponentSupervisor newUser = component("user", List.of(), newUserRuntime);
        ComponentSupervisor added = component("added", List.of("user"), addedRuntime);
        Supervisor.Replacement r = supervisor.begin(List.of(keep, newUser, added));
        scheduler.runDue();
        assertTrue(user.status().stopping(), "the dependent stops first");
        assertFalse(legacy.status().stopping(), "its dependency waits for it");
        blocking.runOne(scheduler);
        assertTrue(legacy.status().stopping());
        blocking.runAll(scheduler);
        assertTrue(r.stopped());

        assertEquals(Map.of(), supervisor.finish(r));
        assertEquals(List.of("removed legacy", "replaced user", "added added"), told);
        assertEquals(List.of("keep", "user", "added"), supervisor.components().stream().map(SupervisedComponent::name).toList());
        assertSame(newUser, supervisor.component("user").orElseThrow());
        scheduler.runDue();
        assertEquals("user", added.status().waitingFor(), "the added one waits for its dependency");
        blocking.runAll(scheduler);
        assertEquals(State.RUNNING, newUser.status().state());
        assertEquals(State.RUNNING, added.status().state());
        assertEquals(1, keepRuntime.launched.size(), "the unchanged one is not touched");
        assertEquals(0, keepRuntime.last().stops);
        assertEquals(1, legacyRuntime.last().stops);
        assertEquals(1, userRuntime.last().stops);
    }

    @Test
    void aLeavingComponentWhoseStopFailsStaysAsItWasAndNothingReplacesIt() {
        FakeRuntime stuckRuntime = new FakeRuntime();
        ComponentSupervisor stuck = component("stuck", List.of(), stuckRuntime);
        ComponentSupervisor gone = component("gone", List.of(), new FakeRuntime());
        Supervisor supervisor = running(stuck, gone);
        stuckRuntime.last().failStopWith = "survived SIGKILL";

        FakeRuntime replacementRuntime = new FakeRuntime();
        Supervisor.Replacement r = supervisor.begin(List.of(component("stuck", List.of(), replacementRuntime)));
        blocking.runAll(scheduler);
        Map<String, String> failed = supervisor.finish(r);
        assertEquals(List.of("stuck"), List.copyOf(failed.keySet()));
        assertTrue(failed.get("stuck").contains("survived SIGKILL"), failed.toString());
        assertSame(stuck, supervisor.component("stuck").orElseThrow(), "the old one stays");
        assertEquals(State.FAILED, stuck.status().state());
        blocking.runAll(scheduler);
        assertTrue(replacementRuntime.launched.isEmpty(), "no new instance beside one that may live");
        assertEquals(List.of("removed gone"), told);
    }
}
