package ai.stigmer.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Linux's process table as {@code /proc} shows it, read directly: file reads only, never a helper
 * process. The pids, each process's stat line split into fields, and its environment; each reader
 * keeps the fields it needs.
 */
public final class ProcFs {
    private static final Path PROC = Path.of("/proc");
    private static final boolean LIBC = libcAvailable();
    /** How long an environment that reads empty in the middle of an execve(2) is read again (see {@link #environ}). */
    private static final long EXEC_WAIT_NANOS = 1_000_000_000;
    /** One buffer per thread for {@link #runs}: a stat line is a few hundred bytes. */
    private static final ThreadLocal<byte[]> STAT_BUFFER = ThreadLocal.withInitial(() -> new byte[4096]);

    private ProcFs() {}

    /**
     * What {@code reader} makes of the fields of {@code /proc/<pid>/stat} after the command name: [0]
     * is the state letter, [1] the parent, [2] the process group, [3] the session, [19] the start time
     * in clock ticks since boot (fields 3, 4, 5, 6 and 22 of proc(5)). Empty if the process does not
     * exist (any more) or its line cannot be read.
     */
    public static <T> Optional<T> stat(long pid, Function<String[], T> reader) {
        try {
            // ISO-8859-1 reads any byte: a command name that is not UTF-8 must not hide its process.
            byte[] bytes = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("stat"));
            return Optional.of(reader.apply(statFields(new String(bytes, StandardCharsets.ISO_8859_1))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The raw {@code /proc/<pid>/stat} line, or null if the process does not exist (any more): for
     * readers on a hot path that pick their fields from the bytes ({@link #statField}) instead of
     * splitting a string.
     */
    public static byte[] statBytes(long pid) {
        byte[] stat;
        if (LIBC) { // in the daemon; the command line's classpath has no JNA
            stat = LibC.readSmallFile("/proc/" + pid + "/stat"); // no channel, buffer or cleaner per read
        } else {
            try {
                stat = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("stat"));
            } catch (IOException | RuntimeException e) {
                stat = null;
            }
        }
        return stat == null || stat.length == 0 ? null : stat;
    }

    /** {@code /proc/<pid>/stat} as the NUL-ended bytes {@link #runs} takes, made once per process watched. */
    public static byte[] statPath(long pid) {
        String path = "/proc/" + pid + "/stat";
        byte[] bytes = new byte[path.length() + 1]; // ASCII, and the last byte stays NUL
        for (int i = 0; i < path.length(); i++) {
            bytes[i] = (byte) path.charAt(i);
        }
        return bytes;
    }

    /**
     * Whether process {@code pid} (its {@link #statPath}) still runs: it exists, is neither a zombie
     * nor dead, and started at {@code startTicks} (field 22 of proc(5)), so that a reused pid is not
     * taken for it. The liveness probe's look, many times a second: one open, read and close into a
     * buffer kept per thread and one pass over the bytes, no object made (where JNA is loaded: the
     * daemon; elsewhere through {@link #statBytes}).
     */
    public static boolean runs(long pid, byte[] statPath, long startTicks) {
        if (!LIBC) {
            byte[] stat = statBytes(pid);
            return stat != null && runs(stat, stat.length, startTicks);
        }
        byte[] buffer = STAT_BUFFER.get();
        int n = LibC.readInto(statPath, buffer);
        return n > 0 && runs(buffer, n, startTicks);
    }

    /** The first {@code n} bytes of {@code stat} are the line of a process that started at {@code startTicks} and is not gone. */
    static boolean runs(byte[] stat, int n, long startTicks) {
        int at = n - 1;
        while (at >= 0 && stat[at] != ')') { // the command name may itself hold spaces and parentheses
            at--;
        }
        at += 2; // the state letter, field 0 as {@link #stat} numbers them
        if (at < 2 || at >= n || gone((char) (stat[at] & 0xff))) {
            return false;
        }
        for (int field = 0; field < 19; at++) { // to field 19, the start time
            if (at >= n) {
                return false;
            }
            if (stat[at] == ' ') {
                field++;
            }
        }
        long value = 0;
        int digits = 0;
        for (; at < n && stat[at] >= '0' && stat[at] <= '9'; at++, digits++) {
            value = value * 10 + (stat[at] - '0');
        }
        return digits > 0 && value == startTicks;
    }

    private static boolean libcAvailable() {
        try {
            Class.forName("com.sun.jna.Native", false, ProcFs.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Where field {@code index} (numbered as {@link #stat} numbers them: 0 is the state) of a raw
     * {@code stat} line begins, or −1 if the line is shorter.
     */
    public static int statField(byte[] stat, int index) {
        int at = -1;
        for (int i = stat.length - 1; i >= 0; i--) {
            if (stat[i] == ')') { // the command name may itself hold spaces and parentheses
                at = i + 2;
                break;
            }
        }
        return statField(stat, index, 0, at);
    }

    /**
     * Where field {@code index} begins, walking on from field {@code from} at {@code fromAt} (as
     * {@link #statField(byte[], int)} found it): several fields of one line in one pass.
     */
    public static int statField(byte[] stat, int index, int from, int fromAt) {
        int at = fromAt;
        for (int field = from; at >= 0 && at < stat.length; field++) {
            if (field == index) {
                return at;
            }
            while (at < stat.length && stat[at] != ' ') {
                at++;
            }
            at++;
        }
        return -1;
    }

    /** The decimal number (perhaps negative) at {@code at} of a raw {@code stat} line. */
    public static long statNumber(byte[] stat, int at) {
        if (at < 0 || at >= stat.length) {
            throw new IllegalArgumentException("no field at " + at);
        }
        boolean negative = stat[at] == '-';
        int i = negative ? at + 1 : at;
        long value = 0;
        int digits = 0;
        for (; i < stat.length && stat[i] >= '0' && stat[i] <= '9'; i++, digits++) {
            value = value * 10 + (stat[i] - '0');
        }
        if (digits == 0) {
            throw new IllegalArgumentException("no number at " + at);
        }
        return negative ? -value : value;
    }

    /** The fields of a {@code stat} line after the command name, as {@link #stat} numbers them. */
    public static String[] statFields(String stat) {
        // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    }

    /** A zombie or dead entry: the process no longer runs. */
    public static boolean gone(char state) {
        return state == 'Z' || state == 'X' || state == 'x';
    }

    /** The pid of every process in /proc now; none if /proc cannot be read. */
    public static List<Long> pids() {
        String[] names = PROC.toFile().list();
        List<Long> pids = new ArrayList<>();
        if (names == null) {
            return pids; // /proc unreadable: report nothing rather than guess
        }
        for (String name : names) {
            if (isPid(name)) {
                pids.add(Long.parseLong(name));
            }
        }
        return pids;
    }

    /**
     * The value of {@code name} in the environment {@code pid} was started with
     * ({@code /proc/<pid>/environ}), the first if it is there twice; empty if it is not there.
     *
     * @throws IOException if the environment cannot be read: the process is gone or not ours to look at
     */
    public static Optional<String> environment(long pid, String name) throws IOException {
        return variable(environ(pid), name);
    }

    /** The value of {@code name} in a raw environment as {@link #environ} reads it, the first if it is there twice. */
    public static Optional<String> variable(byte[] environ, String name) {
        byte[] prefix = (name + "=").getBytes(StandardCharsets.UTF_8);
        int start = 0;
        for (int i = 0; i <= environ.length; i++) {
            if (i == environ.length || environ[i] == 0) {
                if (i - start >= prefix.length && startsWith(environ, start, prefix)) {
                    return Optional.of(new String(environ, start + prefix.length, i - start - prefix.length,
                            StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return Optional.empty();
    }

    /**
     * The raw {@code /proc/<pid>/environ}. A process in the middle of execve(2), between its new image
     * and the arguments and environment put into it, shows both empty (measured here: 1 read in 60 of
     * a process that execs in a loop; on a loaded machine the window lasts as long as it is not
     * scheduled, and 50 ms were once not enough), or cut short: that would hide its marker. So an
     * environment read in that state ({@link #unsettled}), of a process that is neither a zombie nor
     * a kernel thread, is read again until it shows, for up to {@link #EXEC_WAIT_NANOS}.
     *
     * @throws IOException if it cannot be read: the process is gone or not ours to look at
     */
    public static byte[] environ(long pid) throws IOException {
        Path dir = PROC.resolve(Long.toString(pid));
        byte[] environ = Files.readAllBytes(dir.resolve("environ"));
        long deadline = System.nanoTime() + EXEC_WAIT_NANOS;
        long pause = 20_000;
        while (unsettled(environ, pid, dir) && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 1_000_000);
            environ = Files.readAllBytes(dir.resolve("environ"));
        }
        return environ;
    }

    /**
     * Read in the middle of an execve(2): empty with an empty command line, or cut short (every
     * whole environment ends with the NUL of its last string; seen here: one byte, "G", read of a
     * process that execs in a loop, while its command line showed).
     */
    private static boolean unsettled(byte[] environ, long pid, Path dir) throws IOException {
        if (environ.length > 0) {
            return environ[environ.length - 1] != 0 && stat(pid, f -> !gone(f[0].charAt(0))).orElse(false);
        }
        return inExec(pid, dir);
    }

    /** Empty command line, not a zombie, not a kernel thread (child of kthreadd, pid 2): inside execve(2). */
    private static boolean inExec(long pid, Path dir) throws IOException {
        if (Files.readAllBytes(dir.resolve("cmdline")).length > 0) {
            return false;
        }
        return stat(pid, f -> !gone(f[0].charAt(0)) && pid != 2 && !f[1].equals("2")).orElse(false);
    }

    private static boolean startsWith(byte[] bytes, int from, byte[] prefix) {
        for (int j = 0; j < prefix.length; j++) {
            if (bytes[from + j] != prefix[j]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isPid(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
