package ai.stigmer.metrics;

import ai.stigmer.os.ProcFs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The CPU time and memory of a component's instance: of its whole cgroup v2 ({@code cpu.stat}
 * {@code usage_usec}, {@code memory.current}) when the instance runs in the component's own cgroup,
 * else of its main process ({@code /proc/PID/stat} user + system time, {@code VmRSS} of
 * {@code /proc/PID/status}).
 */
record ResourceUsage(double cpuSeconds, double memoryBytes) {
    private static final Path PROC = Path.of("/proc");
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
    /** USER_HZ: the unit of the times in /proc/PID/stat, 100 on every Linux the daemon runs on. */
    private static final double TICKS_PER_SECOND = 100;
    /** utime and stime of proc(5) (fields 14 and 15), numbered as {@link ProcFs#statField} numbers them. */
    private static final int UTIME = 11;
    private static final int STIME = 12;

    /** Empty when the process is gone or its files cannot be read. */
    static Optional<ResourceUsage> of(String component, long pid) {
        if (pid <= 1) {
            return Optional.empty();
        }
        try {
            Optional<Path> cgroup = ownCgroup(component, pid);
            return cgroup.isPresent() ? ofCgroup(cgroup.get()) : ofProcess(pid);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The cgroup v2 directory of {@code pid} if it is the component's own (named after it). */
    private static Optional<Path> ownCgroup(String component, long pid) throws IOException {
        for (String line : Files.readAllLines(PROC.resolve(Long.toString(pid)).resolve("cgroup"))) {
            if (line.startsWith("0::/") && line.endsWith("/" + component)) {
                Path dir = CGROUP_ROOT.resolve(line.substring("0::/".length()));
                if (Files.isReadable(dir.resolve("cpu.stat")) && Files.isReadable(dir.resolve("memory.current"))) {
                    return Optional.of(dir);
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<ResourceUsage> ofCgroup(Path dir) throws IOException {
        long usageMicros = -1;
        for (String line : Files.readAllLines(dir.resolve("cpu.stat"))) {
            if (line.startsWith("usage_usec ")) {
                usageMicros = Long.parseLong(line.substring("usage_usec ".length()).trim());
            }
        }
        long memory = Long.parseLong(Files.readString(dir.resolve("memory.current")).trim());
        return usageMicros < 0 ? Optional.empty() : Optional.of(new ResourceUsage(usageMicros / 1e6, memory));
    }

    private static Optional<ResourceUsage> ofProcess(long pid) throws IOException {
        byte[] stat = ProcFs.statBytes(pid);
        if (stat == null) {
            return Optional.empty();
        }
        int utime = ProcFs.statField(stat, UTIME);
        long ticks = ProcFs.statNumber(stat, utime) + ProcFs.statNumber(stat, ProcFs.statField(stat, STIME, UTIME, utime));
        String status = new String(Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("status")),
                StandardCharsets.ISO_8859_1);
        int at = status.indexOf("\nVmRSS:");
        if (at < 0) {
            return Optional.empty(); // a zombie has no memory left to tell
        }
        int end = status.indexOf('\n', at + 1);
        String kilobytes = status.substring(at + "\nVmRSS:".length(), end < 0 ? status.length() : end)
                .replace("kB", "").trim();
        return Optional.of(new ResourceUsage(ticks / TICKS_PER_SECOND, Long.parseLong(kilobytes) * 1024.0));
    }
}
