package ai.stigmer.logs;

import ai.stigmer.config.LogsSpec;
import ai.stigmer.supervisor.Slf4jComponentLog;
import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon's logging with one fault repeated: sets logging up as DaemonMain does (home, conf file),
 * then logs the same error 10,000 times each through slf4j, through java.util.logging as the JDK's
 * RMI accept loop does, and as a component's health line, then waits to be killed.
 * Arguments: home, log4j2 configuration file.
 */
public final class RepeatedErrorsChild {
    static final int TIMES = 10_000;
    static final String DAEMON_ERROR = "Cannot reach the Docker engine";
    static final String RMI_WARNING = "RMI TCP Accept-0: accept loop for ServerSocket[addr=127.0.0.1,localport=50099] throws";
    static final String HEALTH_WARNING = "Health check failed (liveness: tcp 127.0.0.1:9: connection refused)";

    private RepeatedErrorsChild() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("log4j2.configurationFile", args[1]);
        DaemonLogging.configure(Path.of(args[0]), LogsSpec.DEFAULT);
        Logger log = LoggerFactory.getLogger("ai.stigmer.daemon.Daemon");
        DaemonLogging.bridgeJdkLogging();
        java.util.logging.Logger rmi = java.util.logging.Logger.getLogger("sun.rmi.transport.tcp");
        Slf4jComponentLog health = new Slf4jComponentLog("chatty");
        for (int i = 0; i < TIMES; i++) {
            log.error(DAEMON_ERROR, new IOException("Connection refused"));
            rmi.log(java.util.logging.Level.WARNING, RMI_WARNING, new SocketException("Too many open files"));
            health.warn(HEALTH_WARNING);
        }
        System.out.println("logged");
        Thread.sleep(120_000);
    }
}
