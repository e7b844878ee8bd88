package ai.stigmer.bench.chaos;

import java.util.List;

/**
 * One fault the soak caused: what, on which components, from when until the daemon had recovered
 * from it (ms since the epoch), and how many automatic restarts it may cause on each of
 * {@code components} (from {@code minRestarts} to {@code maxRestarts}).
 */
final class Fault {
    final int seq;
    final String kind;
    final List<String> components;
    final long start;
    final int minRestarts;
    volatile int maxRestarts;
    volatile long end = -1;
    volatile String detail = "";

    Fault(int seq, String kind, List<String> components, long start, int minRestarts, int maxRestarts) {
        this.seq = seq;
        this.kind = kind;
        this.components = components;
        this.start = start;
        this.minRestarts = minRestarts;
        this.maxRestarts = maxRestarts;
    }

    boolean covers(String component, long at) {
        return components.contains(component) && at >= start && (end < 0 || at <= end);
    }

    @Override
    public String toString() {
        return "#" + seq + " " + kind + " " + String.join(",", components) + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
