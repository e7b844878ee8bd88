package ai.stigmer.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.runtime.process.ProcStat;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.StigmerInstall;
import ai.stigmer.testing.WithStigmerInstall;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code bin/stigmer server --foreground}: runs the components until SIGTERM, then stops them all. */
class ForegroundDaemonTest extends WithStigmerInstall {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private Process daemon;

    @AfterEach
    void tearDown() {
        if (daemon != null && daemon.isAlive()) {
            daemon.destroyForcibly();
        }
    }

    private Process foreground(Path config) throws Exception {
        List<String> command = new ArrayList<>(List.of(StigmerInstall.ROOT.resolve("bin/stigmer").toString(),
                "server", "--foreground", "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("foreground.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(install.environment());
        return pb.start();
    }

    @Test
    void runsUntilSigtermThenStopsEveryComponentDependentsFirstAndExitsZero() throws Exception {
        Path config = install.config("""
                components:
                  base:
                    process: { command: [sh, -c, "echo base up; exec sleep 1000"] }
                  leaf:
                    dependsOn: [base]
                    process: { command: [sh, -c, "sleep 1000 & sleep 1001 & wait"], env: { API_TOKEN: "hunter2-secret" } }
                """);
        daemon = foreground(config);
        install.awaitState("base", "Running", WAIT);
        install.awaitState("leaf", "Running", WAIT);
        long base = install.pid("base");
        long leaf = install.pid("leaf");
        Await.until("leaf's children", WAIT, () -> ProcessHandle.of(leaf).map(h -> h.children().count() == 2).orElse(false));
        List<ProcessHandle> everything = new ArrayList<>(ProcessHandle.of(leaf).orElseThrow().descendants().toList());
        everything.add(ProcessHandle.of(leaf).orElseThrow());
        everything.add(ProcessHandle.of(base).orElseThrow());

        daemon.destroy(); // SIGTERM
        assertTrue(daemon.waitFor(60, TimeUnit.SECONDS), "daemon exits");
        assertEquals(0, daemon.exitValue());
        for (ProcessHandle h : everything) {
            // gone, or a zombie that init has yet to reap: nothing runs any more
            assertTrue(ProcStat.read(h.pid()).map(ProcStat::gone).orElse(true), "left behind: " + h.pid());
        }
        String log = Files.readString(install.home.resolve("logs/daemon.log"));
        assertTrue(log.indexOf("[leaf] Component stopped") < log.indexOf("[base] Component stopped"),
                "dependents first:\n" + log);
        assertTrue(install.log("base").contains("base up"), "the component's output is in its log");
        assertTrue(install.log("base").contains("Component started, health monitoring active"));
        assertTrue(!log.contains("hunter2-secret") && !install.log("leaf").contains("hunter2-secret"),
                "secrets from the environment never reach the logs");
        assertTrue(Files.notExists(install.home.resolve("run/daemon.pid")));
    }

    @Test
    void aSecondDaemonForTheSameHomeIsRefused() throws Exception {
        Path config = install.config("components:\n  one:\n    process: { command: [sleep, '1000'] }\n");
        daemon = foreground(config);
        install.awaitState("one", "Running", WAIT);
        StigmerInstall.Result second = install.stigmer("server", "--foreground");
        assertEquals(1, second.exit(), second.out());
        assertTrue(second.out().contains("already running"), second.out());
    }

    @Test
    void theLockFileIsTheDaemonUsersAloneEvenWhenItWasLeftOpen() throws Exception {
        Path lock = install.home.resolve("run/daemon.lock");
        Files.createDirectories(lock.getParent());
        Files.writeString(lock, "");
        Files.setPosixFilePermissions(lock, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Path config = install.config("components:\n  one:\n    process: { command: [sleep, '1000'] }\n");
        daemon = foreground(config);
        install.awaitState("one", "Running", WAIT);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(lock)));
    }

    @Test
    void anInvalidConfigIsRefusedWithExitTwoBeforeAnythingStarts() throws Exception {
        Path config = install.config("""
                components:
                  one:
                    process: { command: [sleep, '1000'] }
                    probes:
                      liveness: { period: 0s, checks: [ { process: {} } ] }
                """);
        StigmerInstall.Result r = install.stigmer("server", "--foreground");
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.out().contains(config.toString()), r.out());
        assertTrue(r.out().contains("components.one.probes.liveness.period"), r.out());
    }
}
