package ai.stigmer.jmx;

import ai.stigmer.config.ConfigChanges;
import java.util.List;
import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.ObjectName;
import javax.management.openmbean.ArrayType;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;

/**
 * The Daemon MXBean's {@code ai.stigmer.daemon.reloaded} notification: sent once a reload has been
 * applied (from {@code stigmer server reload}, the {@code reload()} operation or SIGHUP). Its
 * message is the daemon's summary line; its user data, open types only, says what changed:
 * {@code source} (the config file), {@code added}, {@code removed}, {@code changed} and
 * {@code unchanged} (component names, {@code String[]}, each in start order).
 */
public final class ReloadNotifications {
    public static final String RELOADED = "ai.stigmer.daemon.reloaded";
    private static final String[] ITEMS = {"source", "added", "removed", "changed", "unchanged"};
    public static final CompositeType USER_DATA = userDataType();

    private ReloadNotifications() {}

    static MBeanNotificationInfo[] info() {
        return new MBeanNotificationInfo[] {
            new MBeanNotificationInfo(new String[] {RELOADED}, Notification.class.getName(),
                    "The daemon's config was reloaded: user data lists the components added, removed, changed and unchanged")
        };
    }

    static Notification toNotification(ObjectName source, long sequence, String file, ConfigChanges changes,
            String message) {
        Notification n = new Notification(RELOADED, source, sequence, System.currentTimeMillis(), message);
        try {
            n.setUserData(new CompositeDataSupport(USER_DATA, ITEMS, new Object[] {file, array(changes.added()),
                array(changes.removed()), array(changes.changed()), array(changes.unchanged())}));
        } catch (OpenDataException e) {
            throw new IllegalStateException(e);
        }
        return n;
    }

    /** The names under {@code item} ({@code added}, ...) of a notification's user data. */
    public static List<String> names(CompositeData data, String item) {
        return List.of((String[]) data.get(item));
    }

    private static String[] array(List<String> names) {
        return names.toArray(String[]::new);
    }

    private static CompositeType userDataType() {
        try {
            ArrayType<String[]> names = ArrayType.getArrayType(SimpleType.STRING);
            return new CompositeType("ai.stigmer.Reloaded", "What a reload changed", ITEMS,
                    new String[] {"The config file read", "Components added and started", "Components removed and stopped",
                        "Components whose spec changed, restarted with the new one", "Components not touched"},
                    new OpenType<?>[] {SimpleType.STRING, names, names, names, names});
        } catch (OpenDataException e) {
            throw new IllegalStateException(e);
        }
    }
}
