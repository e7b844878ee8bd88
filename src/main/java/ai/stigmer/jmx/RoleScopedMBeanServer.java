package ai.stigmer.jmx;

import java.io.ObjectInputStream;
import java.util.Map;
import java.util.Set;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.IntrospectionException;
import javax.management.InvalidAttributeValueException;
import javax.management.ListenerNotFoundException;
import javax.management.MBeanException;
import javax.management.MBeanInfo;
import javax.management.MBeanRegistrationException;
import javax.management.MBeanServer;
import javax.management.NotCompliantMBeanException;
import javax.management.NotificationFilter;
import javax.management.NotificationListener;
import javax.management.ObjectInstance;
import javax.management.ObjectName;
import javax.management.OperationsException;
import javax.management.QueryExp;
import javax.management.ReflectionException;
import javax.management.loading.ClassLoaderRepository;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a remote login may do (SPEC §6), in front of the MBean server of the connector:
 * <ul>
 * <li>every login ({@code readonly} and {@code readwrite}) reads attributes, MBean info and
 *     queries of every domain, receives notifications, and calls the few operations of the JVM's
 *     beans that only read ({@link #JVM_READ_OPERATIONS}: what JConsole's Threads tab calls);</li>
 * <li>{@code readwrite} ({@code control}) also calls operations and writes attributes of the
 *     {@code ai.stigmer} beans;</li>
 * <li>no login calls any other operation of another domain (heap dumps, diagnostic commands, gc,
 *     JFR, logger levels), writes their attributes, creates, registers or unregisters an MBean.</li>
 * </ul>
 * Calls without a subject are the connector's own bookkeeping (its notification buffer), never a
 * client's: with authentication always on, every client call runs as its login's subject.
 */
final class RoleScopedMBeanServer implements MBeanServerForwarder {
    /** The domain whose operations {@code control} may call. */
    static final String STIGMER_DOMAIN = "ai.stigmer";

    /**
     * Operations of the JVM's beans that read and change nothing: JConsole's Threads tab (thread
     * list, stack traces, "Detect Deadlock"), VisualVM's thread CPU view, reading a VM option or a
     * logger level. Memory's gc(), reset of peaks, setters, dumpHeap and every DiagnosticCommand and
     * FlightRecorder operation are not here.
     */
    static final Map<ObjectName, Set<String>> JVM_READ_OPERATIONS = Map.of(
            name("java.lang:type=Threading"), Set.of("getThreadInfo", "dumpAllThreads", "findDeadlockedThreads",
                    "findMonitorDeadlockedThreads", "getThreadCpuTime", "getThreadUserTime", "getThreadAllocatedBytes"),
            name("com.sun.management:type=HotSpotDiagnostic"), Set.of("getVMOption"),
            name("java.util.logging:type=Logging"), Set.of("getLoggerLevel", "getParentLoggerName"));

    private static final Logger LOG = LoggerFactory.getLogger(RoleScopedMBeanServer.class);

    private MBeanServer next;

    @Override
    public MBeanServer getMBeanServer() {
        return next;
    }

    @Override
    public void setMBeanServer(MBeanServer mbs) {
        if (mbs == null) {
            throw new IllegalArgumentException("Null MBeanServer");
        }
        this.next = mbs;
    }

    // ---- the checks ----

    /** Reads: any authenticated login. Nothing to check but that there is one. */
    private static void checkRead() {
        Subject subject = CallerSubject.get();
        if (subject != null) {
            access(subject);
        }
    }

    private static void checkInvoke(ObjectName name, String operation) {
        Subject subject = CallerSubject.get();
        if (subject == null) {
            return;
        }
        Access access = access(subject);
        if (name != null && STIGMER_DOMAIN.equals(name.getDomain())) {
            if (access != Access.READWRITE) {
                throw refuse(subject, "invoke " + name + " " + operation,
                        "operations of " + STIGMER_DOMAIN + " beans need the control role");
            }
            return;
        }
        if (name != null && JVM_READ_OPERATIONS.getOrDefault(name, Set.of()).contains(operation)) {
            return;
        }
        throw refuse(subject, "invoke " + name + " " + operation,
                "no role may call operations of the JVM's own beans; attach locally as the daemon's user instead");
    }

    private static void checkWrite(ObjectName name, String what) {
        Subject subject = CallerSubject.get();
        if (subject == null) {
            return;
        }
        Access access = access(subject);
        if (name != null && STIGMER_DOMAIN.equals(name.getDomain())) {
            if (access != Access.READWRITE) {
                throw refuse(subject, "set " + name + " " + what, "writes to " + STIGMER_DOMAIN + " beans need the control role");
            }
            return;
        }
        throw refuse(subject, "set " + name + " " + what, "no role may write attributes of the JVM's own beans");
    }

    /** Creating, registering and unregistering MBeans, and loading classes: never remotely. */
    private static void checkNever(String what) {
        Subject subject = CallerSubject.get();
        if (subject != null) {
            throw refuse(subject, what, "MBeans are not created, registered or unregistered over JMX");
        }
    }

    private static Access access(Subject subject) {
        return subject.getPrincipals(AccessPrincipal.class).stream().map(AccessPrincipal::access)
                .reduce((a, b) -> a.compareTo(b) <= 0 ? a : b) // the lesser, should a subject ever carry two
                .orElseThrow(() -> new SecurityException("Access denied: this login has no role in jmxremote.access"));
    }

    private static SecurityException refuse(Subject subject, String what, String why) {
        String who = subject.getPrincipals().stream()
                .filter(p -> !(p instanceof AccessPrincipal)).map(java.security.Principal::getName)
                .findFirst().orElse("?");
        LOG.warn("JMX: refused {} to {}: {}", what, who, why);
        return new SecurityException("Access denied: " + who + " may not " + what + " (" + why + ")");
    }

    private static ObjectName name(String name) {
        try {
            return new ObjectName(name);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    // ---- reads ----

    @Override
    public Object getAttribute(ObjectName name, String attribute)
            throws MBeanException, AttributeNotFoundException, InstanceNotFoundException, ReflectionException {
        checkRead();
        return next.getAttribute(name, attribute);
    }

    @Override
    public AttributeList getAttributes(ObjectName name, String[] attributes)
            throws InstanceNotFoundException, ReflectionException {
        checkRead();
        return next.getAttributes(name, attributes);
    }

    @Override
    public MBeanInfo getMBeanInfo(ObjectName name)
            throws InstanceNotFoundException, IntrospectionException, ReflectionException {
        checkRead();
        return next.getMBeanInfo(name);
    }

    @Override
    public ObjectInstance getObjectInstance(ObjectName name) throws InstanceNotFoundException {
        checkRead();
        return next.getObjectInstance(name);
    }

    @Override
    public Set<ObjectInstance> queryMBeans(ObjectName name, QueryExp query) {
        checkRead();
        return next.queryMBeans(name, query);
    }

    @Override
    public Set<ObjectName> queryNames(ObjectName name, QueryExp query) {
        checkRead();
        return next.queryNames(name, query);
    }

    @Override
    public boolean isRegistered(ObjectName name) {
        checkRead();
        return next.isRegistered(name);
    }

    @Override
    public Integer getMBeanCount() {
        checkRead();
        return next.getMBeanCount();
    }

    @Override
    public String getDefaultDomain() {
        checkRead();
        return next.getDefaultDomain();
    }

    @Override
    public String[] getDomains() {
        checkRead();
        return next.getDomains();
    }

    @Override
    public boolean isInstanceOf(ObjectName name, String className) throws InstanceNotFoundException {
        checkRead();
        return next.isInstanceOf(name, className);
    }

    /** The connector asks for it to read a call's parameters with the bean's own classes. */
    @Override
    public ClassLoader getClassLoaderFor(ObjectName mbeanName) throws InstanceNotFoundException {
        checkRead();
        return next.getClassLoaderFor(mbeanName);
    }

    @Override
    public ClassLoaderRepository getClassLoaderRepository() {
        checkRead();
        return next.getClassLoaderRepository();
    }

    // ---- notifications: every login ----

    @Override
    public void addNotificationListener(ObjectName name, NotificationListener listener, NotificationFilter filter,
            Object handback) throws InstanceNotFoundException {
        checkRead();
        next.addNotificationListener(name, listener, filter, handback);
    }

    @Override
    public void addNotificationListener(ObjectName name, ObjectName listener, NotificationFilter filter,
            Object handback) throws InstanceNotFoundException {
        checkRead();
        next.addNotificationListener(name, listener, filter, handback);
    }

    @Override
    public void removeNotificationListener(ObjectName name, ObjectName listener)
            throws InstanceNotFoundException, ListenerNotFoundException {
        checkRead();
        next.removeNotificationListener(name, listener);
    }

    @Override
    public void removeNotificationListener(ObjectName name, ObjectName listener, NotificationFilter filter,
            Object handback) throws InstanceNotFoundException, ListenerNotFoundException {
        checkRead();
        next.removeNotificationListener(name, listener, filter, handback);
    }

    @Override
    public void removeNotificationListener(ObjectName name, NotificationListener listener)
            throws InstanceNotFoundException, ListenerNotFoundException {
        checkRead();
        next.removeNotificationListener(name, listener);
    }

    @Override
    public void removeNotificationListener(ObjectName name, NotificationListener listener, NotificationFilter filter,
            Object handback) throws InstanceNotFoundException, ListenerNotFoundException {
        checkRead();
        next.removeNotificationListener(name, listener, filter, handback);
    }

    // ---- operations and writes: scoped by domain ----

    @Override
    public Object invoke(ObjectName name, String operationName, Object[] params, String[] signature)
            throws InstanceNotFoundException, MBeanException, ReflectionException {
        checkInvoke(name, operationName);
        return next.invoke(name, operationName, params, signature);
    }

    @Override
    public void setAttribute(ObjectName name, Attribute attribute) throws InstanceNotFoundException,
            AttributeNotFoundException, InvalidAttributeValueException, MBeanException, ReflectionException {
        checkWrite(name, attribute == null ? "null" : attribute.getName());
        next.setAttribute(name, attribute);
    }

    @Override
    public AttributeList setAttributes(ObjectName name, AttributeList attributes)
            throws InstanceNotFoundException, ReflectionException {
        checkWrite(name, "attributes");
        return next.setAttributes(name, attributes);
    }

    // ---- never over the wire ----

    @Override
    public ObjectInstance createMBean(String className, ObjectName name) throws ReflectionException,
            InstanceAlreadyExistsException, MBeanRegistrationException, MBeanException, NotCompliantMBeanException {
        checkNever("create " + className);
        return next.createMBean(className, name);
    }

    @Override
    public ObjectInstance createMBean(String className, ObjectName name, ObjectName loaderName)
            throws ReflectionException, InstanceAlreadyExistsException, MBeanRegistrationException, MBeanException,
            NotCompliantMBeanException, InstanceNotFoundException {
        checkNever("create " + className);
        return next.createMBean(className, name, loaderName);
    }

    @Override
    public ObjectInstance createMBean(String className, ObjectName name, Object[] params, String[] signature)
            throws ReflectionException, InstanceAlreadyExistsException, MBeanRegistrationException, MBeanException,
            NotCompliantMBeanException {
        checkNever("create " + className);
        return next.createMBean(className, name, params, signature);
    }

    @Override
    public ObjectInstance createMBean(String className, ObjectName name, ObjectName loaderName, Object[] params,
            String[] signature) throws ReflectionException, InstanceAlreadyExistsException, MBeanRegistrationException,
            MBeanException, NotCompliantMBeanException, InstanceNotFoundException {
        checkNever("create " + className);
        return next.createMBean(className, name, loaderName, params, signature);
    }

    @Override
    public ObjectInstance registerMBean(Object object, ObjectName name)
            throws InstanceAlreadyExistsException, MBeanRegistrationException, NotCompliantMBeanException {
        checkNever("register " + name);
        return next.registerMBean(object, name);
    }

    @Override
    public void unregisterMBean(ObjectName name) throws InstanceNotFoundException, MBeanRegistrationException {
        checkNever("unregister " + name);
        next.unregisterMBean(name);
    }

    @Override
    public Object instantiate(String className) throws ReflectionException, MBeanException {
        checkNever("instantiate " + className);
        return next.instantiate(className);
    }

    @Override
    public Object instantiate(String className, ObjectName loaderName)
            throws ReflectionException, MBeanException, InstanceNotFoundException {
        checkNever("instantiate " + className);
        return next.instantiate(className, loaderName);
    }

    @Override
    public Object instantiate(String className, Object[] params, String[] signature)
            throws ReflectionException, MBeanException {
        checkNever("instantiate " + className);
        return next.instantiate(className, params, signature);
    }

    @Override
    public Object instantiate(String className, ObjectName loaderName, Object[] params, String[] signature)
            throws ReflectionException, MBeanException, InstanceNotFoundException {
        checkNever("instantiate " + className);
        return next.instantiate(className, loaderName, params, signature);
    }

    @Override
    public ClassLoader getClassLoader(ObjectName loaderName) throws InstanceNotFoundException {
        checkNever("get the class loader " + loaderName);
        return next.getClassLoader(loaderName);
    }

    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public ObjectInputStream deserialize(ObjectName name, byte[] data) throws OperationsException {
        checkNever("deserialize");
        return next.deserialize(name, data);
    }

    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public ObjectInputStream deserialize(String className, byte[] data)
            throws OperationsException, ReflectionException {
        checkNever("deserialize");
        return next.deserialize(className, data);
    }

    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public ObjectInputStream deserialize(String className, ObjectName loaderName, byte[] data)
            throws OperationsException, ReflectionException {
        checkNever("deserialize");
        return next.deserialize(className, loaderName, data);
    }
}
