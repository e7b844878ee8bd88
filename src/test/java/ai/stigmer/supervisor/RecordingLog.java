package ai.stigmer.supervisor;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every health line as "LEVEL message"; safe to read while the watchdog writes. */
final class RecordingLog implements ComponentLog {
    final List<String> lines = new CopyOnWriteArrayList<>();

    /** The time each line written inside {@link #at} was stamped with, by the line as {@link #lines} has it. */
    final java.util.Map<String, java.time.Instant> stamped = new java.util.concurrent.ConcurrentHashMap<>();
    private final ThreadLocal<java.time.Instant> at = new ThreadLocal<>();

    public void debug(String m) { add("DEBUG " + m); }

    public void info(String m) { add("INFO " + m); }

    public void warn(String m) { add("WARN " + m); }

    public void error(String m) { add("ERROR " + m); }

    @Override
    public void at(java.time.Instant time, Runnable write) {
        at.set(time);
        try {
            write.run();
        } finally {
            at.remove();
        }
    }

    private void add(String line) {
        lines.add(line);
        if (at.get() != null) {
            stamped.put(line, at.get());
        }
    }

    long count(String level, String text) {
        return lines.stream().filter(l -> l.startsWith(level + " ") && l.contains(text)).count();
    }
}
