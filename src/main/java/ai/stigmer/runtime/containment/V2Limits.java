package ai.stigmer.runtime.containment;

import ai.stigmer.config.ResourcesSpec;
import ai.stigmer.runtime.LaunchException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Limits through the cgroup v2 controllers of the instance's own containment cgroup:
 * {@code memory.max} (and {@code memory.swap.max} 0), {@code cpu.max}, {@code pids.max}; an OOM kill
 * is counted in {@code memory.events}.
 */
final class V2Limits implements Limits {
    private final Cgroup cgroup;
    private final ResourcesSpec spec;

    private V2Limits(Cgroup cgroup, ResourcesSpec spec) {
        this.cgroup = cgroup;
        this.spec = spec;
    }

    /** Writes the limits into {@code cgroup}, whose parent has the needed controllers enabled for it. */
    static V2Limits apply(Cgroup cgroup, ResourcesSpec spec) throws LaunchException {
        try {
            if (spec.memoryBytes() > 0) {
                cgroup.write("memory.max", Long.toString(spec.memoryBytes()));
                if (cgroup.has("memory.swap.max")) {
                    cgroup.write("memory.swap.max", "0"); // memory means memory: no swapping past it
                }
            }
            if (spec.cpu() > 0) {
                cgroup.write("cpu.max", Limits.cpuQuotaUs(spec.cpu()) + " " + CPU_PERIOD_US);
            }
            if (spec.pids() > 0) {
                cgroup.write("pids.max", Integer.toString(spec.pids()));
            }
        } catch (IOException e) {
            throw new LaunchException("cannot set resource limits in " + cgroup + ": " + e.getMessage(), e);
        }
        return new V2Limits(cgroup, spec);
    }

    @Override
    public List<Path> joinFiles() {
        return List.of(); // the containment cgroup itself, which the instance joins anyway
    }

    @Override
    public long oomKills() {
        return cgroup.counter("memory.events", "oom_kill").orElse(0);
    }

    @Override
    public List<Long> pids() {
        return List.of(); // the same processes as the containment cgroup
    }

    @Override
    public void remove() {
        // removed with the containment cgroup
    }

    @Override
    public ResourcesSpec spec() {
        return spec;
    }

    @Override
    public String toString() {
        return "cgroup v2 " + String.join(", ", Limits.controllers(spec));
    }
}
