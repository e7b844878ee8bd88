package ai.stigmer.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection to an engine over a Unix socket builds no TLS context: docker-java's transport
 * would otherwise make the JDK's default one, and with it parse every certificate of the system's
 * trust store, which the daemon kept for its whole life. A {@code tcp://} engine without TLS
 * settings still speaks plain HTTP.
 */
class DockerEngineWithoutTrustStoreTest {
    @TempDir
    Path dir;

    @Test
    void unixSocketEngineLoadsNoTrustStore() throws Exception {
        URI host = DockerEngine.defaultHost().getScheme().equals("unix")
                ? DockerEngine.defaultHost() : URI.create("unix://" + dir.resolve("docker.sock"));
        Path classes = dir.resolve("classes.txt");
        Process child = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xlog:class+load=info:file=" + classes,
                "-cp", System.getProperty("java.class.path"), DockerEngineChild.class.getName(), host.toString()))
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        assertTrue(child.waitFor(2, TimeUnit.MINUTES), "the child pinged");
        assertEquals(0, child.exitValue(), Files.readString(dir.resolve("err.txt")));

        String out = Files.readString(dir.resolve("out.txt"));
        String loaded = Files.readString(classes);
        assertTrue(loaded.contains(" com.github.dockerjava.zerodep.ApacheDockerHttpClientImpl "),
                "the transport was built; " + out);
        assertFalse(loaded.contains(" java.security.KeyStore "), "a key store was loaded; " + out);
        assertFalse(loaded.contains(" sun.security.x509.X509CertImpl "), "certificates were parsed; " + out);
    }

    @Test
    void tcpEngineWithoutTlsSettingsIsStillPlainHttp() throws Exception {
        HttpServer engine = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        engine.createContext("/", exchange -> {
            byte[] ok = "OK".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        engine.start();
        try (DockerEngine docker = new DockerEngine(URI.create("tcp://127.0.0.1:" + engine.getAddress().getPort()))) {
            docker.run(() -> docker.quick().pingCmd().exec());
        } finally {
            engine.stop(0);
        }
    }
}
