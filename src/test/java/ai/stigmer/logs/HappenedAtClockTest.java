package ai.stigmer.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.supervisor.Slf4jComponentLog;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

/** A health line about something earlier carries the time it happened through log4j, and only that line. */
class HappenedAtClockTest {
    @Test
    void aLineWrittenAtATimeCarriesItAndTheNextLineIsStampedNow() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        List<LogEvent> seen = new CopyOnWriteArrayList<>();
        AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                seen.add(event.toImmutable());
            }
        };
        capture.start();
        LoggerConfig health = new LoggerConfig("ai.stigmer.health", Level.ALL, false);
        health.addAppender(capture, null, null);
        context.getConfiguration().addLogger("ai.stigmer.health", health);
        context.updateLoggers();
        try {
            Slf4jComponentLog log = new Slf4jComponentLog("clocked");
            Instant happened = Instant.parse("2026-01-02T03:04:05.123456Z");
            Instant before = Instant.now();

            log.at(happened, () -> log.warn("Component marked unhealthy (exited with code 1)"));
            log.info("written now");

            assertEquals(2, seen.size());
            assertEquals(happened.getEpochSecond(), seen.get(0).getInstant().getEpochSecond());
            assertEquals(happened.getNano(), seen.get(0).getInstant().getNanoOfSecond());
            assertEquals(happened.toEpochMilli(), seen.get(0).getTimeMillis());
            assertTrue(seen.get(1).getTimeMillis() >= before.toEpochMilli(), "stamped now, not with the earlier time");
        } finally {
            context.getConfiguration().removeLogger("ai.stigmer.health");
            context.updateLoggers();
            capture.stop();
        }
    }
}
