package ai.stigmer.jmx;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/** Free ports and remote clients for the JMX tests. */
public final class JmxTestSupport {
    private JmxTestSupport() {}

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public static JMXServiceURL url(int port) throws IOException {
        return new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
    }

    /** A remote client logged in as {@code role} with the password from {@code jmxDir}. */
    public static JMXConnector connect(int port, Path jmxDir, String role) throws IOException {
        return connect(port, role, password(jmxDir, role));
    }

    /** The password of {@code role} in {@code jmxDir}. */
    public static String password(Path jmxDir, String role) throws IOException {
        return JmxCredentials.readPasswords(jmxDir.resolve(JmxCredentials.PASSWORD_FILE)).get(role);
    }

    public static JMXConnector connect(int port, String user, String password) throws IOException {
        Map<String, Object> env = user == null ? Map.of() : Map.of(JMXConnector.CREDENTIALS, new String[] {user, password});
        return JMXConnectorFactory.connect(url(port), env);
    }
}
