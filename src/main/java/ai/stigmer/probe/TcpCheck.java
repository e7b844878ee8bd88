package ai.stigmer.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** {@code tcp}: a connection to host:port is accepted within the timeout. */
public final class TcpCheck implements Check {
    private final String host;
    private final int port;

    public TcpCheck(String host, int port) {
        this.host = host;
        this.port = port;
    }

    @Override
    public String describe() {
        return "tcp " + host + ":" + port;
    }

    @Override
    public CheckResult run(CheckContext context) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), Timeouts.millis(context.timeout()));
            return CheckResult.pass();
        } catch (SocketTimeoutException e) {
            return CheckResult.fail("timeout");
        } catch (IOException e) {
            return CheckResult.fail(e.getMessage());
        }
    }
}
