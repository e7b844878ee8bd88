package ai.stigmer.http;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;

/**
 * Lets only GET and HEAD through, on every path; anything else is answered 405 with
 * {@code Allow: GET, HEAD}. An authenticator because it is the one filter the Prometheus
 * {@code HTTPServer} puts in front of its own {@code /metrics} handler as well as ours.
 */
final class ReadOnlyMethods extends Authenticator {
    private static final HttpPrincipal READER = new HttpPrincipal("reader", "stigmer");

    @Override
    public Result authenticate(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return new Success(READER);
        }
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        return new Failure(405);
    }
}
