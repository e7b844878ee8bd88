package ai.stigmer.config;

import java.time.Duration;
import java.util.List;

/**
 * One supervised component with the {@code defaults} of the file merged in. Exactly one of
 * {@link #process()} and {@link #docker()} is set. A probe without checks is absent (null).
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
        DockerSpec docker) {

    public ComponentConfig {
        dependsOn = List.copyOf(dependsOn);
    }

    /** {@code process} or {@code docker}, as the {@code Kind} attribute of SPEC §6 names it. */
    public String kind() {
        return docker != null ? "docker" : "process";
    }
}
