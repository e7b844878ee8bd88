package ai.stigmer.runtime.containment;

import ai.stigmer.os.ProcFs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        byte[] environ;
        try {
            environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        byte[] prefix = (name + "=").getBytes(StandardCharsets.UTF_8);
        int start = 0;
        for (int i = 0; i <= environ.length; i++) {
            if (i == environ.length || environ[i] == 0) {
                if (i - start >= prefix.length && startsWith(environ, start, prefix)) {
                    return new String(environ, start + prefix.length, i - start - prefix.length, StandardCharsets.UTF_8);
                }
                start = i + 1;
            }
        }
        return null;
    }

    private static boolean startsWith(byte[] bytes, int from, byte[] prefix) {
        for (int j = 0; j < prefix.length; j++) {
            if (bytes[from + j] != prefix[j]) {
                return false;
            }
        }
        return true;
    }
}
