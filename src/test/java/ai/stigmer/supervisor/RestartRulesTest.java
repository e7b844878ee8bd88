package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.BackoffSpec;
import ai.stigmer.config.RestartPolicy;
import ai.stigmer.config.RestartSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SPEC §4 on the injected clock: backoff, restart limit, minimum uptime. */
class RestartRulesTest {
    /** {@code backoff.initial: 0s}: restart at once; the SPEC's defaults otherwise. */
    private static final RestartSpec AT_ONCE = new RestartSpec(RestartPolicy.ALWAYS,
            new BackoffSpec(Duration.ZERO, 2.0, Duration.ofSeconds(60), 0.0), 10, Duration.ofMinutes(10),
            Duration.ofSeconds(10));

    @Test
    void backoffIsExponentialAndCapped() {
        Backoff backoff = new Backoff(BackoffSpec.DEFAULT, () -> 0.0);
        List<Long> seconds = new ArrayList<>();
        for (int n = 1; n <= 8; n++) {
            seconds.add(backoff.delay(n).toSeconds());
        }
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L), seconds);
    }

    @Test
    void jitterSpreadsTheDelayWithinItsBounds() {
        BackoffSpec spec = new BackoffSpec(Duration.ofSeconds(4), 2.0, Duration.ofSeconds(60), 0.25);
        assertEquals(Duration.ofSeconds(3), new Backoff(spec, () -> 0.0).delay(1));
        assertEquals(Duration.ofSeconds(4), new Backoff(spec, () -> 0.5).delay(1));
        assertEquals(Duration.ofSeconds(5), new Backoff(spec, () -> 1.0).delay(1));
    }

    /** Show 1: a crash-on-start component is restarted after 1, 2, 4, 8, 16, 32, 60, 60 s. */
    @Test
    void backoffSequenceBetweenCrashesIsExactOnInjectedClock() {
        Harness h = new Harness(Harness.component(null, null, null));
        h.runtime.onLaunch = i -> i.exit(1);
        h.start();
        List<Long> delays = new ArrayList<>();
        long last = h.scheduler.nanoTime();
        for (int restart = 1; restart <= 8; restart++) {
            assertEquals(State.RESTARTING, h.state());
            int launches = h.runtime.launched.size();
            h.scheduler.advanceUntil(() -> h.runtime.launched.size() > launches, Duration.ofMinutes(2));
            delays.add(Duration.ofNanos(h.scheduler.nanoTime() - last).toMillis());
            last = h.scheduler.nanoTime();
        }
        assertEquals(List.of(1000L, 2000L, 4000L, 8000L, 16000L, 32000L, 60000L, 60000L), delays);
    }

    /** {@code backoff.initial: 0s}: every restart is launched at once, and the restart limit still ends the loop. */
    @Test
    void zeroInitialBackoffRestartsAtOnceUpToTheLimit() {
        assertEquals(Duration.ZERO, new Backoff(AT_ONCE.backoff(), () -> 0.0).delay(7));
        Harness h = new Harness(Harness.component(AT_ONCE, null, null, null));
        h.runtime.onLaunch = i -> i.exit(1);
        h.start();
        long started = h.scheduler.nanoTime();
        h.scheduler.runDue();

        assertEquals(State.FAILED, h.state());
        assertEquals(11, h.runtime.launched.size(), "launches: the first and 10 restarts");
        assertEquals(started, h.scheduler.nanoTime(), "no restart waited on the clock");
        assertEquals(1, h.log.count("INFO", "Restarting component (attempt 1/10) in 0s"));
    }

    /** {@code backoff.initial: 0s} with an old instance still being stopped: the relaunch waits for that stop alone. */
    @Test
    void zeroInitialBackoffRelaunchesOnceTheOldInstanceIsStopped() {
        DeferredExecutor blocking = new DeferredExecutor();
        Harness h = new Harness(Harness.component(AT_ONCE, null, null, null), blocking);
        h.start();
        blocking.runAll(h.scheduler);
        assertEquals(State.RUNNING, h.state());

        h.runtime.last().exit(1);
        h.scheduler.runDue();
        assertEquals(State.RESTARTING, h.state());
        assertEquals(1, blocking.pending(), "the stop of what the instance may have left");
        assertEquals(1, h.runtime.launched.size(), "nothing launched while it may live");

        blocking.runOne(h.scheduler);
        assertEquals(State.STARTING, h.state(), "the relaunch follows the stop at once");
        long started = h.scheduler.nanoTime();
        blocking.runAll(h.scheduler);
        assertEquals(2, h.runtime.launched.size());
        assertEquals(State.RUNNING, h.state());
        assertEquals(started, h.scheduler.nanoTime(), "no timer waited for");
    }

    /**
     * A crash that left nothing to stop is relaunched within the watchdog's task that saw it; its
     * Unhealthy line is written as the step decides it, the rest of its lines follow the handover at
     * once (before the new instance can write to the same log), while
     * its events wait for the relaunch's outcome, so as not to take the CPU from it, and then go out
     * in their order, with the time they happened.
     */
    @Test
    void zeroInitialBackoffSendsTheCrashsEventsOnceTheRelaunchAnswers() {
        DeferredExecutor blocking = new DeferredExecutor();
        Harness h = runningAndClearedAtOnce(blocking);
        int eventsBefore = h.events.size();
        java.time.Instant crashed = h.scheduler.now();
        List<String> atHandover = new java.util.ArrayList<>();
        blocking.onExecute = () -> {
            if (atHandover.isEmpty()) { // the relaunch, the first task handed over
                atHandover.addAll(h.log.lines);
            }
        };

        h.runtime.last().exit(1);
        h.scheduler.runDue();
        assertEquals(1, blocking.pending(), "the relaunch, handed to a launch thread");
        assertTrue(atHandover.stream().anyMatch(l -> l.startsWith("WARN " + ComponentSupervisor.MARKED_UNHEALTHY)),
                "the Unhealthy line is written as the step decides it, before the handover: " + atHandover);
        assertTrue(atHandover.stream().noneMatch(l -> l.contains("Restarting component")), "the rest after it: " + atHandover);
        assertEquals(1, h.log.count("WARN", ComponentSupervisor.MARKED_UNHEALTHY + " (exited with code 1)"),
                "the lines are written: " + h.log.lines);
        assertEquals(1, h.log.count("INFO", "Restarting component (attempt 1/10) in 0s"));
        assertEquals(eventsBefore, h.events.size(), "no event sent while it launches");
        assertEquals(State.STARTING, h.state(), "the state is published at once all the same");

        h.scheduler.advance(Duration.ofMillis(3));
        blocking.runOne(h.scheduler);
        List<ComponentEvent> sent = h.events.subList(eventsBefore, h.events.size());
        List<ComponentEvent.Type> kinds = sent.stream().map(ComponentEvent::type).toList();
        assertTrue(kinds.indexOf(ComponentEvent.Type.UNHEALTHY) >= 0
                && kinds.indexOf(ComponentEvent.Type.UNHEALTHY) < kinds.indexOf(ComponentEvent.Type.RESTARTING),
                "the crash's events, in their order: " + kinds);
        assertEquals(crashed, sent.get(kinds.indexOf(ComponentEvent.Type.UNHEALTHY)).at(), "with the time of the crash");
        assertEquals(1, kinds.stream().filter(k -> k == ComponentEvent.Type.UNHEALTHY).count(), "once");
        assertEquals(State.RUNNING, h.state());
    }

    /** A relaunch that does not answer holds its events no longer than {@link ComponentSupervisor#HOLD}. */
    @Test
    void zeroInitialBackoffHoldsItsEventsNoLongerThanTheHold() {
        DeferredExecutor blocking = new DeferredExecutor();
        Harness h = runningAndClearedAtOnce(blocking);
        int eventsBefore = h.events.size();

        h.runtime.last().exit(1);
        h.scheduler.runDue();
        h.scheduler.advance(ComponentSupervisor.HOLD.minusNanos(1));
        assertEquals(eventsBefore, h.events.size(), "held");

        h.scheduler.advance(Duration.ofNanos(1));
        assertEquals(1, blocking.pending(), "the relaunch has not answered");
        assertTrue(h.events.subList(eventsBefore, h.events.size()).stream()
                .anyMatch(e -> e.type() == ComponentEvent.Type.UNHEALTHY), "sent: " + h.events);
    }

    /** An operator's stop while the events of a relaunch are held: they go out first, and the stop completes after them. */
    @Test
    void heldEventsGoOutBeforeAStopThatFollowsAndItsCompletion() throws Exception {
        DeferredExecutor blocking = new DeferredExecutor();
        Harness h = runningAndClearedAtOnce(blocking);
        h.runtime.last().exit(1);
        h.scheduler.runDue();
        int eventsBefore = h.events.size();

        java.util.concurrent.CompletableFuture<Void> stopped = h.supervisor.stop();
        h.scheduler.runDue();
        blocking.runAll(h.scheduler);

        assertTrue(stopped.isDone(), "the stop completed");
        List<ComponentEvent.Type> kinds = h.events.subList(eventsBefore, h.events.size()).stream()
                .map(ComponentEvent::type).toList();
        assertTrue(kinds.indexOf(ComponentEvent.Type.UNHEALTHY) >= 0, "the held events went out: " + kinds);
        assertEquals(State.STOPPED, h.state());
    }

    /** Backoff 0s, Running, its launches and stops on {@code blocking}; an instance that ends leaves nothing to stop. */
    private static Harness runningAndClearedAtOnce(DeferredExecutor blocking) {
        Harness h = new Harness(Harness.component(AT_ONCE, null, null, null), blocking);
        h.runtime.onLaunch = i -> i.clearsAtOnce = true;
        h.start();
        blocking.runAll(h.scheduler);
        return h;
    }

    /** Closed for a shutdown: a launch that fails then at backoff 0s is not tried again (nor was it with the 0 s timer). */
    @Test
    void zeroInitialBackoffLaunchesNothingOnceClosed() {
        DeferredExecutor blocking = new DeferredExecutor();
        Harness h = new Harness(Harness.component(AT_ONCE, null, null, null), blocking);
        h.runtime.failLaunchWith = "no such file";
        h.start();
        assertEquals(1, blocking.pending(), "the first launch, in flight");

        h.supervisor.close();
        h.scheduler.runDue();
        blocking.runAll(h.scheduler);
        h.advance(Duration.ofMinutes(1));
        blocking.runAll(h.scheduler);

        assertEquals(1, h.log.count("INFO", "Restarting component (attempt 1/10) in 0s"));
        assertEquals(0, h.log.count("INFO", "Restarting component (attempt 2/10)"), "no second launch once closed");
    }

    /** Show 2: Failed at the 11th failure inside the window, after exactly 10 restarts. */
    @Test
    void crashLoopReachesFailedAtEleventhFailureAfterTenRestarts() {
        Harness h = new Harness(Harness.component(null, null, null));
        h.runtime.onLaunch = i -> i.exit(1);
        h.start();
        h.scheduler.advanceUntil(() -> h.state() == State.FAILED, Duration.ofMinutes(10));

        assertEquals(11, h.runtime.launched.size(), "launches: the first and 10 restarts");
        assertEquals(10, h.status().restarts());
        assertEquals(1, h.log.count("ERROR", ComponentSupervisor.LIMIT_EXCEEDED));
        assertEquals(1, h.eventsOf(ComponentEvent.Type.FAILED));
        assertTrue(h.log.count("INFO", "Restarting component (attempt 10/10)") == 1);
        // 1+2+4+8+16+32+60+60+60+60 s of backoff: about five minutes.
        assertEquals(303, Duration.ofNanos(h.scheduler.nanoTime() - 1_000_000_000L).toSeconds());

        h.advance(Duration.ofHours(1));
        assertEquals(State.FAILED, h.state(), "never restarted automatically");
        assertEquals(11, h.runtime.launched.size());
        assertEquals(1, h.log.count("ERROR", ComponentSupervisor.LIMIT_EXCEEDED));
    }

    @Test
    void restartsSpreadWiderThanTheWindowNeverReachFailed() {
        Harness h = new Harness(Harness.component(null, null, null));
        h.start();
        for (int crash = 0; crash < 30; crash++) {
            h.advance(Duration.ofMinutes(2));
            h.runtime.last().exit(1);
            int launches = h.runtime.launched.size();
            h.scheduler.advanceUntil(() -> h.runtime.launched.size() > launches, Duration.ofMinutes(2));
            assertEquals(State.RUNNING, h.state());
        }
        assertEquals(30, h.status().restarts());
        assertTrue(h.status().restartsInWindow() <= 5, "at most one restart per 2 minutes in 10 minutes");
        assertEquals(0, h.eventsOf(ComponentEvent.Type.FAILED));
    }

    /** Show 3: past minUptime the backoff goes back to 1 s; a shorter life leaves it climbing. */
    @Test
    void instancePastMinUptimeResetsBackoffOneThatDiesSoonerDoesNot() {
        Harness h = new Harness(Harness.component(null, null, null));
        h.start();
        // Three quick crashes: restarted after 1 s, 2 s, 4 s.
        for (int i = 0; i < 3; i++) {
            crashAndAwaitRelaunch(h);
        }
        assertEquals(3, h.status().consecutiveFailures());
        // This one dies after 9.9 s: not long enough, the next delay is 8 s.
        h.advanceSeconds(9.9);
        h.runtime.last().exit(1);
        h.scheduler.runDue();
        assertEquals(4, h.status().consecutiveFailures());
        assertEquals(8000, h.status().nextRestartInMillis());
        // This one lives 10 s: n goes back to 0, and its crash waits 1 s.
        h.advance(Duration.ofSeconds(8));
        assertEquals(State.RUNNING, h.state());
        h.advance(Duration.ofSeconds(10));
        assertEquals(0, h.status().consecutiveFailures());
        h.runtime.last().exit(1);
        h.scheduler.runDue();
        assertEquals(1, h.status().consecutiveFailures());
        assertEquals(1000, h.status().nextRestartInMillis());
    }

    private static void crashAndAwaitRelaunch(Harness h) {
        int launches = h.runtime.launched.size();
        h.runtime.last().exit(1);
        h.scheduler.advanceUntil(() -> h.runtime.launched.size() > launches, Duration.ofMinutes(2));
    }

    @Test
    void statusShowsTimeLeftWhileRestarting() {
        Harness h = new Harness(Harness.component(null, null, null)).start();
        h.runtime.last().exit(1);
        h.scheduler.runDue();
        assertEquals(State.RESTARTING, h.state());
        assertEquals(1000, h.status().nextRestartInMillis());
        h.advance(Duration.ofMillis(400));
        assertEquals(600, h.status().nextRestartInMillis());
        h.advance(Duration.ofMillis(600));
        assertEquals(-1, h.status().nextRestartInMillis());
        assertEquals(State.RUNNING, h.state());
    }

    /** SPEC §4: minUptime counts from Running; 12 s spent Starting do not make a 2 s run a success. */
    @Test
    void minUptimeCountsFromRunningNotFromLaunch() {
        Harness h = new Harness(Harness.component(Harness.probe(Duration.ofSeconds(1), 30), null, null));
        boolean[] slowStart = new boolean[13];
        slowStart[12] = true; // twelve failures, then a pass: Running 12 s after the launch
        h.prober.then(ai.stigmer.probe.ProbeKind.STARTUP, slowStart).then(ai.stigmer.probe.ProbeKind.STARTUP, slowStart);
        h.start();
        for (int cycle = 1; cycle <= 2; cycle++) {
            h.scheduler.advanceUntil(() -> h.state() == State.RUNNING, Duration.ofMinutes(1));
            h.advance(Duration.ofSeconds(2)); // 14 s after its launch, but only 2 s Running
            h.runtime.last().exit(1);
            h.scheduler.runDue();
            assertEquals(cycle, h.status().consecutiveFailures(), "cycle " + cycle);
            assertEquals(1000L << (cycle - 1), h.status().nextRestartInMillis());
        }
        // The third instance starts at once and runs 10 s: n goes back to 0, the next wait is 1 s.
        h.scheduler.advanceUntil(() -> h.state() == State.RUNNING, Duration.ofMinutes(1));
        h.advance(Duration.ofSeconds(10));
        assertEquals(0, h.status().consecutiveFailures());
        h.runtime.last().exit(1);
        h.scheduler.runDue();
        assertEquals(1000, h.status().nextRestartInMillis());
    }

    /** SPEC §4: a component that never passes its startup probe climbs the backoff like a crash loop. */
    @Test
    void aComponentThatNeverPassesItsStartupProbeClimbsTheBackoff() {
        Harness h = new Harness(Harness.component(Harness.probe(Duration.ofSeconds(1), 30), null, null));
        h.prober.always(ai.stigmer.probe.ProbeKind.STARTUP, false);
        h.start();
        List<Long> waits = new ArrayList<>();
        for (int failure = 1; failure <= 5; failure++) {
            int launches = h.runtime.launched.size();
            h.scheduler.advanceUntil(() -> h.state() == State.RESTARTING, Duration.ofMinutes(2));
            assertEquals(failure, h.status().consecutiveFailures(), "30 s Starting is no uptime");
            waits.add(h.status().nextRestartInMillis());
            h.scheduler.advanceUntil(() -> h.runtime.launched.size() > launches, Duration.ofMinutes(2));
        }
        assertEquals(List.of(1000L, 2000L, 4000L, 8000L, 16000L), waits);
    }
}
