package ai.stigmer.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.JmxConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import javax.management.MBeanServerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmxCredentialsTest {
    @TempDir Path home;

    @Test
    void credentialsAreCreatedOwnerOnlyOnFirstStartAndKeptOnTheNext() throws Exception {
        Path jmx = home.resolve("jmx");
        FakeSupervision supervision = new FakeSupervision(FakeComponent.running("stigmer-server", "process", 1, ""));
        int port = JmxTestSupport.freePort();
        JmxControlPlane.start(new JmxConfig("127.0.0.1", port), jmx, supervision, () -> {},
                MBeanServerFactory.newMBeanServer()).close();

        Path passwords = jmx.resolve("jmxremote.password");
        Path access = jmx.resolve("jmxremote.access");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwords)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(access)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(jmx)));
        Map<String, String> first = JmxCredentials.readPasswords(passwords);
        assertEquals(2, first.size());
        assertTrue(first.get("monitor").length() >= 20);
        assertNotEquals(first.get("monitor"), first.get("control"));
        assertTrue(Files.readAllLines(access).containsAll(java.util.List.of("monitor readonly", "control readwrite")));

        String accessBefore = Files.readString(access);
        JmxControlPlane.start(new JmxConfig("127.0.0.1", JmxTestSupport.freePort()), jmx, supervision, () -> {},
                MBeanServerFactory.newMBeanServer()).close();
        assertEquals(first, JmxCredentials.readPasswords(passwords));
        assertEquals(accessBefore, Files.readString(access));
        try (var files = Files.list(jmx)) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
    }
}
