package ai.stigmer.config;

import java.time.Duration;
import java.util.List;

/**
 * One supervised component with the {@code defaults} of the file merged in. Exactly one of
 * {@link #process()} and {@link #docker()} is set. A probe without checks is absent (null).
 * {@code logs} rotates the component's own log ({@code logs/<name>.log}); {@code kubernetes} is read only
 * by the export to Kubernetes.
 */
public record ComponentConfig(
        String name,
        List<String> dependsOn,
        RestartSpec restart,
        Duration stopTimeout,
        ProbeSpec startup,
        ProbeSpec liveness,
        ProbeSpec readiness,
        ProcessSpec process,
        DockerSpec docker,
        LogsSpec logs,
        KubernetesSpec kubernetes) {

    public ComponentConfig {
        dependsOn = List.copyOf(dependsOn);
        if (logs == null) {
            logs = LogsSpec.DEFAULT;
        }
        if (kubernetes == null) {
            kubernetes = KubernetesSpec.NONE;
        }
    }

    /** Without settings for the export to Kubernetes. */
    public ComponentConfig(String name, List<String> dependsOn, RestartSpec restart, Duration stopTimeout,
            ProbeSpec startup, ProbeSpec liveness, ProbeSpec readiness, ProcessSpec process, DockerSpec docker,
            LogsSpec logs) {
        this(name, dependsOn, restart, stopTimeout, startup, liveness, readiness, process, docker, logs,
                KubernetesSpec.NONE);
    }

    /** With the default rotation of its log. */
    public ComponentConfig(String name, List<String> dependsOn, RestartSpec restart, Duration stopTimeout,
            ProbeSpec startup, ProbeSpec liveness, ProbeSpec readiness, ProcessSpec process, DockerSpec docker) {
        this(name, dependsOn, restart, stopTimeout, startup, liveness, readiness, process, docker, LogsSpec.DEFAULT,
                KubernetesSpec.NONE);
    }

    /**
     * Whether the daemon would run {@code other} as it runs this one: every field equal but
     * {@code kubernetes}, which only the export reads (a reload leaves such a component untouched).
     */
    public boolean runsLike(ComponentConfig other) {
        return equals(new ComponentConfig(other.name, other.dependsOn, other.restart, other.stopTimeout, other.startup,
                other.liveness, other.readiness, other.process, other.docker, other.logs, kubernetes));
    }

    /** {@code process} or {@code docker}, as the {@code Kind} attribute of SPEC §6 names it. */
    public String kind() {
        return docker != null ? "docker" : "process";
    }
}
