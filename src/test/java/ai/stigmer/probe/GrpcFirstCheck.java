package ai.stigmer.probe;

import ai.stigmer.config.CheckSpec;
import ai.stigmer.config.ProbeSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Run in a fresh JVM by {@link GrpcFirstCheckTest}: the daemon's first gRPC probes, nothing loaded
 * yet, against a port that accepts and never answers. Prints one line per run: {@code run N MS REASON}.
 */
public final class GrpcFirstCheck {
    private GrpcFirstCheck() {}

    public static void main(String[] args) throws Exception {
        Duration timeout = Duration.ofMillis(Long.parseLong(args[0]));
        int runs = Integer.parseInt(args[1]);
        SilentServer silent = new SilentServer(); // held until the JVM ends

        CheckSpec.Grpc spec = new CheckSpec.Grpc("127.0.0.1", silent.port(), "");
        ProbeSpec probe = new ProbeSpec(Duration.ZERO, Duration.ofSeconds(1), timeout, 1, 3, List.of(spec));
        try (CheckPool pool = CheckPool.ofSize(2);
             Prober prober = new Prober("first", Map.of(ProbeKind.STARTUP, probe),
                     Map.of(ProbeKind.STARTUP, List.of(Checks.create(spec, null))), pool)) {
            for (int i = 1; i <= runs; i++) {
                CompletableFuture<ProbeResult> answer = new CompletableFuture<>();
                long start = System.nanoTime();
                prober.run(ProbeKind.STARTUP, NoInstance.NO_INSTANCE, Duration.ZERO, answer::complete);
                ProbeResult result = answer.get(60, TimeUnit.SECONDS);
                System.out.println("run " + i + " " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " "
                        + result.reason());
            }
        }
        System.exit(0);
    }
}
