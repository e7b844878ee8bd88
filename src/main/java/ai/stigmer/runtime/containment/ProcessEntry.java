package ai.stigmer.runtime.containment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What containment reads of a process in {@code /proc}: its state, parent, session and start time
 * (the identity of a process across pid reuse), and on demand its environment marker.
 */
record ProcessEntry(long pid, char state, long ppid, long session, long startTicks) {

    static Optional<ProcessEntry> read(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Optional.of(new ProcessEntry(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[3]),
                    Long.parseLong(f[19])));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Every process in /proc now. */
    static List<ProcessEntry> all() {
        List<ProcessEntry> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.map(p -> p.getFileName().toString())
                    .filter(name -> !name.isEmpty() && name.chars().allMatch(Character::isDigit))
                    .map(name -> read(Long.parseLong(name)))
                    .flatMap(Optional::stream)
                    .forEach(found::add);
        } catch (IOException e) {
            // /proc unreadable: report nothing rather than guess
        }
        return found;
    }

    /** A zombie or dead entry: the process no longer runs. */
    boolean gone() {
        return state == 'Z' || state == 'X' || state == 'x';
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
