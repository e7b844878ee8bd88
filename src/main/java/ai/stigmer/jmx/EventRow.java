package ai.stigmer.jmx;

import java.beans.ConstructorProperties;
import javax.management.Notification;
import javax.management.openmbean.CompositeData;

/**
 * One component notification as the daemon remembers it in {@code RecentEvents}: the items of its
 * user data ({@link ComponentNotifications#USER_DATA}) with the notification's {@code type} and
 * {@code sequence} number. Sequence numbers increase per component, so {@code component} and
 * {@code sequence} together name one notification: a client that subscribes and then reads the ring
 * drops what it sees twice. As open data it needs none of stigmer's classes on the client.
 */
public final class EventRow {
    private final String component;
    private final long sequence;
    private final String type;
    private final String event;
    private final String from;
    private final String to;
    private final String message;
    private final long timestamp;

    @ConstructorProperties({"component", "sequence", "type", "event", "from", "to", "message", "timestamp"})
    public EventRow(String component, long sequence, String type, String event, String from, String to, String message,
            long timestamp) {
        this.component = component;
        this.sequence = sequence;
        this.type = type;
        this.event = event;
        this.from = from;
        this.to = to;
        this.message = message;
        this.timestamp = timestamp;
    }

    /** The row of a notification made by {@link ComponentNotifications#toNotification}. */
    static EventRow of(Notification n) {
        CompositeData data = (CompositeData) n.getUserData();
        return new EventRow((String) data.get("component"), n.getSequenceNumber(), n.getType(),
                (String) data.get("event"), (String) data.get("from"), (String) data.get("to"),
                (String) data.get("message"), (Long) data.get("timestamp"));
    }

    public String getComponent() { return component; }
    public long getSequence() { return sequence; }
    public String getType() { return type; }
    public String getEvent() { return event; }
    public String getFrom() { return from; }
    public String getTo() { return to; }
    public String getMessage() { return message; }
    public long getTimestamp() { return timestamp; }
}
