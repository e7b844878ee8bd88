package ai.stigmer.bench.chaos;

import ai.stigmer.bench.chaos.StigmerCli.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The soak's private Docker engine, through the docker command line on its socket; or none, when
 * the soak runs without one (then every question has the empty answer). Each call has a deadline.
 */
final class Docker {
    private static final Duration LIMIT = Duration.ofSeconds(10);

    private final String host;
    private final String restartScript;

    Docker(String host, String restartScript) {
        this.host = host;
        this.restartScript = restartScript;
    }

    boolean present() {
        return host != null;
    }

    String host() {
        return host;
    }

    /** The ids of the running containers labelled with this home and component. */
    List<String> runningContainers(String homeId, String component) {
        return ids(List.of("ps", "-q", "--no-trunc", "--filter", "label=ai.stigmer.home=" + homeId,
                "--filter", "label=ai.stigmer.component=" + component, "--filter", "status=running"));
    }

    /** Every container of this home, in any state. */
    List<String> allContainers(String homeId) {
        return ids(List.of("ps", "-aq", "--no-trunc", "--filter", "label=ai.stigmer.home=" + homeId));
    }

    /** Why {@code id} is not a running container (empty if it runs, or if the engine does not answer now). */
    Optional<String> notRunning(String id) {
        if (id.isEmpty()) {
            return Optional.of("it shows no container");
        }
        Result r = docker(List.of("inspect", "--format", "{{.State.Running}}", id));
        if (r.exit() == 0) {
            return r.out().strip().equals("true") ? Optional.empty() : Optional.of("container " + id + " is not running");
        }
        return r.out().contains("No such") ? Optional.of("container " + id + " does not exist") : Optional.empty();
    }

    /** SIGKILL to the container's process (docker kill). */
    boolean kill(String id) {
        return docker(List.of("kill", id)).exit() == 0;
    }

    /** Stops the engine (its containers run on: live restore) and starts it again; the outcome for the record. */
    Result restartEngine() {
        return StigmerCli.exec(List.of(restartScript), Duration.ofSeconds(120), Map.of());
    }

    private List<String> ids(List<String> args) {
        Result r = docker(args);
        List<String> ids = new ArrayList<>();
        if (r.exit() == 0) {
            r.out().lines().map(String::strip).filter(l -> l.matches("[0-9a-f]{12,}")).forEach(ids::add);
        }
        return ids;
    }

    private Result docker(List<String> args) {
        if (host == null) {
            return new Result(-1, "no engine");
        }
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(args);
        return StigmerCli.exec(command, LIMIT, Map.of("DOCKER_HOST", host));
    }
}
