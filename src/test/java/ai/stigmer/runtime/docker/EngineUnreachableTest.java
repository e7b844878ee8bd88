package ai.stigmer.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.probe.CheckContext;
import ai.stigmer.probe.CheckResult;
import ai.stigmer.probe.ProbeKind;
import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.runtime.LaunchException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What operators see when no Docker engine answers; needs no engine. */
class EngineUnreachableTest {

    @TempDir
    Path dir;

    @Test
    void launchOnAMissingSocketNamesTheSocket() {
        URI host = URI.create("unix://" + dir.resolve("docker.sock"));

        long start = System.nanoTime();
        LaunchException e = assertThrows(LaunchException.class,
                () -> DockerTestSupport.runtime("stigmer-test-x", host).launch());

        assertEquals("Docker is not reachable at " + host + " (no such socket)", e.getMessage());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "noticed quickly");
    }

    @Test
    void launchOnASocketNobodyListensOnSaysRefused() throws Exception {
        Path socket = dir.resolve("dead.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
        }
        URI host = URI.create("unix://" + socket); // the file stays behind, but nobody accepts

        LaunchException e = assertThrows(LaunchException.class,
                () -> DockerTestSupport.runtime("stigmer-test-x", host).launch());

        assertEquals("Docker is not reachable at " + host + " (connection refused)", e.getMessage());
    }

    @Test
    void containerCheckFailsWithTheReason() throws Exception {
        URI host = URI.create("unix://" + dir.resolve("docker.sock"));
        DockerRuntime runtime = DockerTestSupport.runtime("stigmer-test-x", host);

        CheckResult result = runtime.containerCheck().run(
                new CheckContext(new DockerTestSupport.FixedContainer("0123456789ab"), Duration.ZERO, ProbeKind.LIVENESS, Duration.ofSeconds(1)));

        assertFalse(result.passed());
        assertEquals("Docker is not reachable at " + host + " (no such socket)", result.reason());
        assertTrue(runtime.adopt(InstanceRecord.ofContainer("0123456789ab")).isEmpty());
    }
}
