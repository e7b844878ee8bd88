package ai.stigmer.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.Await;
import ai.stigmer.testing.ClassLoadLog;
import ai.stigmer.testing.WithStigmerInstall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the daemon loads follows its configuration: docker-java with Jackson (the {@code docker}
 * runtime, about 1,300 classes) comes into a daemon only with a component that needs it, and gRPC and
 * Netty never (the {@code grpc} check has a client of its own: {@link DaemonWithGrpcCheckLoadsNoGrpcJavaTest}). A real daemon with every other check type, read from its class-load log
 * ({@code -Xlog:class+load}) once its probes have passed: no class of either is there.
 */
class DaemonWithoutGrpcCheckLoadsNoGrpcTest extends WithStigmerInstall {
    private static final Duration WAIT = Duration.ofMinutes(2);

    @Test
    void daemonWithoutGrpcCheckOrDockerComponentLoadsNoGrpcNettyOrDockerClass() throws Exception {
        ClassLoadLog.Folder classes = ClassLoadLog.everyJvm(install, dir.resolve("classes"));
        install.config("""
                components:
                  probed:
                    process: { command: [sleep, '100000'] }
                    probes:
                      startup:   { period: 250ms, checks: [ { process: {} }, { tcp: { port: %d } }, { exec: { command: ['true'] } } ] }
                      liveness:  { period: 250ms, checks: [ { process: {} }, { uptime: { min: 0s } } ] }
                      readiness: { period: 250ms, checks: [ { tcp: { port: %d } }, { exec: { command: ['true'] } } ] }
                """.formatted(install.jmxPort, install.jmxPort));
        install.start();
        install.awaitState("probed", "Running", WAIT);
        Await.until("probed Ready", WAIT, () -> Boolean.TRUE.equals(install.attribute("probed", "Ready")));

        Path log = classes.of(install.daemonPid());
        String loaded = Files.readString(log);
        assertTrue(loaded.contains(" ai.stigmer.probe.TcpCheck ") && loaded.contains(" ai.stigmer.probe.ExecCheck "),
                "the log is the daemon's, and its checks ran");
        assertFalse(loaded.contains(" io.grpc."), "gRPC classes loaded: " + ClassLoadLog.matching(log, " io.grpc."));
        assertFalse(loaded.contains(" com.github.dockerjava."),
                "docker-java classes loaded: " + ClassLoadLog.matching(log, " com.github.dockerjava."));
        assertFalse(loaded.contains(" com.fasterxml.jackson."),
                "Jackson classes loaded: " + ClassLoadLog.matching(log, " com.fasterxml.jackson."));
    }
}
