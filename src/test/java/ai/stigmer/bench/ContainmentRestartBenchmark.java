package ai.stigmer.bench;

import ai.stigmer.config.ProcessSpec;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.containment.Containment;
import ai.stigmer.runtime.process.ProcessRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The restart path of one process instance, per containment mode: SIGKILL of the instance → its exit
 * seen → stop (clears the enclosure) → launch → new pid; and launch() alone. Median over N (default 30).
 * <pre>java -cp target/test-classes:target/classes:'target/lib/*' ai.stigmer.bench.ContainmentRestartBenchmark [N]</pre>
 */
public final class ContainmentRestartBenchmark {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Path dir = Files.createTempDirectory("containment-bench");
        List<Containment> modes = new ArrayList<>();
        Containment.cgroupV2("bench").ifPresent(modes::add);
        modes.add(Containment.session("bench-s"));
        for (Containment mode : modes) {
            ProcessRuntime runtime = new ProcessRuntime("bench", mode.description().startsWith("cgroup") ? "bench" : "bench-s",
                    new ProcessSpec(List.of("sh", "-c", "sleep 1000 & exec sleep 1001"), Map.of(), null), dir.resolve("bench.log"), mode);
            List<Long> restart = new ArrayList<>();
            List<Long> launch = new ArrayList<>();
            Instance instance = runtime.launch();
            for (int i = 0; i < n + 3; i++) {
                Thread.sleep(50);
                long t0 = System.nanoTime();
                ProcessHandle.of(instance.pid()).ifPresent(ProcessHandle::destroyForcibly);
                instance.exited().get(10, TimeUnit.SECONDS);
                instance.stop(Duration.ofSeconds(2));
                long t1 = System.nanoTime();
                instance = runtime.launch();
                long t2 = System.nanoTime();
                if (i >= 3) { // warm-up
                    restart.add(t2 - t0);
                    launch.add(t2 - t1);
                }
            }
            instance.stop(Duration.ofSeconds(2));
            mode.tidy();
            System.out.printf("%-60s restart (SIGKILL -> new pid) median %.1f ms, launch() median %.1f ms, n=%d%n",
                    mode.description(), median(restart), median(launch), n);
        }
    }

    private static double median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1e6;
    }
}
