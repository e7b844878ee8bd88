package ai.stigmer.config;

/**
 * Limits on what a process component and everything it starts may use together, applied through
 * cgroup controllers: {@code memory} in bytes, {@code cpu} in cores (0.5 is half a core), {@code pids}
 * as a number of processes. Zero means no limit on that resource.
 */
public record ResourcesSpec(long memoryBytes, double cpu, int pids) {
    /** No limit at all. */
    public static final ResourcesSpec NONE = new ResourcesSpec(0, 0, 0);

    public ResourcesSpec {
        if (memoryBytes < 0 || cpu < 0 || pids < 0) {
            throw new IllegalArgumentException("limits are zero (none) or positive");
        }
    }

    /** True if any limit is set. */
    public boolean any() {
        return memoryBytes > 0 || cpu > 0 || pids > 0;
    }

    /** The memory limit as an operator writes it: {@code 64m}, {@code 1g}, {@code 1536k}. */
    public String memoryText() {
        return formatBytes(memoryBytes);
    }

    /** Bytes in the largest binary unit that divides them: 67108864 → {@code 64m}. */
    public static String formatBytes(long bytes) {
        String[] units = {"g", "m", "k"};
        long[] sizes = {1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes >= sizes[i] && bytes % sizes[i] == 0) {
                return bytes / sizes[i] + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
