package ai.stigmer.metrics;

import ai.stigmer.probe.ProbeKind;
import ai.stigmer.probe.ProbeObserver;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;

/**
 * How long each check of each probe takes, and how often it fails, by component, probe
 * ({@code startup}, {@code liveness}, {@code readiness}) and check type ({@code process}, {@code tcp},
 * ...). A timeout is a failure that took the probe timeout. Recording is a few atomic adds on the
 * thread that saw the answer, into the series each check's prober looked up once ({@link #series}).
 */
final class ProbeMetrics implements ProbeObserver {
    /** From a look at /proc (microseconds) to a slow exec or gRPC check (seconds). */
    private static final double[] BOUNDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final Histogram duration;
    private final Counter failures;

    ProbeMetrics(PrometheusRegistry registry) {
        this.duration = Histogram.builder().name("stigmer_probe_duration_seconds")
                .help("Time from the start of a check of a probe to its answer")
                .labelNames("component", "probe", "check").classicOnly().classicUpperBounds(BOUNDS).withoutExemplars()
                .register(registry);
        this.failures = Counter.builder().name("stigmer_probe_failures_total")
                .help("Checks of a probe that answered no, timed out or threw")
                .labelNames("component", "probe", "check").withoutExemplars().register(registry);
    }

    /** The series of one label set, looked up at its first answer (so it exists, at 0 failures, from then on). */
    @Override
    public ProbeObserver.Series series(String component, ProbeKind probe, String checkType) {
        return new Series(component, probe.toString(), checkType);
    }

    private final class Series implements ProbeObserver.Series {
        private final String component;
        private final String probe;
        private final String check;
        private volatile DistributionDataPoint observed;
        private volatile CounterDataPoint failed;

        Series(String component, String probe, String check) {
            this.component = component;
            this.probe = probe;
            this.check = check;
        }

        @Override
        public void answered(long elapsedNanos, boolean passed) {
            DistributionDataPoint observed = this.observed;
            if (observed == null) { // two first answers at once find the same points: the lookup is idempotent
                failed = failures.labelValues(component, probe, check);
                this.observed = observed = duration.labelValues(component, probe, check);
            }
            observed.observe(elapsedNanos / 1e9);
            if (!passed) {
                failed.inc();
            }
        }
    }

    @Override
    public void checkAnswered(String component, ProbeKind probe, String checkType, Duration elapsed, boolean passed) {
        series(component, probe, checkType).answered(elapsed.toNanos(), passed);
    }
}
