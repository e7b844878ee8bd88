package ai.stigmer.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.Await;
import ai.stigmer.testing.ClassLoadLog;
import ai.stigmer.testing.WithStigmerInstall;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code grpc} check's client is the daemon's own (HTTP/2 on the JDK alone): a real daemon whose
 * component is probed by {@code grpc} checks against a real grpc-java server (the standard health
 * service, in this test's JVM) becomes Running and Ready, and its class-load log
 * ({@code -Xlog:class+load}) has no class of grpc-java, Netty, Guava or protobuf.
 */
class DaemonWithGrpcCheckLoadsNoGrpcJavaTest extends WithStigmerInstall {
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final List<String> FORBIDDEN =
            List.of(" io.grpc.", " io.netty.", " com.google.common.", " com.google.protobuf.");
    private Server server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.shutdownNow();
        }
    }

    @Test
    void daemonWithGrpcChecksPassesThemWithoutLoadingGrpcJavaNettyGuavaOrProtobuf() throws Exception {
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus("stigmer.test.Ready", ServingStatus.SERVING);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
                .addService(health.getHealthService()).build().start();

        ClassLoadLog.Folder classes = ClassLoadLog.everyJvm(install, dir.resolve("classes"));
        install.config("""
                components:
                  probed:
                    process: { command: [sleep, '100000'] }
                    probes:
                      startup:   { period: 250ms, checks: [ { process: {} }, { grpc: { port: %d } } ] }
                      liveness:  { period: 250ms, checks: [ { grpc: { port: %d } } ] }
                      readiness: { period: 250ms, checks: [ { grpc: { port: %d, service: stigmer.test.Ready } } ] }
                """.formatted(server.getPort(), server.getPort(), server.getPort()));
        install.start();
        install.awaitState("probed", "Running", WAIT);
        Await.until("probed Ready", WAIT, () -> Boolean.TRUE.equals(install.attribute("probed", "Ready")));

        Path log = classes.of(install.daemonPid());
        String loaded = Files.readString(log);
        assertTrue(loaded.contains(" ai.stigmer.probe.GrpcHealthClient ") && loaded.contains(" ai.stigmer.probe.Http2Connection "),
                "the log is the daemon's, and its grpc checks ran");
        for (String prefix : FORBIDDEN) {
            assertEquals("0 classes", count(log, prefix), prefix.trim() + " classes loaded: " + ClassLoadLog.matching(log, prefix));
        }
    }

    private static String count(Path log, String prefix) throws Exception {
        return Files.readAllLines(log).stream().filter(l -> l.contains(prefix)).count() + " classes";
    }
}
