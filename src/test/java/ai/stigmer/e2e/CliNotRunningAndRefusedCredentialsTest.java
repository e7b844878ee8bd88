package ai.stigmer.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.StigmerInstall;
import ai.stigmer.testing.StigmerInstall.Result;
import ai.stigmer.testing.WithStigmerInstall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SPEC §7's exit codes of {@code status} against the real daemon: 3 when no daemon holds the home's
 * lock (before the first start and after a stop, also with a stale pid file), 4 naming the
 * credentials file when the daemon refuses the password the command line read.
 */
class CliNotRunningAndRefusedCredentialsTest extends WithStigmerInstall {
    @Test
    void noDaemonIsExitThreeInOneLineAlsoWithAStalePidFile() throws Exception {
        install.homeConfig("components:\n  solo:\n    process: { command: [sleep, '1005'] }\n");
        Result none = install.stigmer("server", "status");
        assertEquals(3, none.exit(), none.out());
        assertEquals("stigmer daemon is not running (no answer on 127.0.0.1:" + install.jmxPort + ")\n", none.out());

        install.start();
        install.awaitState("solo", "Running", Duration.ofSeconds(60));
        Result stop = install.stigmer("server", "stop");
        assertEquals(0, stop.exit(), stop.out());

        // A pid file naming a live process is no proof: nobody holds the lock.
        Process live = new ProcessBuilder("sleep", "1007").start();
        Result after;
        try {
            Files.writeString(install.home.resolve("run/daemon.pid"), live.pid() + "\n");
            after = install.stigmer("server", "status");
        } finally {
            live.destroyForcibly().waitFor();
        }
        assertEquals(3, after.exit(), after.out());
        assertEquals(1, after.out().strip().lines().count(), after.out());
        assertTrue(after.out().startsWith("stigmer daemon is not running"), after.out());
        Result json = install.stigmer("server", "status", "--json");
        assertEquals(3, json.exit(), json.out());
        assertTrue(json.out().startsWith("{\"running\":false"), json.out());
    }

    @Test
    void refusedCredentialsAreExitFourNamingTheFileTheCommandLineRead() throws Exception {
        install.homeConfig("components:\n  solo:\n    process: { command: [sleep, '1006'] }\n");
        install.start();
        install.awaitState("solo", "Running", Duration.ofSeconds(60));

        // The command line pointed at other credentials than the daemon's: another home, same address.
        Path other = dir.resolve("other");
        Files.createDirectories(other.resolve("jmx"));
        Files.copy(install.home.resolve("stigmer.yaml"), other.resolve("stigmer.yaml"));
        Path passwords = other.resolve("jmx/jmxremote.password");
        Files.writeString(passwords, "monitor wrong-password\ncontrol wrong-password\n");
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> otherHome = Map.of("STIGMER_HOME", other.toString());
        String bin = StigmerInstall.ROOT.resolve("bin/stigmer").toString();

        Result status = install.run(List.of(bin, "server", "status"), otherHome);
        assertEquals(4, status.exit(), status.out());
        assertEquals(1, status.out().strip().lines().count(), status.out());
        assertTrue(status.out().contains("refused the credentials of role monitor read from " + passwords), status.out());

        Result stop = install.run(List.of(bin, "server", "stop"), otherHome);
        assertEquals(4, stop.exit(), stop.out());
        assertTrue(stop.out().contains("refused the credentials of role control read from " + passwords), stop.out());
        assertEquals("Running", install.state("solo"), "nothing was stopped");

        Result own = install.stigmer("server", "status");
        assertEquals(0, own.exit(), "the daemon's own credentials still work:\n" + own.out());
    }
}
