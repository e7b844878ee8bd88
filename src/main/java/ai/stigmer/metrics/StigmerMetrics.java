package ai.stigmer.metrics;

import ai.stigmer.probe.ProbeObserver;
import ai.stigmer.supervisor.Supervision;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The daemon's registry of metrics. Made before the components, so that their probers can report
 * to {@link #probes()}; {@link #bind} adds the series read from supervision once it exists.
 */
public final class StigmerMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ProbeMetrics probes = new ProbeMetrics(registry);

    /** What the probers tell of every check they run. */
    public ProbeObserver probes() {
        return probes;
    }

    /** Adds the components', the daemon's and the JVM's series. */
    public StigmerMetrics bind(Supervision supervision) {
        registry.register(new ComponentMetrics(supervision));
        DaemonMetrics.register(registry, supervision);
        JvmMetrics.builder().register(registry);
        return this;
    }

    public PrometheusRegistry registry() {
        return registry;
    }
}
