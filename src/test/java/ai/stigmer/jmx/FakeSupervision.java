package ai.stigmer.jmx;

import ai.stigmer.supervisor.SupervisedComponent;
import ai.stigmer.supervisor.Supervision;
import java.time.Duration;
import java.util.List;

/** Supervision over fake components. */
public final class FakeSupervision implements Supervision {
    private final List<SupervisedComponent> components;
    public volatile boolean monitoring = true;

    public FakeSupervision(SupervisedComponent... components) {
        this.components = List.of(components);
    }

    @Override public List<SupervisedComponent> components() { return components; }
    @Override public boolean monitoringActive() { return monitoring; }
    @Override public Duration uptime() { return Duration.ofSeconds(4242); }
}
