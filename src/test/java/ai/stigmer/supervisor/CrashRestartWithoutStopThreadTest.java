package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.stigmer.Threads;
import ai.stigmer.config.BackoffSpec;
import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ProcessSpec;
import ai.stigmer.config.RestartPolicy;
import ai.stigmer.config.RestartSpec;
import ai.stigmer.probe.ProbeKind;
import ai.stigmer.probe.Prober;
import ai.stigmer.runtime.containment.Containment;
import ai.stigmer.runtime.process.ProcStat;
import ai.stigmer.runtime.process.ProcessRuntime;
import ai.stigmer.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crashed instance whose cgroup is already empty is cleared on the watchdog thread at once, and
 * the restart follows without a stop thread; one that left a process behind still gets the full
 * stop on a stop thread, which kills it before the next launch.
 */
class CrashRestartWithoutStopThreadTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String HOME = "test-clear-" + ProcessHandle.current().pid();

    @TempDir
    Path dir;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(Threads.daemon("test-watchdog"));
    private final ExecutorService blocking = Executors.newCachedThreadPool(Threads.daemon("test-runtime"));
    private final AtomicInteger stopsOnAThread = new AtomicInteger();
    private final RecordingLog log = new RecordingLog();
    /** The log as it was each time a launch was handed to a launch thread. */
    private final List<List<String>> linesAtLaunch = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** What the instance store was asked, in order ("save PID", "clear"), and as it was at each launch. */
    private final List<String> records = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<List<String>> recordsAtLaunch = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final InstanceStore store = new InstanceStore() {
        public void save(String component, ai.stigmer.runtime.InstanceRecord record) {
            records.add("save " + record.pid());
        }

        public void clear(String component) {
            records.add("clear");
        }

        public java.util.Optional<ai.stigmer.runtime.InstanceRecord> load(String component) {
            return java.util.Optional.empty();
        }
    };
    private final Containment containment = Containment.forHome(HOME);
    private ComponentSupervisor supervisor;

    @AfterEach
    void tearDown() throws Exception {
        if (supervisor != null) {
            supervisor.stop().get();
        }
        watchdog.shutdownNow();
        blocking.shutdownNow();
        containment.tidy();
    }

    private ComponentSupervisor supervise(List<String> command) {
        assumeTrue(containment.description().startsWith("cgroup"), "no writable cgroup v2 here");
        RestartSpec atOnce = new RestartSpec(RestartPolicy.ALWAYS, new BackoffSpec(Duration.ZERO, 1.0, Duration.ZERO, 0.0),
                100, Duration.ofMinutes(10), Duration.ofSeconds(10));
        ComponentConfig config = new ComponentConfig("crashy", List.of(), atOnce, Duration.ofSeconds(2), null, null, null,
                new ProcessSpec(command, Map.of(), null), null);
        ProcessRuntime runtime = new ProcessRuntime(config.name(), HOME, config.process(), dir.resolve("crashy.log"), containment);
        RuntimeThreads threads = new RuntimeThreads(LaunchGate.unlimited(), task -> {
            linesAtLaunch.add(List.copyOf(log.lines));
            recordsAtLaunch.add(List.copyOf(records));
            blocking.execute(task);
        }, task -> {
            stopsOnAThread.incrementAndGet();
            blocking.execute(task);
        });
        supervisor = new ComponentSupervisor(config, runtime, new Prober("crashy", new EnumMap<>(ProbeKind.class),
                new EnumMap<>(ProbeKind.class)), new ExecutorScheduler(watchdog, Clock.systemUTC()), threads,
                log, store, new Backoff(config.restart().backoff(), () -> 0.5));
        supervisor.start();
        return supervisor;
    }

    @Test
    void anInstanceThatLeftNothingIsClearedWithoutAStopThread() throws Exception {
        ComponentSupervisor s = supervise(List.of("sleep", "100000"));
        long pid = Await.value("running", WAIT, s::status, st -> st.state() == State.RUNNING).pid();

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        ComponentStatus after = Await.value("restarted", WAIT, s::status, st -> st.state() == State.RUNNING && st.pid() != pid);
        assertEquals(1, after.restarts());
        assertEquals(0, stopsOnAThread.get(), "no stop thread for an empty cgroup");
    }

    /** The Unhealthy line alone comes first, written as the step decides it; the rest follow the handover. */
    @Test
    void theRelaunchIsUnderWayBeforeTheLinesThatTellOfTheCrash() throws Exception {
        ComponentSupervisor s = supervise(List.of("sleep", "100000"));
        long pid = Await.value("running", WAIT, s::status, st -> st.state() == State.RUNNING).pid();

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        Await.value("restarted", WAIT, s::status, st -> st.state() == State.RUNNING && st.pid() != pid);
        assertEquals(2, linesAtLaunch.size(), "the first launch and the relaunch: " + linesAtLaunch);
        List<String> before = linesAtLaunch.get(1);
        assertTrue(!before.isEmpty() && before.get(before.size() - 1).startsWith("WARN " + ComponentSupervisor.MARKED_UNHEALTHY),
                "the Unhealthy line is written before the relaunch is handed over: " + before);
        assertTrue(before.stream().noneMatch(l -> l.contains(ComponentSupervisor.RESTARTING_LINE)),
                "handed to a launch thread before the other lines of the crash are written: " + before);
        List<String> lines = List.copyOf(log.lines);
        assertEquals(1, lines.stream().filter(l -> l.contains(ComponentSupervisor.MARKED_UNHEALTHY)).count(), "once: " + lines);
        int unhealthy = lines.indexOf(before.get(before.size() - 1));
        int stopping = indexOf(lines, "Stopping instance");
        int restarting = indexOf(lines, ComponentSupervisor.RESTARTING_LINE);
        assertTrue(unhealthy < stopping && stopping < restarting, "then written, in their order: " + lines);
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void theCrashedInstancesRecordIsClearedAfterTheRelaunchIsUnderWayAndBeforeTheNextIsSaved() throws Exception {
        ComponentSupervisor s = supervise(List.of("sleep", "100000"));
        long pid = Await.value("running", WAIT, s::status, st -> st.state() == State.RUNNING).pid();
        Await.until("its record saved", WAIT, () -> records.contains("save " + pid));

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        long next = Await.value("restarted", WAIT, s::status, st -> st.state() == State.RUNNING && st.pid() != pid).pid();
        Await.until("the new record saved", WAIT, () -> records.contains("save " + next));
        assertEquals(List.of("save " + pid), recordsAtLaunch.get(1), "no file work before the relaunch is handed over");
        assertEquals(List.of("save " + pid, "clear", "save " + next), records);
    }

    @Test
    void anInstanceThatLeftAProcessIsStoppedOnAStopThreadBeforeTheRelaunch() throws Exception {
        Path leftover = dir.resolve("leftover.pid");
        ComponentSupervisor s = supervise(List.of("sh", "-c", "sleep 100001 & echo $! > " + leftover + "; exec sleep 100000"));
        long pid = Await.value("running", WAIT, s::status, st -> st.state() == State.RUNNING).pid();
        Await.until("the leftover is started", WAIT, () -> read(leftover).length() > 0);
        long orphan = Long.parseLong(read(leftover));

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        Await.value("restarted", WAIT, s::status, st -> st.state() == State.RUNNING && st.pid() != pid);
        assertEquals(1, stopsOnAThread.get(), "the full stop, on a stop thread");
        assertTrue(ProcStat.read(orphan).map(ProcStat::gone).orElse(true), "the leftover was killed before the relaunch");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
