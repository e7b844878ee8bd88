package ai.stigmer.bench;

import ai.stigmer.config.BackoffSpec;
import ai.stigmer.config.CheckSpec;
import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ProbeSpec;
import ai.stigmer.config.ProcessSpec;
import ai.stigmer.config.RestartPolicy;
import ai.stigmer.config.RestartSpec;
import ai.stigmer.probe.Checks;
import ai.stigmer.probe.ProbeKind;
import ai.stigmer.probe.Prober;
import ai.stigmer.Threads;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceMarker;
import ai.stigmer.runtime.process.ExitWatcher;
import ai.stigmer.runtime.process.ProcessRuntime;
import ai.stigmer.testing.OrphanProcess;
import ai.stigmer.supervisor.Backoff;
import ai.stigmer.supervisor.ComponentEvent;
import ai.stigmer.supervisor.ComponentLog;
import ai.stigmer.supervisor.ComponentSupervisor;
import ai.stigmer.supervisor.ExecutorScheduler;
import ai.stigmer.supervisor.InstanceStore;
import ai.stigmer.supervisor.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Median time from SIGKILL of a supervised process to its Unhealthy state, over N kills (default 20).
 * Liveness runs only every 10 s, as in the defaults, so what is measured is exit detection.
 * <pre>java -cp target/test-classes:target/classes:'target/lib/*' ai.stigmer.bench.KillToUnhealthyBenchmark [N] [own|adopted]</pre>
 * {@code own} (the default) kills instances the supervisor launched, its children. {@code adopted}
 * kills instances it adopted: orphans (PID 1 is their parent) that carry the instance marker, as a
 * crashed daemon leaves them; it prints beside it when the JDK's {@code ProcessHandle.onExit()} saw the
 * same deaths, which is what adoption used before the pidfd watcher.
 */
public final class KillToUnhealthyBenchmark {
    public static void main(String[] args) throws Exception {
        int kills = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        if (args.length > 1 && args[1].equals("adopted")) {
            adopted(kills);
            return;
        }
        Path dir = Files.createTempDirectory("stigmer-bench");
        ComponentConfig config = config(RestartPolicy.ALWAYS);
        ProcessRuntime runtime = new ProcessRuntime(config.name(), "test", config.process(), dir.resolve("bench.log"));
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(Threads.daemon("watchdog"));
        ExecutorService blocking = Executors.newCachedThreadPool(Threads.daemon("runtime"));
        Supervised bench = Supervised.of(config, runtime, watchdog, blocking);
        ComponentSupervisor supervisor = bench.supervisor();
        supervisor.start();
        List<Double> millis = new ArrayList<>();
        long lastPid = -1;
        for (int i = 0; i < kills + 3; i++) {
            long pid = awaitRunning(supervisor, lastPid);
            long killedAt = System.nanoTime();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            long seen = bench.unhealthyAt().poll(30, TimeUnit.SECONDS);
            if (i >= 3) { // the first kills warm the JIT up
                millis.add((seen - killedAt) / 1e6);
            }
            lastPid = pid;
        }
        supervisor.stop().get();
        bench.prober().close();
        watchdog.shutdownNow();
        blocking.shutdownNow();
        Collections.sort(millis);
        System.out.printf("SIGKILL -> Unhealthy over %d kills: median %.2f ms, min %.2f ms, max %.2f ms%n",
                millis.size(), millis.get(millis.size() / 2), millis.get(0), millis.get(millis.size() - 1));
    }

    /** SIGKILL to Unhealthy of adopted orphans: one fresh supervisor per kill, policy never. */
    private static void adopted(int kills) throws Exception {
        Path dir = Files.createTempDirectory("stigmer-bench");
        ComponentConfig config = config(RestartPolicy.NEVER);
        ProcessRuntime runtime = new ProcessRuntime(config.name(), "bench0home00", config.process(), dir.resolve("bench.log"));
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(Threads.daemon("watchdog"));
        ExecutorService blocking = Executors.newCachedThreadPool(Threads.daemon("runtime"));
        List<Double> millis = new ArrayList<>();
        List<Double> jdkMillis = new ArrayList<>();
        for (int i = 0; i < kills + 3; i++) {
            String marker = InstanceMarker.value("bench0home00", config.name(), Integer.toString(i));
            try (OrphanProcess orphan = OrphanProcess.start(Map.of(InstanceMarker.ENV, marker), "sleep", "1000")) {
                Instance adopted = runtime.adopt(orphan.record(marker, config.process())).orElseThrow();
                Supervised bench = Supervised.of(config, runtime, watchdog, blocking);
                ComponentSupervisor supervisor = bench.supervisor();
                supervisor.adopt(adopted).get();
                awaitRunning(supervisor, -1);
                LinkedBlockingQueue<Long> jdkSawAt = new LinkedBlockingQueue<>();
                ProcessHandle.of(orphan.pid).orElseThrow().onExit().thenRun(() -> jdkSawAt.add(System.nanoTime()));
                long killedAt = System.nanoTime();
                orphan.kill();
                long seen = bench.unhealthyAt().poll(30, TimeUnit.SECONDS);
                long jdkSeen = jdkSawAt.poll(30, TimeUnit.SECONDS);
                if (i >= 3) { // the first kills warm the JIT up
                    millis.add((seen - killedAt) / 1e6);
                    jdkMillis.add((jdkSeen - killedAt) / 1e6);
                }
                supervisor.stop().get();
                bench.prober().close();
            }
        }
        watchdog.shutdownNow();
        blocking.shutdownNow();
        Collections.sort(millis);
        Collections.sort(jdkMillis);
        System.out.printf("adopted, SIGKILL -> Unhealthy over %d kills (%s): median %.2f ms, min %.2f ms, max %.2f ms%n",
                millis.size(), ExitWatcher.shared().mode(), millis.get(millis.size() / 2), millis.get(0),
                millis.get(millis.size() - 1));
        System.out.printf("the JDK's ProcessHandle.onExit() for the same kills: median %.2f ms, min %.2f ms, max %.2f ms%n",
                jdkMillis.get(jdkMillis.size() / 2), jdkMillis.get(0), jdkMillis.get(jdkMillis.size() - 1));
    }

    /** A sleep watched by a process check every 10 s; restarts as fast as the backoff allows, if {@code policy} says so. */
    private static ComponentConfig config(RestartPolicy policy) {
        RestartSpec restart = new RestartSpec(policy,
                new BackoffSpec(Duration.ofMillis(10), 1.0, Duration.ofMillis(10), 0), 1000, Duration.ofMinutes(10),
                Duration.ofSeconds(10));
        ProbeSpec liveness = new ProbeSpec(Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(3), 1, 3,
                List.of(new CheckSpec.Process()));
        return new ComponentConfig("bench", List.of(), restart, Duration.ofSeconds(2), null, liveness,
                null, new ProcessSpec(List.of("sleep", "1000"), Map.of(), null), null);
    }

    /** A supervisor of {@code config} and its prober, with the moments it turned Unhealthy. */
    private record Supervised(ComponentSupervisor supervisor, Prober prober, LinkedBlockingQueue<Long> unhealthyAt) {
        static Supervised of(ComponentConfig config, ProcessRuntime runtime, ScheduledExecutorService watchdog,
                ExecutorService blocking) {
            Prober prober = new Prober("bench", Map.of(ProbeKind.LIVENESS, config.liveness()),
                    Map.of(ProbeKind.LIVENESS, List.of(Checks.create(new CheckSpec.Process(), runtime))));
            ComponentSupervisor supervisor = new ComponentSupervisor(config, runtime, prober,
                    new ExecutorScheduler(watchdog, Clock.systemUTC()), blocking, new Quiet(), InstanceStore.NONE,
                    new Backoff(config.restart().backoff(), () -> 0.5));
            LinkedBlockingQueue<Long> unhealthyAt = new LinkedBlockingQueue<>();
            supervisor.addListener(e -> {
                if (e.type() == ComponentEvent.Type.UNHEALTHY) {
                    unhealthyAt.add(System.nanoTime());
                }
            });
            return new Supervised(supervisor, prober, unhealthyAt);
        }
    }

    private static long awaitRunning(ComponentSupervisor s, long previousPid) throws InterruptedException {
        while (true) {
            var st = s.status();
            if (st.state() == State.RUNNING && st.pid() > 0 && st.pid() != previousPid) {
                return st.pid();
            }
            Thread.sleep(5);
        }
    }

    private static final class Quiet implements ComponentLog {
        public void debug(String m) {}
        public void info(String m) {}
        public void warn(String m) {}
        public void error(String m) {}
    }
}
