package ai.stigmer.jmx;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/** Builds every ObjectName of SPEC §6, for the daemon and for the command line alike. */
public final class ObjectNames {
    public static final String DOMAIN = "ai.stigmer";

    private ObjectNames() {}

    /** {@code ai.stigmer:type=Daemon}. */
    public static ObjectName daemon() {
        return parse(DOMAIN + ":type=Daemon");
    }

    /** {@code ai.stigmer:type=Component,name=<component>}; the name is quoted only if it must be. */
    public static ObjectName component(String component) {
        boolean plain = !component.isEmpty() && component.chars().noneMatch(c -> ",=:\"*?\n\\".indexOf(c) >= 0);
        return parse(DOMAIN + ":type=Component,name=" + (plain ? component : ObjectName.quote(component)));
    }

    /** Matches every component MXBean. */
    public static ObjectName components() {
        return parse(DOMAIN + ":type=Component,*");
    }

    private static ObjectName parse(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("invalid ObjectName " + name, e);
        }
    }
}
