package ai.stigmer.config;

/** Where the JMX connector listens (SPEC §6): a loopback host and one port for registry and server. */
public record JmxConfig(String host, int port) {
    public static final JmxConfig DEFAULT = new JmxConfig("127.0.0.1", 50099);
}
