package ai.stigmer.logs;

import ai.stigmer.config.LogsSpec;
import ai.stigmer.supervisor.Slf4jComponentLog;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * A daemon's logging set up as DaemonMain does, then one health line for each of {@code count}
 * components ({@code c1} …), a second line for {@code c1}, and one daemon line without a component;
 * prints the names of the configuration's appenders, sorted, on one line, then exits.
 * Arguments: home, log4j2 configuration file, count.
 */
public final class ComponentLogChild {
    private ComponentLogChild() {}

    public static void main(String[] args) {
        System.setProperty("log4j2.configurationFile", args[1]);
        DaemonLogging.configure(Path.of(args[0]), new LogsSpec(1 << 20, 3));
        int count = Integer.parseInt(args[2]);
        for (int n = 1; n <= count; n++) {
            new Slf4jComponentLog("c" + n).info("first line of c" + n);
        }
        new Slf4jComponentLog("c1").warn("second line of c1");
        LoggerFactory.getLogger("ai.stigmer.daemon.Daemon").info("a daemon line");
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        System.out.println(String.join(" ", new java.util.TreeSet<>(context.getConfiguration().getAppenders().keySet())));
        DaemonLogging.shutdown();
    }
}
