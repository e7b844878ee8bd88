package ai.stigmer.probe;

/**
 * One kind of health check (SPEC §2). Implementations may block; the {@link Prober} runs them off the
 * watchdog thread and cuts them off at the probe timeout, but a check should also honour
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

    /** Releases what the check keeps between runs (a channel, a client). */
    @Override
    default void close() {}
}
