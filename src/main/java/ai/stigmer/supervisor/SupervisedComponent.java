package ai.stigmer.supervisor;

import java.util.concurrent.CompletableFuture;

/**
 * The view of one supervised component that the JMX layer and the daemon use. Commands are queued
 * to the watchdog thread, which alone changes the component's state; the futures complete when the
 * command has been carried out (for {@link #stop()}, when the instance is gone).
 */
public interface SupervisedComponent {

    String name();

    /** The current status; cheap, callable from any thread. */
    ComponentStatus status();

    /** Starts a Stopped or Failed component with all counters reset; no change if it is active. */
    CompletableFuture<Void> start();

    /** Stops the instance (SIGTERM, stop timeout, SIGKILL) and moves to Stopped. */
    CompletableFuture<Void> stop();

    /** Stops the instance if there is one, resets all counters and starts again. */
    CompletableFuture<Void> restart();

    void addListener(ComponentListener listener);
}
