package ai.stigmer.supervisor;

import java.util.concurrent.CompletableFuture;

/**
 * The view of one supervised component that the JMX layer and the daemon use. Commands are queued
 * to the watchdog thread, which alone changes the component's state; the futures complete when the
 * command has been carried out and no stop is in flight any more (for {@link #stop()}, when the
 * instance is gone), exceptionally when a stop failed and the old instance may still run.
 */
public interface SupervisedComponent {

    String name();

    /** The current status; cheap, callable from any thread. */
    ComponentStatus status();

    /**
     * Starts a Stopped or Failed component with all counters reset; no change if it is active. A
     * Failed component whose stop failed is first stopped again; it starts only if that succeeds.
     */
    CompletableFuture<Void> start();

    /**
     * Stops the instance (SIGTERM, stop timeout, SIGKILL) and moves to Stopped; the component stays
     * Stopped, also across a daemon restart, until {@link #start()} or {@link #restart()}.
     */
    CompletableFuture<Void> stop();

    /** Stops the instance if there is one, resets all counters and starts again. */
    CompletableFuture<Void> restart();

    void addListener(ComponentListener listener);
}
