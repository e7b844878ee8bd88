package ai.stigmer.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.ChildJava;
import ai.stigmer.testing.StigmerInstall;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Show 1 of issue 8 (SPEC §6): the registry is read-only to every client. A second JVM, as another
 * local process without the password would, tries {@code bind}, {@code rebind} and {@code unbind}
 * on the control plane's registry: all fail, {@code list} and {@code lookup} still work, and a login
 * through the registry still reaches the daemon's own connector afterwards. Once on the control
 * plane in this JVM, once on the real daemon that {@code bin/stigmer server} starts.
 */
class RegistryIsReadOnlyTest extends WithControlPlane {
    @TempDir Path childDir;

    @Override
    MBeanServer mbeanServer() {
        return MBeanServerFactory.newMBeanServer();
    }

    @Test
    void aSecondJvmCannotBindRebindOrUnbindButLooksTheConnectorUp() throws Exception {
        assertOnlyLookupsSucceed(attack(port));

        try (JMXConnector c = JmxTestSupport.connect(port, jmxDir, JmxCredentials.MONITOR)) {
            assertEquals("stigmer-server", c.getMBeanServerConnection().getAttribute(
                    ObjectNames.component("stigmer-server"), "Name"));
        }
    }

    /** The same against the real daemon, started by {@code bin/stigmer} as an operator would. */
    @Test
    void theRealDaemonsRegistryRefusesThemTooAndStatusStillFindsTheDaemon(@TempDir Path installDir) throws Exception {
        plane.close();
        try (StigmerInstall install = new StigmerInstall(installDir)) {
            install.config("components:\n  sleeper:\n    process: { command: [/bin/sleep, \"1000\"] }\n");
            install.start();
            assertOnlyLookupsSucceed(attack(install.jmxPort));
            StigmerInstall.Result status = install.stigmer("server", "status");
            assertEquals(0, status.exit(), status.out());
            assertTrue(status.out().contains("Running"), status.out());
        }
    }

    private Map<String, String> attack(int target) throws Exception {
        Process child = ChildJava.start(childDir, RegistryAttacker.class, Integer.toString(target));
        try {
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the attacker JVM finishes");
        } finally {
            child.destroyForcibly();
        }
        String out = ChildJava.read(childDir, "out.txt");
        System.out.println("attacker's view:\n" + out);
        assertEquals(0, child.exitValue(), out + ChildJava.read(childDir, "err.txt"));
        Map<String, String> results = new LinkedHashMap<>();
        for (String line : out.strip().split("\n")) {
            String[] parts = line.split(" ", 2);
            results.put(parts[0], parts[1]);
        }
        return results;
    }

    private static void assertOnlyLookupsSucceed(Map<String, String> results) {
        String out = results.toString();
        assertEquals("ACCEPTED [jmxrmi]", results.get("list"), out);
        assertEquals("ACCEPTED RMIServer", results.get("lookup"), out);
        for (String op : List.of("bind", "rebind", "unbind")) {
            assertTrue(results.get(op).startsWith("REFUSED java.rmi."), op + ": " + out);
        }
        // unbind reaches the registry (a string is all it sends) and is refused by it; bind and
        // rebind are refused earlier still, as their stub is never deserialized.
        assertTrue(results.get("unbind").contains("AccessException") && results.get("unbind").contains("read-only"), out);
        assertTrue(results.get("rebind").contains("REJECTED") || results.get("rebind").contains("read-only"), out);
        assertEquals("ACCEPTED RMIServer", results.get("lookup-after"), out);
        assertEquals("ACCEPTED [jmxrmi]", results.get("list-after"), out);
    }
}
