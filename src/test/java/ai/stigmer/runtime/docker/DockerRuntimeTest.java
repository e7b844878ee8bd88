package ai.stigmer.runtime.docker;

import static ai.stigmer.runtime.docker.DockerTestSupport.await;
import static ai.stigmer.runtime.docker.DockerTestSupport.exists;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.DockerSpec;
import ai.stigmer.probe.Check;
import ai.stigmer.probe.CheckContext;
import ai.stigmer.probe.CheckResult;
import ai.stigmer.probe.ProbeKind;
import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.runtime.LaunchException;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Bind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DockerRuntime, DockerInstance and ContainerCheck against the real engine. */
class DockerRuntimeTest extends WithDockerEngine {

    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    private DockerRuntime runtime(DockerSpec spec) {
        return runtime(DockerTestSupport.HOME, spec);
    }

    private DockerRuntime runtime() {
        return runtime(DockerTestSupport.spec(name));
    }

    private static CheckResult check(Check check, Instance instance, ProbeKind probe) throws Exception {
        return check.run(new CheckContext(instance, Duration.ZERO, probe, Duration.ofSeconds(2)));
    }

    /** A container of our own making, as an earlier daemon (or someone else) would have left it. */
    private String createLeftover(Map<String, String> labels, List<String> command, boolean start) {
        String id = docker.createContainerCmd(DockerTestSupport.IMAGE).withName(name).withLabels(labels)
                .withCmd(command).exec().getId();
        if (start) {
            docker.startContainerCmd(id).exec();
        }
        return id;
    }

    private static Map<String, String> ourLabels() {
        return Map.of("ai.stigmer.managed", "true", "ai.stigmer.component", "agent-runner",
                "ai.stigmer.home", DockerTestSupport.HOME);
    }

    @Test
    void launchRunsLabelledContainerAndKillEndsItPromptly(@TempDir Path data) throws Exception {
        Files.writeString(data.resolve("hello"), "hi");
        DockerSpec spec = new DockerSpec(DockerTestSupport.IMAGE, name, List.of(),
                Map.of("AGENT_HEARTBEAT_SECONDS", "1", "GREETING", "hello"),
                List.of(data + ":/data:ro"), "none");

        Instance instance = runtime(spec).launch();

        InspectContainerResponse container = docker.inspectContainerCmd(name).exec();
        assertEquals(container.getId(), instance.containerId());
        assertEquals(64, instance.containerId().length());
        assertEquals(-1, instance.pid());
        assertTrue(container.getState().getRunning());
        assertTrue(instance.isAlive());
        assertEquals("true", container.getConfig().getLabels().get("ai.stigmer.managed"));
        assertEquals("agent-runner", container.getConfig().getLabels().get("ai.stigmer.component"));
        assertTrue(List.of(container.getConfig().getEnv()).contains("GREETING=hello"));
        assertEquals("none", container.getHostConfig().getNetworkMode());
        Bind bind = container.getHostConfig().getBinds()[0];
        assertEquals("/data", bind.getVolume().getPath());
        assertEquals(data.toString(), bind.getPath());
        assertEquals(InstanceRecord.ofContainer(instance.containerId()), instance.record());
        assertFalse(instance.exited().isDone());

        long killed = System.nanoTime();
        docker.killContainerCmd(instance.containerId()).exec();
        ExitStatus exit = instance.exited().get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
        long millis = (System.nanoTime() - killed) / 1_000_000;

        assertEquals(137, exit.code());
        assertEquals(9, exit.signal());
        assertFalse(instance.isAlive());
        System.out.println("docker kill -> exited() completed in " + millis + " ms");
    }

    @Test
    void stopStopsWithSigtermThenRemovesAndIsSafeTwice() throws Exception {
        Instance instance = runtime().launch();

        long start = System.nanoTime();
        instance.stop(Duration.ofSeconds(10));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertFalse(exists(docker, instance.containerId()), "container removed");
        assertTrue(instance.exited().isDone());
        assertEquals(0, instance.exited().get().code(), "the agent loop ends cleanly on SIGTERM");
        assertTrue(millis < 5_000, "SIGTERM ends the agent at once, not after the timeout: " + millis + " ms");
        assertFalse(instance.isAlive());

        instance.stop(Duration.ofSeconds(10));
        assertEquals(0, instance.exited().get().code());
    }

    @Test
    void stopAfterTheContainerEndedOnlyRemovesIt() throws Exception {
        Instance instance = runtime().launch();
        docker.killContainerCmd(instance.containerId()).exec();
        instance.exited().get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);

        instance.stop(Duration.ofSeconds(1));

        assertFalse(exists(docker, instance.containerId()));
        assertEquals(137, instance.exited().get().code());
    }

    @Test
    void containerCheckFollowsTheHealthcheck() throws Exception {
        DockerRuntime runtime = runtime();
        Instance instance = runtime.launch();
        Check check = runtime.containerCheck();

        assertTrue(check(check, instance, ProbeKind.LIVENESS).passed(), "running and not unhealthy");
        await(Duration.ofSeconds(20), "readiness once healthy", () -> passes(check, instance, ProbeKind.READINESS));
        assertTrue(check(check, instance, ProbeKind.STARTUP).passed());

        exec(instance.containerId(), "touch", "/tmp/unhealthy");
        await(Duration.ofSeconds(20), "liveness fails once unhealthy", () -> !passes(check, instance, ProbeKind.LIVENESS));

        CheckResult liveness = check(check, instance, ProbeKind.LIVENESS);
        assertTrue(liveness.reason().startsWith("container is unhealthy"), liveness.reason());
        assertFalse(check(check, instance, ProbeKind.READINESS).passed());
        assertTrue(instance.isAlive(), "unhealthy is for the supervisor to act on; the container still runs");
    }

    @Test
    void containerCheckFailsOnceTheContainerStopped() throws Exception {
        DockerRuntime runtime = runtime();
        Instance instance = runtime.launch();
        docker.killContainerCmd(instance.containerId()).exec();
        instance.exited().get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);

        CheckResult result = check(runtime.containerCheck(), instance, ProbeKind.LIVENESS);

        assertFalse(result.passed());
        assertTrue(result.reason().startsWith("container is exited"), result.reason());
    }

    @Test
    void runningHealthyLabelledContainerIsTakenOver() throws Exception {
        Instance first = runtime().launch();
        await(Duration.ofSeconds(20), "healthy", () -> "healthy".equals(health(first.containerId())));

        Instance second = runtime().launch();

        assertEquals(first.containerId(), second.containerId());
        assertTrue(second.isAlive());
        assertFalse(second.exited().isDone());
    }

    @Test
    void exitedLabelledContainerIsReplaced() throws Exception {
        String old = createLeftover(ourLabels(), List.of("/bin/sh", "-c", "exit 3"), true);
        await(PROMPTLY, "leftover exited", () -> !docker.inspectContainerCmd(old).exec().getState().getRunning());

        Instance instance = runtime().launch();

        assertNotEquals(old, instance.containerId());
        assertFalse(exists(docker, old));
        assertTrue(instance.isAlive());
    }

    @Test
    void unhealthyLabelledContainerIsReplaced() throws Exception {
        Instance first = runtime().launch();
        exec(first.containerId(), "touch", "/tmp/unhealthy");
        await(Duration.ofSeconds(20), "unhealthy", () -> "unhealthy".equals(health(first.containerId())));

        Instance second = runtime().launch();

        assertNotEquals(first.containerId(), second.containerId());
        assertTrue(second.isAlive());
        assertTrue(first.exited().get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS).code() != 0 || !exists(docker, first.containerId()));
    }

    @Test
    void foreignContainerWithOurNameIsNeverTouched() throws Exception {
        String foreign = createLeftover(Map.of("owner", "someone-else"), List.of("/bin/stigmer-agent"), true);

        LaunchException e = assertThrows(LaunchException.class, () -> runtime().launch());

        assertTrue(e.getMessage().contains("foreign container"), e.getMessage());
        assertTrue(e.getMessage().contains(name), e.getMessage());
        InspectContainerResponse after = docker.inspectContainerCmd(name).exec();
        assertEquals(foreign, after.getId());
        assertTrue(after.getState().getRunning());
        assertTrue(runtime().adopt(InstanceRecord.ofContainer(foreign)).isEmpty(), "never adopted either");

        // Even an instance that somehow points at it does not stop it.
        new DockerInstance(engine, "agent-runner", DockerTestSupport.HOME, foreign).stop(Duration.ofSeconds(1));
        assertTrue(docker.inspectContainerCmd(foreign).exec().getState().getRunning());
    }

    @Test
    void containerOfAnotherComponentIsNotTakenOver() {
        createLeftover(Map.of("ai.stigmer.managed", "true", "ai.stigmer.component", "other",
                        "ai.stigmer.home", DockerTestSupport.HOME),
                List.of("/bin/stigmer-agent"), true);

        LaunchException e = assertThrows(LaunchException.class, () -> runtime().launch());

        assertTrue(e.getMessage().contains("foreign container"), e.getMessage());
        assertTrue(docker.inspectContainerCmd(name).exec().getState().getRunning());
    }

    @Test
    void adoptFindsOurRunningContainerOnly() throws Exception {
        Instance launched = runtime().launch();

        Instance adopted = runtime().adopt(launched.record()).orElseThrow();

        assertEquals(launched.containerId(), adopted.containerId());
        assertTrue(adopted.isAlive());
        assertTrue(runtime().adopt(InstanceRecord.ofContainer("0123456789ab")).isEmpty());
        assertTrue(runtime().adopt(InstanceRecord.ofProcess(1, 1)).isEmpty());

        launched.stop(Duration.ofSeconds(5));
        assertTrue(adopted.exited().get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS) != null);
        assertTrue(runtime().adopt(launched.record()).isEmpty());
    }

    @Test
    void missingImageIsSaidPlainly() {
        DockerSpec spec = new DockerSpec("stigmer/no-such-image:local", name, List.of(), Map.of(), List.of(), null);

        LaunchException e = assertThrows(LaunchException.class, () -> runtime(spec).launch());

        assertEquals("image stigmer/no-such-image:local not found (pull or build it first)", e.getMessage());
    }

    @Test
    void badMountIsSaidPlainly() {
        DockerSpec spec = new DockerSpec(DockerTestSupport.IMAGE, name, List.of(), Map.of(), List.of("/tmp"), null);

        LaunchException e = assertThrows(LaunchException.class, () -> runtime(spec).launch());

        assertEquals("mount '/tmp' is not source:target[:ro]", e.getMessage());
        assertFalse(exists(docker, name));
    }

    private boolean passes(Check check, Instance instance, ProbeKind probe) {
        try {
            return check(check, instance, probe).passed();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private String health(String id) {
        InspectContainerResponse container = docker.inspectContainerCmd(id).exec();
        return container.getState().getHealth() == null ? "" : container.getState().getHealth().getStatus();
    }

    private void exec(String id, String... command) throws InterruptedException {
        ExecCreateCmdResponse exec = docker.execCreateCmd(id).withCmd(command).exec();
        docker.execStartCmd(exec.getId()).start().awaitCompletion(5, TimeUnit.SECONDS);
    }
}
