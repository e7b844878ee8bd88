package ai.stigmer.runtime;

import java.util.Optional;

/**
 * Launches instances of one component: a process or a container. Calls may block (a container
 * create, a process start) and are made off the watchdog thread.
 */
public interface ComponentRuntime {

    /** Starts a new instance. The message of the exception is shown to operators as LastError. */
    Instance launch() throws LaunchException;

    /**
     * Finds an instance left running by an earlier daemon, from what {@link Instance#record()} saved.
     * Returns empty if it is gone or is not provably the same instance (a reused pid, a container
     * that is not ours).
     */
    Optional<Instance> adopt(InstanceRecord record);
}
