package ai.stigmer.logs;

import java.time.Instant;
import org.apache.logging.log4j.core.time.MutableInstant;
import org.apache.logging.log4j.core.time.PreciseClock;
import org.apache.logging.log4j.core.util.Clock;

/**
 * log4j's clock (named in {@code log4j2.component.properties}): the time now, except while a line
 * about something that happened earlier is written through {@link #at}, which stamps it with the
 * time it happened. The watchdog writes the lines of a restart at backoff 0s after it has handed the
 * launch over ({@code ComponentSupervisor}); "Component marked unhealthy" still says when the
 * component was marked, not when the line could be written.
 */
public final class HappenedAtClock implements Clock, PreciseClock {
    private static final ThreadLocal<Instant> AT = new ThreadLocal<>();

    /** Runs {@code write} with {@code at} as the time of the lines it logs on this thread. */
    public static void at(Instant at, Runnable write) {
        AT.set(at);
        try {
            write.run();
        } finally {
            AT.remove();
        }
    }

    @Override
    public long currentTimeMillis() {
        Instant at = AT.get();
        return at != null ? at.toEpochMilli() : System.currentTimeMillis();
    }

    @Override
    public void init(MutableInstant instant) {
        Instant at = AT.get();
        if (at == null) {
            at = Instant.now();
        }
        instant.initFromEpochSecond(at.getEpochSecond(), at.getNano());
    }
}
