package ai.stigmer.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WorkerRegistryTest {
    private final AtomicLong nanos = new AtomicLong(1_000);
    private final WorkerRegistry registry = new WorkerRegistry(nanos::get, Duration.ofSeconds(10));

    @Test
    void heartbeatOfRegisteredWorkerIsKnownAndCounted() {
        String id = registry.register("w");
        nanos.addAndGet(Duration.ofSeconds(3).toNanos());
        assertTrue(registry.heartbeat(id));
        assertEquals(new WorkerRegistry.Entry(id, "w", 1, 0), registry.list().get(0));
    }

    @Test
    void neverRegisteredIdIsUnknown() {
        assertFalse(registry.heartbeat("nobody"));
    }

    @Test
    void idsAreNeverReused() {
        assertNotEquals(registry.register("w"), registry.register("w"));
    }

    @Test
    void silentWorkerIsForgottenAfterExpiry() {
        String id = registry.register("w");
        nanos.addAndGet(Duration.ofSeconds(11).toNanos());
        assertTrue(registry.list().isEmpty());
        assertFalse(registry.heartbeat(id));
    }
}
