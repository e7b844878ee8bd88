package ai.stigmer.runtime.containment;

import ai.stigmer.config.ResourcesSpec;
import ai.stigmer.runtime.LaunchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cgroup v2 mode: each component has the cgroup {@code <daemon's cgroup>/stigmer-<home id>/<component>},
 * which its instance joins before it execs. Limits use the v2 controllers where they can be enabled
 * down to that cgroup, else the v1 controllers (a hybrid host).
 */
final class CgroupContainment extends Containment {
    private final String homeId;
    private final CgroupMounts mounts;
    private final Cgroup own;
    private final Cgroup base;
    private final String basePath;

    private CgroupContainment(String homeId, CgroupMounts mounts, Cgroup own, Cgroup base, String basePath) {
        this.homeId = homeId;
        this.mounts = mounts;
        this.own = own;
        this.base = base;
        this.basePath = basePath;
    }

    /** Present if cgroup v2 is mounted and the base cgroup of this home exists or can be made. */
    static Optional<CgroupContainment> create(String homeId, CgroupMounts mounts) {
        if (mounts.v2().isEmpty()) {
            return Optional.empty();
        }
        Cgroup own = new Cgroup(mounts.v2().get());
        Cgroup base = new Cgroup(own.dir().resolve("stigmer-" + homeId));
        try {
            base.create();
            if (!Files.isWritable(base.procsFile())) {
                return Optional.empty();
            }
        } catch (IOException | SecurityException e) {
            return Optional.empty(); // read-only (a container) or not delegated to us (systemd)
        }
        String ownPath = mounts.v2Path().equals("/") ? "" : mounts.v2Path();
        return Optional.of(new CgroupContainment(homeId, mounts, own, base, ownPath + "/stigmer-" + homeId));
    }

    @Override
    public String description() {
        return "cgroup v2 at " + base.dir();
    }

    /**
     * A process that joins its cgroup by writing to {@code cgroup.procs} takes the kernel's global
     * cgroup-migration lock for writing; unless the hierarchy is mounted with {@code favordynmods}
     * (Linux 6.0), that waits for an RCU grace period first, about 10 ms after an idle spell. Instances
     * born inside ({@link BornInCgroup}) make no such move; where they cannot be, the mount option is
     * the host's to choose, so the daemon only says so.
     */
    @Override
    public Optional<String> advice() {
        return advice(BornInCgroup.available());
    }

    Optional<String> advice(boolean bornInside) {
        if (bornInside || mounts.v2FavorsDynmods() || mounts.v2Mount().isEmpty()) {
            return Optional.empty();
        }
        String mount = mounts.v2Mount().get().toString();
        return Optional.of("cgroup v2 at " + mount + " is mounted without favordynmods: each launch waits about"
                + " 10 ms for the kernel to move the process into its cgroup; `mount -o remount,favordynmods "
                + mount + "` (Linux 6.0 or later, as root) removes that wait");
    }

    @Override
    public Enclosure enclose(String component, String marker, ResourcesSpec resources) throws LaunchException {
        Cgroup cgroup = new Cgroup(base.dir().resolve(component));
        try {
            if (!cgroup.createFresh()) {
                // Whatever object stood for the previous instance (none after a daemon restart), what
                // it left is in the component's cgroup (one made just now holds nothing); the kill
                // removes the cgroup, so it is made again.
                clearLeftovers(component, new CgroupEnclosure(cgroup, basePath + "/" + component, Limits.NONE));
                cgroup.create();
            }
        } catch (IOException e) {
            throw new LaunchException("cannot create the cgroup " + cgroup + ": " + e.getMessage(), e);
        }
        Limits limits = limits(component, cgroup, resources);
        CgroupEnclosure enclosure = new CgroupEnclosure(cgroup, basePath + "/" + component, limits);
        makeCurrent(component, enclosure);
        return enclosure;
    }

    private Limits limits(String component, Cgroup cgroup, ResourcesSpec resources) throws LaunchException {
        if (!resources.any()) {
            return Limits.NONE;
        }
        List<String> needed = Limits.controllers(resources);
        String v2Problem = enableV2(needed);
        if (v2Problem.isEmpty()) {
            return V2Limits.apply(cgroup, resources);
        }
        if (V1Limits.available(mounts, resources)) {
            return V1Limits.apply(mounts, "stigmer-" + homeId + "/" + component, resources);
        }
        throw new LaunchException("resources are configured but no cgroup controller can apply them: " + v2Problem
                + ", and cgroup v1 has no " + String.join("/", missingV1(needed)) + " controller mounted");
    }

    private List<String> missingV1(List<String> needed) {
        return needed.stream().filter(c -> !mounts.v1().containsKey(c)).toList();
    }

    /**
     * Enables {@code needed} for the component cgroups: in the daemon's cgroup and in the base. Empty
     * if done, else why not. cgroup v2 lets a cgroup hand controllers to its children only while it
     * holds no process itself: where the daemon's own cgroup is such a parent (a systemd service with
     * Delegate=yes) the daemon moves itself into a leaf beside the base first, as systemd advises.
     */
    private synchronized String enableV2(List<String> needed) {
        String available;
        try {
            available = own.read("cgroup.controllers");
        } catch (IOException e) {
            return "cannot read " + own.dir().resolve("cgroup.controllers");
        }
        List<String> missing = new ArrayList<>();
        for (String c : needed) {
            if (!List.of(available.strip().split("\\s+")).contains(c)) {
                missing.add(c);
            }
        }
        if (!missing.isEmpty()) {
            return "cgroup v2 at " + own.dir() + " has no " + String.join("/", missing) + " controller";
        }
        String enable = String.join(" ", needed.stream().map(c -> "+" + c).toList());
        try {
            enableIn(own, needed, enable);
        } catch (IOException busy) {
            try {
                Cgroup leaf = new Cgroup(own.dir().resolve("stigmer-daemon-" + homeId));
                leaf.create();
                leaf.write("cgroup.procs", Long.toString(ProcessHandle.current().pid()));
                enableIn(own, needed, enable);
            } catch (IOException e) {
                return "cannot enable " + enable + " in " + own.dir() + " (" + busy.getMessage() + ")";
            }
        }
        try {
            enableIn(base, needed, enable);
        } catch (IOException e) {
            return "cannot enable " + enable + " in " + base.dir() + " (" + e.getMessage() + ")";
        }
        return "";
    }

    private static void enableIn(Cgroup cgroup, List<String> needed, String enable) throws IOException {
        List<String> on = List.of(cgroup.read("cgroup.subtree_control").strip().split("\\s+"));
        if (!on.containsAll(needed)) {
            cgroup.write("cgroup.subtree_control", enable);
        }
    }

    @Override
    Enclosure reattach(String component, long pid, long startTicks, String marker) {
        // Where the daemon that launched it had its cgroup: ours may differ (another login session).
        String path = v2PathOf(pid).flatMap(p -> componentCgroup(p, component)).orElse(basePath + "/" + component);
        Path dir = mounts.v2Dir(path).orElse(base.dir().resolve(component));
        CgroupEnclosure inCgroup = new CgroupEnclosure(new Cgroup(dir), path, Limits.NONE);
        Enclosure enclosure;
        if (inCgroup.inside(pid)) {
            enclosure = inCgroup;
        } else {
            // Launched before the daemon had cgroups (or by a daemon in session mode): what it has.
            enclosure = new SessionEnclosure(marker, Limits.NONE);
        }
        enclosure.started(pid, startTicks);
        makeCurrent(component, enclosure);
        return enclosure;
    }

    /** The component's cgroup in {@code path}: the path itself, or above a cgroup the instance made inside it. */
    private Optional<String> componentCgroup(String path, String component) {
        String tail = "/stigmer-" + homeId + "/" + component;
        int at = path.indexOf(tail + "/");
        return path.endsWith(tail) ? Optional.of(path)
                : at >= 0 ? Optional.of(path.substring(0, at + tail.length())) : Optional.empty();
    }

    private static Optional<String> v2PathOf(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup")).stream()
                    .filter(l -> l.startsWith("0::")).map(l -> l.substring(3)).findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    List<Path> bases() {
        List<Path> bases = new ArrayList<>();
        bases.add(base.dir());
        mounts.v1().values().forEach(v1 -> bases.add(v1.resolve("stigmer-" + homeId)));
        return bases;
    }
}
