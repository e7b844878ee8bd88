package ai.stigmer.runtime;

/**
 * What identifies an instance across daemon restarts: a pid with its process start time (in clock
 * ticks since boot, from {@code /proc/<pid>/stat}), or a container id.
 */
public record InstanceRecord(long pid, long startTicks, String containerId) {

    public static InstanceRecord ofProcess(long pid, long startTicks) {
        return new InstanceRecord(pid, startTicks, "");
    }

    public static InstanceRecord ofContainer(String containerId) {
        return new InstanceRecord(-1, -1, containerId);
    }
}
