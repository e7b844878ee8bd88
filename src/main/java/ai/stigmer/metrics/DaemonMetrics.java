package ai.stigmer.metrics;

import ai.stigmer.Version;
import ai.stigmer.supervisor.Supervision;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The daemon's own series: its version, how long it has run, and whether health monitoring is active. */
final class DaemonMetrics {
    private DaemonMetrics() {}

    static void register(PrometheusRegistry registry, Supervision supervision) {
        Info build = Info.builder().name("stigmer_build_info").help("The daemon's version").labelNames("version")
                .register(registry);
        build.addLabelValues(Version.VERSION);
        GaugeWithCallback.builder().name("stigmer_daemon_uptime_seconds").help("How long the daemon has supervised")
                .callback(g -> g.call(supervision.uptime().toMillis() / 1000.0)).register(registry);
        GaugeWithCallback.builder().name("stigmer_daemon_monitoring_active")
                .help("1 while the watchdog ticks and every due probe produces results (Health Monitoring in status)")
                .callback(g -> g.call(supervision.monitoringActive() ? 1 : 0)).register(registry);
    }
}
