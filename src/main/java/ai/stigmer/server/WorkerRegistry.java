package ai.stigmer.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The workers a stigmer-server knows, in memory only: a restarted server knows none, and tells each
 * worker so on its next heartbeat. A worker not heard from for {@code expireAfter} is forgotten, so
 * a crash-looping worker does not fill the registry.
 */
public final class WorkerRegistry {

    /** One registered worker, as of the moment it was read. */
    public record Entry(String workerId, String name, long heartbeats, long millisSinceLastHeartbeat) {}

    private static final class Slot {
        final String name;
        volatile long heartbeats;
        volatile long lastSeenNanos;

        Slot(String name, long now) {
            this.name = name;
            this.lastSeenNanos = now;
        }
    }

    private final Map<String, Slot> workers = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private final long expireAfterNanos;

    /** @param nanoTime a monotonic clock, {@code System::nanoTime} outside tests */
    public WorkerRegistry(LongSupplier nanoTime, Duration expireAfter) {
        if (expireAfter.isNegative() || expireAfter.isZero()) {
            throw new IllegalArgumentException("expireAfter must be positive: " + expireAfter);
        }
        this.nanoTime = nanoTime;
        this.expireAfterNanos = expireAfter.toNanos();
    }

    /** Registers a worker and returns its new id; ids are never reused, not even across restarts. */
    public String register(String name) {
        long now = nanoTime.getAsLong();
        expire(now);
        String id = UUID.randomUUID().toString();
        workers.put(id, new Slot(name, now));
        return id;
    }

    /** Records a heartbeat; false when the id is unknown (never registered here, or expired). */
    public boolean heartbeat(String workerId) {
        long now = nanoTime.getAsLong();
        expire(now);
        Slot slot = workers.get(workerId);
        if (slot == null) {
            return false;
        }
        synchronized (slot) {
            slot.heartbeats++;
            slot.lastSeenNanos = now;
        }
        return true;
    }

    /** The live workers, in no particular order. */
    public List<Entry> list() {
        long now = nanoTime.getAsLong();
        expire(now);
        List<Entry> out = new ArrayList<>();
        workers.forEach((id, s) -> out.add(
                new Entry(id, s.name, s.heartbeats, Duration.ofNanos(now - s.lastSeenNanos).toMillis())));
        return out;
    }

    private void expire(long now) {
        workers.values().removeIf(s -> now - s.lastSeenNanos > expireAfterNanos);
    }
}
