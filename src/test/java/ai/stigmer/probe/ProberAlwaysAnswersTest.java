package ai.stigmer.probe;

import static ai.stigmer.probe.NoInstance.NO_INSTANCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.Threads;
import ai.stigmer.config.CheckSpec;
import ai.stigmer.config.ProbeSpec;
import ai.stigmer.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every probe run answers exactly once, by its timeout (plus a little), whatever its check does:
 * throws, ignores its interrupt, or finds no thread. Upper bounds only, generous for a loaded machine.
 */
class ProberAlwaysAnswersTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final Duration SLACK = Duration.ofSeconds(3);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicBoolean deafReturned = new AtomicBoolean();

    @AfterEach
    void releaseTheDeaf() {
        release.countDown();
    }

    /** Sits out its interrupts until the test is over. */
    private final Check deaf = new Check() {
        public String describe() { return "deaf"; }
        public CheckResult run(CheckContext c) {
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // deaf on purpose
                }
            }
            deafReturned.set(true);
            return CheckResult.pass();
        }
    };

    private static Prober prober(CheckPool pool, Check... checks) {
        return prober(TIMEOUT, pool, checks);
    }

    private static Prober prober(Duration timeout, CheckPool pool, Check... checks) {
        ProbeSpec spec = new ProbeSpec(Duration.ZERO, Duration.ofSeconds(1), timeout, 1, 1, List.of(new CheckSpec.Process()));
        return new Prober("t", Map.of(ProbeKind.LIVENESS, spec), Map.of(ProbeKind.LIVENESS, List.of(checks)), pool);
    }

    /** Runs the probe once; returns every answer it gave (there must be one) with the time to the first. */
    private static List<ProbeResult> answers(Prober prober, List<Long> tookNanos) throws InterruptedException {
        List<ProbeResult> answers = new CopyOnWriteArrayList<>();
        CountDownLatch first = new CountDownLatch(1);
        long start = System.nanoTime();
        prober.run(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ZERO, r -> {
            answers.add(r);
            first.countDown();
        });
        assertTrue(first.await(TIMEOUT.plus(SLACK).toMillis(), TimeUnit.MILLISECONDS), "no answer within timeout + slack");
        tookNanos.add(System.nanoTime() - start);
        return answers;
    }

    @Test
    void aCheckThatIgnoresItsInterruptAnswersTimeoutOnceAndTheLateReturnChangesNothing() throws Exception {
        try (CheckPool pool = CheckPool.ofSize(1); Prober prober = prober(pool, deaf)) {
            List<Long> took = new CopyOnWriteArrayList<>();
            List<ProbeResult> answers = answers(prober, took);
            release.countDown();
            Await.until("the deaf check returned", SLACK, deafReturned::get);

            assertEquals(1, answers.size(), "one answer, although the check returned later: " + answers);
            assertEquals("timeout", answers.get(0).reason());
            assertTrue(answers.get(0).ran(), "a timeout is the component's failure");
            assertEquals(1, prober.answeredRuns(ProbeKind.LIVENESS));
        }
    }

    /** The next run begins as the last one times out (period = timeout): it waits for the late return. */
    @Test
    void aRunWaitsWithinItsTimeoutForThePreviousRunToReturnInsteadOfFailingAtOnce() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Check slowOnce = new Check() {
            public String describe() { return "slow once"; }
            public CheckResult run(CheckContext c) throws Exception {
                if (runs.incrementAndGet() == 1) {
                    deaf.run(c);
                }
                return CheckResult.pass();
            }
        };
        try (CheckPool pool = CheckPool.ofSize(2); Prober prober = prober(Duration.ofSeconds(2), pool, slowOnce)) {
            assertEquals("timeout", answers(prober, new CopyOnWriteArrayList<>()).get(0).reason());
            CompletableFuture<ProbeResult> second = new CompletableFuture<>();
            prober.run(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ZERO, second::complete);
            assertEquals(1, runs.get(), "no second thread for the same check while the first holds one");
            release.countDown();

            assertTrue(second.get(10, TimeUnit.SECONDS).passed(), second.get().describe());
            assertEquals(2, runs.get());
        }
    }

    @Test
    void aRefusedThreadIsAnErrorAtOnceThatCountsNeitherWay() throws Exception {
        try (CheckPool pool = new CheckPool(2, r -> null); Prober prober = prober(pool, new TcpCheck("127.0.0.1", 9))) {
            List<ProbeResult> answers = answers(prober, new CopyOnWriteArrayList<>());

            assertEquals(1, answers.size());
            ProbeResult refused = answers.get(0);
            assertFalse(refused.passed());
            assertFalse(refused.ran(), "says nothing about the component");
            assertEquals("no thread for the check: the thread factory refused a thread", refused.reason());
            assertEquals(0, prober.answeredRuns(ProbeKind.LIVENESS));
        }
    }

    @Test
    void outOfNativeThreadsIsAnErrorToo() throws Exception {
        try (CheckPool pool = new CheckPool(2, r -> {
                    throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource limits reached");
                });
             Prober prober = prober(pool, new TcpCheck("127.0.0.1", 9))) {
            ProbeResult result = answers(prober, new CopyOnWriteArrayList<>()).get(0);
            assertFalse(result.ran());
            assertTrue(result.reason().startsWith("no thread for the check: unable to create native thread"), result.reason());
        }
    }

    @Test
    void aCheckThatFindsEveryThreadBusyIsAnErrorAtItsTimeout() throws Exception {
        try (CheckPool pool = CheckPool.ofSize(1); Prober hung = prober(pool, deaf);
             Prober waiting = prober(pool, new TcpCheck("127.0.0.1", 9))) {
            answers(hung, new CopyOnWriteArrayList<>()); // holds the only thread until the test ends
            List<Long> took = new CopyOnWriteArrayList<>();
            ProbeResult result = answers(waiting, took).get(0);

            assertFalse(result.ran());
            assertTrue(result.reason().startsWith("timeout (no check thread was free for "), result.reason());
            assertTrue(took.get(0) >= TIMEOUT.toNanos() - Duration.ofMillis(50).toNanos(), "waited its timeout");
            assertEquals(0, waiting.answeredRuns(ProbeKind.LIVENESS));
        }
    }

    @Test
    void aCheckThatThrowsIsAFailureWithItsMessage() throws Exception {
        Check throwing = new Check() {
            public String describe() { return "throwing"; }
            public CheckResult run(CheckContext c) {
                throw new IllegalStateException("boom");
            }
        };
        try (CheckPool pool = CheckPool.ofSize(1); Prober prober = prober(pool, throwing)) {
            List<ProbeResult> answers = answers(prober, new CopyOnWriteArrayList<>());
            assertEquals(List.of(ProbeResult.failed(ProbeKind.LIVENESS, "throwing", "boom", answers.get(0).elapsed())),
                    answers);
            assertEquals(1, prober.answeredRuns(ProbeKind.LIVENESS));
        }
    }

    @Test
    void aCheckWhoseDescriptionThrowsStillAnswers() throws Exception {
        Check broken = new Check() {
            public String describe() { throw new IllegalStateException("no description"); }
            public boolean blocking() { return false; }
            public CheckResult run(CheckContext c) { return CheckResult.fail("no"); }
        };
        try (CheckPool pool = CheckPool.ofSize(1); Prober prober = prober(pool, broken)) {
            ProbeResult result = answers(prober, new CopyOnWriteArrayList<>()).get(0);
            assertFalse(result.passed());
            assertEquals("no", result.reason());
            assertEquals(broken.getClass().getName(), result.check());
        }
    }

    @Test
    void checkThreadsAreBoundedAndNamed() throws Exception {
        try (CheckPool pool = new CheckPool(2, Threads.daemon("stigmer-check"))) {
            for (int i = 0; i < 6; i++) {
                Check sleeper = new Check() {
                    public String describe() { return "sleeper"; }
                    public CheckResult run(CheckContext c) throws Exception {
                        Thread.sleep(50);
                        return CheckResult.pass();
                    }
                };
                Prober prober = prober(pool, sleeper);
                prober.run(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ZERO, r -> {});
            }
            assertTrue(pool.threadCount() <= 2, "threads: " + pool.threadCount());
        }
    }
}
