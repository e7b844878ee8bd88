package ai.stigmer.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.Await;
import ai.stigmer.testing.WithStigmerInstall;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A daemon killed with SIGKILL leaves its components running (each in a session of its own); the
 * next daemon adopts them instead of starting second copies, and supervises them as before.
 */
class DaemonCrashTest extends WithStigmerInstall {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void componentsSurviveADaemonCrashAndAreAdoptedByTheNextDaemon() throws Exception {
        install.config("""
                defaults:
                  restart: { backoff: { initial: 100ms, max: 1s } }
                components:
                  survivor:
                    process: { command: [sleep, '1000'] }
                    probes:
                      liveness: { period: 1s, checks: [ { process: {} } ] }
                """);
        install.start();
        install.awaitState("survivor", "Running", WAIT);
        long component = install.pid("survivor");
        long daemon = Long.parseLong(Files.readString(install.home.resolve("run/daemon.pid")).trim());

        ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
        Await.until("the daemon is gone", WAIT, () -> ProcessHandle.of(daemon).map(h -> !h.isAlive()).orElse(true));
        assertTrue(ProcessHandle.of(component).map(ProcessHandle::isAlive).orElse(false), "the component survived");

        install.start();
        install.awaitState("survivor", "Running", WAIT);
        assertEquals(component, install.pid("survivor"), "adopted, not started again");
        assertEquals(0, install.restarts("survivor"));
        assertTrue(install.daemonOut().contains("Adopted running instance pid " + component), install.daemonOut());

        // Still supervised: its death is noticed and it is restarted.
        ProcessHandle.of(component).orElseThrow().destroyForcibly();
        // Each attribute is read on its own: an exit now seen within milliseconds can fall between two
        // reads (state still Running, pid already -1), so a new pid is required before and after the state.
        Await.until("restarted", WAIT, () -> {
            try {
                long pid = install.pid("survivor");
                return pid > 0 && pid != component && "Running".equals(install.state("survivor"))
                        && install.pid("survivor") == pid;
            } catch (RuntimeException e) {
                return false;
            }
        });
        assertNotEquals(component, install.pid("survivor"));
        assertEquals(1, install.restarts("survivor"));
    }
}
