package ai.stigmer.cli;

import java.util.HashMap;
import java.util.Map;
import javax.management.Attribute;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The JSON of {@code server status --json}, read from the MBean server that holds the daemon's
 * beans: what the daemon's {@code /status} endpoint serves, built by the same code as the command line's.
 */
public final class StatusJson {
    private StatusJson() {}

    /** @throws IllegalStateException when the daemon's beans cannot be read (not registered yet) */
    public static String of(MBeanServer beans) {
        return StatusFormatter.json(DaemonClient.status((bean, names) -> attributes(beans, bean, names)));
    }

    private static Map<String, Object> attributes(MBeanServer beans, ObjectName bean, String[] names) {
        try {
            Map<String, Object> values = new HashMap<>();
            for (Attribute a : beans.getAttributes(bean, names).asList()) {
                values.put(a.getName(), a.getValue());
            }
            return values;
        } catch (JMException e) {
            throw new IllegalStateException("cannot read " + bean + ": " + e.getMessage(), e);
        }
    }
}
