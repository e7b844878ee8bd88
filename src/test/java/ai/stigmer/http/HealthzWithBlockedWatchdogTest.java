package ai.stigmer.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.HttpConfig;
import ai.stigmer.jmx.JmxCredentials;
import ai.stigmer.supervisor.ExecutorScheduler;
import ai.stigmer.supervisor.Supervisor;
import ai.stigmer.testing.Await;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /healthz} of the daemon's real watchdog: a task that never returns holds the watchdog's
 * one thread, its heartbeat stops, and {@code /healthz} turns 503 with the reason; once the thread
 * is free again it ticks and {@code /healthz} is 200 again. Nothing is faked but the blocking task.
 */
class HealthzWithBlockedWatchdogTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir Path jmxDir;

    @Test
    void healthzFailsWhileTheWatchdogThreadIsHeldAndRecoversAfter() throws Exception {
        JmxCredentials.ensure(jmxDir);
        Http monitor = new Http(JmxCredentials.MONITOR,
                JmxCredentials.readPasswords(jmxDir.resolve(JmxCredentials.PASSWORD_FILE)).get(JmxCredentials.MONITOR));
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        Supervisor supervisor = new Supervisor(List.of(), new ExecutorScheduler(watchdog, Clock.systemUTC()));
        CountDownLatch release = new CountDownLatch(1);
        try (HttpEndpoints endpoints = HttpEndpoints.start(new HttpConfig(true, "127.0.0.1", 0, false), jmxDir,
                new PrometheusRegistry(), supervisor)) {
            int port = endpoints.port();
            supervisor.start(c -> Optional.empty());
            Await.until("/healthz 200 while the watchdog ticks", WAIT, () -> monitor.get(port, "/healthz").statusCode() == 200);

            watchdog.execute(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            HttpResponse<String> stalled = Await.value("/healthz 503 while the watchdog is held", WAIT,
                    () -> monitor.get(port, "/healthz"), r -> r.statusCode() == 503);
            assertTrue(stalled.body().startsWith("failed: the watchdog has not ticked for "), stalled.body());

            release.countDown();
            HttpResponse<String> back = Await.value("/healthz 200 once the watchdog ticks again", WAIT,
                    () -> monitor.get(port, "/healthz"), r -> r.statusCode() == 200);
            assertEquals("ok\n", back.body());
        } finally {
            release.countDown();
            watchdog.shutdownNow();
        }
    }
}
