package ai.stigmer.probe;

import static ai.stigmer.probe.NoInstance.NO_INSTANCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.CheckSpec;
import ai.stigmer.config.ProbeSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The checks that do not block ({@code process}, {@code uptime}) run where the probe is asked, on
 * the watchdog: no thread hop, and the answer is given before {@link Prober#run} returns.
 */
class InPlaceChecksTest {
    private static final ProbeSpec SPEC = new ProbeSpec(Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(1), 1, 3,
            List.of(new CheckSpec.Process(), new CheckSpec.Uptime(Duration.ofSeconds(1))));

    private static Map<ProbeKind, List<Check>> checks() {
        return Map.of(ProbeKind.LIVENESS, SPEC.checks().stream().map(c -> Checks.create(c, null)).toList());
    }

    @Test
    void processAndUptimeChecksAnswerOnTheCallingThreadBeforeRunReturns() {
        // A pool that can make no thread: a check that went through it could not answer "passed".
        try (CheckPool noThreads = new CheckPool(1, r -> null);
                Prober prober = new Prober("t", Map.of(ProbeKind.LIVENESS, SPEC), checks(), noThreads)) {
            List<Thread> answeredOn = new ArrayList<>();
            List<ProbeResult> results = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                prober.run(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ofSeconds(5), result -> {
                    answeredOn.add(Thread.currentThread());
                    results.add(result);
                });
                assertEquals(i + 1, results.size(), "answered before run returned");
            }
            results.forEach(r -> assertTrue(r.passed(), r.describe()));
            answeredOn.forEach(t -> assertSame(Thread.currentThread(), t));
            assertEquals(3, prober.answeredRuns(ProbeKind.LIVENESS));
        }
    }

    @Test
    void eachCheckLooksUpWhereItsAnswersGoOnceNotAtEveryRun() {
        AtomicInteger lookups = new AtomicInteger();
        List<String> answers = new ArrayList<>();
        ProbeObserver observer = new ProbeObserver() {
            @Override
            public void checkAnswered(String component, ProbeKind probe, String checkType, Duration elapsed, boolean passed) {
                throw new AssertionError("told through the series, not per answer");
            }

            @Override
            public Series series(String component, ProbeKind probe, String checkType) {
                lookups.incrementAndGet();
                return (nanos, passed) -> answers.add(component + " " + probe + " " + checkType + " " + passed);
            }
        };
        try (CheckPool pool = CheckPool.ofSize(1);
                Prober prober = new Prober("web", Map.of(ProbeKind.LIVENESS, SPEC), checks(), pool, observer)) {
            for (int i = 0; i < 100; i++) {
                prober.runNow(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ofMillis(i < 50 ? 5_000 : 10));
            }
        }
        assertEquals(2, lookups.get(), "one per check");
        assertEquals(200, answers.size(), "both checks of each run: the process check passes, then uptime answers");
        assertEquals("web liveness process true", answers.get(0));
        assertEquals("web liveness uptime true", answers.get(1));
        assertEquals("web liveness uptime false", answers.get(answers.size() - 1));
    }
}
