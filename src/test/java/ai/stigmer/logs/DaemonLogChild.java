package ai.stigmer.logs;

import ai.stigmer.config.LogsSpec;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon's logging that writes numbered lines into daemon.log: set up as DaemonMain does with
 * {@code daemon.logs} of the given size and keep, then {@code count} lines, then exit.
 * Arguments: home, log4j2 configuration file, maxBytes, keep, count.
 */
public final class DaemonLogChild {
    private DaemonLogChild() {}

    public static void main(String[] args) {
        System.setProperty("log4j2.configurationFile", args[1]);
        DaemonLogging.configure(Path.of(args[0]), new LogsSpec(Long.parseLong(args[2]), Integer.parseInt(args[3])));
        Logger log = LoggerFactory.getLogger("ai.stigmer.daemon.Daemon");
        int count = Integer.parseInt(args[4]);
        for (int n = 1; n <= count; n++) {
            log.info("numbered line {}", n);
        }
        DaemonLogging.shutdown();
    }
}
