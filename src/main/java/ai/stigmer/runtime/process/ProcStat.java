package ai.stigmer.runtime.process;

import ai.stigmer.os.ProcFs;
import java.util.List;
import java.util.Optional;

/**
 * The fields of {@code /proc/<pid>/stat} that supervision needs: state letter, process group,
 * session and start time (clock ticks since boot, the identity of a process across pid reuse).
 */
public record ProcStat(long pid, char state, long pgrp, long session, long startTicks) {

    /** The process, or empty if it does not exist (any more). */
    public static Optional<ProcStat> read(long pid) {
        return ProcFs.stat(pid, f -> of(pid, f));
    }

    private static ProcStat of(long pid, String[] f) {
        return new ProcStat(pid, f[0].charAt(0), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[19]));
    }

    /** Every process whose process group is {@code pgrp} and session is {@code session}. */
    public static List<ProcStat> members(long pgrp, long session) {
        return ProcFs.pids().stream()
                .map(ProcStat::read)
                .flatMap(Optional::stream)
                .filter(s -> s.pgrp == pgrp && s.session == session && !s.gone())
                .toList();
    }

    /** A zombie or dead entry: the process no longer runs. */
    public boolean gone() {
        return ProcFs.gone(state);
    }
}
