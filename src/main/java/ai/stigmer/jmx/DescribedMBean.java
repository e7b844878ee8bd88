package ai.stigmer.jmx;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.StandardMBean;

/**
 * An MXBean whose MBeanInfo carries the {@link Description}s of its interface, so JConsole shows
 * what each attribute and operation means. Operations are marked ACTION (they change things).
 */
final class DescribedMBean extends StandardMBean {
    /**
     * The descriptions of an interface's methods by name, read once per interface: 200 components'
     * beans asked {@code getMethods()} (a copy of every method) for each attribute and operation.
     */
    private static final ClassValue<Map<String, String>> DESCRIPTIONS = new ClassValue<>() {
        @Override
        protected Map<String, String> computeValue(Class<?> type) {
            Map<String, String> byName = new HashMap<>();
            for (Method m : type.getMethods()) {
                Description d = m.getAnnotation(Description.class);
                if (d != null) {
                    byName.putIfAbsent(m.getName(), d.value());
                }
            }
            return Map.copyOf(byName);
        }
    };

    private final Class<?> type;

    <T> DescribedMBean(T implementation, Class<T> type) {
        super(implementation, type, true);
        this.type = type;
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        return of(type, info.getDescription());
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        return attribute(type, info);
    }

    @Override
    protected String getDescription(MBeanOperationInfo info) {
        return operation(type, info);
    }

    @Override
    protected int getImpact(MBeanOperationInfo info) {
        return MBeanOperationInfo.ACTION;
    }

    static String of(Class<?> type, String fallback) {
        Description d = type.getAnnotation(Description.class);
        return d != null ? d.value() : fallback;
    }

    static String attribute(Class<?> type, MBeanAttributeInfo info) {
        for (String prefix : new String[] {"get", "is"}) {
            String text = method(type, prefix + info.getName(), null);
            if (text != null) {
                return text;
            }
        }
        return info.getDescription();
    }

    static String operation(Class<?> type, MBeanOperationInfo info) {
        String text = method(type, info.getName(), null);
        return text != null ? text : info.getDescription();
    }

    private static String method(Class<?> type, String name, String fallback) {
        return DESCRIPTIONS.get(type).getOrDefault(name, fallback);
    }
}
