package ai.stigmer.probe;

import static ai.stigmer.probe.NoInstance.NO_INSTANCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.CheckSpec;
import ai.stigmer.config.ProbeSpec;
import ai.stigmer.testing.Ports;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The check types against real sockets and commands, and the probe timeout. */
class ProberTest {
    private static ProbeResult probeOnce(Duration timeout, CheckSpec... checks) {
        ProbeSpec spec = new ProbeSpec(Duration.ZERO, Duration.ofSeconds(1), timeout, 1, 1, List.of(checks));
        try (Prober prober = new Prober("t", Map.of(ProbeKind.LIVENESS, spec), Map.of(ProbeKind.LIVENESS,
                spec.checks().stream().map(c -> Checks.create(c, null)).toList()))) {
            return prober.runNow(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ofSeconds(5));
        }
    }

    @Test
    void tcpPassesWhenListeningAndFailsWhenRefused() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            assertTrue(probeOnce(Duration.ofSeconds(2), new CheckSpec.Tcp("127.0.0.1", server.getLocalPort())).passed());
        }
        ProbeResult refused = probeOnce(Duration.ofSeconds(2), new CheckSpec.Tcp("127.0.0.1", Ports.free()));
        assertFalse(refused.passed());
        assertTrue(refused.reason().contains("refused"), refused.reason());
    }

    @Test
    void httpPassesOn2xxFailsOn5xxAndTimesOutOnSilence() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 5);
        server.createContext("/ok", x -> { x.sendResponseHeaders(204, -1); x.close(); });
        server.createContext("/bad", x -> { x.sendResponseHeaders(503, -1); x.close(); });
        server.start();
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            assertTrue(probeOnce(Duration.ofSeconds(2), new CheckSpec.Http(URI.create(base + "/ok"))).passed());
            ProbeResult bad = probeOnce(Duration.ofSeconds(2), new CheckSpec.Http(URI.create(base + "/bad")));
            assertEquals("HTTP status 503", bad.reason());
            ProbeResult hung = probeOnce(Duration.ofMillis(300),
                    new CheckSpec.Http(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/")));
            assertEquals("timeout", hung.reason());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void execPassesOnZeroAndIsKilledAtTheTimeout() {
        assertTrue(probeOnce(Duration.ofSeconds(5), new CheckSpec.Exec(List.of("true"))).passed());
        assertEquals("exit code 3", probeOnce(Duration.ofSeconds(5), new CheckSpec.Exec(List.of("sh", "-c", "exit 3"))).reason());
        long started = System.nanoTime();
        ProbeResult slow = probeOnce(Duration.ofMillis(300), new CheckSpec.Exec(List.of("sleep", "30")));
        assertEquals("timeout", slow.reason());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(20).toNanos());
    }

    @Test
    void uptimeNeedsTheMinimum() {
        assertTrue(probeOnce(Duration.ofSeconds(1), new CheckSpec.Uptime(Duration.ofSeconds(5))).passed());
        ProbeResult young = probeOnce(Duration.ofSeconds(1), new CheckSpec.Uptime(Duration.ofSeconds(6)));
        assertFalse(young.passed());
        assertEquals("liveness: uptime 6000ms: up 5000ms, needs 6000ms", young.describe());
    }

    @Test
    void aCheckThatIgnoresItsTimeoutIsCutOffWithReasonTimeout() {
        Check hanging = new Check() {
            public String describe() { return "hang"; }
            public CheckResult run(CheckContext c) throws Exception {
                new CompletableFuture<Void>().get();
                return CheckResult.pass();
            }
        };
        ProbeSpec spec = new ProbeSpec(Duration.ZERO, Duration.ofSeconds(1), Duration.ofMillis(200), 1, 1,
                List.of(new CheckSpec.Process()));
        try (Prober prober = new Prober("t", Map.of(ProbeKind.LIVENESS, spec), Map.of(ProbeKind.LIVENESS, List.of(hanging)))) {
            ProbeResult r = prober.runNow(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ZERO);
            assertEquals("timeout", r.reason());
            assertEquals("hang", r.check());
        }
    }

    /** A slow check of one component never delays another's probe. */
    @Test
    void aSlowComponentDoesNotDelayAnother() throws Exception {
        ProbeSpec slowSpec = new ProbeSpec(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(20), 1, 1,
                List.of(new CheckSpec.Exec(List.of("sleep", "20"))));
        ProbeSpec fastSpec = new ProbeSpec(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(5), 1, 1,
                List.of(new CheckSpec.Exec(List.of("true"))));
        try (Prober slow = new Prober("slow", Map.of(ProbeKind.LIVENESS, slowSpec),
                     Map.of(ProbeKind.LIVENESS, List.of(Checks.create(slowSpec.checks().get(0), null))));
             Prober fast = new Prober("fast", Map.of(ProbeKind.LIVENESS, fastSpec),
                     Map.of(ProbeKind.LIVENESS, List.of(Checks.create(fastSpec.checks().get(0), null))))) {
            CompletableFuture<ProbeResult> slowResult = new CompletableFuture<>();
            CompletableFuture<ProbeResult> fastResult = new CompletableFuture<>();
            slow.run(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ZERO, slowResult::complete);
            fast.run(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ZERO, fastResult::complete);
            assertTrue(fastResult.get(15, TimeUnit.SECONDS).passed());
            assertFalse(slowResult.isDone(), "the slow probe is still running");
        }
    }

    @Test
    void aCheckThatIgnoresInterruptsDoesNotPileUpThreads() throws Exception {
        CountDownLatchHolder release = new CountDownLatchHolder();
        Check deaf = new Check() {
            public String describe() { return "deaf"; }
            public CheckResult run(CheckContext c) {
                while (release.latch.getCount() > 0) {
                    try {
                        release.latch.await();
                    } catch (InterruptedException ignored) {
                        // deaf to interrupts on purpose
                    }
                }
                return CheckResult.pass();
            }
        };
        ProbeSpec spec = new ProbeSpec(Duration.ZERO, Duration.ofSeconds(1), Duration.ofMillis(100), 1, 1,
                List.of(new CheckSpec.Process()));
        try (Prober prober = new Prober("t", Map.of(ProbeKind.LIVENESS, spec), Map.of(ProbeKind.LIVENESS, List.of(deaf)))) {
            assertEquals("timeout", prober.runNow(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ZERO).reason());
            assertEquals("timeout (the previous run has not returned)",
                    prober.runNow(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ZERO).reason());
            release.latch.countDown();
        }
    }

    @Test
    void httpCredentialsStayOutOfDescriptions() {
        assertEquals("http http://***@127.0.0.1:8080/health",
                new HttpCheck(URI.create("http://admin:s3cret@127.0.0.1:8080/health")).describe());
    }

    private static final class CountDownLatchHolder {
        final java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
    }
}
