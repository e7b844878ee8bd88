package ai.stigmer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code stop}'s own question to the real Docker Engine: does this container still run? */
class ContainerCheckTest {
    private static final String IMAGE = "stigmer/agent-runner:local";
    private DockerClient docker;
    private final String name = "stigmer-cli-check-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void engine() {
        String host = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
        docker = DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).connectionTimeout(Duration.ofSeconds(2))
                .responseTimeout(Duration.ofSeconds(30)).build());
        try {
            docker.pingCmd().exec();
            docker.inspectImageCmd(IMAGE).exec();
        } catch (RuntimeException e) {
            if (System.getenv("CI") != null) {
                throw new AssertionError("no Docker engine with " + IMAGE + " at " + host, e);
            }
            Assumptions.abort("no Docker engine with " + IMAGE + " at " + host + ": " + e);
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            docker.removeContainerCmd(name).withForce(true).exec();
        } catch (RuntimeException gone) {
            // never created, or already removed
        }
        docker.close();
    }

    @Test
    void runningStoppedAndMissingContainersAreToldApart() {
        String id = docker.createContainerCmd(IMAGE).withName(name).exec().getId();
        assertEquals(Optional.of(false), ContainerCheck.running(id), "created, not started");
        docker.startContainerCmd(id).exec();
        assertEquals(Optional.of(true), ContainerCheck.running(id));
        docker.killContainerCmd(id).exec();
        assertEquals(Optional.of(false), ContainerCheck.running(id));
        docker.removeContainerCmd(id).withForce(true).exec();
        assertEquals(Optional.of(false), ContainerCheck.running(id), "no such container");
    }

    @Test
    void anIdThatIsNoIdIsNotAskedAbout() {
        assertEquals(Optional.empty(), ContainerCheck.running("../../version"));
    }
}
