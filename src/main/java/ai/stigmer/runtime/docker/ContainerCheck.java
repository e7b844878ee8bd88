package ai.stigmer.runtime.docker;

import ai.stigmer.probe.Check;
import ai.stigmer.probe.CheckContext;
import ai.stigmer.probe.CheckResult;
import ai.stigmer.probe.ProbeKind;
import com.github.dockerjava.api.command.HealthStateLog;
import com.github.dockerjava.api.command.InspectContainerResponse;
import java.util.List;
import java.util.Optional;

/**
 * The {@code container} check (SPEC §2): the instance's container is running and, where its image
 * defines a HEALTHCHECK, not {@code unhealthy}; the readiness probe requires {@code healthy}.
 * An engine that cannot be reached fails the check with "Docker is not reachable at ...".
 */
public final class ContainerCheck implements Check {

    private final DockerEngine engine;

    ContainerCheck(DockerEngine engine) {
        this.engine = engine;
    }

    @Override
    public String describe() {
        return "container";
    }

    @Override
    public CheckResult run(CheckContext context) {
        String id = context.instance().containerId();
        if (id.isEmpty()) {
            return CheckResult.fail("not a container instance");
        }
        Optional<InspectContainerResponse> found;
        try {
            found = engine.inspect(id);
        } catch (EngineUnreachableException e) {
            return CheckResult.fail(e.getMessage());
        }
        if (found.isEmpty()) {
            return CheckResult.fail("container " + DockerEngine.shortId(id) + " no longer exists");
        }
        InspectContainerResponse container = found.get();
        if (!DockerEngine.started(container)) {
            return CheckResult.fail("container is " + container.getState().getStatus()
                    + " (" + DockerInstance.exitOf(container).describe() + ")");
        }
        if (!DockerEngine.running(container)) {
            return CheckResult.fail("container is " + container.getState().getStatus());
        }
        String health = DockerEngine.health(container);
        if (health.isEmpty()) {
            return CheckResult.pass(); // no HEALTHCHECK: running is all there is to know
        }
        if (health.equals("unhealthy")) {
            return CheckResult.fail("container is unhealthy" + lastOutput(container));
        }
        if (context.probe() == ProbeKind.READINESS && !health.equals("healthy")) {
            return CheckResult.fail("container health is " + health + ", not yet healthy");
        }
        return CheckResult.pass();
    }

    /** What the last HEALTHCHECK run printed, if anything: often the reason. */
    private static String lastOutput(InspectContainerResponse container) {
        List<HealthStateLog> runs = container.getState().getHealth().getLog();
        if (runs == null || runs.isEmpty()) {
            return "";
        }
        HealthStateLog last = runs.get(runs.size() - 1);
        String output = last.getOutput() == null ? "" : last.getOutput().strip();
        return " (healthcheck exit code " + last.getExitCodeLong() + (output.isEmpty() ? "" : ": " + output) + ")";
    }
}
