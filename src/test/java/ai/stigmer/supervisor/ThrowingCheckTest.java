package ai.stigmer.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.CheckSpec;
import ai.stigmer.config.ProbeSpec;
import ai.stigmer.probe.Check;
import ai.stigmer.probe.CheckContext;
import ai.stigmer.probe.CheckPool;
import ai.stigmer.probe.CheckResult;
import ai.stigmer.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A check that throws, against a real process under a real watchdog and a real Prober: the probe
 * keeps running, and each throw counts as a failure whose reason is the exception's message.
 */
class ThrowingCheckTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ProbeSpec LIVENESS = new ProbeSpec(Duration.ZERO, Duration.ofMillis(50), Duration.ofSeconds(1),
            1, 3, List.of(new CheckSpec.Process()));

    @TempDir
    Path dir;
    private final CheckPool pool = CheckPool.ofSize(2);
    private LiveComponent live;

    @AfterEach
    void tearDown() {
        if (live != null) {
            live.close();
        }
        pool.close();
    }

    /** Throws what {@code thrown} makes on the runs {@code throwsOn} picks (1 = the first), passes on the others. */
    private record Throwing(boolean blocking, IntPredicate throwsOn, Supplier<? extends Throwable> thrown,
            AtomicInteger runs) implements Check {
        Throwing(boolean blocking, IntPredicate throwsOn, Supplier<? extends Throwable> thrown) {
            this(blocking, throwsOn, thrown, new AtomicInteger());
        }

        @Override
        public String describe() {
            return "throwing";
        }

        @Override
        public boolean blocking() {
            return blocking;
        }

        @Override
        public CheckResult run(CheckContext context) throws Exception {
            if (throwsOn.test(runs.incrementAndGet())) {
                Throwable t = thrown.get();
                if (t instanceof Exception e) {
                    throw e;
                }
                throw (Error) t;
            }
            return CheckResult.pass();
        }
    }

    @Test
    void aCheckThatThrowsIsAFailureAndTheProbeKeepsRunning() {
        Throwing check = new Throwing(true, run -> run <= 2, () -> new IllegalStateException("boom"));
        live = LiveComponent.start("thrower", dir, LIVENESS, List.of(check), pool);

        Await.until("the probe ran on after the throws", WAIT, () -> check.runs().get() >= 8);
        assertEquals(2, live.logged("WARN", "Health check failed (liveness: throwing: boom)"));
        ComponentStatus status = live.status();
        assertEquals(State.RUNNING, status.state(), "two failures stay below the threshold of 3");
        assertEquals(0, status.restarts());
    }

    @Test
    void aCheckThatAlwaysThrowsFailsTheProbeAtItsThresholdOnEveryInstance() {
        Throwing check = new Throwing(true, run -> true, () -> new IllegalStateException("boom"));
        live = LiveComponent.start("thrower", dir, LIVENESS, List.of(check), pool);

        // A second restart means the probe ran, and counted, on the instance after the first one too.
        ComponentStatus status = Await.value("restarted twice", WAIT, live::status, s -> s.restarts() >= 2);
        assertTrue(status.lastError().contains("liveness probe failed 3 times in a row: throwing: boom"),
                status.lastError());
        assertTrue(live.logged("WARN", "Component marked unhealthy (liveness probe failed 3 times in a row: throwing: boom)") >= 2);
        assertTrue(check.runs().get() >= 6, "runs: " + check.runs().get());
    }

    @Test
    void anErrorWithoutAMessageIsAFailureNamedByItsClassInPlaceAndOnThePool() {
        Throwing inPlace = new Throwing(false, run -> run == 1, NoClassDefFoundError::new);
        Throwing onPool = new Throwing(true, run -> run == 1, StackOverflowError::new);
        live = LiveComponent.start("thrower", dir, LIVENESS, List.of(inPlace, onPool), pool);

        Await.until("both threw and the probe ran on", WAIT, () -> onPool.runs().get() >= 4);
        assertEquals(1, live.logged("WARN", "Health check failed (liveness: throwing: java.lang.NoClassDefFoundError)"));
        assertEquals(1, live.logged("WARN", "Health check failed (liveness: throwing: java.lang.StackOverflowError)"));
        assertEquals(State.RUNNING, live.status().state());
    }
}
