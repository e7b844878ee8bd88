package ai.stigmer.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deserialization on the connector is limited to what a login needs (SPEC §6): before a client is
 * authenticated it may send a user name and a password as strings, and no object of any other type
 * is read at all (a {@link Tripwire} would tell). After the login, only JMX's own types.
 */
class LoginDeserializationTest extends WithControlPlane {
    /** A serializable type of the daemon's class path whose {@code readObject} counts its runs. */
    static final class Tripwire implements Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger READ = new AtomicInteger();

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            READ.incrementAndGet();
        }
    }

    @Override
    MBeanServer mbeanServer() {
        return MBeanServerFactory.newMBeanServer();
    }

    @BeforeEach
    void resetTripwire() {
        Tripwire.READ.set(0);
    }

    @Test
    void theTripwireTripsWhenItIsDeserialized() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new Tripwire());
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            in.readObject();
        }
        assertEquals(1, Tripwire.READ.get(), "without a filter the tripwire is read");
    }

    @Test
    void aLoginPayloadOfAnotherTypeIsNeverDeserialized() {
        IOException e = assertThrows(IOException.class, () -> login(new Tripwire()));
        assertEquals(0, Tripwire.READ.get(), "the tripwire was deserialized by the daemon");
        assertTrue(refusedByFilter(e), describe(e));
    }

    @Test
    void aHashMapOfCredentialsIsRefusedBeforeTheAuthenticatorSeesIt() throws Exception {
        Map<String, String> map = new HashMap<>(Map.of("user", JmxCredentials.CONTROL,
                "password", JmxTestSupport.password(jmxDir, JmxCredentials.CONTROL)));
        IOException e = assertThrows(IOException.class, () -> login(map));
        assertTrue(refusedByFilter(e), describe(e));
    }

    @Test
    void aLongerArrayOfStringsIsRefusedToo() {
        IOException e = assertThrows(IOException.class, () -> login(new String[] {"control", "x", "y"}));
        assertTrue(refusedByFilter(e), describe(e));
    }

    @Test
    void aUserAndPasswordStillLogInAndAWrongOneIsStillRefusedByTheAuthenticator() throws Exception {
        login(new String[] {JmxCredentials.MONITOR, JmxTestSupport.password(jmxDir, JmxCredentials.MONITOR)}).close();
        SecurityException wrong = assertThrows(SecurityException.class, () -> login(new String[] {"control", "wrong"}));
        assertEquals("Invalid user name or password", wrong.getMessage());
    }

    @Test
    void anAuthenticatedSessionCannotSendTypesOutsideJmxEither() throws Exception {
        try (JMXConnector c = JmxTestSupport.connect(port, jmxDir, JmxCredentials.CONTROL)) {
            IOException e = assertThrows(IOException.class, () -> c.getMBeanServerConnection().invoke(
                    ObjectNames.component("stigmer-server"), "restart",
                    new Object[] {new Tripwire()}, new String[] {Tripwire.class.getName()}));
            assertTrue(refusedByFilter(e), describe(e));
        }
        assertEquals(0, Tripwire.READ.get());
        assertEquals(0, server.restarts.get());
    }

    private JMXConnector login(Object credentials) throws IOException {
        return JMXConnectorFactory.connect(JmxTestSupport.url(port), Map.of(JMXConnector.CREDENTIALS, credentials));
    }

    /** The serial filter's refusal ({@code InvalidClassException: filter status: REJECTED}) somewhere in the chain. */
    private static boolean refusedByFilter(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.InvalidClassException && String.valueOf(t.getMessage()).contains("REJECTED")) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            s.append(t).append(" <- ");
        }
        return s.toString();
    }
}
