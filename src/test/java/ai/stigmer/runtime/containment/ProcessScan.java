package ai.stigmer.runtime.containment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What the tests look for in /proc: running processes by an argument, or by marker, never by pid alone. */
final class ProcessScan {
    private ProcessScan() {}

    /** Running (not zombie) processes with {@code token} as one of their arguments. */
    static List<ProcessEntry> withArgument(String token) {
        List<ProcessEntry> found = new ArrayList<>();
        for (ProcessEntry e : ProcessEntry.all()) {
            if (!e.gone() && arguments(e.pid()).contains(token)) {
                found.add(e);
            }
        }
        return found;
    }

    /** Running processes that carry {@code STIGMER_INSTANCE=marker}. */
    static List<ProcessEntry> withMarker(String marker) {
        return ProcessEntry.all().stream()
                .filter(e -> !e.gone() && e.carries(ai.stigmer.runtime.InstanceMarker.ENV, marker))
                .toList();
    }

    static List<String> arguments(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** For a failure message: pid, parent, session and command line of each. */
    static String describe(List<ProcessEntry> entries) {
        return entries.stream()
                .map(e -> e.pid() + " (ppid " + e.ppid() + ", sid " + e.session() + "): " + String.join(" ", arguments(e.pid())))
                .collect(Collectors.joining("; ", "[", "]"));
    }

    /** The same process still runs: same pid, same start time, not a zombie. */
    static boolean stillRuns(ProcessEntry e) {
        return ProcessEntry.read(e.pid()).filter(now -> now.startTicks() == e.startTicks() && !now.gone()).isPresent();
    }

    static Map<Long, Long> ticks(List<ProcessEntry> entries) {
        return entries.stream().collect(Collectors.toMap(ProcessEntry::pid, ProcessEntry::startTicks));
    }
}
