package ai.stigmer.config;

/**
 * Size-based rotation of one log ({@code logs: { maxSize: 10m, keep: 5 }}): once the file passes
 * {@code maxBytes} it becomes {@code NAME.log.1}, the older ones move up to {@code NAME.log.keep},
 * and the oldest beyond that is deleted.
 */
public record LogsSpec(long maxBytes, int keep) {
    public static final LogsSpec DEFAULT = new LogsSpec(10L << 20, 5);

    public LogsSpec {
        if (maxBytes < 1 || keep < 1) {
            throw new IllegalArgumentException("maxBytes and keep must be positive: " + maxBytes + ", " + keep);
        }
    }
}
