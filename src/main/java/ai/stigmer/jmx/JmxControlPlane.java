package ai.stigmer.jmx;

import ai.stigmer.config.JmxConfig;
import ai.stigmer.supervisor.Supervision;
import java.io.IOException;
import java.nio.file.Path;

/** The MXBeans of SPEC §6 and the password-protected RMI connector that serves them. */
public final class JmxControlPlane implements AutoCloseable {

    /**
     * Registers the daemon and component MXBeans and starts the connector on {@code config}.
     * {@code jmxDir} holds the credentials (generated on first start). {@code shutdown} is run when
     * an operator calls the daemon's {@code shutdown()}.
     */
    public static JmxControlPlane start(JmxConfig config, Path jmxDir, Supervision supervision, Runnable shutdown)
            throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void close() {}
}
