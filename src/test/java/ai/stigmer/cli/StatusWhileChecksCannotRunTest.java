package ai.stigmer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.CheckSpec;
import ai.stigmer.config.JmxConfig;
import ai.stigmer.config.ProbeSpec;
import ai.stigmer.daemon.StigmerHome;
import ai.stigmer.jmx.JmxControlPlane;
import ai.stigmer.jmx.JmxTestSupport;
import ai.stigmer.probe.CheckPool;
import ai.stigmer.probe.TcpCheck;
import ai.stigmer.supervisor.LiveComponent;
import ai.stigmer.supervisor.State;
import ai.stigmer.testing.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real process whose liveness check (tcp, against a real listening socket) cannot run because
 * the check pool's thread factory refuses every thread: {@code server status}, over a real JMX
 * connector, says Health Monitoring is not Active and which probe is stale; the component is not
 * restarted for the daemon's own trouble; once threads come back, monitoring is Active again.
 */
class StatusWhileChecksCannotRunTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path root;
    private final AtomicBoolean refuse = new AtomicBoolean(true);
    private final CheckPool pool = new CheckPool(2, r -> {
        if (refuse.get()) {
            return null;
        }
        Thread t = new Thread(r, "test-check");
        t.setDaemon(true);
        return t;
    });
    private ServerSocket listening;
    private LiveComponent live;
    private JmxControlPlane plane;
    private final StringWriter out = new StringWriter();

    @AfterEach
    void tearDown() throws Exception {
        if (plane != null) {
            plane.close();
        }
        if (live != null) {
            live.close();
        }
        pool.close();
        if (listening != null) {
            listening.close();
        }
    }

    private String status(CliEnvironment env) {
        out.getBuffer().setLength(0);
        Main.run(new String[] {"server", "status"}, env, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
        return out.toString();
    }

    @Test
    void healthMonitoringIsNotActiveWhileNoThreadCanRunTheChecks() throws Exception {
        listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ProbeSpec liveness = new ProbeSpec(Duration.ZERO, Duration.ofMillis(200), Duration.ofMillis(500), 1, 3,
                List.of(new CheckSpec.Tcp("127.0.0.1", listening.getLocalPort())));
        live = LiveComponent.start("refused", root, liveness,
                List.of(new TcpCheck("127.0.0.1", listening.getLocalPort())), pool);
        StigmerHome home = new StigmerHome(root.resolve("home")).ensure();
        int port = JmxTestSupport.freePort();
        plane = JmxControlPlane.start(new JmxConfig("127.0.0.1", port), home.jmx(), live.supervision(), () -> {});
        CliEnvironment env = new CliEnvironment(home, root, config -> new JmxConfig("127.0.0.1", port));

        String inactive = Await.value("status says monitoring is inactive", WAIT, () -> status(env),
                s -> s.contains("Health Monitoring: ✗ Inactive (liveness probe of refused: no result for "));
        assertTrue(inactive.contains("  Status:   Running ✓\n"), inactive);
        assertEquals(State.RUNNING, live.status().state(), "checks that could not run count neither way");
        assertEquals(0, live.status().restarts());
        assertTrue(live.logged("WARN", "Health check could not run (liveness: tcp 127.0.0.1:" + listening.getLocalPort()
                + ": no thread for the check: the thread factory refused a thread)") > 0);
        Await.until("the stale probe was restarted and logged", WAIT,
                () -> live.logged("WARN", "Probe liveness of refused stopped producing results; restarted") > 0);

        refuse.set(false);
        String active = Await.value("status says monitoring is active again", WAIT, () -> status(env),
                s -> s.contains("Health Monitoring: ✓ Active\n"));
        assertTrue(active.contains("  Status:   Running ✓\n"), active);
        assertEquals(0, live.status().restarts());
    }
}
