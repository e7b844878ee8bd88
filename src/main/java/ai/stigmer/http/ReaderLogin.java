package ai.stigmer.http;

import ai.stigmer.jmx.JmxCredentials;
import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpExchange;
import java.nio.file.Path;

/**
 * The one filter in front of every path, the Prometheus client's own {@code /metrics} included:
 * only GET and HEAD (anything else is 405 with {@code Allow: GET, HEAD}), and only with HTTP basic
 * credentials that the JMX connector would let in ({@code monitor} or {@code control} and its
 * password from {@code jmxremote.password}, read at each request). Loopback is not enough: any user
 * of the machine reaches it, and the endpoints name components, pids and their errors, which JMX
 * keeps behind the monitor password. A missing or wrong login is 401 with a {@code Basic} challenge.
 */
final class ReaderLogin extends BasicAuthenticator {
    private final Path jmxDir;

    ReaderLogin(Path jmxDir) {
        super("stigmer", java.nio.charset.StandardCharsets.UTF_8);
        this.jmxDir = jmxDir;
    }

    @Override
    public Result authenticate(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            return new Failure(405);
        }
        return super.authenticate(exchange);
    }

    @Override
    public boolean checkCredentials(String user, String password) {
        return JmxCredentials.mayRead(jmxDir, user, password);
    }
}
