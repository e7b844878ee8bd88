package ai.stigmer.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.runtime.process.ProcStat;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.StigmerInstall;
import ai.stigmer.testing.StigmerInstall.Result;
import ai.stigmer.testing.WithStigmerInstall;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The command line of SPEC §7 as an operator types it: {@code bin/stigmer} and {@code bin/stigmer-status}
 * with the config in {@code $STIGMER_HOME/stigmer.yaml}, against the real daemon and real processes.
 */
class CliEndToEndTest extends WithStigmerInstall {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A 3s backoff, so that status (a JVM start on a busy machine) sees the component waiting to restart. */
    private static final String CONFIG = """
            defaults:
              restart:
                backoff: { initial: 3s, multiplier: 2.0, max: 6s }
                minUptime: 1s
              stop: { timeout: 2s }
              probes:
                liveness: { period: 1s, timeout: 1s }
            components:
              alpha:
                process: { command: [sh, -c, "echo alpha says hello; exec sleep 1000"] }
                probes: { liveness: { checks: [ { process: {} } ] } }
              beta:
                dependsOn: [alpha]
                process: { command: [sleep, '1001'] }
            """;

    @Test
    void startStatusKillRestartLogsAndStop() throws Exception {
        install.useInstallClassPath();
        install.homeConfig(CONFIG);

        Result started = install.stigmer("server");
        assertEquals(0, started.exit(), started.out() + install.daemonOut());
        assertTrue(started.out().contains("stigmer daemon started (pid " + install.daemonPid() + ")"), started.out());
        assertTrue(started.out().contains("Stigmer Server Status:"), started.out());

        Result status = awaitStatus("every component Running", r -> r.exit() == 0);
        assertTrue(status.out().startsWith("Stigmer Server Status:\n─────────────────────────────────────\n"), status.out());
        for (String c : List.of("alpha", "beta")) {
            assertTrue(block(status, c).contains("  Status:   Running ✓"), status.out());
            assertTrue(block(status, c).contains("  Restarts: 0"), status.out());
        }
        assertTrue(status.out().indexOf("alpha:") < status.out().indexOf("beta:"), "dependsOn order:\n" + status.out());
        assertTrue(status.out().contains("Health Monitoring: ✓ Active"), status.out());

        Result json = install.stigmer("server", "status", "--json");
        assertEquals(0, json.exit(), json.out());
        JsonNode root = JSON.readTree(json.out());
        assertEquals(true, root.get("running").asBoolean());
        assertEquals(true, root.get("allRunning").asBoolean());
        assertEquals(install.daemonPid(), root.get("daemon").get("pid").asLong());
        String containment = root.get("daemon").get("containment").asText();

        // Client commands start from the class-data archive the first of them made (bin/stigmer).
        Path classLoads = dir.resolve("class-loads.txt");
        Result archived = install.run(List.of(StigmerInstall.ROOT.resolve("bin/stigmer").toString(), "server", "status"),
                Map.of("STIGMER_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLoads));
        assertEquals(0, archived.exit(), archived.out());
        assertTrue(Files.readString(classLoads).contains("ai.stigmer.cli.Main source: shared objects file (top)"),
                "the command line's classes come from its archive");
        assertTrue(containment.startsWith("cgroup v2 at ") || containment.startsWith("session + subreaper"), containment);
        assertEquals(List.of("alpha", "beta"), names(root));
        List<Long> pids = new ArrayList<>();
        for (JsonNode c : root.get("components")) {
            assertEquals("Running", c.get("state").asText(), json.out());
            assertTrue(c.get("pid").asLong() > 0, json.out());
            pids.add(c.get("pid").asLong());
        }
        assertEquals(withoutUptime(status), withoutUptime(install.bin("stigmer-status")), "stigmer-status is the same");
        Result shortcutJson = install.bin("stigmer-status", "--json");
        assertEquals(0, shortcutJson.exit(), shortcutJson.out());
        assertEquals(names(root), names(JSON.readTree(shortcutJson.out())));

        // kill -9: status shows the wait for the restart (exit 1), then Running again with one restart (exit 0).
        long alpha = pids.get(0);
        StigmerInstall.kill9(alpha);
        Result restarting = awaitStatus("alpha Restarting or Starting",
                r -> block(r, "alpha").contains("Restarting ↻") || block(r, "alpha").contains("Starting ↻"));
        assertEquals(1, restarting.exit(), restarting.out());
        assertTrue(block(restarting, "alpha").contains("  Error:    "), restarting.out());
        Result again = awaitStatus("alpha back with one restart",
                r -> r.exit() == 0 && block(r, "alpha").contains("Restarts: 1"));
        assertTrue(block(again, "alpha").contains("  Status:   Running ✓"), again.out());
        assertEquals(withoutUptime(again), withoutUptime(install.bin("stigmer-status")), "stigmer-status is the same");
        long newAlpha = install.pid("alpha");
        assertNotEquals(alpha, newAlpha);
        pids.add(newAlpha);

        Result restart = install.stigmer("server", "restart", "beta");
        assertEquals(0, restart.exit(), restart.out());
        assertTrue(restart.out().contains("Restarted beta"), restart.out());
        assertNotEquals(pids.get(1), install.pid("beta"));
        pids.add(install.pid("beta"));
        Result unknown = install.stigmer("server", "restart", "nosuch");
        assertEquals(2, unknown.exit(), unknown.out());
        assertTrue(unknown.out().contains("unknown component 'nosuch'"), unknown.out());

        Result logs = install.stigmer("server", "logs", "alpha");
        assertEquals(0, logs.exit(), logs.out());
        assertTrue(logs.out().contains("alpha says hello"), logs.out());
        assertTrue(logs.out().contains("Component started, health monitoring active"), logs.out());
        assertEquals(Files.readString(install.home.resolve("logs/alpha.log")), logs.out());

        long daemon = install.daemonPid();
        Result stop = install.stigmer("server", "stop");
        assertEquals(0, stop.exit(), stop.out());
        assertFalse(stop.out().contains("WARNING"), "the JMX client's own log lines stay out: " + stop.out());
        pids.add(daemon);
        for (long pid : pids) {
            assertTrue(gone(pid), "still running after stop: " + pid);
        }
        Result after = install.stigmer("server", "status");
        assertEquals(3, after.exit(), after.out());
        assertEquals(1, after.out().strip().lines().count(), after.out());
        assertTrue(after.out().contains("not running"), after.out());
    }

    @Test
    void aSecondServerFindsTheRunningDaemonAndStopWithNothingRunningIsFine() throws Exception {
        install.homeConfig("components:\n  solo:\n    process: { command: [sleep, '1002'] }\n");
        Result nothing = install.stigmer("server", "stop");
        assertEquals(0, nothing.exit(), "stop before any daemon ever ran: " + nothing.out());
        Result none = install.stigmer("server", "status");
        assertEquals(3, none.exit(), none.out());

        install.start();
        awaitStatus("solo Running", r -> r.exit() == 0);
        long daemon = install.daemonPid();
        long solo = install.pid("solo");

        Result second = install.stigmer("server");
        assertEquals(0, second.exit(), second.out());
        assertTrue(second.out().contains("already running (pid " + daemon + ")"), second.out());
        assertEquals(daemon, install.daemonPid());
        assertEquals(solo, install.pid("solo"));
        assertEquals(List.of(daemon), daemonsOfThisHome(), "one daemon only");
        assertEquals(List.of(solo), ProcessHandle.of(daemon).orElseThrow().descendants()
                .filter(h -> proc(h.pid(), "cmdline").endsWith("sleep\0" + "1002\0")).map(ProcessHandle::pid).toList(),
                "one solo");

        assertEquals(0, install.stigmer("server", "stop").exit());
        assertTrue(gone(daemon) && gone(solo));
        Result again = install.stigmer("server", "stop");
        assertEquals(0, again.exit(), again.out());
        assertTrue(again.out().contains("not running"), again.out());
    }

    @Test
    void anInvalidConfigStartsNoDaemonAndSaysWhy() {
        install.homeConfig("components:\n  solo:\n    process: { command: [sleep, '1004'] }\n    restart: { policy: sometimes }\n");
        Result started = install.stigmer("server");
        assertEquals(1, started.exit(), started.out());
        assertTrue(started.out().startsWith("stigmer daemon not started: invalid configuration: "), started.out());
        assertTrue(started.out().contains("restart.policy"), started.out());
        assertFalse(started.out().contains("Starting stigmer daemon"), started.out());
        assertEquals(List.of(), daemonsOfThisHome(), "no daemon left behind");
        assertEquals(3, install.stigmer("server", "status").exit());
    }

    private Result awaitStatus(String what, java.util.function.Predicate<Result> ok) {
        Result[] last = new Result[1];
        try {
            return Await.value(what, WAIT, () -> last[0] = install.stigmer("server", "status"), ok);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nlast status:\n" + (last[0] == null ? "" : last[0].out())
                    + install.daemonOut(), e);
        }
    }

    /** The lines of one component's block of the status text. */
    private static String block(Result status, String component) {
        String out = status.out();
        int start = out.indexOf("\n" + component + ":\n");
        if (start < 0) {
            return "";
        }
        int end = out.indexOf("\n\n", start + 1);
        return out.substring(start + 1, end < 0 ? out.length() : end);
    }

    private static String withoutUptime(Result r) {
        return r.exit() + "\n" + r.out().lines().filter(l -> !l.startsWith("  Uptime:")).collect(Collectors.joining("\n"));
    }

    private static List<String> names(JsonNode root) {
        List<String> names = new ArrayList<>();
        root.get("components").forEach(c -> names.add(c.get("name").asText()));
        return names;
    }

    /** Gone, or a zombie that init has yet to reap: nothing runs any more. */
    private static boolean gone(long pid) {
        return ProcStat.read(pid).map(ProcStat::gone).orElse(true);
    }

    /** Daemon processes ({@code server --foreground}) whose STIGMER_HOME is this test's. */
    private List<Long> daemonsOfThisHome() {
        return ProcessHandle.allProcesses()
                .filter(h -> proc(h.pid(), "cmdline").contains("\0server\0--foreground"))
                .filter(h -> proc(h.pid(), "environ").contains("STIGMER_HOME=" + install.home + "\0"))
                .map(ProcessHandle::pid).toList();
    }

    private static String proc(long pid, String file) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }
}
