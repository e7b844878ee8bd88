package ai.stigmer.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.jmx.JmxCredentials;
import ai.stigmer.jmx.ObjectNames;
import ai.stigmer.testing.WithStigmerInstall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.Test;

/**
 * The operator's stop() of one component is kept in {@code run/<component>.stopped} across a daemon
 * restart; start() clears it. {@code stigmer server stop} is not an operator's stop of a component.
 */
class OperatorStopAcrossRestartTest extends WithStigmerInstall {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private void invoke(String component, String operation) throws Exception {
        try (JMXConnector c = install.connect(JmxCredentials.CONTROL)) {
            c.getMBeanServerConnection().invoke(ObjectNames.component(component), operation, null, null);
        }
    }

    @Test
    void aComponentStoppedByTheOperatorStaysStoppedAfterADaemonRestartUntilStarted() throws Exception {
        install.config("""
                components:
                  held:
                    process: { command: [sleep, '1000'] }
                  free:
                    process: { command: [sleep, '1000'] }
                """);
        install.start();
        install.awaitState("held", "Running", WAIT);
        install.awaitState("free", "Running", WAIT);
        invoke("held", "stop");
        Path flag = install.home.resolve("run/held.stopped");
        assertTrue(Files.exists(flag));
        assertEquals(0, install.stigmer("server", "stop").exit());
        assertTrue(Files.notExists(install.home.resolve("run/free.stopped")), "the daemon's stop is not the operator's");

        install.start();
        install.awaitState("free", "Running", WAIT);
        assertEquals("Stopped", install.state("held"));
        assertEquals(-1L, install.pid("held"));

        invoke("held", "start");
        install.awaitState("held", "Running", WAIT);
        assertTrue(Files.notExists(flag), "start() clears it");
        assertEquals(0, install.stigmer("server", "stop").exit());
        install.start();
        install.awaitState("held", "Running", WAIT);
        assertEquals(0, install.stigmer("server", "stop").exit());
    }
}
