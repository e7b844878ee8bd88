package ai.stigmer.runtime;

/**
 * What identifies an instance across daemon restarts: a pid with its process start time (in clock
 * ticks since boot, from {@code /proc/<pid>/stat}) and the exact {@link InstanceMarker} value the
 * daemon put into its environment, or a container id. {@code commandDigest} and {@code envDigest}
 * fingerprint what the instance was launched with (see {@code SpecDigest}), so that a later daemon
 * can tell an instance whose command or env no longer matches the config; "" when unknown.
 */
public record InstanceRecord(long pid, long startTicks, String containerId, String marker, String commandDigest,
        String envDigest) {

    public InstanceRecord {
        containerId = containerId == null ? "" : containerId;
        marker = marker == null ? "" : marker;
        commandDigest = commandDigest == null ? "" : commandDigest;
        envDigest = envDigest == null ? "" : envDigest;
    }

    /** A process known only by pid and start time: no marker, so never adoptable (SPEC §4). */
    public static InstanceRecord ofProcess(long pid, long startTicks) {
        return new InstanceRecord(pid, startTicks, "", "", "", "");
    }

    /** A launched process with the marker it carries and the digests of its command and env. */
    public static InstanceRecord ofProcess(long pid, long startTicks, String marker, String commandDigest,
            String envDigest) {
        return new InstanceRecord(pid, startTicks, "", marker, commandDigest, envDigest);
    }

    public static InstanceRecord ofContainer(String containerId) {
        return new InstanceRecord(-1, -1, containerId, "", "", "");
    }

    /** True for a container, false for a process. */
    public boolean isContainer() {
        return !containerId.isEmpty();
    }
}
