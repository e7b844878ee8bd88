package ai.stigmer.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.jmx.JmxCredentials;
import ai.stigmer.jmx.ObjectNames;
import ai.stigmer.jmx.ReloadNotifications;
import ai.stigmer.runtime.process.ProcStat;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.StigmerInstall;
import ai.stigmer.testing.StigmerInstall.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.RuntimeMBeanException;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live reload against the real daemon ({@code bin/stigmer server}), real processes and the real JMX
 * connector: {@code server reload} and SIGHUP apply the config's component changes and touch
 * nothing else; a file the daemon refuses changes nothing. One daemon for the class, its tests in
 * order, each starting from the config the one before left in force.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveReloadTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DEFAULTS = """
            defaults:
              restart:
                backoff: { initial: 100ms, multiplier: 2.0, max: 1s }
                minUptime: 1s
              stop: { timeout: 2s }
              probes:
                liveness: { period: 1s, timeout: 1s }
            """;
    private static final String FIRST = DEFAULTS + """
            components:
              keep:
                process: { command: [sleep, '1000'] }
                probes: { liveness: { checks: [ { process: {} } ] } }
              drop:
                process: { command: [sleep, '1001'] }
              change:
                process: { command: [sleep, '1002'] }
            """;
    private static final String SECOND = DEFAULTS + """
            components:
              keep:
                process: { command: [sleep, '1000'] }
                probes: { liveness: { checks: [ { process: {} } ] } }
              change:
                process: { command: [sleep, '1012'] }
              added:
                dependsOn: [change]
                process: { command: [sleep, '1003'] }
            """;
    private static final String THIRD = SECOND + """
              hup:
                process: { command: [sleep, '1004'] }
            """;

    @TempDir
    static Path dir;
    private static StigmerInstall install;
    private static JMXConnector monitor;
    private static final List<Notification> reloads = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startDaemon() throws Exception {
        install = new StigmerInstall(dir);
        install.config(FIRST);
        install.start();
        for (String c : List.of("keep", "drop", "change")) {
            install.awaitState(c, "Running", WAIT);
        }
        monitor = install.connect(JmxCredentials.MONITOR);
        monitor.getMBeanServerConnection().addNotificationListener(ObjectNames.daemon(), (n, h) -> reloads.add(n), null, null);
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        if (monitor != null) {
            monitor.close();
        }
        if (install != null) {
            install.close();
        }
    }

    @Test
    @Order(1)
    void reloadStartsTheAddedStopsTheRemovedRestartsTheChangedAndLeavesTheUnchangedAlone() throws Exception {
        long keptBefore = install.pid("keep");
        StigmerInstall.kill9(keptBefore);
        Await.until("keep restarted once", WAIT, () -> install.restarts("keep") == 1 && "Running".equals(install.state("keep")));
        long kept = install.pid("keep");
        long dropped = install.pid("drop");
        long changed = install.pid("change");

        Path file = install.config(SECOND);
        Result reload = install.stigmer("server", "reload");
        assertEquals(0, reload.exit(), reload.out() + install.daemonOut());
        assertEquals("Reloaded " + file + ": added added; removed drop; changed change; unchanged keep\n", reload.out());

        assertEquals(kept, install.pid("keep"), "the unchanged keeps its instance");
        assertEquals(1, install.restarts("keep"), "and its counters");
        assertTrue(gone(dropped), "the removed component's process is gone");
        assertFalse(registered("drop"), "its bean is unregistered");
        assertTrue(Files.notExists(install.home.resolve("run/drop.instance")), "its instance record is removed");
        install.awaitState("change", "Running", WAIT);
        long changedNow = install.pid("change");
        assertNotEquals(changed, changedNow, "the changed one runs a new instance");
        assertTrue(gone(changed));
        assertTrue(ProcStat.read(changedNow).isPresent());
        assertTrue(Files.readString(Path.of("/proc", Long.toString(changedNow), "cmdline")).contains("1012"), "with its new spec");
        install.awaitState("added", "Running", WAIT);
        assertEquals(List.of("keep", "change", "added"), List.of((String[]) install.daemonAttribute("ComponentNames")));
        assertTrue(install.daemonOut().contains("Reloaded " + file + ": added added; removed drop; changed change; unchanged keep"),
                "one INFO line in daemon.log");

        Notification n = Await.value("the reloaded notification", WAIT, () -> reloads.isEmpty() ? null : reloads.get(0),
                x -> x != null);
        assertEquals(ReloadNotifications.RELOADED, n.getType());
        assertEquals(ObjectNames.daemon(), n.getSource());
        CompositeData data = (CompositeData) n.getUserData();
        assertEquals(file.toString(), data.get("source"));
        assertEquals(List.of("added"), ReloadNotifications.names(data, "added"));
        assertEquals(List.of("drop"), ReloadNotifications.names(data, "removed"));
        assertEquals(List.of("change"), ReloadNotifications.names(data, "changed"));
        assertEquals(List.of("keep"), ReloadNotifications.names(data, "unchanged"));
    }

    @Test
    @Order(2)
    void anInvalidFileChangesNothingAndSaysWhy() {
        Map<String, Long> before = pids("keep", "change", "added");
        Path file = install.config(DEFAULTS + """
                components:
                  keep:
                    process: { command: [] }
                  other:
                    process: { command: [sleep, '1005'] }
                    restart: { policy: sometimes }
                """);
        Result reload = install.stigmer("server", "reload");
        assertEquals(2, reload.exit(), reload.out());
        assertTrue(reload.out().contains(file + ": components.keep.process.command: must not be empty"), reload.out());
        assertTrue(reload.out().contains(file + ": components.other.restart.policy: unknown restart policy 'sometimes'"),
                reload.out());
        assertEquals(before, pids("keep", "change", "added"), "nothing changed");
        assertFalse(registered("other"));
        install.config(SECOND);
    }

    @Test
    @Order(3)
    void aChangeOfDaemonJmxOrAnotherDaemonKeyIsRefused() throws Exception {
        Map<String, Long> before = pids("keep", "change", "added");
        Path file = install.config("daemon:\n  http: { enabled: false }\n" + SECOND.replace("'1000'", "'1010'"));
        // install.config writes daemon.jmx first; a second daemon: key would be a duplicate, so the body gets its own.
        Files.writeString(file, Files.readString(file).replaceFirst("\ndaemon:\n", "\n"));
        Result http = install.stigmer("server", "reload");
        assertEquals(2, http.exit(), http.out());
        assertTrue(http.out().contains("daemon.http changed: read only at the daemon's start"), http.out());

        // The command line finds the daemon through daemon.jmx of the file: the operation itself, then.
        Files.writeString(file, "daemon:\n  jmx: { host: 127.0.0.1, port: " + (install.jmxPort == 65000 ? 65001 : 65000)
                + " }\n" + SECOND.replace("'1000'", "'1010'"));
        try (JMXConnector control = install.connect(JmxCredentials.CONTROL)) {
            MBeanServerConnection mbs = control.getMBeanServerConnection();
            RuntimeMBeanException e = assertThrows(RuntimeMBeanException.class,
                    () -> mbs.invoke(ObjectNames.daemon(), "reload", null, null));
            assertTrue(e.getTargetException() instanceof IllegalArgumentException, e.toString());
            assertTrue(e.getTargetException().getMessage().contains("daemon.jmx changed"), e.getTargetException().getMessage());
        }
        assertEquals(before, pids("keep", "change", "added"), "nothing changed");
        install.config(SECOND);
    }

    @Test
    @Order(4)
    void sighupReloadsToo() throws Exception {
        int seen = reloads.size();
        long kept = install.pid("keep");
        Path file = install.config(THIRD.replace("'1004'", "1004"));
        hangUp();
        Path daemonLog = install.home.resolve("logs/daemon.log");
        String refused = Await.value("the refusal in daemon.log", WAIT, () -> read(daemonLog).lines()
                .filter(l -> l.contains("Reload on SIGHUP refused")).findFirst().orElse(null), l -> l != null);
        assertTrue(refused.contains("ERROR") && refused.contains(file + ": components.hup.process.command[1]: expected a string"),
                refused);
        assertFalse(registered("hup"));

        install.config(THIRD);
        hangUp();
        Await.until("hup registered", WAIT, () -> registered("hup"));
        install.awaitState("hup", "Running", WAIT);
        assertEquals(kept, install.pid("keep"));
        Notification n = Await.value("a second reloaded notification", WAIT,
                () -> reloads.size() > seen ? reloads.get(seen) : null, x -> x != null);
        assertEquals(List.of("hup"), ReloadNotifications.names((CompositeData) n.getUserData(), "added"));
        assertEquals(List.of("keep", "change", "added"), ReloadNotifications.names((CompositeData) n.getUserData(), "unchanged"));
    }

    @Test
    @Order(5)
    void stopNameThenStartNameFromTheCommandLine() {
        long daemon = install.daemonPid();
        long hup = install.pid("hup");
        Result stop = install.stigmer("server", "stop", "hup");
        assertEquals(0, stop.exit(), stop.out());
        assertEquals("Stopped hup\n", stop.out());
        assertEquals("Stopped", install.state("hup"));
        assertTrue(gone(hup));
        assertTrue(Files.exists(install.home.resolve("run/hup.stopped")), "an operator's stop, kept across daemon restarts");
        assertTrue(ProcessHandle.of(daemon).map(ProcessHandle::isAlive).orElse(false), "the daemon keeps running");
        assertEquals("Running", install.state("keep"));

        Result start = install.stigmer("server", "start", "hup");
        assertEquals(0, start.exit(), start.out());
        assertTrue(start.out().startsWith("Started hup (now "), start.out());
        install.awaitState("hup", "Running", WAIT);
        assertTrue(Files.notExists(install.home.resolve("run/hup.stopped")));

        Result unknown = install.stigmer("server", "stop", "nosuch");
        assertEquals(2, unknown.exit(), unknown.out());
        assertTrue(unknown.out().contains("unknown component 'nosuch' (known: keep, change, added, hup)"), unknown.out());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void hangUp() throws Exception {
        Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(install.daemonPid())).inheritIO().start();
        assertEquals(0, hup.waitFor());
    }

    private static Map<String, Long> pids(String... components) {
        Map<String, Long> pids = new java.util.TreeMap<>();
        for (String c : components) {
            pids.put(c, install.pid(c));
        }
        return pids;
    }

    private static boolean registered(String component) {
        try {
            return monitor.getMBeanServerConnection().isRegistered(ObjectNames.component(component));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Gone, or a zombie that init has yet to reap: nothing runs any more. */
    private static boolean gone(long pid) {
        return ProcStat.read(pid).map(ProcStat::gone).orElse(true);
    }
}
