package ai.stigmer.probe;

import ai.stigmer.os.ProcFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an exec check needs to know of {@code /proc}, read directly (never by starting a helper
 * process, so that a scan costs file reads only): each process's parent, session, state and start
 * time, and whether its environment holds an entry.
 */
final class ProcessTable {
    /** Clock ticks per second of {@code /proc/<pid>/stat}'s start time (USER_HZ, 100 on Linux). */
    private static final long TICKS_PER_SECOND = 100;
    private static final Path PROC = Path.of("/proc");

    private ProcessTable() {}

    /** One process as {@code /proc/<pid>/stat} shows it; start time in clock ticks since boot. */
    record Entry(long pid, long ppid, char state, long session, long startTicks) {
        /** A zombie or dead entry: the process no longer runs. */
        boolean gone() {
            return ProcFs.gone(state);
        }
    }

    /** Every process that still runs (zombies left out) and started at or after {@code fromTicks}. */
    static List<Entry> startedSince(long fromTicks) {
        List<Entry> found = new ArrayList<>();
        for (long pid : ProcFs.pids()) {
            read(pid).filter(e -> !e.gone() && e.startTicks() >= fromTicks).ifPresent(found::add);
        }
        return found;
    }

    /** The process, or empty if it does not exist (any more). */
    static Optional<Entry> read(long pid) {
        return ProcFs.stat(pid, f -> entry(pid, f));
    }

    static Entry parse(long pid, String stat) {
        return entry(pid, ProcFs.statFields(stat));
    }

    private static Entry entry(long pid, String[] f) {
        return new Entry(pid, Long.parseLong(f[1]), f[0].charAt(0), Long.parseLong(f[3]), Long.parseLong(f[19]));
    }

    /**
     * True if the environment of {@code pid} holds exactly {@code entry} ({@code NAME=value}). False
     * when it cannot be read: the process is gone, exiting, or not ours to look at.
     */
    static boolean environContains(long pid, byte[] entry) {
        byte[] environ;
        try {
            environ = ProcFs.environ(pid); // read again if it is empty: mid-exec
        } catch (IOException | RuntimeException e) {
            return false;
        }
        int start = 0;
        while (start < environ.length) {
            int end = start;
            while (end < environ.length && environ[end] != 0) {
                end++;
            }
            if (end - start == entry.length && java.util.Arrays.equals(environ, start, end, entry, 0, entry.length)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    /**
     * The clock, in the ticks of a start time, truncated: a process started after this call has a
     * start time at least this large. {@code /proc/uptime} counts the same boot clock.
     */
    static long nowTicks() {
        try {
            String uptime = Files.readString(PROC.resolve("uptime")).trim().split(" ")[0];
            int dot = uptime.indexOf('.');
            long seconds = Long.parseLong(dot < 0 ? uptime : uptime.substring(0, dot));
            long hundredths = dot < 0 ? 0 : Long.parseLong((uptime.substring(dot + 1) + "00").substring(0, 2));
            // One tick of margin: the two clocks truncate at different moments.
            return Math.max(0, seconds * TICKS_PER_SECOND + hundredths - 1);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
