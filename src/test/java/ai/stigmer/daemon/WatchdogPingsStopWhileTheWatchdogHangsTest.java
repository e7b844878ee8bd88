package ai.stigmer.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.stigmer.config.ConfigLoader;
import ai.stigmer.supervisor.ComponentSupervisor;
import ai.stigmer.supervisor.State;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.FakeNotifySocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * systemd's watchdog pings ride on the daemon's own watchdog tick: while the watchdog thread hangs
 * (here in a component listener that does not return, as a buggy one would) no WATCHDOG=1 goes out,
 * so systemd would restart the daemon; once the thread is free again the pings resume. Real daemon
 * wiring in this JVM, a real process, a real datagram socket as systemd's end.
 */
class WatchdogPingsStopWhileTheWatchdogHangsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern NOT_TICKED = Pattern.compile("the watchdog has not ticked for (\\d+)s");

    @TempDir
    Path dir;
    private Daemon daemon;
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void cleanUp() {
        release.countDown();
        if (daemon != null) {
            daemon.stopComponents();
            daemon.close();
        }
    }

    @Test
    void noWatchdogPingWhileTheWatchdogThreadHangsAndPingsAgainOnceItIsFree() throws Exception {
        try (FakeNotifySocket systemd = new FakeNotifySocket(dir.resolve("notify.sock").toString());
                SystemdNotifier notifier = SystemdNotifier.fromEnvironment(
                        Map.of("NOTIFY_SOCKET", systemd.address(), "WATCHDOG_USEC", "2000000"),
                        ProcessHandle.current().pid())) {
            StigmerHome home = new StigmerHome(dir.resolve("home")).ensure();
            Path config = Files.writeString(dir.resolve("stigmer.yaml"),
                    "components:\n  sleeper:\n    process: { command: [sleep, '1000'] }\n");
            daemon = new Daemon(ConfigLoader.load(config, home.configVariables(dir)), home);
            daemon.reportTo(notifier);
            daemon.start();
            systemd.await("READY=1", WAIT);
            systemd.await("WATCHDOG=1", 2, WAIT);

            ComponentSupervisor sleeper = daemon.supervisor().component("sleeper").orElseThrow();
            AtomicBoolean hang = new AtomicBoolean(true);
            sleeper.addListener(event -> {
                while (hang.get()) {
                    try {
                        release.await();
                        hang.set(false);
                    } catch (InterruptedException e) {
                        // a hung thread ignores its interrupts too
                    }
                }
            });
            sleeper.restart(); // its first event reaches the listener, on the watchdog thread

            Await.until("the watchdog reported silent", WAIT, () -> silentSeconds() >= 5);
            int pingsAfterFiveSeconds = systemd.count("WATCHDOG=1");
            Await.until("three seconds more of silence", WAIT, () -> silentSeconds() >= 8);
            assertEquals(pingsAfterFiveSeconds, systemd.count("WATCHDOG=1"),
                    "no ping for 3 s, while one was due every second");

            release.countDown();
            systemd.await("WATCHDOG=1", pingsAfterFiveSeconds + 1, WAIT);
            Await.until("Running again after its restart", WAIT, () -> sleeper.status().state() == State.RUNNING);
        }
    }

    /** How long the watchdog has not ticked, as the daemon reports it (0 while it ticks). */
    private long silentSeconds() {
        Matcher m = NOT_TICKED.matcher(daemon.supervisor().monitoringProblem());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
