package ai.stigmer.bench.chaos;

import ai.stigmer.os.ProcFs;
import ai.stigmer.runtime.InstanceMarker;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What runs on the machine, seen from outside the daemon: every process in {@code /proc} with its
 * start time and, for those launched from the soak's home, the component and nonce of its marker
 * {@code STIGMER_INSTANCE=<home id>/<component>/<nonce>}; and every instance the daemon recorded in
 * {@code run/<component>.instance}. It remembers each (pid, start time) it ever saw with its
 * marker, so that a signal the daemon logs can be told to have reached one of its own or not.
 */
final class Census {
    /** Clock ticks per second of /proc/PID/stat's start time (USER_HZ, 100 on Linux). */
    private static final long TICK_MS = 10;
    /** A process younger than this may not have exec'd with its marker yet: its environment is read again. */
    private static final long SETTLED_ENV_MS = 2_000;

    /** One process: alive ({@link #alive}) or a zombie; {@code component} and {@code nonce} empty if unmarked. */
    record Proc(long pid, long ticks, char state, long ppid, long session, String component, String nonce,
                String cgroup) {
        boolean alive() {
            return !ProcFs.gone(state);
        }

        boolean marked() {
            return !component.isEmpty();
        }
    }

    /** One launch the daemon recorded, with its start as a wall time (ms since the epoch). */
    record Instance(String component, String nonce, long pid, long ticks, long startedAt, String containerId) {}

    private final String homeId;
    private final Path runDir;
    private final long bootMillis = bootMillis();
    private final Map<String, String> seen = new ConcurrentHashMap<>(); // "pid ticks" -> marker ("" if none)
    private final Map<String, Instance> instances = new ConcurrentHashMap<>(); // marker -> instance

    Census(String homeId, Path runDir) {
        this.homeId = homeId;
        this.runDir = runDir;
    }

    String homeId() {
        return homeId;
    }

    /** Every process now. */
    List<Proc> scan() {
        List<Proc> all = new ArrayList<>();
        for (long pid : ProcFs.pids()) {
            read(pid).ifPresent(all::add);
        }
        return all;
    }

    /** One process, read now. */
    Optional<Proc> read(long pid) {
        Optional<long[]> stat = ProcFs.stat(pid, f -> new long[] {f[0].charAt(0), Long.parseLong(f[1]),
                Long.parseLong(f[3]), Long.parseLong(f[19])});
        if (stat.isEmpty()) {
            return Optional.empty();
        }
        long[] s = stat.get();
        char state = (char) s[0];
        long ticks = s[3];
        String key = pid + " " + ticks;
        String marker = seen.get(key);
        if (marker == null || (marker.isEmpty() && System.currentTimeMillis() - wallMillis(ticks) < SETTLED_ENV_MS)) {
            marker = markerOf(pid);
            if (marker == null) {
                return Optional.empty(); // gone meanwhile
            }
            if (ProcFs.gone(state) && marker.isEmpty()) {
                // A zombie's environment reads empty: that tells nothing of the marker it had.
                marker = seen.getOrDefault(key, "");
            } else {
                seen.put(key, marker);
            }
        }
        String component = "";
        String nonce = "";
        String cgroup = "";
        if (!marker.isEmpty()) {
            String rest = marker.substring(homeId.length() + 1);
            int slash = rest.lastIndexOf('/');
            component = rest.substring(0, Math.max(slash, 0));
            nonce = rest.substring(slash + 1);
            cgroup = cgroupOf(pid);
        }
        return Optional.of(new Proc(pid, ticks, state, s[1], s[2], component, nonce, cgroup));
    }

    /** The marker of this home that {@code pid} carries, "" if none (or unreadable), null if it is gone. */
    private String markerOf(long pid) {
        try {
            String value = ProcFs.environment(pid, InstanceMarker.ENV).orElse("");
            return value.startsWith(homeId + "/") ? value : "";
        } catch (IOException e) {
            return Files.exists(Path.of("/proc", Long.toString(pid))) ? "" : null;
        }
    }

    private static String cgroupOf(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
                if (line.startsWith("0::")) {
                    return line.substring(3);
                }
            }
        } catch (IOException e) {
            // gone
        }
        return "";
    }

    /**
     * What was seen of the process {@code pid} started at {@code ticks}: its marker, "" if it was
     * seen without one (a process not launched from this home), empty if it was never seen.
     */
    Optional<String> seen(long pid, long ticks) {
        return Optional.ofNullable(seen.get(pid + " " + ticks));
    }

    /** Reads the instance records in {@code run/} (the daemon writes one at each launch and adoption). */
    void pollRecords() {
        try (var files = Files.list(runDir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".instance")).toList()) {
                Properties p = new Properties();
                try (Reader in = Files.newBufferedReader(f)) {
                    p.load(in);
                } catch (IOException | IllegalArgumentException e) {
                    continue; // being rewritten
                }
                String marker = p.getProperty("marker", "");
                if (marker.isEmpty() || instances.containsKey(marker) || !marker.startsWith(homeId + "/")) {
                    continue;
                }
                String name = f.getFileName().toString();
                String component = name.substring(0, name.length() - ".instance".length());
                long pid = Long.parseLong(p.getProperty("pid", "-1"));
                long ticks = Long.parseLong(p.getProperty("startTicks", "-1"));
                instances.put(marker, new Instance(component, marker.substring(marker.lastIndexOf('/') + 1), pid, ticks,
                        ticks > 0 ? wallMillis(ticks) : System.currentTimeMillis(), p.getProperty("containerId", "")));
                if (pid > 0 && ticks > 0) {
                    seen.put(pid + " " + ticks, marker);
                }
            }
        } catch (IOException | RuntimeException e) {
            // run/ not there yet, or a record half written: the next poll reads it
        }
    }

    /** Notes an instance leader seen in a scan (one whose record was overwritten before it was polled). */
    void noteLeader(Proc p) {
        if (p.marked() && p.session() == p.pid()) {
            instances.putIfAbsent(homeId + "/" + p.component() + "/" + p.nonce(),
                    new Instance(p.component(), p.nonce(), p.pid(), p.ticks(), wallMillis(p.ticks()), ""));
        }
    }

    /** Every instance of {@code component} seen, oldest first. */
    List<Instance> instances(String component) {
        return instances.values().stream().filter(i -> i.component().equals(component))
                .sorted(Comparator.comparingLong(Instance::startedAt)).toList();
    }

    /** The wall time (ms since the epoch) of a start time in clock ticks since boot. */
    long wallMillis(long ticks) {
        return bootMillis + ticks * TICK_MS;
    }

    /** Boot time from /proc/uptime (10 ms resolution), the median of a few readings. */
    private static long bootMillis() {
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            try {
                double up = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
                samples.add(System.currentTimeMillis() - Math.round(up * 1000));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read /proc/uptime", e);
            }
        }
        samples.sort(null);
        return samples.get(2);
    }
}
