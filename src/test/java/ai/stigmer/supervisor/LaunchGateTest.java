package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ProcessSpec;
import ai.stigmer.config.RestartSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The host-wide launch limit ({@code daemon.maxConcurrentLaunches}): the gate alone, then components
 * on one manual watchdog that crash at once and relaunch a few at a time, in the order they failed.
 */
class LaunchGateTest {
    private final List<String> admitted = new ArrayList<>();

    private LaunchGate.Ticket enter(LaunchGate gate, String who) {
        return gate.enter(() -> admitted.add(who));
    }

    @Test
    void admitsUpToTheLimitAtOnceAndTheRestWaitInLine() {
        LaunchGate gate = new LaunchGate(2);
        LaunchGate.Ticket a = enter(gate, "a");
        LaunchGate.Ticket b = enter(gate, "b");
        LaunchGate.Ticket c = enter(gate, "c");
        LaunchGate.Ticket d = enter(gate, "d");

        assertEquals(List.of("a", "b"), admitted);
        assertEquals(2, gate.inFlight());
        assertEquals(2, gate.waiting());
        assertEquals(0, a.position(), "admitted: not in line");
        assertEquals(1, c.position(), "next");
        assertEquals(2, d.position(), "one ahead");
    }

    @Test
    void aFreedSlotGoesToTheFirstInLine() {
        LaunchGate gate = new LaunchGate(1);
        LaunchGate.Ticket a = enter(gate, "a");
        enter(gate, "b");
        LaunchGate.Ticket c = enter(gate, "c");

        a.leave();
        assertEquals(List.of("a", "b"), admitted);
        assertEquals(1, c.position());
        assertEquals(1, gate.inFlight());
    }

    @Test
    void aTicketThatLeavesTheLineGivesUpItsPlaceAndNoSlot() {
        LaunchGate gate = new LaunchGate(1);
        LaunchGate.Ticket a = enter(gate, "a");
        LaunchGate.Ticket b = enter(gate, "b");
        LaunchGate.Ticket c = enter(gate, "c");

        b.leave();
        assertEquals(1, c.position(), "moved up");
        assertEquals(1, gate.inFlight(), "a still holds the slot");
        a.leave();
        assertEquals(List.of("a", "c"), admitted, "b never ran");
    }

    @Test
    void onlyTheFirstLeaveOfATicketFreesASlot() {
        LaunchGate gate = new LaunchGate(1);
        LaunchGate.Ticket a = enter(gate, "a");
        LaunchGate.Ticket b = enter(gate, "b");
        enter(gate, "c");

        a.leave();
        a.leave();
        assertEquals(List.of("a", "b"), admitted, "c still waits for b");
        assertEquals(1, gate.inFlight());
        b.leave();
        assertEquals(List.of("a", "b", "c"), admitted);
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LaunchGate(0));
    }

    // ---- components on one watchdog ----

    private static ComponentConfig named(String name) {
        return new ComponentConfig(name, List.of(), RestartSpec.DEFAULT, Duration.ofSeconds(10), null, null, null,
                new ProcessSpec(List.of("/bin/true"), Map.of(), null), null);
    }

    @Test
    void componentsCrashedAtOnceRelaunchAtMostTwoAtATimeInTheOrderTheyFailed() {
        ManualScheduler watchdog = new ManualScheduler();
        DeferredExecutor launches = new DeferredExecutor();
        LaunchGate gate = new LaunchGate(2);
        RuntimeThreads threads = new RuntimeThreads(gate, launches, Runnable::run);
        List<Harness> components = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            components.add(new Harness(named("c" + i), threads, watchdog));
        }
        components.forEach(h -> h.supervisor.start());
        watchdog.runDue();
        assertEquals(2, launches.pending(), "a daemon start forks two at a time");
        assertEquals(3, components.get(4).status().launchQueuePosition(), "c4 is third in line");
        launches.runAll(watchdog);
        components.forEach(h -> assertEquals(State.RUNNING, h.state()));

        for (int i = 4; i >= 0; i--) {
            components.get(i).runtime.last().exit(137); // c4 fails first, c0 last
        }
        watchdog.runDue();
        watchdog.advance(Duration.ofSeconds(1)); // every backoff elapses at the same moment
        assertEquals(2, launches.pending());
        assertEquals(2, gate.inFlight());
        List<Integer> places = components.stream().map(h -> h.status().launchQueuePosition()).toList();
        assertEquals(List.of(3, 2, 1, 0, 0), places, "c4 and c3 launch, c2 is next, c0 last");
        assertEquals(State.STARTING, components.get(0).state(), "waiting for a slot is Starting");

        launches.runOne(watchdog);
        assertEquals(2, launches.pending(), "the freed slot went to the next in line");
        assertEquals(List.of(2, 1, 0, 0, 0), components.stream().map(h -> h.status().launchQueuePosition()).toList());
        launches.runAll(watchdog);
        components.forEach(h -> {
            assertEquals(State.RUNNING, h.state());
            assertEquals(2, h.runtime.launched.size(), "relaunched once, none skipped");
            assertEquals(0, h.status().launchQueuePosition());
        });
        assertEquals(0, gate.inFlight());
    }

    @Test
    void aComponentStoppedWhileWaitingForASlotLeavesTheLineAndLaunchesNothing() {
        ManualScheduler watchdog = new ManualScheduler();
        DeferredExecutor launches = new DeferredExecutor();
        LaunchGate gate = new LaunchGate(1);
        RuntimeThreads threads = new RuntimeThreads(gate, launches, Runnable::run);
        Harness first = new Harness(named("first"), threads, watchdog);
        Harness second = new Harness(named("second"), threads, watchdog);
        Harness third = new Harness(named("third"), threads, watchdog);
        first.supervisor.start();
        second.supervisor.start();
        third.supervisor.start();
        watchdog.runDue();
        assertEquals(2, third.status().launchQueuePosition());

        var stopped = second.supervisor.stop();
        watchdog.runDue();
        assertEquals(State.STOPPED, second.state());
        assertEquals(true, stopped.isDone(), "its stop is done: nothing was launched");
        assertEquals(1, third.status().launchQueuePosition(), "third moved up");

        launches.runAll(watchdog);
        assertEquals(0, second.runtime.launched.size());
        assertEquals(State.RUNNING, third.state());
        assertEquals(0, gate.inFlight());
    }
}
