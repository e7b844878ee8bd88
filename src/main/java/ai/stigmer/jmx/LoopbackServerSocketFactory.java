package ai.stigmer.jmx;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.server.RMIServerSocketFactory;

/**
 * Binds RMI's listening sockets to one loopback address only. The registry and the connector use
 * the same (equal) factory, so RMI serves both from one port.
 */
record LoopbackServerSocketFactory(InetAddress address) implements RMIServerSocketFactory {

    LoopbackServerSocketFactory {
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException(address + " is not a loopback address");
        }
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return new ServerSocket(port, 50, address);
    }
}
