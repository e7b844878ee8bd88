package ai.stigmer.supervisor;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every health line as "LEVEL message"; safe to read while the watchdog writes. */
final class RecordingLog implements ComponentLog {
    final List<String> lines = new CopyOnWriteArrayList<>();

    public void debug(String m) { lines.add("DEBUG " + m); }

    public void info(String m) { lines.add("INFO " + m); }

    public void warn(String m) { lines.add("WARN " + m); }

    public void error(String m) { lines.add("ERROR " + m); }

    long count(String level, String text) {
        return lines.stream().filter(l -> l.startsWith(level + " ") && l.contains(text)).count();
    }
}
