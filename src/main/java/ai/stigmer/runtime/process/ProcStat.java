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
        byte[] stat = ProcFs.statBytes(pid); // probes and scans read this often: no string is made of it
        if (stat == null) {
            return Optional.empty();
        }
        try {
            int state = ProcFs.statField(stat, 0);
            int pgrp = ProcFs.statField(stat, 2, 0, state);
            int session = ProcFs.statField(stat, 3, 2, pgrp);
            int start = ProcFs.statField(stat, 19, 3, session);
            if (state < 0 || start < 0) {
                return Optional.empty();
            }
            return Optional.of(new ProcStat(pid, (char) (stat[state] & 0xff), ProcFs.statNumber(stat, pgrp),
                    ProcFs.statNumber(stat, session), ProcFs.statNumber(stat, start)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
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
