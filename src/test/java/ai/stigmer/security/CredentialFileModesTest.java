package ai.stigmer.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.daemon.StigmerHome;
import ai.stigmer.jmx.JmxCredentials;
import ai.stigmer.testing.StigmerInstall;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Show 3 of issue 8 (SPEC §6): the real daemon ({@code bin/stigmer server --foreground}) refuses to
 * start, exit 1, naming the file and the command that fixes it, when a credentials file is open to
 * group or others or owned by another user, or when the home or one of its folders is writable by
 * others or owned by another user. Nothing is started: no component process, no pid file, no port.
 */
class CredentialFileModesTest {
    /** Not root, not us: the tests run as root and hand a file to nobody. */
    private static final int OTHER_UID = 65534;

    @TempDir Path dir;
    private StigmerInstall install;
    private Path home;
    private String marker;

    @BeforeEach
    void install() throws IOException {
        install = new StigmerInstall(dir);
        // A component that would show up in the process table if the daemon started anything.
        marker = "86399." + Math.abs(ThreadLocalRandom.current().nextLong());
        install.config("components:\n  sleeper:\n    process: { command: [/bin/sleep, \"" + marker + "\"] }\n");
        home = install.home;
        new StigmerHome(home).ensure();
        JmxCredentials.ensure(home.resolve("jmx"));
    }

    @AfterEach
    void cleanUp() {
        sleepers().forEach(ProcessHandle::destroyForcibly);
        install.close();
    }

    /** {@code what to spoil, how, what the message must say}: the password file first, as the issue asks. */
    static Stream<Arguments> unsafe() {
        return Stream.of(
                Arguments.of("jmx/jmxremote.password", "rw-r--r--", -1, "chmod 600 "),
                Arguments.of("jmx/jmxremote.password", "rw-------", OTHER_UID, "owned by uid " + OTHER_UID),
                Arguments.of("jmx/jmxremote.access", "rw-r-----", -1, "chmod 600 "),
                Arguments.of("jmx/jmxremote.access", "rw-------", OTHER_UID, "owned by uid " + OTHER_UID),
                Arguments.of("", "rwxrwxr-x", -1, "chmod 700 "),
                Arguments.of("logs", "rwx-w----", -1, "chmod 700 "),
                Arguments.of("run", "rwx------", OTHER_UID, "owned by uid " + OTHER_UID),
                Arguments.of("jmx", "rwx---rwx", -1, "chmod 700 "));
    }

    @ParameterizedTest(name = "{0} {1} uid {2}")
    @MethodSource("unsafe")
    void theDaemonRefusesToStartAndStartsNothing(String relative, String mode, int owner, String says) throws Exception {
        Path spoiled = relative.isEmpty() ? home : home.resolve(relative);
        Files.setPosixFilePermissions(spoiled, PosixFilePermissions.fromString(mode));
        if (owner >= 0) {
            Files.setAttribute(spoiled, "unix:uid", owner);
        }

        Process daemon = foreground();
        boolean exited = daemon.waitFor(90, TimeUnit.SECONDS);
        String out = Files.readString(dir.resolve("foreground.out"));
        if (!exited) {
            daemon.destroyForcibly();
        }
        assertTrue(exited, "the daemon did not refuse: it is running\n" + out);
        assertEquals(1, daemon.exitValue(), out);
        assertTrue(out.contains("refusing to start"), out);
        assertTrue(out.contains(spoiled.toString()), "names " + spoiled + ":\n" + out);
        assertTrue(out.contains(says), "says '" + says + "':\n" + out);
        if (says.startsWith("chmod")) {
            assertTrue(out.contains(says + spoiled), "the full command:\n" + out);
        } else {
            assertTrue(out.contains("chown root " + spoiled), out);
        }
        assertNothingStarted(out);
    }

    @Test
    void theBackgroundStartSaysWhyAndExitsOne() throws Exception {
        Path passwords = home.resolve("jmx").resolve(JmxCredentials.PASSWORD_FILE);
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-r--r--"));
        StigmerInstall.Result r = install.stigmer("server");
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("chmod 600 " + passwords), r.out());
        assertNothingStarted(r.out());
    }

    @Test
    void theOwnersOwnFilesAtSixHundredAndFoldersAtSevenFiftyFiveAreAccepted() throws Exception {
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        OwnerOnly.checkPrivateDirectory(home);
        for (String file : List.of(JmxCredentials.PASSWORD_FILE, JmxCredentials.ACCESS_FILE)) {
            OwnerOnly.checkSecretFile(home.resolve("jmx").resolve(file));
        }
    }

    private void assertNothingStarted(String out) {
        assertEquals(List.of(), sleepers().map(ProcessHandle::pid).toList(), "a component was started:\n" + out);
        assertFalse(Files.exists(home.resolve("run/daemon.pid")), "a pid file was written");
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), install.jmxPort)) {
            throw new AssertionError("the JMX port " + install.jmxPort + " answers:\n" + out);
        } catch (IOException expected) {
            // nothing listens
        }
    }

    private Stream<ProcessHandle> sleepers() {
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                .map(args -> List.of(args).contains(marker)).orElse(false));
    }

    private Process foreground() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(StigmerInstall.ROOT.resolve("bin/stigmer").toString(), "server",
                "--foreground", "--config", dir.resolve("stigmer-test.yaml").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("foreground.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(install.environment());
        return pb.start();
    }
}
