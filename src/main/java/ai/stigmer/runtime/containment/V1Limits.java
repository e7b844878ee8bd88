package ai.stigmer.runtime.containment;

import ai.stigmer.config.ResourcesSpec;
import ai.stigmer.runtime.LaunchException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Limits through the cgroup v1 controllers ({@code memory}, {@code cpu}, {@code pids}): one cgroup
 * {@code stigmer-<home>/<component>} per controller, below the daemon's own cgroup in that hierarchy.
 * Used where cgroup v2 has no controllers (a hybrid host) or is not usable at all.
 */
final class V1Limits implements Limits {
    private final Map<String, Cgroup> cgroups;
    private final ResourcesSpec spec;

    private V1Limits(Map<String, Cgroup> cgroups, ResourcesSpec spec) {
        this.cgroups = cgroups;
        this.spec = spec;
    }

    /** True if every controller {@code spec} needs is mounted. */
    static boolean available(CgroupMounts mounts, ResourcesSpec spec) {
        return Limits.controllers(spec).stream().allMatch(mounts.v1()::containsKey);
    }

    /** Creates the cgroups and writes the limits; the caller checked {@link #available}. */
    static V1Limits apply(CgroupMounts mounts, String relative, ResourcesSpec spec) throws LaunchException {
        Map<String, Cgroup> cgroups = new LinkedHashMap<>();
        for (String controller : Limits.controllers(spec)) {
            cgroups.put(controller, new Cgroup(mounts.v1().get(controller).resolve(relative)));
        }
        Cgroup at = null;
        try {
            for (Map.Entry<String, Cgroup> e : cgroups.entrySet()) {
                at = e.getValue();
                at.create();
                switch (e.getKey()) {
                    case "memory" -> {
                        String bytes = Long.toString(spec.memoryBytes());
                        at.write("memory.limit_in_bytes", bytes);
                        if (at.has("memory.memsw.limit_in_bytes")) {
                            at.write("memory.memsw.limit_in_bytes", bytes); // memory means memory: no swapping past it
                        }
                    }
                    case "cpu" -> {
                        at.write("cpu.cfs_period_us", Long.toString(CPU_PERIOD_US));
                        at.write("cpu.cfs_quota_us", Long.toString(Limits.cpuQuotaUs(spec.cpu())));
                    }
                    case "pids" -> at.write("pids.max", Integer.toString(spec.pids()));
                    default -> throw new IllegalStateException(e.getKey());
                }
            }
        } catch (IOException e) {
            throw new LaunchException("cannot set resource limits in cgroup v1 " + at + ": " + e.getMessage(), e);
        }
        return new V1Limits(cgroups, spec);
    }

    @Override
    public List<Path> joinFiles() {
        return cgroups.values().stream().map(Cgroup::procsFile).toList();
    }

    @Override
    public long oomKills() {
        Cgroup memory = cgroups.get("memory");
        return memory == null ? 0 : memory.counter("memory.oom_control", "oom_kill").orElse(0);
    }

    @Override
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        cgroups.values().forEach(c -> pids.addAll(c.pids()));
        return pids;
    }

    @Override
    public void remove() {
        cgroups.values().forEach(Cgroup::remove);
    }

    @Override
    public ResourcesSpec spec() {
        return spec;
    }

    @Override
    public String toString() {
        return "cgroup v1 " + String.join(", ", cgroups.keySet());
    }
}
