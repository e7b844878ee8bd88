package ai.stigmer.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The fields of {@code /proc/<pid>/stat} that supervision needs: state letter, process group,
 * session and start time (clock ticks since boot, the identity of a process across pid reuse).
 */
public record ProcStat(long pid, char state, long pgrp, long session, long startTicks) {

    /** The process, or empty if it does not exist (any more). */
    public static Optional<ProcStat> read(long pid) {
        try {
            return Optional.of(parse(pid, Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static ProcStat parse(long pid, String stat) {
        // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return new ProcStat(pid, f[0].charAt(0), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[19]));
    }

    /** Every process whose process group is {@code pgrp} and session is {@code session}. */
    public static List<ProcStat> members(long pgrp, long session) {
        List<ProcStat> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.map(p -> p.getFileName().toString())
                    .filter(name -> !name.isEmpty() && name.chars().allMatch(Character::isDigit))
                    .map(name -> read(Long.parseLong(name)))
                    .flatMap(Optional::stream)
                    .filter(s -> s.pgrp == pgrp && s.session == session && !s.gone())
                    .forEach(found::add);
        } catch (IOException e) {
            // /proc unreadable: report nothing rather than guess
        }
        return found;
    }

    /** A zombie or dead entry: the process no longer runs. */
    public boolean gone() {
        return state == 'Z' || state == 'X' || state == 'x';
    }
}
