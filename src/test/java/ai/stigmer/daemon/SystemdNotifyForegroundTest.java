package ai.stigmer.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.FakeNotifySocket;
import ai.stigmer.testing.StigmerInstall;
import ai.stigmer.testing.WithStigmerInstall;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/stigmer server --foreground} started as systemd starts a {@code Type=notify} service:
 * {@code $NOTIFY_SOCKET} names a socket the test holds (a path, or an abstract name), and
 * {@code $WATCHDOG_USEC} asks for pings. The daemon says READY=1 once its components run,
 * WATCHDOG=1 every half of the watchdog timeout, and STOPPING=1 when SIGTERM begins its shutdown.
 */
class SystemdNotifyForegroundTest extends WithStigmerInstall {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private Process daemon;

    @AfterEach
    void tearDown() {
        if (daemon != null && daemon.isAlive()) {
            daemon.destroyForcibly();
        }
    }

    private void startUnderSystemd(FakeNotifySocket systemd) throws Exception {
        Path config = install.config("""
                components:
                  base:
                    process: { command: [sleep, '1000'] }
                  leaf:
                    dependsOn: [base]
                    process: { command: [sleep, '1001'] }
                """);
        ProcessBuilder pb = new ProcessBuilder(StigmerInstall.ROOT.resolve("bin/stigmer").toString(),
                "server", "--foreground", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("foreground.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(install.environment());
        // A 2 s watchdog timeout: a ping every second, at each tick of the daemon's watchdog.
        pb.environment().putAll(Map.of("NOTIFY_SOCKET", systemd.address(), "WATCHDOG_USEC", "2000000"));
        daemon = pb.start();
    }

    @Test
    void readyOnceTheComponentsRunThenWatchdogPingsThenReloadingAtSighupThenStoppingAtSigterm() throws Exception {
        try (FakeNotifySocket systemd = new FakeNotifySocket(dir.resolve("notify.sock").toString())) {
            startUnderSystemd(systemd);

            String ready = systemd.await("READY=1", WAIT);
            assertEquals(List.of("READY=1", "STATUS=2 components: 2 running"), ready.lines().toList(),
                    "ready once both run, the dependent after its dependency");
            assertEquals("Running", install.state("leaf"));
            int pingsAtReady = systemd.count("WATCHDOG=1");
            systemd.await("WATCHDOG=1", pingsAtReady + 3, WAIT);

            // systemctl reload: SIGHUP through ExecReload's command or by hand, the same reload.
            assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(daemon.pid())).start().waitFor());
            String reloading = systemd.await("RELOADING=1", WAIT);
            assertTrue(reloading.lines().anyMatch(l -> l.startsWith("MONOTONIC_USEC=")), reloading);
            systemd.await("READY=1", 2, WAIT);
            List<String> ready2 = systemd.withLine("READY=1");
            assertEquals("READY=1\nSTATUS=2 components: 2 running", ready2.get(1), "ready again after the reload");
            assertTrue(systemd.indexOf("RELOADING=1") < systemd.messages().lastIndexOf(ready2.get(1)));

            daemon.destroy(); // SIGTERM, as systemctl stop sends
            assertTrue(daemon.waitFor(60, TimeUnit.SECONDS), "the daemon exits");
            assertEquals(0, daemon.exitValue());
            systemd.await("STOPPING=1", WAIT);
            List<String> all = systemd.messages();
            int stopping = systemd.indexOf("STOPPING=1");
            assertTrue(systemd.indexOf("READY=1") < stopping, all.toString());
            assertTrue(all.subList(stopping + 1, all.size()).isEmpty(), "nothing after STOPPING=1: " + all);
        }
    }

    @Test
    void anAbstractSocketNameIsReachedToo() throws Exception {
        try (FakeNotifySocket systemd = new FakeNotifySocket("@stigmer-test-" + UUID.randomUUID())) {
            startUnderSystemd(systemd);

            assertEquals("READY=1\nSTATUS=2 components: 2 running", systemd.await("READY=1", WAIT));
            systemd.await("WATCHDOG=1", 2, WAIT);
            daemon.destroy();
            assertTrue(daemon.waitFor(60, TimeUnit.SECONDS), "the daemon exits");
            systemd.await("STOPPING=1", WAIT);
        }
    }
}
