package ai.stigmer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.JmxConfig;
import ai.stigmer.daemon.StigmerHome;
import ai.stigmer.jmx.FakeComponent;
import ai.stigmer.jmx.FakeSupervision;
import ai.stigmer.jmx.JmxControlPlane;
import ai.stigmer.jmx.JmxTestSupport;
import ai.stigmer.supervisor.ComponentStatus;
import ai.stigmer.supervisor.State;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands against a real JMX connector serving fake components. */
class CliCommandsTest {
    @TempDir Path root;
    private final FakeComponent server = FakeComponent.running("stigmer-server", "process", 12345, "");
    private final FakeComponent agent = FakeComponent.running("agent-runner", "docker", -1, "abc123456789ffff");
    private StigmerHome home;
    private int port;
    private CliEnvironment env;
    private JmxControlPlane plane;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    /** What the daemon's reload() does. */
    private volatile java.util.function.Supplier<String> reload = () -> "Reloaded x.yaml: added none; removed none; changed none; unchanged stigmer-server, agent-runner";

    @BeforeEach
    void startDaemon() throws IOException {
        home = new StigmerHome(root.resolve("home")).ensure();
        port = JmxTestSupport.freePort();
        env = new CliEnvironment(home, root, config -> new JmxConfig("127.0.0.1", port));
        plane = JmxControlPlane.start(new JmxConfig("127.0.0.1", port), home.jmx(), new FakeSupervision(server, agent),
                () -> plane.close(), () -> reload.get());
    }

    @AfterEach
    void stopDaemon() {
        plane.close();
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return Main.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void statusExitsZeroWhenAllRunOneWhenOneDoesNotThreeWithoutDaemon() throws Exception {
        assertEquals(0, run("server", "status"), err.toString());
        assertTrue(out.toString().startsWith("Stigmer Server Status:\n"), out.toString());
        assertTrue(out.toString().contains("Agent Runner (Docker):\n  Status:   Running ✓\n  Container: abc123456789\n"));

        server.setStatus(new ComponentStatus("stigmer-server", "process", State.FAILED, false, -1, "", 0, 10, 10, 11,
                -1, "exited with code 1", 1, List.of()));
        assertEquals(1, run("server", "status"));
        assertTrue(out.toString().contains("  Status:   Failed ✗✗\n"), out.toString());
        assertTrue(out.toString().contains("  Error:    exited with code 1\n"), out.toString());
        assertEquals(1, run("server", "status", "--json"));
        assertEquals("Failed", new ObjectMapper().readTree(out.toString()).get("components").get(0).get("state").asText());

        plane.close();
        assertEquals(3, run("server", "status"));
        assertEquals("stigmer daemon is not running (no answer on 127.0.0.1:" + port + ")\n", out.toString());
        assertEquals(3, run("server", "status", "--json"));
        assertEquals(false, new ObjectMapper().readTree(out.toString()).get("running").asBoolean());
    }

    @Test
    void theShortcutForPlainStatusAnswersLikeTheFullCommandLine() throws Exception {
        assertTrue(StatusCommand.isPlain(new String[] {"server", "status", "--json"}));
        assertTrue(StatusCommand.isPlain(new String[] {"server", "status", "--config", "x"}));
        assertTrue(StatusCommand.isPlain(new String[] {"server", "status", "--json", "--config", "x"}));
        assertTrue(!StatusCommand.isPlain(new String[] {"server", "status", "--config"}));
        assertTrue(!StatusCommand.isPlain(new String[] {"server", "status", "--json", "--json"}));
        assertTrue(!StatusCommand.isPlain(new String[] {"server", "status", "--help"}));
        assertEquals(Path.of("x").toAbsolutePath(), StatusCommand.plainConfig(new String[] {"server", "status", "--config", "x"}));
        StringWriter shortcut = new StringWriter();
        assertEquals(0, Main.runStatus(new String[] {"server", "status"}, env, new PrintWriter(shortcut), new PrintWriter(err)));
        assertEquals(0, run("server", "status"));
        assertEquals(out.toString(), shortcut.toString());

        plane.close();
        shortcut.getBuffer().setLength(0);
        assertEquals(3, Main.runStatus(new String[] {"server", "status", "--json"}, env, new PrintWriter(shortcut),
                new PrintWriter(err)));
        assertEquals(false, new ObjectMapper().readTree(shortcut.toString()).get("running").asBoolean());
    }

    @Test
    void theShortcutForPlainServerAnswersLikeTheFullCommandLine() {
        assertTrue(ServerCommand.isPlainBackground(new String[] {"server"}));
        assertTrue(ServerCommand.isPlainBackground(new String[] {"server", "--config", "x"}));
        assertTrue(!ServerCommand.isPlainBackground(new String[] {"server", "--config"}));
        assertTrue(!ServerCommand.isPlainBackground(new String[] {"server", "--config", "--help"}));
        assertTrue(!ServerCommand.isPlainBackground(new String[] {"server", "--help"}));
        assertTrue(!ServerCommand.isPlainBackground(new String[] {"server", "--foreground"}));
        assertTrue(!ServerCommand.isPlainBackground(new String[] {"server", "status"}));
        StringWriter shortcut = new StringWriter();
        assertEquals(0, Main.runBackground(new String[] {"server", "--config", "x"}, env, new PrintWriter(shortcut),
                new PrintWriter(err)), err.toString());
        assertEquals(0, run("server", "--config", "x"));
        assertTrue(out.toString().startsWith("stigmer daemon is already running (pid "), out.toString());
        assertEquals(out.toString(), shortcut.toString());
    }

    @Test
    void restartCallsTheOperationAndRejectsUnknownComponents() {
        assertEquals(0, run("server", "restart", "stigmer-server"), err.toString());
        assertEquals(1, server.restarts.get());
        assertEquals("Restarted stigmer-server (now Running)\n", out.toString());

        assertEquals(2, run("server", "restart", "nope"));
        assertEquals("unknown component 'nope' (known: stigmer-server, agent-runner)\n", err.toString());

        plane.close();
        assertEquals(3, run("server", "restart", "stigmer-server"));
        assertTrue(err.toString().startsWith("stigmer daemon is not running"), err.toString());
    }

    @Test
    void stopShutsTheDaemonDownAndWaitsUntilItIsGone() {
        assertEquals(0, run("server", "stop"), err.toString());
        assertTrue(out.toString().endsWith("stigmer daemon stopped\n"), out.toString());
        assertEquals(3, run("server", "status"));
        assertEquals(0, run("server", "stop"));
        assertEquals("stigmer daemon is not running\n", out.toString());
    }

    @Test
    void stopNamesAnInstanceThatOutlivesTheDaemonAndExitsOne() throws Exception {
        Process survivor = new ProcessBuilder("sleep", "1003").start();
        try {
            server.setStatus(FakeComponent.running("stigmer-server", "process", survivor.pid(), "").status());
            assertEquals(1, run("server", "stop"), out.toString() + err);
            assertTrue(out.toString().contains("  stigmer-server (pid " + survivor.pid() + "): still running\n"), out.toString());
            assertTrue(out.toString().contains("still running: stigmer-server (pid " + survivor.pid() + ")\n"), out.toString());
            assertTrue(!out.toString().contains("stigmer daemon stopped"), out.toString());
        } finally {
            survivor.destroyForcibly().waitFor();
        }
    }

    @Test
    void stopWithoutDaemonNamesRecordedInstancesThatStillRunButNeverAReusedPid() throws Exception {
        plane.close();
        Process orphan = new ProcessBuilder("sleep", "1010").start();
        try {
            long ticks = ai.stigmer.runtime.process.ProcStat.read(orphan.pid()).orElseThrow().startTicks();
            Path record = home.run().resolve("stigmer-server.instance");
            // The same pid with another start time: a process the OS gave the pid to, not the instance.
            Files.writeString(record, "pid=" + orphan.pid() + "\nstartTicks=" + (ticks - 1) + "\ncontainerId=\n");
            assertEquals(0, run("server", "stop"), out.toString());
            assertEquals("stigmer daemon is not running\n", out.toString());

            Files.writeString(record, "pid=" + orphan.pid() + "\nstartTicks=" + ticks + "\ncontainerId=\n");
            assertEquals(1, run("server", "stop"), out.toString());
            assertTrue(out.toString().startsWith("stigmer daemon is not running, but instances it started are left: "
                    + "stigmer-server (pid " + orphan.pid() + ")\n"), out.toString());
            assertTrue(orphan.isAlive(), "stop without a daemon signals nothing");
        } finally {
            orphan.destroyForcibly().waitFor();
        }
    }

    @Test
    void wrongCredentialsExitFourAndNameTheFileRead() throws Exception {
        // The command line pointed at other credentials (another home) than the daemon's.
        StigmerHome other = new StigmerHome(root.resolve("other")).ensure();
        Path passwords = other.jmx().resolve(ai.stigmer.jmx.JmxCredentials.PASSWORD_FILE);
        Files.writeString(passwords, "monitor not-the-password\ncontrol not-the-password-either\n");
        env = new CliEnvironment(other, root, config -> new JmxConfig("127.0.0.1", port));
        assertEquals(4, run("server", "status"));
        assertTrue(out.toString().contains("refused the credentials of role monitor read from " + passwords), out.toString());
        assertEquals(1, out.toString().strip().lines().count(), out.toString());
        assertEquals(4, run("server", "status", "--json"));
        assertTrue(out.toString().startsWith("{\"running\":true,\"answering\":true,"), out.toString());
        assertEquals(4, run("server", "stop"));
        assertTrue(err.toString().contains("refused the credentials of role control read from " + passwords), err.toString());
        assertEquals(4, run("server", "restart", "stigmer-server"));
        assertEquals(0, server.restarts.get());
    }

    @Test
    void aHeldLockWithoutAnAnswerIsNotAnsweringNotNotRunning() throws Exception {
        plane.close();
        try (FileChannel lock = FileChannel.open(home.run().resolve(DaemonLock.FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            assertTrue(lock.tryLock() != null);
            assertEquals(4, run("server", "status"));
            assertTrue(out.toString().startsWith("stigmer daemon (pid " + ProcessHandle.current().pid()
                    + ") does not answer on 127.0.0.1:" + port + " ("), out.toString());
            assertEquals(1, out.toString().strip().lines().count(), out.toString());
            assertEquals(4, run("server", "status", "--json"));
            assertEquals(true, new ObjectMapper().readTree(out.toString()).get("running").asBoolean());
        }
        assertEquals(3, run("server", "status"), "the lock let go: not running");
    }

    @Test
    void logsPrintsTheComponentLogAndRejectsUnknownOnes() throws IOException {
        Files.writeString(home.componentLog("stigmer-server"), "line one\nline two ✓\n");
        assertEquals(0, run("server", "logs", "stigmer-server"));
        assertEquals("line one\nline two ✓\n", out.toString());
        assertEquals(2, run("server", "logs", "nope"));
        assertTrue(err.toString().startsWith("no log for component 'nope'"), err.toString());
        assertTrue(err.toString().contains("(components with logs: stigmer-server)"), err.toString());
        assertEquals(2, run("server", "logs", "../jmx/jmxremote"));
    }

    @Test
    void stopNameStopsThatComponentOnlyAndStartNameStartsIt() {
        // This fake's stop fails, as a stop whose instance may still run does: said, exit 1.
        assertEquals(1, run("server", "stop", "stigmer-server"));
        assertEquals("stop of stigmer-server failed: docker daemon unreachable\n", err.toString());
        assertEquals(1, server.stops.get());
        assertEquals(0, agent.stops.get());
        assertEquals(0, run("server", "status"), "the daemon still runs");

        assertEquals(0, run("server", "start", "stigmer-server"), err.toString());
        assertEquals("Started stigmer-server (now Running)\n", out.toString());
        assertEquals(1, server.starts.get());

        assertEquals(2, run("server", "start", "nope"));
        assertEquals("unknown component 'nope' (known: stigmer-server, agent-runner)\n", err.toString());
        assertEquals(2, run("server", "stop", "nope"));
        assertEquals(2, run("server", "start"), "start needs a component");
        plane.close();
        assertEquals(3, run("server", "stop", "stigmer-server"));
        assertEquals(3, run("server", "start", "stigmer-server"));
    }

    @Test
    void reloadPrintsWhatChangedAndARefusalExitsTwo() {
        assertEquals(0, run("server", "reload"), err.toString());
        assertEquals("Reloaded x.yaml: added none; removed none; changed none; unchanged stigmer-server, agent-runner\n",
                out.toString());
        reload = () -> {
            throw new IllegalArgumentException("invalid configuration, nothing changed: x.yaml: components: no components");
        };
        assertEquals(2, run("server", "reload"));
        assertEquals("invalid configuration, nothing changed: x.yaml: components: no components\n", err.toString());
        reload = () -> {
            throw new IllegalStateException("a reload is already under way; try again once it is done");
        };
        assertEquals(1, run("server", "reload"));
        assertEquals("a reload is already under way; try again once it is done\n", err.toString());
        plane.close();
        assertEquals(3, run("server", "reload"));
    }

    @Test
    void validateListsEveryMistakeOfTheFileAtOnceAndNeedsNoDaemon() throws Exception {
        plane.close();
        Path bad = Files.writeString(root.resolve("bad.yaml"), """
                components:
                  web:
                    process: { command: [] }
                    probes: { liveness: { period: 0s, checks: [ { process: {} } ] } }
                  worker:
                    dependsOn: [ghost]
                    process: { command: [sleep, '1'] }
                """);
        assertEquals(2, run("server", "validate", "--config", bad.toString()));
        assertEquals(bad + ": components.web.probes.liveness.period: must be greater than 0, found 0s\n"
                + bad + ": components.web.process.command: must not be empty\n"
                + bad + ": components.worker.dependsOn[0]: unknown component 'ghost'; components are: web, worker\n"
                + bad + ": invalid, 3 mistakes\n", out.toString());

        Path good = Files.writeString(root.resolve("good.yaml"), """
                components:
                  web: { process: { command: [sleep, '1'] } }
                  worker: { dependsOn: [web], process: { command: [sleep, '1'] } }
                """);
        assertEquals(0, run("server", "validate", "--config", good.toString()), out.toString() + err);
        assertEquals(good + ": valid, 2 components\n", out.toString());
    }

    @Test
    void badUsageExitsTwo() {
        assertEquals(2, run("server", "restart"));
        assertEquals(2, run("server", "bogus"));
        assertEquals(2, run());
    }
}
