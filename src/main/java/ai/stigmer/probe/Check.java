package ai.stigmer.probe;

/**
 * One kind of health check (SPEC §2). A check that may block runs on the daemon's {@link CheckPool},
 * which answers for it at the probe timeout if it has not; it should still honour
 * {@link CheckContext#timeout()} itself (connect and read timeouts, deadlines) so that it frees its
 * thread promptly.
 */
public interface Check extends AutoCloseable {

    /** A short description for log lines, such as {@code tcp 127.0.0.1:50051}. */
    String describe();

    /**
     * Runs the check once. Returns {@link CheckResult#pass()} or a failure with its reason. An
     * exception counts as a failure whose reason is the exception's message.
     */
    CheckResult run(CheckContext context) throws Exception;

    /**
     * Whether a run may block (the network, a child process, the Docker engine). One that cannot, a
     * look at {@code /proc} or at the clock, runs where the probe is, without a thread of its own.
     */
    default boolean blocking() {
        return true;
    }

    /**
     * The slow one-time set-up of the first run (class loading, a channel), done ahead on a check
     * thread when the daemon starts, so that the first run keeps its timeout. The first run does it
     * itself if it has not been done.
     */
    default void prepare() {}

    /** Releases what the check keeps between runs (a channel, a client). */
    @Override
    default void close() {}
}
