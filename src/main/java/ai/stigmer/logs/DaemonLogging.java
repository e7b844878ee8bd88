package ai.stigmer.logs;

import ai.stigmer.config.LogsSpec;
import java.nio.file.Path;
import org.apache.logging.log4j.jul.Log4jBridgeHandler;

/**
 * The daemon's own logging set up from its config: where conf/log4j2.xml writes, how it rotates
 * daemon.log, and the JDK's java.util.logging (RMI, JMX) sent into log4j, so that its lines land in
 * daemon.log, rate-limited like every other ({@link RepeatFilter}), instead of on the console that is
 * daemon.out.
 */
public final class DaemonLogging {
    public static final String HOME = "stigmer.home";
    public static final String MAX_BYTES = "stigmer.logs.maxBytes";
    public static final String KEEP = "stigmer.logs.keep";

    private DaemonLogging() {}

    /** Before the first logger exists: the properties conf/log4j2.xml reads. */
    public static void configure(Path home, LogsSpec daemonLog) {
        System.setProperty(HOME, home.toString());
        System.setProperty(MAX_BYTES, Long.toString(daemonLog.maxBytes()));
        System.setProperty(KEEP, Integer.toString(daemonLog.keep()));
    }

    /**
     * Replaces java.util.logging's console handler with one into log4j. Levels follow log4j's
     * configuration, so JDK code does not even format what log4j would drop.
     */
    public static void bridgeJdkLogging() {
        Log4jBridgeHandler.install(true, null, true);
    }
}
