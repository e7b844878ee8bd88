package ai.stigmer.http;

import ai.stigmer.config.HttpConfig;
import ai.stigmer.supervisor.Supervision;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The daemon's HTTP port on loopback ({@code daemon.http}): {@code /metrics} in the Prometheus text
 * format (the Prometheus client's own handler, over {@code registry}), and the health endpoints of
 * {@link HealthEndpoints}. Read-only: GET and HEAD only, each with a login of the JMX roles
 * ({@link ReaderLogin}). Requests are served by at most two threads,
 * made on demand and ended when idle, apart from the JDK server's one dispatcher thread.
 */
public final class HttpEndpoints implements AutoCloseable {
    private static final int THREADS = 2;
    private static final int QUEUED = 64;
    private static final Duration IDLE_THREAD_LIFE = Duration.ofSeconds(30);
    /**
     * How often the JDK server looks for requests and responses past their time limits (the Prometheus
     * server sets them: 60 s to send a request, 600 s to take a response). The JDK looks every second
     * by default, a wake of its timer thread a second while the port is idle; 10 s late on a limit of
     * 60 s costs nothing.
     */
    static final String TIME_LIMIT_CHECK_PROPERTY = "sun.net.httpserver.timerMillis";
    private static final Duration TIME_LIMIT_CHECK = Duration.ofSeconds(10);

    private final HTTPServer server;

    private HttpEndpoints(HTTPServer server) {
        this.server = server;
    }

    /** @throws IOException if the port cannot be bound (taken, or the host is not this machine's) */
    public static HttpEndpoints start(HttpConfig config, Path jmxDir, PrometheusRegistry registry,
            Supervision supervision) throws IOException {
        return start(config, jmxDir, registry, new HealthEndpoints(supervision));
    }

    /** @param jmxDir the JMX credential files, whose roles and passwords log in here too */
    static HttpEndpoints start(HttpConfig config, Path jmxDir, PrometheusRegistry registry, HealthEndpoints health)
            throws IOException {
        if (System.getProperty(TIME_LIMIT_CHECK_PROPERTY) == null) { // read once, by the JDK's first server
            System.setProperty(TIME_LIMIT_CHECK_PROPERTY, Long.toString(TIME_LIMIT_CHECK.toMillis()));
        }
        ThreadPoolExecutor threads = new ThreadPoolExecutor(THREADS, THREADS, IDLE_THREAD_LIFE.toNanos(),
                TimeUnit.NANOSECONDS, new ArrayBlockingQueue<>(QUEUED), named("stigmer-http"));
        threads.allowCoreThreadTimeOut(true);
        try {
            return new HttpEndpoints(HTTPServer.builder()
                    .inetAddress(InetAddress.getByName(config.host()))
                    .port(config.port())
                    .registry(registry)
                    .executorService(threads)
                    .authenticator(new ReaderLogin(jmxDir))
                    .defaultHandler(health)
                    .registerHealthHandler(false)
                    .buildAndStart());
        } catch (IOException | RuntimeException e) {
            threads.shutdownNow();
            throw e;
        }
    }

    /** The bound port (the configured one, or the one the system chose for port 0). */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
