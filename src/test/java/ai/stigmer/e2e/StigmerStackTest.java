package ai.stigmer.e2e;

import static ai.stigmer.e2e.DefaultStack.RUNNER;
import static ai.stigmer.e2e.DefaultStack.SERVER;
import static ai.stigmer.e2e.DefaultStack.block;
import static ai.stigmer.e2e.DefaultStack.count;
import static ai.stigmer.e2e.DefaultStack.lastError;
import static ai.stigmer.e2e.DefaultStack.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.runtime.process.ProcStat;
import ai.stigmer.server.StigmerServer;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.Ports;
import ai.stigmer.testing.StigmerInstall;
import ai.stigmer.testing.WithStigmerInstall;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Stigmer components end to end: {@code bin/stigmer server} with the default configuration
 * (minus agent-runner, on free ports) runs the real stigmer-server and workflow-runner JVMs, and
 * the seed's "Testing Health Monitoring" scenarios hold against real processes and real gRPC.
 */
class StigmerStackTest extends WithStigmerInstall {
    /** Generous: two shared cores, JVMs starting side by side, workflow-runner's 10 s startup check. */
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String LIMIT_LINE =
            "Component has exceeded maximum restart limit - manual intervention required";

    private final DefaultStack stack = new DefaultStack(Ports.free());

    private void start(DefaultStack config) {
        install.config(config.body());
        install.start();
    }

    private void awaitBothRunning() {
        install.awaitState(SERVER, "Running", WAIT);
        install.awaitState(RUNNER, "Running", WAIT);
    }

    private ServingStatus health(String service) {
        return stack.call(ch -> HealthGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus());
    }

    @Test
    void theDefaultConfigurationRunsBothComponentsAndTheServerAnswersStandardHealthChecks() {
        start(stack);
        awaitBothRunning();

        StigmerInstall.Result status = status(install);
        assertEquals(0, status.exit(), status.out());
        String server = block(status.out(), "Stigmer Server"), runner = block(status.out(), "Workflow Runner");
        assertTrue(server.contains("Status:   Running ✓") && server.contains("Restarts: 0")
                && server.contains("PID:      " + install.pid(SERVER)), status.out());
        assertTrue(runner.contains("Status:   Running ✓") && runner.contains("Restarts: 0")
                && runner.contains("PID:      " + install.pid(RUNNER)), status.out());
        assertTrue(status.out().indexOf("Stigmer Server:") < status.out().indexOf("Workflow Runner:"),
                "dependsOn order:\n" + status.out());
        assertTrue(status.out().contains("Health Monitoring: ✓ Active"), status.out());

        // A standard grpc.health.v1 client, as any load balancer or grpc_health_probe would ask.
        assertEquals(ServingStatus.SERVING, health(""));
        assertEquals(ServingStatus.SERVING, health(StigmerServer.SERVICE_NAME));
        // And workflow-runner is the worker it says it is: registered with the server.
        Await.until("workflow-runner registered", WAIT,
                () -> stack.workers().contains("workflow-runner@" + install.pid(RUNNER)));
        assertTrue(install.log(SERVER).contains("stigmer-server: serving on 127.0.0.1:" + stack.grpcPort));
    }

    /** The seed's "Test Automatic Restart", with kill -9 in place of pkill. */
    @Test
    void aKilledWorkflowRunnerIsRestartedAndRunsAgainWithOneRestart() throws Exception {
        start(stack);
        awaitBothRunning();
        long killed = install.pid(RUNNER);
        assertEquals(0, new ProcessBuilder("kill", "-9", Long.toString(killed)).start().waitFor());

        Await.until("workflow-runner restarting", WAIT, () -> install.restarts(RUNNER) == 1);
        StigmerInstall.Result during = status(install);
        assertEquals(1, during.exit(), during.out());
        String runner = block(during.out(), "Workflow Runner");
        // Restarting during the 1 s backoff, then Starting for its 10 s uptime check: ↻ either way.
        assertTrue(runner.contains("Status:   Restarting ↻") || runner.contains("Status:   Starting ↻"), during.out());
        assertTrue(runner.contains("Error:    killed by signal 9 (SIGKILL)"), during.out());
        assertTrue(block(during.out(), "Stigmer Server").contains("Status:   Running ✓"), during.out());

        install.awaitState(RUNNER, "Running", WAIT);
        StigmerInstall.Result after = status(install);
        assertEquals(0, after.exit(), after.out());
        runner = block(after.out(), "Workflow Runner");
        assertTrue(runner.contains("Status:   Running ✓") && runner.contains("Restarts: 1"), after.out());
        assertNotEquals(killed, install.pid(RUNNER));
        assertEquals(0, install.restarts(SERVER));

        String log = install.log(RUNNER);
        assertTrue(log.contains("Component marked unhealthy (killed by signal 9 (SIGKILL))"), log);
        assertTrue(log.contains("Restarting component (attempt 1/10)"), log);
        assertTrue(log.indexOf("Restarting component") < log.indexOf("Component restarted successfully"), log);
        Await.until("the new runner registered", WAIT,
                () -> stack.workers().contains("workflow-runner@" + install.pid(RUNNER)));
    }

    /**
     * A hung stigmer-server (SIGSTOP) still has a live process: only the gRPC liveness check sees it,
     * by its timeout. The server is restarted; workflow-runner is not (the daemon's decision: dependents
     * reconnect by themselves) and registers with the new server.
     */
    @Test
    void aHungServerIsCaughtByItsGrpcLivenessCheckAndRestartedWhileWorkflowRunnerReconnects() throws Exception {
        start(stack.replace("liveness:  { period: 10s, timeout: 3s,", "liveness:  { period: 500ms, timeout: 500ms,"));
        awaitBothRunning();
        long hung = install.pid(SERVER), runner = install.pid(RUNNER);
        String name = "workflow-runner@" + runner;
        Await.until("runner registered", WAIT, () -> stack.workers().contains(name));
        assertEquals(1, count(install.log(RUNNER), "workflow-runner: registered as"));

        assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(hung)).start().waitFor());

        Await.until("a new stigmer-server", WAIT, () -> install.pid(SERVER) > 0 && install.pid(SERVER) != hung);
        install.awaitState(SERVER, "Running", WAIT);
        String daemonLog = install.daemonOut();
        assertTrue(daemonLog.contains("Component marked unhealthy (liveness probe failed 3 times in a row: grpc"),
                daemonLog);
        assertTrue(daemonLog.lines().anyMatch(l -> l.contains("[stigmer-server] Health check failed (liveness: grpc")
                && l.contains("timeout")), daemonLog);
        assertEquals(1, install.restarts(SERVER));
        Await.until("the hung server is gone", WAIT, () -> ProcStat.read(hung).map(ProcStat::gone).orElse(true));

        Await.until("workflow-runner registered again", WAIT,
                () -> count(install.log(RUNNER), "workflow-runner: registered as") >= 2);
        Await.until("the new server's ListWorkers sees it", WAIT, () -> stack.workers().contains(name));
        assertTrue(install.log(RUNNER).contains("registering again")
                || install.log(RUNNER).contains("server unavailable"), install.log(RUNNER));
        assertEquals(runner, install.pid(RUNNER), "workflow-runner was not restarted with its dependency");
        assertEquals(0, install.restarts(RUNNER));
        assertEquals("Running", install.state(RUNNER));
    }

    /** The seed's "Test Restart Limits" with short backoff: a crash-on-start runner ends Failed. */
    @Test
    void aWorkflowRunnerThatExitsAtStartFailsAfterTenRestartsAndStaysStopped() {
        start(stack.replace("backoff: { initial: 1s, multiplier: 2.0, max: 60s,",
                "backoff: { initial: 50ms, multiplier: 2.0, max: 200ms,").runnerExitsAtStart(1));
        install.awaitState(SERVER, "Running", WAIT);
        install.awaitState(RUNNER, "Failed", WAIT);

        assertEquals(10, install.restarts(RUNNER));
        StigmerInstall.Result status = status(install);
        assertEquals(1, status.exit(), status.out());
        String runner = block(status.out(), "Workflow Runner");
        assertTrue(runner.contains("Status:   Failed ✗✗") && runner.contains("Restarts: 10")
                && runner.contains("Error:    exited with code 1"), status.out());
        assertEquals(1, count(install.daemonOut(), "ERROR [workflow-runner] " + LIMIT_LINE), install.daemonOut());
        assertEquals(1, count(install.log(RUNNER), "ERROR [stigmer] " + LIMIT_LINE), install.log(RUNNER));
        assertTrue(install.log(RUNNER).contains("Restarting component (attempt 10/10)"), install.log(RUNNER));
        DefaultStack.assertStaysFailed(install, RUNNER, SERVER, 3, "127.0.0.1:" + stack.grpcPort + " --exit-at-start");
        assertEquals("Running", install.state(SERVER));
    }

    /**
     * Port 50051 taken by another program: stigmer-server exits 3 and its LastError says why, in its
     * own words; workflow-runner waits for its dependency instead of crash-looping against nothing,
     * and once the port is free the whole stack comes up by itself.
     */
    @Test
    void aTakenPortIsNamedInTheServersLastErrorAndWorkflowRunnerWaitsForIt() throws Exception {
        String inUse = "stigmer-server: port " + stack.grpcPort + " on 127.0.0.1 is already in use";
        try (ServerSocket holder = new ServerSocket(stack.grpcPort, 50, InetAddress.getByName("127.0.0.1"))) {
            start(stack);
            Await.until("LastError names the port", WAIT, () -> lastError(install, SERVER).contains(inUse));
            assertEquals("exited with code 3 (last output: " + inUse + ")", lastError(install, SERVER));

            StigmerInstall.Result status = status(install);
            assertEquals(1, status.exit(), status.out());
            String server = block(status.out(), "Stigmer Server");
            assertTrue(server.contains("Error:    exited with code 3 (last output: " + inUse + ")"), status.out());
            assertTrue(Set.of("Unhealthy", "Restarting", "Starting").contains(install.state(SERVER)));
            String runner = block(status.out(), "Workflow Runner");
            assertTrue(runner.contains("Status:   Stopped ○ (waiting for stigmer-server)") && !runner.contains("Error:")
                    && runner.contains("Restarts: 0"), status.out());
            assertEquals(-1, install.pid(RUNNER));
            assertTrue(install.log(SERVER).contains(inUse), install.log(SERVER));
            assertEquals(List.of(), DefaultStack.processesWith("WorkflowRunner --server 127.0.0.1:" + stack.grpcPort));
        }
        // The port is free again: the server's next restart succeeds, and workflow-runner starts then.
        awaitBothRunning();
        assertEquals(0, install.restarts(RUNNER));
        assertTrue(install.restarts(SERVER) >= 1);
        Await.until("runner registered", WAIT, () -> stack.workers().contains("workflow-runner@" + install.pid(RUNNER)));
        StigmerInstall.Result status = status(install);
        assertEquals(0, status.exit(), status.out());
        assertTrue(!block(status.out(), "Stigmer Server").contains("Error:"), "a Running component shows no error");
    }
}
