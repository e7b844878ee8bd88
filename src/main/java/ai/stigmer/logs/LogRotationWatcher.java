package ai.stigmer.logs;

import ai.stigmer.Threads;
import ai.stigmer.config.LogsSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's one timer that keeps the logs others append to within their {@code logs: { maxSize,
 * keep }} ({@code daemon.out}, each component's log): every {@link #PERIOD} it compares each size with
 * its limit and rotates the ones past it ({@link AppendedLogRotation}). One thread for all logs, one
 * check after another; a log that cannot be rotated is reported and tried again at the next check.
 */
public final class LogRotationWatcher implements AutoCloseable {
    public static final Duration PERIOD = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(LogRotationWatcher.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final List<AppendedLogRotation> logs = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("stigmer-log-rotation"));
    private final Duration period;

    public LogRotationWatcher() {
        this(PERIOD);
    }

    public LogRotationWatcher(Duration period) {
        this.period = period;
    }

    /** Watches {@code live} from now on, first finishing a rotation of it that a crash interrupted. */
    public LogRotationWatcher watch(Path live, LogsSpec spec) {
        AppendedLogRotation rotation = new AppendedLogRotation(live, spec);
        try {
            rotation.recover();
        } catch (IOException e) {
            LOG.warn("Cannot finish the interrupted rotation of {}: {}", live, e.toString());
        }
        logs.add(rotation);
        return this;
    }

    /** Stops watching {@code live} (a component a reload removed, or one it watches again with new limits). */
    public void unwatch(Path live) {
        logs.removeIf(log -> log.live().equals(live));
    }

    public LogRotationWatcher start() {
        timer.scheduleWithFixedDelay(this::checkAll, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One round: each watched log rotated at most once. */
    void checkAll() {
        for (AppendedLogRotation log : logs) {
            try {
                if (log.rotateIfDue()) {
                    LOG.debug("Rotated {}", log.live());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Log rotation of {} failed: {}", log.live(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdown(); // a rotation under way runs to its end: interrupted, it would leave its marker
        try {
            if (!timer.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Log rotation did not finish within {} ms", CLOSE_WAIT.toMillis());
                timer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
