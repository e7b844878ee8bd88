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
}
