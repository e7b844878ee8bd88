package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.stigmer.config.ComponentConfig;
import ai.stigmer.probe.ProbeKind;
import ai.stigmer.probe.ProbeResult;
import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.supervisor.FakeRuntime.FakeInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pure state machine, transition by transition: each row brings a machine to a state, feeds it
 * inputs, and names the state it must reach, the effects it must ask for (in this order, each given
 * by the start of its description) and those it must not.
 */
class ComponentStateMachineTest {
    private static final ComponentConfig PLAIN = Harness.component(null, null, null);
    private static final ComponentConfig WITH_STARTUP =
            Harness.component(Harness.probe(Duration.ofSeconds(1), 3), Harness.probe(Duration.ofSeconds(10), 3), null);
    private static final ComponentConfig WITH_LIVENESS =
            Harness.component(null, Harness.probe(Duration.ofSeconds(10), 3), null);

    /** One row of the table. */
    record Row(String name, ComponentConfig config, Consumer<Driver> given, Consumer<Driver> when, State state,
            List<String> effects, List<String> absent, Consumer<ComponentStatus> check) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Row> transitions() {
        return Stream.of(
                row("Stopped → Starting on start: launch, forget an operator's stop", PLAIN,
                        d -> {}, Driver::start, State.STARTING,
                        List.of("remember-operator-stop false", "cancel-timers", "emit STATE_CHANGED Stopped->Starting",
                                "launch 1"),
                        List.of(), s -> assertEquals(-1, s.pid())),
                row("Starting → Running at launch without startup probe; minUptime from now", PLAIN,
                        Driver::start, Driver::launched, State.RUNNING,
                        List.of("watch-exit 1", "save-record", "emit STATE_CHANGED Starting->Running",
                                "timer MIN_UPTIME PT10S", "INFO Component started, health monitoring active",
                                "emit READY"),
                        List.of(), s -> assertEquals(1001, s.pid())),
                row("Starting stays Starting at launch with a startup probe: probe scheduled, no minUptime yet",
                        WITH_STARTUP, Driver::start, Driver::launched, State.STARTING,
                        List.of("watch-exit 1", "save-record", "schedule-probe STARTUP PT0S"),
                        List.of("timer MIN_UPTIME"), s -> {}),
                row("Starting → Running when the startup probe passes: minUptime starts now, liveness scheduled",
                        WITH_STARTUP, d -> d.start().launched().after(5),
                        d -> d.probe(ProbeKind.STARTUP, true), State.RUNNING,
                        List.of("emit STATE_CHANGED Starting->Running", "timer MIN_UPTIME PT10S",
                                "INFO Component started", "schedule-probe LIVENESS"),
                        List.of(), s -> {}),
                row("Starting → Unhealthy → Restarting after failureThreshold startup failures", WITH_STARTUP,
                        d -> d.start().launched().probe(ProbeKind.STARTUP, false).probe(ProbeKind.STARTUP, false),
                        d -> d.probe(ProbeKind.STARTUP, false), State.RESTARTING,
                        List.of("WARN Health check failed (startup", "cancel-timers",
                                "emit STATE_CHANGED Starting->Unhealthy",
                                "WARN Component marked unhealthy (startup probe failed 3 times",
                                "emit UNHEALTHY", "stop-instance 1", "emit STATE_CHANGED Unhealthy->Restarting",
                                "INFO Restarting component (attempt 1/10)", "timer BACKOFF PT1S"),
                        List.of("launch"), s -> {
                            assertTrue(s.stopping(), "the stuck instance is being stopped");
                            assertEquals(1001, s.pid(), "the old pid until it is gone");
                        }),
                row("Starting stays Starting on startup failures below the threshold: logged at INFO, not WARN",
                        WITH_STARTUP, d -> d.start().launched().probe(ProbeKind.STARTUP, false),
                        d -> d.probe(ProbeKind.STARTUP, false), State.STARTING,
                        List.of("INFO Health check failed (startup", "schedule-probe STARTUP"),
                        List.of("WARN"), s -> {}),
                row("Running stays Running on a liveness failure below the threshold: logged at WARN",
                        WITH_LIVENESS, d -> d.start().launched(), d -> d.probe(ProbeKind.LIVENESS, false),
                        State.RUNNING, List.of("WARN Health check failed (liveness", "schedule-probe LIVENESS"),
                        List.of("INFO Health check failed"), s -> {}),
                row("Starting → Unhealthy → Restarting when the launch fails; nothing to stop", PLAIN,
                        Driver::start, d -> d.launchFails("no such file"), State.RESTARTING,
                        List.of("emit UNHEALTHY", "timer BACKOFF PT1S"), List.of("stop-instance"),
                        s -> assertEquals("launch failed: no such file", s.lastError())),
                row("Running → Unhealthy → Restarting at once when the instance exits", WITH_LIVENESS,
                        d -> d.start().launched(), d -> d.exits(137), State.RESTARTING,
                        List.of("emit STATE_CHANGED Running->Unhealthy", "emit UNHEALTHY", "stop-instance 1",
                                "timer BACKOFF PT1S"),
                        List.of(), s -> {
                            assertEquals(137, s.lastExitCode());
                            assertEquals("killed by signal 9 (SIGKILL)", s.lastError());
                        }),
                row("Running → Unhealthy → Restarting after failureThreshold liveness failures", WITH_LIVENESS,
                        d -> d.start().launched().probe(ProbeKind.LIVENESS, false).probe(ProbeKind.LIVENESS, false),
                        d -> d.probe(ProbeKind.LIVENESS, false), State.RESTARTING,
                        List.of("WARN Health check failed", "emit STATE_CHANGED Running->Unhealthy",
                                "stop-instance 1", "timer BACKOFF PT1S"),
                        List.of(), s -> {}),
                row("Restarting → Starting when the backoff elapses and the old instance is gone", PLAIN,
                        d -> d.start().launched().exits(1).stopDone(), Driver::backoffElapsed, State.STARTING,
                        List.of("emit STATE_CHANGED Restarting->Starting", "launch 2"), List.of(), s -> {}),
                row("Restarting stays Restarting when the backoff elapses while the old stop is in flight", PLAIN,
                        d -> d.start().launched().exits(1), Driver::backoffElapsed, State.RESTARTING,
                        List.of(), List.of("launch"), s -> assertTrue(s.stopping())),
                row("Restarting → Starting once that stop is done", PLAIN,
                        d -> d.start().launched().exits(1).backoffElapsed(), Driver::stopDone, State.STARTING,
                        List.of("clear-record", "launch 2"), List.of(), s -> assertFalse(s.stopping())),
                row("Running → Stopped on stop: the instance is being stopped, its pid still shown", PLAIN,
                        d -> d.start().launched(), d -> d.stop(), State.STOPPED,
                        List.of("remember-operator-stop true", "cancel-timers", "emit NOT_READY",
                                "emit STATE_CHANGED Running->Stopped", "stop-instance 1"),
                        List.of("INFO Component stopped", "clear-record"), s -> {
                            assertTrue(s.stopping());
                            assertEquals(1001, s.pid());
                            assertEquals(10_000, s.stopRemainingMillis());
                        }),
                row("Stopped: \"Component stopped\" only once the instance is gone", PLAIN,
                        d -> d.start().launched().stop(), Driver::stopDone, State.STOPPED,
                        List.of("clear-record", "INFO Component stopped (stop requested)"), List.of("launch"), s -> {
                            assertFalse(s.stopping());
                            assertEquals(-1, s.pid());
                            assertEquals(-1, s.stopRemainingMillis());
                        }),
                row("Stopped → Failed when the stop fails: reason in LastError, ERROR line, .failed", PLAIN,
                        d -> d.start().launched().stop(), d -> d.stopFails("process 1001 survived SIGKILL"),
                        State.FAILED,
                        List.of("cancel-timers", "emit STATE_CHANGED Stopped->Failed",
                                "ERROR " + ComponentSupervisor.STOP_FAILED + " (process 1001 survived SIGKILL)",
                                "emit FAILED"),
                        List.of("clear-record", "launch", "INFO Component stopped"), s -> {
                            assertEquals("stop failed: process 1001 survived SIGKILL", s.lastError());
                            assertEquals(1001, s.pid(), "what may still live is shown");
                            assertFalse(s.stopping());
                        }),
                row("Restarting → Failed when the old instance's stop fails; the backoff launches nothing", PLAIN,
                        d -> d.start().launched().exits(1), d -> d.stopFails("docker: engine error").backoffElapsed(),
                        State.FAILED, List.of(), List.of("launch"),
                        s -> assertEquals("stop failed: docker: engine error", s.lastError())),
                row("Failed (stop failed) stays Failed on start: the stop is tried again first, no launch", PLAIN,
                        d -> d.start().launched().stop().stopFails("x"), Driver::start, State.FAILED,
                        List.of("remember-operator-stop false", "stop-instance 1"), List.of("launch"),
                        s -> assertTrue(s.stopping())),
                row("Failed (stop failed) stays Failed when the retried stop fails again", PLAIN,
                        d -> d.start().launched().stop().stopFails("x").start(), d -> d.stopFails("y"), State.FAILED,
                        List.of("ERROR " + ComponentSupervisor.STOP_FAILED + " (y)"), List.of("launch"),
                        s -> assertEquals("stop failed: y", s.lastError())),
                row("Failed (stop failed) → Starting once the retried stop succeeds, counters reset", PLAIN,
                        d -> d.start().launched().stop().stopFails("x").start(), Driver::stopDone, State.STARTING,
                        List.of("clear-record", "emit STATE_CHANGED Failed->Starting", "launch 2"), List.of(),
                        s -> assertEquals("", s.lastError())),
                row("Failed (stop failed) → Stopped on stop once the retried stop succeeds", PLAIN,
                        d -> d.start().launched().stop().stopFails("x").stop(), Driver::stopDone, State.STOPPED,
                        List.of("clear-record", "INFO Component stopped (stop requested)",
                                "emit STATE_CHANGED Failed->Stopped"),
                        List.of("launch"), s -> assertEquals(-1, s.pid())),
                row("Running → Stopped → Starting on restart, the launch only after the old instance is gone", PLAIN,
                        d -> d.start().launched(), Driver::restart, State.STOPPED,
                        List.of("remember-operator-stop false", "stop-instance 1"), List.of("launch"),
                        s -> assertTrue(s.stopping())),
                row("restart: Stopped → Starting when the stop is done", PLAIN,
                        d -> d.start().launched().restart(), Driver::stopDone, State.STARTING,
                        List.of("INFO Component stopped (restart requested)", "launch 2"), List.of(), s -> {}),
                row("start while a stop is in flight waits for it", PLAIN,
                        d -> d.start().launched().stop(), Driver::start, State.STOPPED,
                        List.of(), List.of("launch"), s -> assertTrue(s.stopping())),
                row("Starting → Stopped while the launch is in flight: nothing to stop yet", PLAIN,
                        Driver::start, d -> d.stop(), State.STOPPED,
                        List.of("emit STATE_CHANGED Starting->Stopped"), List.of("stop-instance", "INFO Component stopped"),
                        s -> {
                            assertTrue(s.stopping());
                            assertEquals(-1, s.pid());
                        }),
                row("what a launch in flight returns after a stop is stopped at once", PLAIN,
                        d -> d.start().stop(), Driver::launched, State.STOPPED,
                        List.of("watch-exit 1", "stop-instance 1"), List.of("save-record", "emit STATE_CHANGED"),
                        s -> assertEquals(1001, s.pid())),
                row("a launch in flight that fails after a stop leaves nothing: stopped", PLAIN,
                        d -> d.start().stop(), d -> d.launchFails("boom"), State.STOPPED,
                        List.of("INFO Component stopped (stop requested)"), List.of("stop-instance"),
                        s -> assertFalse(s.stopping())),
                row("Stopped → Running on adoption; uptime continues from the instance's age", PLAIN,
                        d -> {}, d -> d.adopt(Duration.ofMinutes(5), ""), State.RUNNING,
                        List.of("watch-exit 1", "emit STATE_CHANGED Stopped->Starting",
                                "INFO Adopted running instance pid 4242", "save-record",
                                "emit STATE_CHANGED Starting->Running", "timer MIN_UPTIME PT0S"),
                        List.of("launch"), s -> assertEquals(300, s.uptimeSeconds())),
                row("an adopted instance younger than minUptime: the timer counts its age", PLAIN,
                        d -> {}, d -> d.adopt(Duration.ofSeconds(4), ""), State.RUNNING,
                        List.of("timer MIN_UPTIME PT6S"), List.of(), s -> {}),
                row("an adopted instance that drifted is replaced: stopped first", PLAIN,
                        d -> {}, d -> d.adopt(Duration.ofMinutes(5), "command differs: [sleep, 1] != [sleep, 2]"),
                        State.STOPPED,
                        List.of("watch-exit 1", "INFO Replacing adopted instance (command differs: [sleep, 1] != [sleep, 2])",
                                "stop-instance 1"),
                        List.of("launch", "emit STATE_CHANGED"), s -> {
                            assertTrue(s.stopping());
                            assertEquals(4242, s.pid());
                        }),
                row("Stopped → Starting: the drifted instance gone, a fresh one is launched", PLAIN,
                        d -> d.adopt(Duration.ofMinutes(5), "image differs"), Driver::stopDone, State.STARTING,
                        List.of("clear-record", "emit STATE_CHANGED Stopped->Starting", "launch 2"), List.of(),
                        s -> assertEquals(0, s.restarts())),
                row("a late exit of an old instance changes nothing", PLAIN,
                        d -> d.start().launched().exits(1).stopDone().backoffElapsed().launched(),
                        d -> d.on(new Input.Exited(1, ExitStatus.ofCode(9))), State.RUNNING,
                        List.of(), List.of("emit"), s -> assertEquals(1, s.lastExitCode())),
                row("Restarting → Stopped on shutdown; the daemon's stop is not the operator's", PLAIN,
                        d -> d.start().launched().exits(1).stopDone(), d -> d.on(new Input.Shutdown()), State.STOPPED,
                        List.of("cancel-timers", "emit STATE_CHANGED Restarting->Stopped",
                                "INFO Component stopped (daemon shutting down)"),
                        List.of("remember-operator-stop"), s -> {}),
                row("Starting → Stopped on stop while the launch waits for a slot: the launch is called off", PLAIN,
                        Driver::start, Driver::stop, State.STOPPED,
                        List.of("emit STATE_CHANGED Starting->Stopped", "cancel-launch 1"),
                        List.of("INFO Component stopped"), s -> assertTrue(s.stopping())),
                row("Stopped: the called-off launch reports failure, nothing was started", PLAIN,
                        d -> d.start().stop(), d -> d.launchFails("called off while waiting for a launch slot"),
                        State.STOPPED, List.of("INFO Component stopped (stop requested)"), List.of("launch", "stop-instance"),
                        s -> assertFalse(s.stopping())),
                row("Starting → Unhealthy → Restarting when the launch passes its deadline", PLAIN,
                        Driver::start, d -> d.launchFails("launch did not finish within 40s"), State.RESTARTING,
                        List.of("emit STATE_CHANGED Starting->Unhealthy", "emit STATE_CHANGED Unhealthy->Restarting",
                                "timer BACKOFF"), List.of("stop-instance"),
                        s -> assertEquals("launch failed: launch did not finish within 40s", s.lastError())),
                row("an instance whose launch returned after it was given up is stopped at once", PLAIN,
                        d -> d.start().launchFails("launch did not finish within 40s"), Driver::launched,
                        State.RESTARTING,
                        List.of("WARN Stopping instance pid 1001: its launch returned after it had been given up",
                                "watch-exit 1", "stop-instance 1 pid 1001"), List.of("save-record", "emit"),
                        s -> assertTrue(s.stopping(), "it is the stop in flight")),
                row("Restarting waits for the late instance's stop: the backoff launches nothing until it is gone",
                        PLAIN, d -> d.start().launchFails("launch did not finish within 40s").launched(),
                        Driver::backoffElapsed, State.RESTARTING, List.of(), List.of("launch"), s -> {}),
                row("Restarting → Starting once the late instance is gone", PLAIN,
                        d -> d.start().launchFails("launch did not finish within 40s").launched().backoffElapsed(),
                        Driver::stopDone, State.STARTING, List.of("launch 2"), List.of(), s -> {}),
                row("Failed (stop failed past its deadline): nothing stuck once that stop ends after all", PLAIN,
                        d -> d.start().launched().stop().stopFails("stop did not finish within 40s"), Driver::stopDone,
                        State.FAILED, List.of("INFO The stop of pid 1001 finished after its deadline", "clear-record"),
                        List.of("launch"), s -> {
                            assertEquals("", s.lastError());
                            assertEquals(-1, s.pid());
                        }),
                row("Failed → Starting on start once the late stop ended: launched at once", PLAIN,
                        d -> d.start().launched().stop().stopFails("stop did not finish within 40s").stopDone(),
                        Driver::start, State.STARTING, List.of("launch 2"), List.of("stop-instance"), s -> {}),
                row("nothing starts after shutdown", PLAIN,
                        d -> d.on(new Input.Shutdown()), d -> d.start().restart(), State.STOPPED,
                        List.of(), List.of("launch", "remember-operator-stop"), s -> {}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transitions")
    void transition(Row row) {
        Driver d = new Driver(row.config());
        row.given().accept(d);
        d.effects.clear();
        row.when().accept(d);
        assertEquals(row.state(), d.m.state(), "state");
        List<String> seen = d.effects.stream().map(ComponentStateMachineTest::describe).toList();
        int at = 0;
        for (String expected : row.effects()) {
            while (at < seen.size() && !seen.get(at).startsWith(expected)) {
                at++;
            }
            if (at == seen.size()) {
                fail("expected effect \"" + expected + "\" (in this order) among " + seen);
            }
            at++;
        }
        for (String absent : row.absent()) {
            assertTrue(seen.stream().noneMatch(s -> s.startsWith(absent)), "no \"" + absent + "\" among " + seen);
        }
        row.check().accept(d.status());
    }

    private static Row row(String name, ComponentConfig config, Consumer<Driver> given, Consumer<Driver> when,
            State state, List<String> effects, List<String> absent, Consumer<ComponentStatus> check) {
        return new Row(name, config, given, when, state, effects, absent, check);
    }

    static String describe(Effect e) {
        if (e instanceof Effect.Launch l) {
            return "launch " + l.gen();
        } else if (e instanceof Effect.CancelLaunch c) {
            return "cancel-launch " + c.gen();
        } else if (e instanceof Effect.StopInstance s) {
            return "stop-instance " + s.gen() + " " + s.instance() + " " + s.timeout();
        } else if (e instanceof Effect.WatchExit w) {
            return "watch-exit " + w.gen();
        } else if (e instanceof Effect.RunProbe p) {
            return "run-probe " + p.kind().name();
        } else if (e instanceof Effect.ScheduleProbe p) {
            return "schedule-probe " + p.kind().name() + " " + p.delay();
        } else if (e instanceof Effect.ScheduleTimer t) {
            return "timer " + t.timer() + " " + t.delay();
        } else if (e instanceof Effect.CancelTimers) {
            return "cancel-timers";
        } else if (e instanceof Effect.Emit m) {
            return "emit " + m.type() + " " + m.from() + "->" + m.to() + " " + m.message();
        } else if (e instanceof Effect.Log l) {
            return l.level() + " " + l.line();
        } else if (e instanceof Effect.SaveRecord) {
            return "save-record";
        } else if (e instanceof Effect.ClearRecord) {
            return "clear-record";
        } else if (e instanceof Effect.RememberOperatorStop r) {
            return "remember-operator-stop " + r.stopped();
        }
        throw new AssertionError("unknown effect " + e);
    }

    /** Feeds a machine inputs on a clock of its own, remembering what the effects asked for. */
    static final class Driver {
        final ComponentStateMachine m;
        final ComponentConfig config;
        final List<Effect> effects = new ArrayList<>();
        long now = 1_000_000_000L;
        private int launchGen = -1;
        private int stopGen = -1;
        private int currentGen = -1;
        private final Map<Input.Timer, Integer> timerGens = new EnumMap<>(Input.Timer.class);

        Driver(ComponentConfig config) {
            this.config = config;
            this.m = new ComponentStateMachine(config, new Backoff(config.restart().backoff(), () -> 0.5));
        }

        Driver on(Input input) {
            for (Effect e : m.on(input, now)) {
                effects.add(e);
                if (e instanceof Effect.Launch l) {
                    launchGen = l.gen();
                } else if (e instanceof Effect.StopInstance s) {
                    stopGen = s.gen();
                } else if (e instanceof Effect.ScheduleTimer t) {
                    timerGens.put(t.timer(), t.gen());
                }
            }
            return this;
        }

        ComponentStatus status() {
            return m.snapshot().toStatus(config, now, 0);
        }

        Driver after(double seconds) {
            now += Math.round(seconds * 1e9);
            return this;
        }

        Driver start() {
            return on(new Input.Start());
        }

        Driver stop() {
            return on(new Input.Stop("stop requested"));
        }

        Driver restart() {
            return on(new Input.Restart());
        }

        Driver launched() {
            currentGen = launchGen;
            return on(new Input.Launched(launchGen, new FakeInstance(1000 + launchGen)));
        }

        Driver launchFails(String reason) {
            return on(new Input.LaunchFailed(launchGen, reason));
        }

        Driver adopt(Duration age, String drift) {
            FakeInstance found = new FakeInstance(4242);
            on(new Input.Adopted(found, age, drift));
            currentGen = 1;
            return this;
        }

        Driver exits(int code) {
            return on(new Input.Exited(currentGen, ExitStatus.ofCode(code)));
        }

        Driver probe(ProbeKind kind, boolean passes) {
            ProbeResult result = passes ? ProbeResult.passed(kind, Duration.ZERO)
                    : ProbeResult.failed(kind, "process", "not alive", Duration.ZERO);
            on(new Input.ProbeDue(currentGen, kind));
            return on(new Input.ProbeCompleted(currentGen, result, now));
        }

        Driver backoffElapsed() {
            return on(new Input.TimerFired(timerGens.getOrDefault(Input.Timer.BACKOFF, -1), Input.Timer.BACKOFF));
        }

        Driver stopDone() {
            return on(new Input.StopDone(stopGen));
        }

        Driver stopFails(String reason) {
            return on(new Input.StopFailed(stopGen, reason));
        }
    }
}
