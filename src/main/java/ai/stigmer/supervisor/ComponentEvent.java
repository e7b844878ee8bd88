package ai.stigmer.supervisor;

import java.time.Instant;

/**
 * Something that happened to a component, sent once when it happens. {@code from} and {@code to}
 * are the states around the event (equal for readiness events); {@code message} is the log line.
 */
public record ComponentEvent(String component, Type type, State from, State to, String message, Instant at) {

    public enum Type {
        /** Every state change; the JMX layer turns it into an AttributeChangeNotification on State. */
        STATE_CHANGED,
        UNHEALTHY,
        RESTARTING,
        /** A restarted instance reached Running. */
        RESTARTED,
        FAILED,
        /** A Failed component gets one more try after its cool-down (restart.rearmAfter). */
        REARMED,
        READY,
        NOT_READY
    }
}
