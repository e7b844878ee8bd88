package ai.stigmer.jmx;

import ai.stigmer.config.JmxConfig;
import java.nio.file.Path;
import javax.management.MBeanServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the JMX tests that run the control plane in this JVM: on a free {@link #port} of
 * 127.0.0.1, its credentials in {@link #jmxDir}, one running {@link #server} component to look at;
 * started before each test, closed after it. A subclass's own {@code @BeforeEach} runs after the start.
 */
abstract class WithControlPlane {
    @TempDir
    Path jmxDir;
    final FakeComponent server = FakeComponent.running("stigmer-server", "process", 4321, "");
    int port;
    JmxControlPlane plane;
    /** How many times the daemon's reload() reached the daemon. */
    final java.util.concurrent.atomic.AtomicInteger reloads = new java.util.concurrent.atomic.AtomicInteger();

    /** The MBean server the plane serves: a fresh one, or the platform's for the JVM's own beans. */
    abstract MBeanServer mbeanServer();

    @BeforeEach
    final void startPlane() throws Exception {
        port = JmxTestSupport.freePort();
        plane = JmxControlPlane.start(new JmxConfig("127.0.0.1", port), jmxDir, new FakeSupervision(server),
                () -> {}, () -> "Reloaded #" + reloads.incrementAndGet(), mbeanServer());
    }

    @AfterEach
    final void closePlane() {
        plane.close();
    }
}
