package ai.stigmer.alerts;

import ai.stigmer.jmx.ComponentNotifications;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.management.Notification;
import javax.management.openmbean.CompositeData;

/**
 * A component event as an alert hook gets it, read from the notification's open-data user data
 * ({@link ComponentNotifications#USER_DATA}) as any JMX listener reads it.
 *
 * @param event the word of {@code alerts[].events}: the notification type after {@code ai.stigmer.component.}
 */
record AlertEvent(String component, String event, String from, String to, String message, Instant at) {
    private static final String PREFIX = "ai.stigmer.component.";

    /** The event of a component notification; empty for others (State attribute changes). */
    static Optional<AlertEvent> of(Notification n) {
        if (!n.getType().startsWith(PREFIX) || !(n.getUserData() instanceof CompositeData data)) {
            return Optional.empty();
        }
        return Optional.of(new AlertEvent((String) data.get("component"), n.getType().substring(PREFIX.length()),
                (String) data.get("from"), (String) data.get("to"), n.getMessage(),
                Instant.ofEpochMilli(n.getTimeStamp())));
    }

    /** The variables an exec hook runs with: each field of {@link #json} as {@code STIGMER_<FIELD>}. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        json().forEach((field, value) -> env.put("STIGMER_" + field.toUpperCase(Locale.ROOT), value));
        return env;
    }

    /** The body a webhook gets. */
    Map<String, String> json() {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("component", component);
        body.put("event", event);
        body.put("from", from);
        body.put("to", to);
        body.put("message", message);
        body.put("time", at.toString());
        return body;
    }
}
