package ai.stigmer.runtime;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** One running instance of a component: a process group or a container. Thread-safe. */
public interface Instance {

    /** The process id, or −1 for a container. */
    long pid();

    /** The container id, or "" for a process. */
    String containerId();

    /** Completes the moment the instance ends by itself or is stopped; never completes exceptionally. */
    CompletableFuture<ExitStatus> exited();

    /** True while the instance runs: the process is alive and not a zombie, the container running. */
    boolean isAlive();

    /**
     * Stops the instance and everything it started: SIGTERM to the process group (or a container
     * stop), up to {@code timeout}, then SIGKILL. Blocks until done. Safe to call more than once and
     * after the instance ended (it then only clears up what the instance left behind).
     */
    void stop(Duration timeout);

    /** What to save under {@code run/} so that a later daemon can find this instance again. */
    InstanceRecord record();
}
