package ai.stigmer.runtime.docker;

import java.net.URI;

/**
 * Run in a fresh JVM by {@link DockerEngineWithoutTrustStoreTest}: connects to the engine at
 * {@code args[0]} as the daemon does and pings it once. Prints {@code ping ok} or {@code ping failed: ...}
 * (no engine there is fine: what the transport loads is the point).
 */
public final class DockerEngineChild {
    private DockerEngineChild() {}

    public static void main(String[] args) {
        try (DockerEngine engine = new DockerEngine(URI.create(args[0]))) {
            engine.call(() -> engine.quick().pingCmd().exec());
            System.out.println("ping ok");
        } catch (RuntimeException e) {
            System.out.println("ping failed: " + e);
        }
        System.exit(0);
    }
}
