package ai.stigmer.e2e;

import static ai.stigmer.e2e.DefaultStack.RUNNER;
import static ai.stigmer.e2e.DefaultStack.SERVER;
import static ai.stigmer.e2e.DefaultStack.block;
import static ai.stigmer.e2e.DefaultStack.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.Ports;
import ai.stigmer.testing.StigmerInstall;
import ai.stigmer.testing.WithStigmerInstall;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The seed's "Test Restart Limits" with the default timing of {@code conf/stigmer.yaml} untouched:
 * the real workflow-runner, told to exit at start, climbs the backoff 1 s, 2 s, ... 60 s and reaches
 * Failed after 10 restarts, about five minutes. It mostly waits, so it runs concurrently with the
 * rest of the suite ({@code junit-platform.properties}: every other class runs on the main thread).
 * The elapsed time is reported, not asserted: it is the sum of the backoff and of eleven JVM starts.
 */
@Execution(ExecutionMode.CONCURRENT)
class RestartLimitDefaultTimingTest extends WithStigmerInstall {
    /** 303 s of backoff, eleven JVM starts, two busy cores: room to spare. */
    private static final Duration LIMIT = Duration.ofMinutes(10);

    @Test
    void aWorkflowRunnerThatExitsAtStartFailsAfterTenRestartsWithTheDefaultBackoff() {
        DefaultStack stack = new DefaultStack(Ports.free()).runnerExitsAtStart(1);
        install.config(stack.body());
        long started = System.nanoTime();
        install.start();
        install.awaitState(RUNNER, "Failed", LIMIT);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("workflow-runner reached Failed %.1f s after bin/stigmer server%n", elapsed.toMillis() / 1000.0);

        assertEquals(10, install.restarts(RUNNER));
        StigmerInstall.Result status = DefaultStack.status(install);
        String runner = block(status.out(), "Workflow Runner");
        assertTrue(runner.contains("Status:   Failed ✗✗") && runner.contains("Restarts: 10"), status.out());
        String limit = "Component has exceeded maximum restart limit - manual intervention required";
        assertEquals(1, count(install.daemonOut(), "ERROR [workflow-runner] " + limit), install.daemonOut());
        assertEquals(1, count(install.log(RUNNER), "ERROR [stigmer] " + limit), install.log(RUNNER));
        // The backoff climbed as SPEC §4 says, capped at 60 s (logged as 1m).
        String log = install.log(RUNNER);
        for (String step : new String[] {"(attempt 1/10) in 1s", "(attempt 2/10) in 2s", "(attempt 6/10) in 32s",
                "(attempt 7/10) in 1m", "(attempt 10/10) in 1m"}) {
            assertTrue(log.contains("Restarting component " + step), step + "\n" + log);
        }
        DefaultStack.assertStaysFailed(install, RUNNER, SERVER, 3, "127.0.0.1:" + stack.grpcPort + " --exit-at-start");
        assertEquals("Running", install.state(SERVER));
    }
}
