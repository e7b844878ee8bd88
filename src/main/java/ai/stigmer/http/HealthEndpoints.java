package ai.stigmer.http;

import ai.stigmer.cli.StatusJson;
import ai.stigmer.supervisor.SupervisedComponent;
import ai.stigmer.supervisor.Supervision;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * {@code /healthz}, {@code /readyz} and {@code /status}; every other path but {@code /metrics} is
 * 404. {@code /healthz} is the daemon's own health, Health Monitoring of status: the watchdog ticks
 * and every due probe produces results. {@code /status} is the JSON of {@code server status --json},
 * read from the daemon's registered MXBeans.
 */
final class HealthEndpoints implements HttpHandler {
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json; charset=utf-8";

    private final Supervision supervision;
    private final Supplier<String> statusJson;

    HealthEndpoints(Supervision supervision) {
        this(supervision, () -> StatusJson.of(ManagementFactory.getPlatformMBeanServer()));
    }

    HealthEndpoints(Supervision supervision, Supplier<String> statusJson) {
        this.supervision = supervision;
        this.statusJson = statusJson;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            switch (exchange.getRequestURI().getPath()) {
                case "/healthz", "/livez" -> healthz(exchange);
                case "/readyz" -> readyz(exchange);
                case "/status" -> status(exchange);
                default -> send(exchange, 404, TEXT, "not found: try /metrics, /healthz, /readyz or /status\n");
            }
        }
    }

    private void healthz(HttpExchange exchange) throws IOException {
        String problem = supervision.monitoringProblem();
        if (problem.isEmpty()) {
            send(exchange, 200, TEXT, "ok\n");
        } else {
            send(exchange, 503, TEXT, "failed: " + problem + "\n");
        }
    }

    private void readyz(HttpExchange exchange) throws IOException {
        Readiness readiness = new Readiness(supervision.components().stream().map(SupervisedComponent::status).toList());
        send(exchange, readiness.ready() ? 200 : 503, TEXT, readiness.body(verbose(exchange)));
    }

    private void status(HttpExchange exchange) throws IOException {
        String json;
        try {
            json = statusJson.get();
        } catch (RuntimeException e) {
            send(exchange, 503, TEXT, "status not readable yet: " + e.getMessage() + "\n");
            return;
        }
        send(exchange, 200, JSON, json + "\n");
    }

    /** {@code ?verbose} (also {@code ?verbose=1}, among other parameters). */
    private static boolean verbose(HttpExchange exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return false;
        }
        for (String part : query.split("&")) {
            if (part.equals("verbose") || part.startsWith("verbose=")) {
                return !part.equals("verbose=false") && !part.equals("verbose=0");
            }
        }
        return false;
    }

    private static void send(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
            exchange.sendResponseHeaders(code, -1);
            return;
        }
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
