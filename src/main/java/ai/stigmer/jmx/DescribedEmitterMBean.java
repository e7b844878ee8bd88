package ai.stigmer.jmx;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.NotificationEmitter;
import javax.management.StandardEmitterMBean;

/** {@link DescribedMBean} for an MXBean that also emits notifications through {@code emitter}. */
final class DescribedEmitterMBean extends StandardEmitterMBean {
    private final Class<?> type;

    <T> DescribedEmitterMBean(T implementation, Class<T> type, NotificationEmitter emitter) {
        super(implementation, type, true, emitter);
        this.type = type;
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        return DescribedMBean.of(type, info.getDescription());
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        return DescribedMBean.attribute(type, info);
    }

    @Override
    protected String getDescription(MBeanOperationInfo info) {
        return DescribedMBean.operation(type, info);
    }

    @Override
    protected int getImpact(MBeanOperationInfo info) {
        return MBeanOperationInfo.ACTION;
    }
}
