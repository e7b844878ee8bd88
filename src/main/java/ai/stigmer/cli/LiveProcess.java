package ai.stigmer.cli;

import ai.stigmer.runtime.process.ProcStat;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A process as {@code stop} saw it before asking for the shutdown: its pid and start time (clock
 * ticks since boot), so that a pid the OS has given to another process meanwhile is never taken for
 * it (SPEC §4, "never the wrong process").
 */
record LiveProcess(long pid, long startTicks) {
    private static final int SIGTERM = 15;

    /** The process with this pid as it runs now; empty if there is none (or only its zombie). */
    static Optional<LiveProcess> of(long pid) {
        if (pid <= 1) {
            return Optional.empty();
        }
        return ProcStat.read(pid).filter(s -> !s.gone()).map(s -> new LiveProcess(pid, s.startTicks()));
    }

    /** Every descendant of this process now (children that called setsid included: they stay children). */
    List<LiveProcess> descendants() {
        return ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants)
                .map(h -> of(h.pid())).flatMap(Optional::stream).toList();
    }

    /** Whether this very process still runs (not a zombie, and the pid not reused). */
    boolean alive() {
        return ProcStat.read(pid).filter(s -> !s.gone() && s.startTicks() == startTicks).isPresent();
    }

    /** Whether it is stopped by a signal (SIGSTOP, state T): it cannot act on anything until continued. */
    boolean suspended() {
        return ProcStat.read(pid).filter(s -> s.startTicks() == startTicks && s.state() == 'T').isPresent();
    }

    /**
     * Whether SIGTERM cannot end it: ignored or blocked ({@code SigIgn}/{@code SigBlk} of
     * {@code /proc/PID/status}). Such a process only goes at SIGKILL, after its stop timeout.
     */
    boolean ignoresSigterm() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("SigIgn:") || line.startsWith("SigBlk:")) {
                    if (new BigInteger(line.substring(7).trim(), 16).testBit(SIGTERM - 1)) {
                        return alive();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not ours to read: no claim
        }
        return false;
    }

    /** SIGTERM, only while it is still this process; false if it was not sent. */
    boolean terminate() {
        return alive() && ProcessHandle.of(pid).map(ProcessHandle::destroy).orElse(false);
    }
}
