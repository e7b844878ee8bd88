package ai.stigmer.runtime.containment;

import ai.stigmer.config.ResourcesSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resource limits applied to one instance through cgroup controllers, v2 or v1. The wrapper that
 * starts the instance joins {@link #joinFiles()} before it execs, so the limits hold from the first
 * instruction of the component and for everything it starts.
 */
interface Limits {
    /** The CFS period every cpu limit is a quota of (100 ms, the kernel's default). */
    long CPU_PERIOD_US = 100_000;

    /** No limit configured: nothing to join, nothing to count. */
    Limits NONE = new Limits() {
        @Override
        public List<Path> joinFiles() {
            return List.of();
        }

        @Override
        public long oomKills() {
            return 0;
        }

        @Override
        public List<Long> pids() {
            return List.of();
        }

        @Override
        public void remove() {}

        @Override
        public ResourcesSpec spec() {
            return ResourcesSpec.NONE;
        }
    };

    /** The {@code cgroup.procs} files the instance joins before it execs (beside its containment cgroup). */
    List<Path> joinFiles();

    /** How many processes the memory limit has killed so far (0 without a memory limit). */
    long oomKills();

    /** Processes in the limit cgroups now: besides its containment, a second place to find the instance. */
    List<Long> pids();

    /** Removes the limit cgroups once they are empty. */
    void remove();

    ResourcesSpec spec();

    /** The controllers {@code spec} needs; cgroup v1 and v2 call them by the same names. */
    static List<String> controllers(ResourcesSpec spec) {
        List<String> controllers = new ArrayList<>();
        if (spec.memoryBytes() > 0) {
            controllers.add("memory");
        }
        if (spec.cpu() > 0) {
            controllers.add("cpu");
        }
        if (spec.pids() > 0) {
            controllers.add("pids");
        }
        return controllers;
    }

    /** CFS quota for {@code cores}, in microseconds per {@link #CPU_PERIOD_US}. */
    static long cpuQuotaUs(double cores) {
        return Math.max(1000, Math.round(cores * CPU_PERIOD_US));
    }
}
