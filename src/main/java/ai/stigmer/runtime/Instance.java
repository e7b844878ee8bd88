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
     *
     * @throws StopFailedException when the stop cannot be proven done: something of the instance may
     *     still be alive; the message says what
     */
    void stop(Duration timeout);

    /**
     * Clears, at once and without blocking, an instance that has ended and left nothing behind:
     * true if so, and it is then stopped as by {@link #stop}. False if it still runs, left
     * something, or cannot tell without waiting: then {@link #stop} is what clears it.
     */
    default boolean clearIfEnded() {
        return false;
    }

    /**
     * How long the instance had already run when this object was made: zero for a fresh launch, the
     * real age of an adopted instance, so that its uptime continues across a daemon restart.
     */
    default Duration age() {
        return Duration.ZERO;
    }

    /**
     * Empty when the instance runs what the configuration says; otherwise how it differs (command,
     * env, image). An adopted instance that differs is replaced, with this reason in the log.
     */
    default String drift() {
        return "";
    }

    /** What to save under {@code run/} so that a later daemon can find this instance again. */
    InstanceRecord record();
}
