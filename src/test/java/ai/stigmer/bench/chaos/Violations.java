package ai.stigmer.bench.chaos;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** What the soak found wrong, by kind; each violation is printed the moment it is found, once. */
final class Violations {
    enum Kind {
        LOST("lost"), DUPLICATE("duplicate"), ORPHAN("orphan"), WRONG_PID("wrong-pid"),
        RESTARTS("restart-count"), BACKOFF("backoff");

        final String word;

        Kind(String word) {
            this.word = word;
        }
    }

    private final Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
    private final Set<String> keys = new HashSet<>();

    /** Counts a violation once per {@code key} (the same duplicate seen in many scans is one). */
    synchronized void add(Kind kind, String key, String message) {
        if (keys.add(kind + " " + key)) {
            counts.merge(kind, 1, Integer::sum);
            System.out.println("chaos: VIOLATION " + kind.word + ": " + message);
            System.out.flush();
        }
    }

    synchronized int count(Kind kind) {
        return counts.getOrDefault(kind, 0);
    }

    synchronized int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }
}
