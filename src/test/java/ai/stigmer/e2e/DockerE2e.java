package ai.stigmer.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * What the end-to-end Docker tests share: a docker-java client of their own (the product's engine
 * classes are package-private), the rule that a missing engine fails under {@code CI} and skips
 * elsewhere (as in {@code DockerTestSupport}), and the few engine calls the tests make.
 */
final class DockerE2e {

    static final String IMAGE = "stigmer/agent-runner:local";
    static final String MANAGED = "ai.stigmer.managed";

    private DockerE2e() {}

    /** {@code $DOCKER_HOST}, else the default socket: the engine the daemon uses by default. */
    static URI defaultHost() {
        String env = System.getenv("DOCKER_HOST");
        return URI.create(env == null || env.isBlank() ? "unix:///var/run/docker.sock" : env.trim());
    }

    static DockerClient client(URI host) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host.toString()).build();
        ZerodepDockerHttpClient http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .connectionTimeout(Duration.ofSeconds(2))
                .responseTimeout(Duration.ofSeconds(30))
                .build();
        return DockerClientImpl.getInstance(config, http);
    }

    /** Fails under CI, skips elsewhere: for a precondition the test cannot do without. */
    static void precondition(String why) {
        if (System.getenv("CI") != null) {
            fail(why);
        }
        Assumptions.abort(why);
    }

    /** A client on the default engine that answers and has the agent-runner image. */
    static DockerClient requireEngine() {
        URI host = defaultHost();
        DockerClient client = client(host);
        try {
            client.pingCmd().exec();
        } catch (RuntimeException e) {
            precondition("no Docker engine at " + host + ": " + e + " (run .ci/docker-setup.sh)");
        }
        try {
            client.inspectImageCmd(IMAGE).exec();
        } catch (NotFoundException e) {
            precondition("image " + IMAGE + " missing (run bin/stigmer-build-agent-image)");
        }
        return client;
    }

    static String uniqueName() {
        return "stigmer-agent-runner-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Optional<InspectContainerResponse> inspect(DockerClient client, String idOrName) {
        try {
            return Optional.of(client.inspectContainerCmd(idOrName).exec());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    static boolean running(DockerClient client, String idOrName) {
        return inspect(client, idOrName).map(c -> Boolean.TRUE.equals(c.getState().getRunning())).orElse(false);
    }

    /** Containers (any state) that carry {@code ai.stigmer.managed=true} and exactly this name. */
    static List<Container> managed(DockerClient client, String name) {
        return client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(MANAGED, "true"))
                .withNameFilter(List.of("^/" + name + "$"))
                .exec();
    }

    /** A running container of the agent-runner image without any stigmer label. */
    static String runForeign(DockerClient client, String name) {
        String id = client.createContainerCmd(IMAGE).withName(name).exec().getId();
        client.startContainerCmd(id).exec();
        return id;
    }

    /** {@code docker exec <container> <command...>}, which must exit 0. */
    static void exec(DockerClient client, String container, String... command) throws InterruptedException {
        String exec = client.execCreateCmd(container).withCmd(command).withAttachStdout(true).withAttachStderr(true)
                .exec().getId();
        client.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>()).awaitCompletion(30, TimeUnit.SECONDS);
        assertEquals(0L, client.inspectExecCmd(exec).exec().getExitCodeLong(), "docker exec " + List.of(command));
    }

    static void removeQuietly(DockerClient client, String name) {
        try {
            client.removeContainerCmd(name).withForce(true).exec();
        } catch (NotFoundException gone) {
            // already gone
        } catch (RuntimeException e) {
            System.err.println("cleanup of container " + name + " failed: " + e);
        }
    }

    static void closeQuietly(DockerClient client) {
        try {
            if (client != null) {
                client.close();
            }
        } catch (Exception e) {
            // dropping it anyway
        }
    }
}
