package ai.stigmer.jmx;

import ai.stigmer.supervisor.ComponentEvent;
import ai.stigmer.supervisor.ComponentListener;
import ai.stigmer.supervisor.ComponentStatus;
import ai.stigmer.supervisor.State;
import ai.stigmer.supervisor.SupervisedComponent;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A component whose status the test sets and whose events the test fires, as the watchdog would. */
public final class FakeComponent implements SupervisedComponent {
    public final AtomicInteger restarts = new AtomicInteger();
    public final AtomicInteger stops = new AtomicInteger();
    public final AtomicInteger starts = new AtomicInteger();
    private final List<ComponentListener> listeners = new CopyOnWriteArrayList<>();
    private volatile ComponentStatus status;

    public FakeComponent(ComponentStatus status) {
        this.status = status;
    }

    public static FakeComponent running(String name, String kind, long pid, String containerId) {
        return new FakeComponent(new ComponentStatus(name, kind, State.RUNNING, true, pid, containerId, 125, 2, 1, 0,
                -1, "", -1, List.of()));
    }

    /** Being stopped by the operator: Stopped, the old pid still shown, SIGKILL in {@code remainingMillis}. */
    public static FakeComponent stopping(String name, long pid, long remainingMillis) {
        return new FakeComponent(new ComponentStatus(name, "process", State.STOPPED, false, pid, "", 0, 0, 0, 0, -1, "",
                -1, List.of(), true, remainingMillis));
    }

    public void setStatus(ComponentStatus status) {
        this.status = status;
    }

    /** Calls every listener on this thread, as the watchdog does. */
    public void fire(ComponentEvent.Type type, State from, State to, String message) {
        ComponentEvent event = new ComponentEvent(name(), type, from, to, message, Instant.now());
        listeners.forEach(l -> l.onEvent(event));
    }

    @Override public String name() { return status.name(); }
    @Override public ComponentStatus status() { return status; }

    @Override
    public CompletableFuture<Void> start() {
        starts.incrementAndGet();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> stop() {
        stops.incrementAndGet();
        return CompletableFuture.failedFuture(new IllegalStateException("docker daemon unreachable"));
    }

    @Override
    public CompletableFuture<Void> restart() {
        restarts.incrementAndGet();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void addListener(ComponentListener listener) {
        listeners.add(listener);
    }
}
