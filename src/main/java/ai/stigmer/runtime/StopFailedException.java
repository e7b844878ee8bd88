package ai.stigmer.runtime;

/**
 * A stop that could not be proven done: something of the instance may still be alive (an engine
 * error, a process that survived SIGKILL, a cgroup that did not empty). The message names what is
 * left; the supervisor reports it and launches no new instance while the old one may live (SPEC §4).
 */
public final class StopFailedException extends RuntimeException {
    public StopFailedException(String message) {
        super(message);
    }

    public StopFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
