package ai.stigmer.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.runtime.LaunchException;
import com.github.dockerjava.api.command.InspectContainerResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Show 5 of issue 9: two installs (two homes) configured with the same container name, against the
 * real engine. Neither stops, removes, adopts or takes over the other's container; the one that finds
 * the name taken fails with a message naming the container and the home that owns it.
 */
class TwoHomesSameContainerNameTest extends WithDockerEngine {
    private static final String HOME_A = "aaaaaaaaaaaa";
    private static final String HOME_B = "bbbbbbbbbbbb";

    private DockerRuntime home(String homeId) {
        return runtime(homeId, DockerTestSupport.spec(name));
    }

    private boolean running(String id) {
        return docker.inspectContainerCmd(id).exec().getState().getRunning();
    }

    @Test
    void neitherHomeTouchesTheOthersContainer() throws Exception {
        DockerRuntime a = home(HOME_A);
        DockerRuntime b = home(HOME_B);
        Instance ofA = a.launch();
        assertEquals(HOME_A, docker.inspectContainerCmd(name).exec().getConfig().getLabels().get("ai.stigmer.home"));

        LaunchException refused = assertThrows(LaunchException.class, b::launch);
        assertTrue(refused.getMessage().contains(name), refused.getMessage());
        assertTrue(refused.getMessage().contains(DockerEngine.shortId(ofA.containerId())), refused.getMessage());
        assertTrue(refused.getMessage().contains("ai.stigmer.home=" + HOME_A), refused.getMessage());
        assertTrue(b.adopt(ofA.record()).isEmpty(), "B never adopts A's container");
        new DockerInstance(engine, "agent-runner", HOME_B, ofA.containerId()).stop(Duration.ofSeconds(1));
        assertEquals(ofA.containerId(), docker.inspectContainerCmd(name).exec().getId(), "neither removed nor replaced");
        assertTrue(running(ofA.containerId()), "A's container still runs");
        assertTrue(ofA.isAlive());

        // The other way round: once A's is gone, B's container is just as safe from A.
        ofA.stop(Duration.ofSeconds(5));
        Instance ofB = b.launch();
        assertNotEquals(ofA.containerId(), ofB.containerId());
        LaunchException back = assertThrows(LaunchException.class, a::launch);
        assertTrue(back.getMessage().contains("ai.stigmer.home=" + HOME_B), back.getMessage());
        assertTrue(a.adopt(InstanceRecord.ofContainer(ofB.containerId())).isEmpty());
        assertTrue(running(ofB.containerId()), "B's container still runs");
        ofB.stop(Duration.ofSeconds(5));
    }

    @Test
    void aStoppedContainerOfAnotherHomeIsNotReplacedEither() throws Exception {
        Instance ofA = home(HOME_A).launch();
        docker.stopContainerCmd(ofA.containerId()).withTimeout(1).exec();

        assertThrows(LaunchException.class, () -> home(HOME_B).launch());

        InspectContainerResponse after = docker.inspectContainerCmd(name).exec();
        assertEquals(ofA.containerId(), after.getId(), "B did not remove A's stopped container");
    }

    @Test
    void aContainerWithoutHomeLabelIsForeign() {
        String old = docker.createContainerCmd(DockerTestSupport.IMAGE).withName(name)
                .withLabels(Map.of("ai.stigmer.managed", "true", "ai.stigmer.component", "agent-runner"))
                .withCmd(List.of("/bin/stigmer-agent")).exec().getId();
        docker.startContainerCmd(old).exec();

        LaunchException e = assertThrows(LaunchException.class, () -> home(HOME_A).launch());

        assertTrue(e.getMessage().contains("has no ai.stigmer.home label"), e.getMessage());
        assertTrue(e.getMessage().startsWith("a foreign container " + old.substring(0, 12) + " holds the name " + name), e.getMessage());
        assertTrue(home(HOME_A).adopt(InstanceRecord.ofContainer(old)).isEmpty());
        assertTrue(running(old), "the older stigmer's container is left alone");
    }
}
