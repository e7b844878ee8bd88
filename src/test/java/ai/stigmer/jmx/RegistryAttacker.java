package ai.stigmer.jmx;

import java.io.IOException;
import java.rmi.Remote;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import javax.management.remote.rmi.RMIConnection;
import javax.management.remote.rmi.RMIServer;

/**
 * Run in a second JVM by {@link RegistryIsReadOnlyTest}: what another local process without the
 * password would try on the daemon's registry. Prints one line per attempt: {@code <op> ACCEPTED}
 * or {@code <op> REFUSED <exception>}; {@code lookup} also says what it found.
 */
public final class RegistryAttacker {
    /**
     * The attacker's own connector, which it would like clients to find under {@code jmxrmi}: it
     * would receive the user name and password of every login.
     */
    private static final class Decoy implements RMIServer {
        @Override
        public String getVersion() {
            return "1.0 decoy";
        }

        @Override
        public RMIConnection newClient(Object credentials) throws IOException {
            throw new IOException("thank you for " + credentials);
        }
    }

    private RegistryAttacker() {}

    public static void main(String[] args) throws Exception {
        Registry registry = LocateRegistry.getRegistry("127.0.0.1", Integer.parseInt(args[0]));
        Decoy decoy = new Decoy();
        Remote stub = UnicastRemoteObject.exportObject(decoy, 0);
        attempt("list", () -> "[" + String.join(",", registry.list()) + "]");
        attempt("lookup", () -> registry.lookup("jmxrmi") instanceof RMIServer ? "RMIServer" : "other");
        attempt("bind", () -> {
            registry.bind("jmxrmi2", stub);
            return "";
        });
        attempt("rebind", () -> {
            registry.rebind("jmxrmi", stub);
            return "";
        });
        attempt("unbind", () -> {
            registry.unbind("jmxrmi");
            return "";
        });
        attempt("lookup-after", () -> registry.lookup("jmxrmi") instanceof RMIServer ? "RMIServer" : "other");
        attempt("list-after", () -> "[" + String.join(",", registry.list()) + "]");
        UnicastRemoteObject.unexportObject(decoy, true);
        System.out.flush();
        System.exit(0);
    }

    private interface Attempt {
        String run() throws Exception;
    }

    private static void attempt(String op, Attempt attempt) {
        try {
            String found = attempt.run();
            System.out.println(op + " ACCEPTED " + found);
        } catch (Exception e) {
            System.out.println(op + " REFUSED " + e.toString().replace('\n', ' '));
        }
    }
}
