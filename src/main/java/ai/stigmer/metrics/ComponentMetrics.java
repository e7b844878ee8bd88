package ai.stigmer.metrics;

import ai.stigmer.supervisor.ComponentEvent;
import ai.stigmer.supervisor.ComponentSetListener;
import ai.stigmer.supervisor.ComponentStatus;
import ai.stigmer.supervisor.State;
import ai.stigmer.supervisor.SupervisedComponent;
import ai.stigmer.supervisor.Supervision;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every component's series, read at scrape time from its published status (a volatile read: a
 * scrape never waits for the watchdog), one status per component per scrape so that its series
 * agree with each other. Restarts are counted from the components' events, so the counter keeps
 * growing across manual restarts, which reset the MXBean's {@code Restarts}.
 */
final class ComponentMetrics implements MultiCollector {
    private static final String COMPONENT = "component";

    private final Supervision supervision;
    private final Map<String, LongAdder> restarts = new ConcurrentHashMap<>();

    ComponentMetrics(Supervision supervision) {
        this.supervision = supervision;
        for (SupervisedComponent c : supervision.components()) {
            count(c);
        }
        // A component changed by a reload counts on; one removed leaves the series.
        supervision.addComponentSetListener(new ComponentSetListener() {
            @Override public void added(SupervisedComponent c) { count(c); }
            @Override public void replaced(SupervisedComponent old, SupervisedComponent now) { count(now); }
            @Override public void removed(SupervisedComponent c) { restarts.remove(c.name()); }
        });
    }

    private void count(SupervisedComponent c) {
        LongAdder count = restarts.computeIfAbsent(c.name(), name -> new LongAdder());
        // On the watchdog thread: an increment returns at once.
        c.addListener(event -> {
            if (event.type() == ComponentEvent.Type.RESTARTING) {
                count.increment();
            }
        });
    }

    @Override
    public MetricSnapshots collect() {
        List<SupervisedComponent> components = supervision.components();
        GaugeSnapshot.Builder state = gauge("stigmer_component_state",
                "1 for the component's current state (Starting, Running, Unhealthy, Restarting, Stopped, Failed), 0 for the others");
        GaugeSnapshot.Builder ready = gauge("stigmer_component_ready", "1 while the component is Ready (its readiness probe passes)");
        CounterSnapshot.Builder restartsTotal = CounterSnapshot.builder().name("stigmer_component_restarts")
                .help("Automatic restarts since the daemon started; not reset by a manual restart");
        GaugeSnapshot.Builder inWindow = gauge("stigmer_component_restarts_in_window",
                "Automatic restarts within the restart window (restart.window)");
        GaugeSnapshot.Builder failures = gauge("stigmer_component_consecutive_failures",
                "Failures in a row, the n of the backoff; 0 after minUptime Running");
        GaugeSnapshot.Builder uptime = gauge("stigmer_component_uptime_seconds", "How long the current instance has run; 0 without one");
        GaugeSnapshot.Builder exitCode = gauge("stigmer_component_last_exit_code",
                "Exit code of the last instance that exited; -1 until one has");
        CounterSnapshot.Builder cpu = CounterSnapshot.builder().name("stigmer_component_cpu_seconds")
                .help("CPU time of the current instance: its cgroup's, else its main process's");
        GaugeSnapshot.Builder memory = gauge("stigmer_component_resident_memory_bytes",
                "Memory of the current instance: its cgroup's memory.current, else its main process's resident set");
        for (SupervisedComponent c : components) {
            ComponentStatus s = c.status();
            Labels labels = Labels.of(COMPONENT, s.name());
            for (State word : State.values()) {
                state.dataPoint(point(s.state() == word ? 1 : 0, Labels.of(COMPONENT, s.name(), "state", word.word())));
            }
            ready.dataPoint(point(s.ready() ? 1 : 0, labels));
            restartsTotal.dataPoint(CounterDataPointSnapshot.builder()
                    .value(restarts.getOrDefault(s.name(), new LongAdder()).sum()).labels(labels).build());
            inWindow.dataPoint(point(s.restartsInWindow(), labels));
            failures.dataPoint(point(s.consecutiveFailures(), labels));
            uptime.dataPoint(point(s.uptimeSeconds(), labels));
            exitCode.dataPoint(point(s.lastExitCode(), labels));
            Optional<ResourceUsage> usage = ResourceUsage.of(s.name(), s.pid());
            usage.ifPresent(u -> {
                cpu.dataPoint(CounterDataPointSnapshot.builder().value(u.cpuSeconds()).labels(labels).build());
                memory.dataPoint(point(u.memoryBytes(), labels));
            });
        }
        return MetricSnapshots.of(state.build(), ready.build(), restartsTotal.build(), inWindow.build(), failures.build(),
                uptime.build(), exitCode.build(), cpu.build(), memory.build());
    }

    private static GaugeSnapshot.Builder gauge(String name, String help) {
        return GaugeSnapshot.builder().name(name).help(help);
    }

    private static GaugeDataPointSnapshot point(double value, Labels labels) {
        return GaugeDataPointSnapshot.builder().value(value).labels(labels).build();
    }
}
