package ai.stigmer.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.management.Notification;
import javax.management.openmbean.CompositeData;

/**
 * One component notification as {@code server events} prints it, read from a row of the daemon's
 * {@code RecentEvents} or from a live notification: both carry the same open data. {@code event} is
 * the event's short name: {@code state-changed}, {@code unhealthy}, {@code restarting},
 * {@code restarted}, {@code failed}, {@code ready}, {@code not-ready}. {@code component} with
 * {@code sequence} names one notification (sequence numbers increase per component).
 */
record EventLine(String component, long sequence, String type, String event, String from, String to, String message,
        long timestamp) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS", Locale.ROOT);

    /** A row of the Daemon MXBean's {@code RecentEvents}. */
    static EventLine ofRow(CompositeData row) {
        return new EventLine(str(row, "component"), row.get("sequence") instanceof Number n ? n.longValue() : -1,
                str(row, "type"), shortName(str(row, "event")), str(row, "from"), str(row, "to"), str(row, "message"),
                row.get("timestamp") instanceof Number t ? t.longValue() : 0);
    }

    /** A live notification of a Component MXBean, whose user data has the items of a row. */
    static EventLine ofNotification(Notification n) {
        if (n.getUserData() instanceof CompositeData data) {
            return new EventLine(str(data, "component"), n.getSequenceNumber(), n.getType(),
                    shortName(str(data, "event")), str(data, "from"), str(data, "to"), str(data, "message"),
                    data.get("timestamp") instanceof Number t ? t.longValue() : n.getTimeStamp());
        }
        return new EventLine(String.valueOf(n.getSource()), n.getSequenceNumber(), n.getType(), n.getType(), "", "",
                n.getMessage() == null ? "" : n.getMessage(), n.getTimeStamp());
    }

    /** {@code 2026-12-04T10:15:30.125  victim  unhealthy  Unhealthy → Unhealthy  Component marked unhealthy: ...} */
    String text(ZoneId zone) {
        return TIME.format(Instant.ofEpochMilli(timestamp).atZone(zone)) + "  " + component + "  " + event + "  "
                + from + " → " + to + (message.isEmpty() ? "" : "  " + message);
    }

    /** One JSON object: time (as in the text), timestamp (epoch ms), component, sequence, type, event, from, to, message. */
    String json(ZoneId zone) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", TIME.format(Instant.ofEpochMilli(timestamp).atZone(zone)));
        m.put("timestamp", timestamp);
        m.put("component", component);
        m.put("sequence", sequence);
        m.put("type", type);
        m.put("event", event);
        m.put("from", from);
        m.put("to", to);
        m.put("message", message);
        return Json.write(m);
    }

    /** {@code STATE_CHANGED} → {@code state-changed}, {@code NOT_READY} → {@code not-ready}. */
    private static String shortName(String event) {
        return event.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String str(CompositeData data, String key) {
        Object v = data.containsKey(key) ? data.get(key) : null;
        return v == null ? "" : v.toString();
    }
}
