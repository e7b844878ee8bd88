package ai.stigmer.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One entry of {@code alerts:}: what to do when one of {@link #events} happens to a component of
 * {@link #components} (all if empty), at most once per {@link #minInterval} per component and event.
 * Exactly one of {@link #command} (run with the event in {@code STIGMER_*} variables) and
 * {@link #webhook} (posted the event as JSON) is set; either is given up after {@link #timeout}.
 */
public record AlertSpec(Set<String> events, List<String> components, List<String> command, URI webhook,
        Duration timeout, Duration minInterval) {

    /** The event words of {@code events:}, each the last part of a component notification's type. */
    public static final List<String> EVENTS =
            List.of("unhealthy", "restarting", "restarted", "failed", "rearmed", "ready", "not-ready");

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(10);

    public AlertSpec {
        events = Set.copyOf(events);
        components = List.copyOf(components);
        command = command == null ? null : List.copyOf(command);
        if ((command == null) == (webhook == null)) {
            throw new IllegalArgumentException("an alert has exactly one of exec and webhook");
        }
    }

    /** True if this alert is about {@code event} (an {@link #EVENTS} word) of {@code component}. */
    public boolean matches(String component, String event) {
        return events.contains(event) && (components.isEmpty() || components.contains(component));
    }

    /** "exec [notify-send, ...]" or "webhook https://...": what the daemon's log calls this hook. */
    public String describe() {
        return command != null ? "exec " + command : "webhook " + webhook;
    }
}
