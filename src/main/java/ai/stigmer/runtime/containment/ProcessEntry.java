package ai.stigmer.runtime.containment;

import ai.stigmer.os.ProcFs;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * What containment reads of a process in {@code /proc}: its state, parent, session and start time
 * (the identity of a process across pid reuse), and on demand its environment marker.
 */
record ProcessEntry(long pid, char state, long ppid, long session, long startTicks) {

    static Optional<ProcessEntry> read(long pid) {
        return ProcFs.stat(pid, f -> new ProcessEntry(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[3]),
                Long.parseLong(f[19])));
    }

    /** Every process in /proc now. */
    static List<ProcessEntry> all() {
        return ProcFs.pids().stream().map(ProcessEntry::read).flatMap(Optional::stream).toList();
    }

    /** A zombie or dead entry: the process no longer runs. */
    boolean gone() {
        return ProcFs.gone(state);
    }

    /** True if this process was started with {@code NAME=value} exactly in its environment. */
    boolean carries(String name, String value) {
        return value.equals(environment(pid, name));
    }

    /** The value of {@code name} in the environment {@code pid} was started with, or null. */
    static String environment(long pid, String name) {
        try {
            return ProcFs.environment(pid, name).orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
