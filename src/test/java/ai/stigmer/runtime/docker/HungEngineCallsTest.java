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
import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.runtime.LaunchException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine whose socket accepts connections and never answers (a {@link SocketProxy} that lets
 * nothing through): every call ends at its deadline with "no answer within N s", on the calling
 * thread, which is left as it was (not interrupted), and no thread stays behind in a socket read.
 *
 * <p>It mostly waits for deadlines, on a container name of its own, so it runs beside the rest of the
 * suite ({@code junit-platform.properties}).
 */
@Timeout(180)
@Execution(ExecutionMode.CONCURRENT)
class HungEngineCallsTest extends WithDockerEngine {
    /** Generous: the deadline is 5 s a call, the machine is shared and loaded. */
    private static final Duration ONE_CALL = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private SocketProxy proxy;
    private URI host;
    private DockerRuntime runtime;

    @BeforeEach
    void start() throws Exception {
        assertEquals("unix", engine.host().getScheme(), "the proxy needs the engine on a Unix socket");
        proxy = new SocketProxy(dir.resolve("hung.sock"), Path.of(engine.host().getPath()));
        host = URI.create("unix://" + proxy.socket());
        runtime = DockerTestSupport.runtime(name, host);
    }

    @AfterEach
    void closeProxy() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void aLaunchOnAnEngineThatNeverAnswersFailsWithinItsDeadlineSayingSo() {
        proxy.hang();

        long started = System.nanoTime();
        LaunchException e = assertThrows(LaunchException.class, runtime::launch);

        assertEquals("Docker is not reachable at " + host + " (no answer within 5 s)", e.getMessage());
        assertTrue(System.nanoTime() - started < ONE_CALL.toNanos(), "ended at the first call's deadline");
        assertFalse(Thread.currentThread().isInterrupted(), "the deadline's interrupt does not outlive the call");
        assertFalse(DockerTestSupport.exists(docker, name), "nothing was created");
    }

    @Test
    void theContainerCheckAndAdoptionEndWithinTheirDeadline() throws Exception {
        proxy.hang();

        long started = System.nanoTime();
        CheckResult check = runtime.containerCheck().run(new CheckContext(new DockerTestSupport.FixedContainer("0123456789ab"), Duration.ZERO,
                ProbeKind.LIVENESS, Duration.ofSeconds(1)));
        assertFalse(check.passed());
        assertEquals("Docker is not reachable at " + host + " (no answer within 5 s)", check.reason());
        assertTrue(runtime.adopt(InstanceRecord.ofContainer("0123456789ab")).isEmpty(), "nothing adopted");
        assertTrue(System.nanoTime() - started < ONE_CALL.multipliedBy(2).toNanos(), "each ended at its deadline");
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void aRunningContainerWhoseEngineFallsSilentEndsAsLostAndItsStopEndsInTime() throws Exception {
        Instance instance = runtime.launch();
        String id = instance.containerId();
        await(Duration.ofSeconds(10), "watcher waiting", () -> proxy.waits() == 1);

        proxy.hang();

        // The wait is held for a slice at most; then three silent inspects mean the engine is lost.
        Duration noticed = DockerInstance.WAIT_SLICE.plus(ONE_CALL.multipliedBy(3));
        ExitStatus exit = instance.exited().get(noticed.toSeconds(), TimeUnit.SECONDS);
        assertEquals("Docker daemon connection lost: Docker is not reachable at " + host + " (no answer within 5 s)",
                exit.detail());
        await(ONE_CALL, "the watcher thread ended", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("docker-wait-") && t.getName().endsWith(DockerEngine.shortId(id))));

        long started = System.nanoTime();
        instance.stop(Duration.ofSeconds(1));
        assertTrue(System.nanoTime() - started < ONE_CALL.toNanos(), "the stop ended at its first call's deadline");
        assertTrue(docker.inspectContainerCmd(id).exec().getState().getRunning(),
                "the container runs on: a silent engine is never taken for a stopped one");
    }

    @Test
    void anEngineThatAnswersAgainIsUsedAgain() throws Exception {
        proxy.hang();
        assertThrows(LaunchException.class, runtime::launch);

        proxy.answerAgain();

        Instance instance = runtime.launch();
        assertTrue(instance.isAlive(), "the connections the deadline closed are not handed out again");
        instance.stop(Duration.ofSeconds(1));
        assertFalse(DockerTestSupport.exists(docker, name));
    }
}
