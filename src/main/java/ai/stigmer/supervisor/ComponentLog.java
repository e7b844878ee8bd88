package ai.stigmer.supervisor;

/**
 * Where a component's health lines go (SPEC §5): the daemon log and the component's own log.
 * Messages never hold the component's environment, which may carry secrets.
 */
public interface ComponentLog {
    void debug(String message);

    void info(String message);

    void warn(String message);

    void error(String message);

    /**
     * Runs {@code lines}, which write about what happened at {@code at}: their lines are stamped with
     * {@code at} where the log can, not with the time they are written.
     */
    default void at(java.time.Instant at, Runnable lines) {
        lines.run();
    }
}
