package ai.stigmer.jmx;

import java.io.ObjectInputFilter;
import java.rmi.AccessException;
import java.rmi.NotBoundException;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.server.RMIServerSocketFactory;
import sun.rmi.registry.RegistryImpl;

/**
 * The RMI registry of the control plane (SPEC §6): one entry, {@code jmxrmi}, which no client can
 * change. The JDK's {@code LocateRegistry.createRegistry} lets any process of the machine
 * {@code rebind} or {@code unbind} — another user could put its own stub under {@code jmxrmi} and
 * collect the passwords the command line sends. Here {@code bind}, {@code rebind} and {@code unbind}
 * are refused to every caller, and no class is deserialized from a registry call (a lookup needs a
 * string only), so a bind's stub is refused before it is even read. The JDK's own agent does the
 * same ({@code sun.management.jmxremote.SingleEntryRegistry}).
 *
 * <p>Extending the JDK's registry is the only way to serve the well-known registry object id with
 * the skeleton the JDK's clients speak to; the JVM needs
 * {@code --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED} ({@code bin/stigmer} and the build set it).
 */
final class ReadOnlyRegistry extends RegistryImpl {
    /** The one name served, as in {@code service:jmx:rmi:///jndi/rmi://host:port/jmxrmi}. */
    static final String NAME = "jmxrmi";
    private static final long serialVersionUID = 1L;

    private transient volatile Remote connector;

    /** Listens on {@code port} with {@code sockets}; serves nothing until {@link #serve}. */
    ReadOnlyRegistry(int port, RMIServerSocketFactory sockets) throws RemoteException {
        super(port, null, sockets, ReadOnlyRegistry::stringsOnly);
    }

    /** Puts the connector's stub under {@link #NAME}: done once by the daemon itself, never over the wire. */
    void serve(Remote connectorStub) {
        this.connector = connectorStub;
    }

    @Override
    public String[] list() {
        return connector == null ? new String[0] : new String[] {NAME};
    }

    @Override
    public Remote lookup(String name) throws NotBoundException {
        Remote stub = connector;
        if (stub == null || !NAME.equals(name)) {
            throw new NotBoundException("Not bound: \"" + name + "\" (the only name is \"" + NAME + "\")");
        }
        return stub;
    }

    @Override
    public void bind(String name, Remote obj) throws AccessException {
        throw refused("bind");
    }

    @Override
    public void rebind(String name, Remote obj) throws AccessException {
        throw refused("rebind");
    }

    @Override
    public void unbind(String name) throws AccessException {
        throw refused("unbind");
    }

    private static AccessException refused(String operation) {
        return new AccessException("Registry." + operation + " refused: this registry is read-only");
    }

    /** Strings only (they are not classes to the filter): any object, array or deep graph is refused. */
    private static ObjectInputFilter.Status stringsOnly(ObjectInputFilter.FilterInfo info) {
        boolean anything = info.serialClass() != null || info.arrayLength() >= 0
                || info.depth() > 2 || info.references() > 4;
        return anything ? ObjectInputFilter.Status.REJECTED : ObjectInputFilter.Status.UNDECIDED;
    }
}
