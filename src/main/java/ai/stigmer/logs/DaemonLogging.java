package ai.stigmer.logs;

import ai.stigmer.config.LogsSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
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
    static final String CONFIGURATION_FILE = "log4j2.configurationFile";
    private static volatile LoggerContext started;

    private DaemonLogging() {}

    /** Before the first logger exists: the properties conf/log4j2.xml reads. */
    public static void configure(Path home, LogsSpec daemonLog) {
        System.setProperty(HOME, home.toString());
        System.setProperty(MAX_BYTES, Long.toString(daemonLog.maxBytes()));
        System.setProperty(KEEP, Integer.toString(daemonLog.keep()));
        startFromXml(System.getProperty(CONFIGURATION_FILE));
    }

    /**
     * Reads one XML configuration file with log4j's XML reader alone. Left to itself, log4j asks each
     * of its configuration factories whether it could read the file, and the JSON one initialises
     * Jackson (on the classpath for docker-java) to find out: about 300 classes and 2 MB of a daemon
     * that may never talk to Docker. Anything else (several files, another format, none, a file that
     * cannot be read) is left to log4j's own lookup and its own messages.
     */
    static boolean startFromXml(String location) {
        if (location == null || location.contains(",") || !location.endsWith(".xml")) {
            return false;
        }
        Path file = Path.of(location);
        try (InputStream in = Files.newInputStream(file)) {
            ConfigurationSource source = new ConfigurationSource(in, file.toFile());
            started = Configurator.initialize(new XmlConfiguration(null, source));
            return started != null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Flushes and closes the appenders: of the context {@link #configure} started, else log4j's own. */
    public static void shutdown() {
        LoggerContext context = started;
        if (context != null) {
            Configurator.shutdown(context);
        } else {
            LogManager.shutdown();
        }
    }

    /**
     * Replaces java.util.logging's console handler with one into log4j. Levels follow log4j's
     * configuration, so JDK code does not even format what log4j would drop.
     */
    public static void bridgeJdkLogging() {
        Log4jBridgeHandler.install(true, null, true);
    }
}
