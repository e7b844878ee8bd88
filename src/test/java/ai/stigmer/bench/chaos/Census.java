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
 * marker ({@link Sighting}), so that a signal the daemon logs can be told to have reached one of its
 * own or not.
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

    /**
     * What one look at a process's environment showed: its marker, or none ({@code marker} empty).
     * Only some looks tell ({@link #tells}): one with the marker; or, without it, one at a live
     * process old enough to have exec'd, whose environment is there to read. Before its exec a
     * launch is the JDK's child of the daemon and has the daemon's environment; a zombie or a
     * process on its way out reads empty. Those are kept with the parent and age seen, never as
     * proof of a process not launched from this home.
     */
    record Sighting(String marker, boolean tells, boolean empty, long parent, String how) {
        static Sighting of(String marker) {
            return new Sighting(marker, true, false, -1, "with its marker");
        }

        boolean marked() {
            return !marker.isEmpty();
        }
    }

    /** One launch the daemon recorded, with its start as a wall time (ms since the epoch). */
    record Instance(String component, String nonce, long pid, long ticks, long startedAt, String containerId) {}

    private final String homeId;
    private final Path runDir;
    private final long settledEnvMs;
    private final long bootMillis = bootMillis();
    private final Map<String, Sighting> seen = new ConcurrentHashMap<>(); // "pid ticks" -> the look that tells most
    private final Map<String, Instance> instances = new ConcurrentHashMap<>(); // marker -> instance

    Census(String homeId, Path runDir) {
        this(homeId, runDir, SETTLED_ENV_MS);
    }

    /** A census for which a process's environment settles {@code settledEnvMs} after its start. */
    Census(String homeId, Path runDir, long settledEnvMs) {
        this.homeId = homeId;
        this.runDir = runDir;
        this.settledEnvMs = settledEnvMs;
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
        Sighting sighting = seen.get(key);
        if (sighting == null || !sighting.tells()) {
            Optional<byte[]> environ = environOf(pid);
            if (environ.isEmpty()) {
                return Optional.empty(); // gone meanwhile
            }
            Sighting look = look(environ.get(), state, s[1], ticks);
            if (sighting == null || !look.empty()) {
                seen.put(key, look); // an empty environment adds nothing to an earlier look
                sighting = look;
            }
        }
        String marker = sighting.marker();
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

    /** The raw environment of {@code pid}: empty bytes if it cannot be read, empty if the process is gone. */
    private static Optional<byte[]> environOf(long pid) {
        try {
            return Optional.of(ProcFs.environ(pid));
        } catch (IOException e) {
            return Files.exists(Path.of("/proc", Long.toString(pid))) ? Optional.of(new byte[0]) : Optional.empty();
        }
    }

    /** What the environment {@code environ}, read after a stat line with {@code state}, tells of its process. */
    private Sighting look(byte[] environ, char state, long parent, long ticks) {
        String value = ProcFs.variable(environ, InstanceMarker.ENV).orElse("");
        if (value.startsWith(homeId + "/")) {
            return Sighting.of(value);
        }
        long age = System.currentTimeMillis() - wallMillis(ticks);
        if (environ.length == 0) {
            return new Sighting("", false, true, parent, "with an empty environment (" + (ProcFs.gone(state) ? "a zombie"
                    : "exiting, or unreadable") + ") at " + age + " ms old, parent " + parent);
        }
        boolean settled = !ProcFs.gone(state) && age >= settledEnvMs;
        return new Sighting("", settled, false, parent, "without a marker at " + age + " ms old, parent " + parent);
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

    /** What was seen of the process {@code pid} started at {@code ticks}, empty if it was never seen. */
    Optional<Sighting> seen(long pid, long ticks) {
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
                    seen.put(pid + " " + ticks, Sighting.of(marker));
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
