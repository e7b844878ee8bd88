package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** An instance left by an earlier daemon: its uptime goes on; one that runs something else is replaced. */
class AdoptionTest {

    @Test
    void anAdoptedInstanceKeepsItsUptime() {
        Harness h = new Harness(Harness.component(null, null, null));
        FakeRuntime.FakeInstance survivor = new FakeRuntime.FakeInstance(4242);
        survivor.age = Duration.ofHours(2);
        h.supervisor.adopt(survivor);
        h.scheduler.runDue();
        assertEquals(State.RUNNING, h.state());
        assertEquals(7200, h.status().uptimeSeconds());
        h.advance(Duration.ofSeconds(5));
        assertEquals(7205, h.status().uptimeSeconds());
        assertEquals(1, h.log.count("INFO", "Adopted running instance pid 4242"));
        assertTrue(h.runtime.launched.isEmpty());
    }

    @Test
    void anAdoptedInstanceWhoseCommandDriftedIsStoppedThenReplaced() {
        DeferredExecutor blocking = new DeferredExecutor();
        Harness h = new Harness(Harness.component(null, null, null), blocking);
        FakeRuntime.FakeInstance old = new FakeRuntime.FakeInstance(4242);
        old.age = Duration.ofHours(2);
        old.drift = "command [sleep, 1000] is now [sleep, 2000]";
        h.supervisor.adopt(old);
        h.scheduler.runDue();

        assertEquals(1, h.log.count("INFO", "Replacing adopted instance (command [sleep, 1000] is now [sleep, 2000])"));
        assertTrue(h.status().stopping());
        assertEquals(4242, h.status().pid());
        assertTrue(h.runtime.launched.isEmpty(), "nothing launched while the old one may live");

        blocking.runAll(h.scheduler);
        assertEquals(1, old.stops);
        assertEquals(State.RUNNING, h.state());
        assertEquals(1000, h.status().pid());
        assertEquals(0, h.status().uptimeSeconds());
        assertEquals(0, h.status().restarts(), "counted as a start, not a restart");
        assertEquals(1, h.log.count("INFO", ComponentSupervisor.STARTED));
    }
}
