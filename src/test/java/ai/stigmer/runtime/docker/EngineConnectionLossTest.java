package ai.stigmer.runtime.docker;

import static ai.stigmer.runtime.docker.DockerTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.probe.CheckContext;
import ai.stigmer.probe.CheckResult;
import ai.stigmer.probe.ProbeKind;
import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.StopFailedException;
import com.github.dockerjava.api.DockerClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection to the engine breaks while a container runs. The runtime talks to the real engine
 * through a {@link SocketProxy}; the container itself keeps running on the engine throughout.
 */
class EngineConnectionLossTest {

    @TempDir
    Path dir;

    private final DockerEngine engine = DockerTestSupport.defaultEngine();
    private DockerClient docker;
    private String name;
    private SocketProxy proxy;
    private DockerRuntime runtime;

    @BeforeEach
    void start() throws Exception {
        docker = DockerTestSupport.requireEngine(engine);
        assertEquals("unix", engine.host().getScheme(), "the proxy needs the engine on a Unix socket");
        name = DockerTestSupport.uniqueName();
        proxy = new SocketProxy(dir.resolve("proxy.sock"), Path.of(engine.host().getPath()));
        runtime = DockerTestSupport.runtime(name, URI.create("unix://" + proxy.socket()));
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (docker != null) {
            DockerTestSupport.removeQuietly(docker, name);
        }
        engine.close();
    }

    @Test
    void brokenStreamWhileTheContainerRunsIsNotAnExit() throws Exception {
        Instance instance = runtime.launch();
        await(Duration.ofSeconds(5), "watcher waiting", () -> proxy.waits() == 1);

        proxy.cutConnections();

        // The watcher re-checks with an inspect and waits anew; the instance has not ended meanwhile.
        await(Duration.ofSeconds(5), "watcher waiting again", () -> proxy.waits() == 2);
        assertFalse(instance.exited().isDone(), "a broken stream is no exit");
        assertTrue(instance.isAlive());

        // And the new wait still reports the real end.
        docker.killContainerCmd(name).exec();
        assertEquals(137, instance.exited().get(5, TimeUnit.SECONDS).code());
    }

    @Test
    void engineGoneEndsTheInstanceAsLost() throws Exception {
        Instance instance = runtime.launch();
        await(Duration.ofSeconds(5), "watcher waiting", () -> proxy.waits() == 1);

        proxy.close();

        ExitStatus exit = instance.exited().get(10, TimeUnit.SECONDS);
        assertEquals(-1, exit.code());
        assertEquals("Docker daemon connection lost: Docker is not reachable at unix://" + proxy.socket()
                + " (no such socket)", exit.detail());
        assertFalse(instance.isAlive());
        CheckResult check = runtime.containerCheck().run(
                new CheckContext(instance, Duration.ZERO, ProbeKind.LIVENESS, Duration.ofSeconds(1)));
        assertTrue(check.reason().startsWith("Docker is not reachable at unix://"), check.reason());
        assertTrue(docker.inspectContainerCmd(name).exec().getState().getRunning(), "the container itself runs on");
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void anEngineThatHangsOnStopDoesNotHoldTheStopForever() throws Exception {
        Instance instance = runtime.launch();
        proxy.swallowStops();
        long started = System.nanoTime();
        instance.stop(Duration.ofSeconds(1));
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(60).toNanos(), "stop returned");
        ExitStatus exit = instance.exited().get(5, TimeUnit.SECONDS);
        assertTrue(exit.detail().contains("no answer to a stop within"), exit.detail());
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void aStopTheEngineRefusesIsAFailedStopAndTheContainerIsLeftAlone() throws Exception {
        Instance instance = runtime.launch();
        proxy.refuseStops();
        StopFailedException failed = assertThrows(StopFailedException.class, () -> instance.stop(Duration.ofSeconds(1)));
        assertTrue(failed.getMessage().contains("simulated engine error"), failed.getMessage());
        assertFalse(instance.exited().isDone(), "a refused stop is not an exit");
        assertTrue(docker.inspectContainerCmd(name).exec().getState().getRunning(), "the container still runs");
    }
}
