package ai.stigmer.daemon;

import java.io.PrintStream;
import java.nio.file.Path;

/** Runs the daemon in this process: {@code stigmer server --foreground}. */
public final class DaemonMain {
    private DaemonMain() {}

    /**
     * Runs until SIGTERM, SIGINT or the JMX {@code shutdown()} operation, then stops every component
     * (dependents first). Returns the exit code: 0 after a clean shutdown, 2 for an invalid config,
     * 1 if the daemon could not start (already running, JMX port taken); {@code err} says why.
     */
    public static int runForeground(Path explicitConfig, PrintStream err) {
        throw new UnsupportedOperationException("not yet");
    }
}
