package ai.stigmer.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.runtime.process.ProcStat;
import ai.stigmer.testing.Ports;
import ai.stigmer.testing.StigmerInstall.Result;
import ai.stigmer.testing.WithStigmerInstall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A daemon that holds its lock but does not answer where the command line looks (here: the config
 * was edited to another port after the daemon started). {@code status} exits 4, not 3; {@code stop}
 * asks the lock's holder to shut down with SIGTERM, checks the instances recorded in run/, and says
 * "stopped" only once the daemon and its component are gone.
 */
class StopOfADaemonThatDoesNotAnswerTest extends WithStigmerInstall {
    @Test
    void stopSendsSigtermToTheLockHolderAndChecksWhatItRan() throws Exception {
        Path config = install.homeConfig("components:\n  solo:\n    process: { command: [sleep, '1008'] }\n");
        install.start();
        install.awaitState("solo", "Running", Duration.ofSeconds(60));
        long daemon = install.daemonPid();
        long solo = install.pid("solo");

        int elsewhere = Ports.free();
        Files.writeString(config, Files.readString(config).replace("port: " + install.jmxPort, "port: " + elsewhere));
        Result status = install.stigmer("server", "status");
        assertEquals(4, status.exit(), status.out());
        assertEquals("stigmer daemon (pid " + daemon + ") does not answer on 127.0.0.1:" + elsewhere
                + " (connection refused)\n", status.out());

        Result stop = install.stigmer("server", "stop");
        assertEquals(0, stop.exit(), stop.out() + install.daemonOut());
        assertTrue(stop.out().contains("Sent SIGTERM to stigmer daemon (pid " + daemon + ")"), stop.out());
        assertTrue(stop.out().contains("  solo (pid " + solo + "): stopped\n"), stop.out());
        assertTrue(stop.out().endsWith("stigmer daemon stopped\n"), stop.out());
        assertTrue(gone(daemon) && gone(solo));
        assertEquals(3, install.stigmer("server", "status").exit());
    }

    private static boolean gone(long pid) {
        return ProcStat.read(pid).map(ProcStat::gone).orElse(true);
    }
}
