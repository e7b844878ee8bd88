package ai.stigmer.jmx;

import ai.stigmer.Version;
import ai.stigmer.supervisor.SupervisedComponent;
import ai.stigmer.supervisor.Supervision;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Adapts {@link Supervision} to {@link DaemonMXBean}. {@code shutdown()} runs the daemon's shutdown
 * on a thread of its own and returns, so the JMX reply leaves before the connector closes.
 */
final class DaemonAdapter implements DaemonMXBean {
    private final Supervision supervision;
    private final Runnable shutdown;
    private final Supplier<String> reload;
    private final RecentEvents recent;
    private final AtomicBoolean shuttingDown = new AtomicBoolean();

    DaemonAdapter(Supervision supervision, Runnable shutdown, Supplier<String> reload, RecentEvents recent) {
        this.supervision = supervision;
        this.shutdown = shutdown;
        this.reload = reload;
        this.recent = recent;
    }

    /** Runs on the caller's JMX thread: the reply is the summary, sent once the reload is applied. */
    @Override
    public String reload() {
        return reload.get();
    }

    @Override public long getPid() { return ProcessHandle.current().pid(); }
    @Override public long getUptimeSeconds() { return supervision.uptime().toSeconds(); }
    @Override public String getVersion() { return Version.VERSION; }
    @Override public boolean isMonitoringActive() { return supervision.monitoringActive(); }
    @Override public String getMonitoringProblem() { return supervision.monitoringProblem(); }
    @Override public String getContainment() { return supervision.containment(); }

    @Override
    public List<String> getComponentNames() {
        return supervision.components().stream().map(SupervisedComponent::name).toList();
    }

    @Override
    public List<ComponentRow> getComponents() {
        return supervision.components().stream().map(c -> ComponentRow.of(c.status())).toList();
    }

    @Override
    public List<EventRow> getRecentEvents() {
        return recent.rows();
    }

    @Override
    public void shutdown() {
        if (shuttingDown.compareAndSet(false, true)) {
            Thread t = new Thread(shutdown, "stigmer-jmx-shutdown");
            t.setDaemon(false);
            t.start();
        }
    }
}
