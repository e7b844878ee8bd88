package ai.stigmer.config;

/**
 * The metrics and health endpoints ({@code daemon.http}): on a loopback host, by default on the
 * port after JMX's. {@code portConfigured} tells a port written in the file from the default one:
 * a taken default port costs only the endpoints, a taken configured one stops the daemon's start.
 */
public record HttpConfig(boolean enabled, String host, int port, boolean portConfigured) {

    /** On, on loopback, on the port after {@code jmx}'s. */
    public static HttpConfig besides(JmxConfig jmx) {
        return new HttpConfig(true, JmxConfig.DEFAULT.host(), jmx.port() + 1, false);
    }

    public static final HttpConfig DISABLED = new HttpConfig(false, JmxConfig.DEFAULT.host(), 0, false);
}
