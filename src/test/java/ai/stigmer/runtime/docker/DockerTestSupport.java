package ai.stigmer.runtime.docker;

import static org.junit.jupiter.api.Assertions.fail;

import ai.stigmer.config.DockerSpec;
import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceRecord;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;

/**
 * What the Docker tests share: a plain client on the default engine, the rule that a missing engine
 * fails the tests under CI (and skips them elsewhere), unique names, and waiting on conditions.
 */
final class DockerTestSupport {

    static final String IMAGE = AgentRunnerImage.NAME;
    /** The home id the tests' runtimes run as (what {@code StigmerHome.id()} gives a daemon). */
    static final String HOME = "0test0home00";

    private DockerTestSupport() {}

    /** A client of our own on the default engine, with short timeouts (package DockerEngine's). */
    static DockerEngine defaultEngine() {
        return new DockerEngine(DockerEngine.defaultHost());
    }

    /**
     * Returns a client when the engine answers. Without one the tests fail when {@code CI} is set
     * (CI must run .ci/docker-setup.sh first) and are skipped on a developer machine.
     */
    static DockerClient requireEngine(DockerEngine engine) {
        try {
            engine.run(() -> engine.quick().pingCmd().exec());
        } catch (RuntimeException e) {
            String why = "no Docker engine at " + engine.host() + ": " + e.getMessage() + " (run .ci/docker-setup.sh)";
            if (System.getenv("CI") != null) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        AgentRunnerImage.ensure(engine.quick());
        return engine.quick();
    }

    static String uniqueName() {
        return "stigmer-test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The agent-runner image under {@code name}, beating every second. */
    static DockerSpec spec(String name) {
        return new DockerSpec(IMAGE, name, List.of(), Map.of("AGENT_HEARTBEAT_SECONDS", "1"), List.of(), null);
    }

    static DockerRuntime runtime(String name) {
        return new DockerRuntime("agent-runner", HOME, spec(name), DockerEngine.defaultHost());
    }

    static DockerRuntime runtime(String name, URI host) {
        return new DockerRuntime("agent-runner", HOME, spec(name), host);
    }

    /** Polls {@code condition} until it holds or {@code deadline} passes (then fails with {@code what}). */
    static void await(Duration deadline, String what, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("not within " + deadline.toMillis() + " ms: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for " + what);
            }
        }
    }

    static void removeQuietly(DockerClient client, String name) {
        try {
            client.removeContainerCmd(name).withForce(true).exec();
        } catch (NotFoundException gone) {
            // already gone
        } catch (RuntimeException e) {
            System.err.println("cleanup of " + name + " failed: " + e);
        }
    }

    static boolean exists(DockerClient client, String idOrName) {
        try {
            client.inspectContainerCmd(idOrName).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** An instance that only knows its container id. */
    record FixedContainer(String containerId) implements Instance {
        public long pid() {
            return -1;
        }

        public CompletableFuture<ExitStatus> exited() {
            return new CompletableFuture<>();
        }

        public boolean isAlive() {
            return false;
        }

        public void stop(Duration timeout) {}

        public InstanceRecord record() {
            return InstanceRecord.ofContainer(containerId);
        }
    }
}
