package ai.stigmer.jmx;

import ai.stigmer.supervisor.ComponentEvent;
import ai.stigmer.supervisor.ComponentSupervisor;
import java.util.Map;
import javax.management.AttributeChangeNotification;
import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;

/**
 * The notifications of a component MXBean (SPEC §6) and how a {@link ComponentEvent} becomes one.
 * The user data is a {@link CompositeData} ({@link #USER_DATA}), so any JMX client can read it.
 */
public final class ComponentNotifications {
    public static final String UNHEALTHY = "ai.stigmer.component.unhealthy";
    public static final String RESTARTING = "ai.stigmer.component.restarting";
    public static final String RESTARTED = "ai.stigmer.component.restarted";
    public static final String FAILED = "ai.stigmer.component.failed";
    public static final String REARMED = "ai.stigmer.component.rearmed";
    public static final String READY = "ai.stigmer.component.ready";
    public static final String NOT_READY = "ai.stigmer.component.not-ready";

    /** The message of {@link #FAILED}: the ERROR line of SPEC §5, word for word. */
    public static final String FAILED_MESSAGE = ComponentSupervisor.LIMIT_EXCEEDED;

    private static final Map<ComponentEvent.Type, String> TYPES = Map.of(
            ComponentEvent.Type.UNHEALTHY, UNHEALTHY,
            ComponentEvent.Type.RESTARTING, RESTARTING,
            ComponentEvent.Type.RESTARTED, RESTARTED,
            ComponentEvent.Type.FAILED, FAILED,
            ComponentEvent.Type.REARMED, REARMED,
            ComponentEvent.Type.READY, READY,
            ComponentEvent.Type.NOT_READY, NOT_READY);

    /** User data of every notification: component, event, from, to, message, timestamp (epoch ms). */
    public static final CompositeType USER_DATA = userDataType();

    private ComponentNotifications() {}

    /** What JConsole and VisualVM list under the bean's Notifications. */
    public static MBeanNotificationInfo[] info() {
        return new MBeanNotificationInfo[] {
            new MBeanNotificationInfo(new String[] {AttributeChangeNotification.ATTRIBUTE_CHANGE},
                    AttributeChangeNotification.class.getName(), "The State attribute changed (old and new state words)"),
            new MBeanNotificationInfo(new String[] {UNHEALTHY, RESTARTING, RESTARTED, FAILED, REARMED, READY, NOT_READY},
                    Notification.class.getName(),
                    "Health events: unhealthy, restarting, restarted, failed (restart limit reached), rearmed"
                            + " (one more try after restart.rearmAfter), ready, not-ready"),
        };
    }

    /** The notification for {@code event}, from {@code source}, with sequence number {@code sequence}. */
    static Notification toNotification(ComponentEvent event, ObjectName source, long sequence) {
        long at = event.at().toEpochMilli();
        Notification n;
        if (event.type() == ComponentEvent.Type.STATE_CHANGED) {
            String from = word(event.from());
            String to = word(event.to());
            String message = "State changed from " + from + " to " + to
                    + (blank(event.message()) ? "" : ": " + event.message());
            n = new AttributeChangeNotification(source, sequence, at, message, "State", String.class.getName(), from, to);
        } else {
            // The supervisor sends the exact SPEC line when the restart limit is reached; a component
            // whose policy forbids restarts says so instead.
            String message = event.type() == ComponentEvent.Type.FAILED
                    && (blank(event.message()) || event.message().startsWith(FAILED_MESSAGE))
                    ? FAILED_MESSAGE : nonNull(event.message());
            n = new Notification(TYPES.get(event.type()), source, sequence, at, message);
        }
        n.setUserData(userData(event));
        return n;
    }

    private static CompositeData userData(ComponentEvent event) {
        try {
            return new CompositeDataSupport(USER_DATA,
                    new String[] {"component", "event", "from", "to", "message", "timestamp"},
                    new Object[] {nonNull(event.component()), event.type().name(), word(event.from()), word(event.to()),
                        nonNull(event.message()), event.at().toEpochMilli()});
        } catch (OpenDataException e) {
            throw new IllegalStateException(e);
        }
    }

    private static CompositeType userDataType() {
        try {
            return new CompositeType("ai.stigmer.ComponentEvent", "A component event",
                    new String[] {"component", "event", "from", "to", "message", "timestamp"},
                    new String[] {"Component name", "Event type", "State before", "State after", "Event message",
                        "When it happened, epoch milliseconds"},
                    new OpenType<?>[] {SimpleType.STRING, SimpleType.STRING, SimpleType.STRING, SimpleType.STRING,
                        SimpleType.STRING, SimpleType.LONG});
        } catch (OpenDataException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static String word(Object state) {
        return state == null ? "" : state.toString();
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
