package ai.stigmer.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.Await;
import ai.stigmer.testing.StigmerInstall;
import ai.stigmer.testing.WithStigmerInstall;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real daemon whose file descriptor limit is lowered below what it holds ({@code prlimit}, as a
 * leak or a low {@code ulimit -n} would leave it): every open, socket and /proc read of it fails
 * with EMFILE. Its probes then cannot run, and say so; they do not take that for a dead process or a
 * closed port, so no healthy component is marked unhealthy, stopped or restarted. Once the limit is
 * back the probes run again and still catch a real failure.
 */
class DaemonOutOfDescriptorsTest extends WithStigmerInstall {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NOT_RUN = "Health check could not run";
    private static final String SHORTAGE = "the daemon is out of file descriptors";

    @Test
    void probesThatCannotRunForLackOfDescriptorsRestartNothingAndRunAgainOnceTheLimitIsBack() throws Exception {
        try (ServerSocket port = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread accepter = acceptAll(port);
            install.useJars(dir); // as it runs for an operator: classes loaded from open jars need no descriptor
            install.config("""
                    components:
                      sleeper:
                        process: { command: [sleep, '1000'] }
                        probes:
                          liveness: { period: 1s, failureThreshold: 2, checks: [ { process: {} } ] }
                      listener:
                        process: { command: [sleep, '1001'] }
                        probes:
                          liveness: { period: 1s, failureThreshold: 2, checks: [ { tcp: { host: 127.0.0.1, port: %d } } ] }
                    """.formatted(port.getLocalPort()));
            install.start();
            install.awaitState("sleeper", "Running", WAIT);
            install.awaitState("listener", "Running", WAIT);
            long sleeper = install.pid("sleeper");
            long listener = install.pid("listener");
            long daemon = install.daemonPid();

            whileShort(daemon, () -> {
                Await.until("a probe run of each that could not run (or a component marked unhealthy)", WAIT,
                        () -> (notRunLines("sleeper") >= 1 && notRunLines("listener") >= 1) || anyMarkedUnhealthy());
                // The repeat filter writes such a line once a minute; the heartbeat finds a probe without
                // a result for 2 periods and its timeout (about 3 s here): by then each has gone past its
                // failureThreshold of 2 while the daemon still has no descriptor.
                Await.until("both probes without a result", WAIT, () -> {
                    String problem = monitoringProblem();
                    return problem.contains("liveness probe of sleeper: no result")
                            && problem.contains("liveness probe of listener: no result");
                });
            });

            for (String component : List.of("sleeper", "listener")) {
                // (One "Health check failed" may come of a run that failed just before the limit was
                // back and looked at the daemon just after: below the failureThreshold.)
                String log = install.log(component);
                assertFalse(log.contains("Component marked unhealthy"), log);
                assertTrue(log.contains(SHORTAGE), log);
            }
            assertEquals(sleeper, install.pid("sleeper"));
            assertEquals(listener, install.pid("listener"));
            assertEquals(0, install.restarts("sleeper"));
            assertEquals(0, install.restarts("listener"));
            assertEquals("Running", install.state("sleeper"));
            assertEquals("Running", install.state("listener"));
            assertTrue(ai.stigmer.runtime.process.ProcStat.read(sleeper).isPresent(), "the instance runs on");

            // The probes run again: a port that closes now is a failure, and the component is restarted.
            port.close();
            accepter.join(WAIT.toMillis());
            Await.until("the listener restarted after its port closed", WAIT, () -> install.restarts("listener") >= 1);
            assertTrue(install.log("listener").contains("Health check failed (liveness: tcp 127.0.0.1:"),
                    install.log("listener"));
            assertEquals(sleeper, install.pid("sleeper"));
        }
    }

    /** In both containment modes: a cgroup's files, or /proc for a session, cannot be read while short. */
    @ParameterizedTest
    @ValueSource(strings = {"cgroup", "session"})
    void anInstanceThatEndsWhileTheDaemonIsShortIsStoppedAndRestartedOnceDescriptorsAreBack(String mode) throws Exception {
        install.useJars(dir);
        if (mode.equals("session")) {
            install.env("STIGMER_JAVA_OPTS", "-Dstigmer.containment=session");
        }
        install.config("""
                components:
                  sleeper:
                    process: { command: [sleep, '1000'] }
                    restart: { backoff: { initial: 0s } }
                """);
        install.start();
        install.awaitState("sleeper", "Running", WAIT);
        String containment = (String) install.daemonAttribute("Containment");
        if (mode.equals("cgroup")) {
            Assumptions.assumeTrue(containment.startsWith("cgroup"), "no cgroup v2 here: " + containment);
        }
        assertTrue(containment.startsWith(mode), containment);
        long first = install.pid("sleeper");
        long daemon = install.daemonPid();

        whileShort(daemon, () -> {
            StigmerInstall.kill9(first);
            // Its exit is seen (the pidfd was open before); the stop that clears what it left cannot
            // read the cgroup or /proc, nor the next launch open its log or pipes, while the daemon
            // is short: they wait instead of failing (before, the launch failed at once, again and
            // again, spending the restart limit in a few milliseconds; the stop failed for good).
            Await.until("the next launch waiting", WAIT, () -> {
                String log = install.log("sleeper");
                return log.contains("Launch waits") || log.contains("Stop waits") || log.contains("launch failed")
                        || log.contains("stop failed");
            });
        });

        Await.until("a new instance", WAIT, () -> {
            String state = install.state("sleeper");
            assertFalse("Failed".equals(state), () -> install.log("sleeper"));
            return "Running".equals(state) && install.pid("sleeper") != first;
        });
        assertEquals(1, install.restarts("sleeper"));
        String log = install.log("sleeper");
        assertTrue(log.contains(" waits: the daemon is out of file descriptors"), log);
        assertFalse(log.contains("launch failed") || log.contains("stop failed"), log);
    }

    /** The daemon's MonitoringProblem; "" while it cannot be read. */
    private String monitoringProblem() {
        try {
            return (String) install.daemonAttribute("MonitoringProblem");
        } catch (IllegalStateException e) {
            return "";
        }
    }

    private boolean anyMarkedUnhealthy() {
        return install.log("sleeper").contains("Component marked unhealthy")
                || install.log("listener").contains("Component marked unhealthy");
    }

    private long notRunLines(String component) {
        return install.log(component).lines().filter(l -> l.contains(NOT_RUN) && l.contains(SHORTAGE)).count();
    }

    /** Accepts and closes connections until {@code port} is closed. */
    private static Thread acceptAll(ServerSocket port) {
        Thread t = new Thread(() -> {
            while (!port.isClosed()) {
                try {
                    port.accept().close();
                } catch (IOException closed) {
                    // closed by the test, or a connection that went away
                }
            }
        }, "test-accepter");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Runs {@code during} while the daemon's descriptor limit is far below what it holds (nothing new
     * can be opened), and puts its limit back after.
     */
    private void whileShort(long daemon, Runnable during) throws IOException {
        String[] limit = openFilesLimit(daemon);
        prlimit(daemon, "16:" + limit[1]);
        try {
            during.run();
        } finally {
            prlimit(daemon, limit[0] + ":" + limit[1]);
        }
    }

    /** {soft, hard} of "Max open files" in /proc/PID/limits. */
    private static String[] openFilesLimit(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
            if (line.startsWith("Max open files")) {
                String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                return new String[] {f[0], f[1]};
            }
        }
        throw new IllegalStateException("no open files limit for " + pid);
    }

    private void prlimit(long pid, String limits) {
        StigmerInstall.Result r = StigmerInstall.runToEnd(
                new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--nofile=" + limits), dir, WAIT);
        assertEquals(0, r.exit(), "prlimit --nofile=" + limits + ": " + r.out());
    }
}
