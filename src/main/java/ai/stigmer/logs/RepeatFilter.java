package ai.stigmer.logs;

import ai.stigmer.Threads;
import ai.stigmer.config.Durations;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Marker;
import org.apache.logging.log4j.MarkerManager;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Node;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginConfiguration;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.core.filter.AbstractFilter;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.apache.logging.log4j.util.SortedArrayStringMap;

/**
 * Rate-limits repeated identical lines (conf/log4j2.xml, on each logger that writes to a file):
 * the first line at {@code level} or above with a given message, exception and context (the
 * component) is written; the same line again within {@link #WINDOW} is not, and when the window ends
 * one line says how often it came: {@code <message> … repeated N times in 60s}. So a fault that logs
 * the same error thousands of times a second (the JDK's RMI accept loop out of file descriptors, a
 * probe failing the same way) costs two lines a minute, not megabytes.
 *
 * <p>The summary goes out through the logger configuration that took the first line, so it reaches
 * the same files. A window still open when the daemon stops has no summary.
 *
 * <p>The windows are swept when the earliest of them ends, not on a fixed beat: a daemon whose lines
 * do not repeat (the usual case) has no open window, and the sweeper's thread then never wakes.
 */
@Plugin(name = "RepeatFilter", category = Node.CATEGORY, elementType = Filter.ELEMENT_TYPE, printObject = true)
public final class RepeatFilter extends AbstractFilter {
    public static final Duration WINDOW = Duration.ofSeconds(60);
    /** Marks the summary lines, which are never held back themselves. */
    static final Marker SUMMARY = MarkerManager.getMarker("STIGMER_REPEAT_SUMMARY");
    /** Lines of a state change ({@code Slf4jComponentLog}): one per change, never held back. */
    private static final String TRANSITION = ai.stigmer.supervisor.Slf4jComponentLog.TRANSITION_MARKER;
    /** Beyond this many distinct lines in a window, new ones pass untracked: the filter's memory is bounded. */
    static final int MAX_TRACKED = 512;
    private static final int MAX_KEY_CHARS = 2048;
    private static final ScheduledExecutorService SWEEPER =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("stigmer-log-repeats"));

    private final Level level;
    private final Duration window;
    private final LongSupplier nanoClock;
    private final Consumer<LogEvent> summaries;
    private final Map<Key, Burst> bursts = new ConcurrentHashMap<>();
    private final Object sweepLock = new Object();
    /** The sweep due when the earliest open window ends; null while none is open. Guarded by sweepLock. */
    private ScheduledFuture<?> sweep;

    /** The identity of a line: what would make two of them look the same in the log. */
    private record Key(Level level, String logger, String message, String thrown, Map<String, String> context) {}

    /** One line's window: when it began and how many times it came again since. */
    private static final class Burst {
        final long startedAt;
        final Key key;
        final String loggerFqcn;
        long repeats;

        Burst(long startedAt, Key key, String loggerFqcn) {
            this.startedAt = startedAt;
            this.key = key;
            this.loggerFqcn = loggerFqcn;
        }
    }

    /**
     * @param nanoClock monotonic time in nanoseconds ({@code System::nanoTime}; a manual clock in tests)
     * @param summaries where the summary lines go
     */
    RepeatFilter(Level level, Duration window, LongSupplier nanoClock, Consumer<LogEvent> summaries) {
        super(Result.NEUTRAL, Result.DENY);
        this.level = level;
        this.window = window;
        this.nanoClock = nanoClock;
        this.summaries = summaries;
    }

    /**
     * {@code <RepeatFilter level="warn" window="60s"/>}: WARN and above, in windows of 60 s, unless
     * the attributes say otherwise.
     */
    @PluginFactory
    public static RepeatFilter createFilter(@PluginAttribute("level") Level level,
            @PluginAttribute("window") String window, @PluginConfiguration Configuration configuration) {
        return new RepeatFilter(level == null ? Level.WARN : level,
                window == null ? WINDOW : Durations.parse(window), System::nanoTime,
                summary -> configuration.getLoggerConfig(summary.getLoggerName()).log(summary));
    }

    @Override
    public Result filter(LogEvent event) {
        if (!event.getLevel().isMoreSpecificThan(level) || SUMMARY.equals(event.getMarker())
                || (event.getMarker() != null && TRANSITION.equals(event.getMarker().getName()))) {
            return Result.NEUTRAL;
        }
        long now = nanoClock.getAsLong();
        Key key = keyOf(event);
        boolean[] first = new boolean[1];
        LogEvent[] ended = new LogEvent[1];
        bursts.compute(key, (k, burst) -> {
            if (burst != null && now - burst.startedAt < window.toNanos()) {
                burst.repeats++;
                return burst;
            }
            ended[0] = burst == null ? null : summaryOf(burst);
            first[0] = true;
            return burst == null && bursts.size() >= MAX_TRACKED ? null : new Burst(now, k, event.getLoggerFqcn());
        });
        if (ended[0] != null) {
            summaries.accept(ended[0]); // before the line that opens the next window
        }
        if (first[0]) {
            sweepIn(window.toNanos()); // windows open in time order: one pending sweep ends before this one
        }
        return first[0] ? Result.NEUTRAL : Result.DENY;
    }

    /** Writes the summary of every window that has ended. */
    void sweep() {
        long now = nanoClock.getAsLong();
        for (Key key : bursts.keySet()) {
            LogEvent[] ended = new LogEvent[1];
            bursts.computeIfPresent(key, (k, burst) -> {
                if (now - burst.startedAt < window.toNanos()) {
                    return burst;
                }
                ended[0] = summaryOf(burst);
                return null;
            });
            if (ended[0] != null) {
                summaries.accept(ended[0]);
            }
        }
    }

    /** The summary line of a window, or null if the line did not come again. */
    private LogEvent summaryOf(Burst burst) {
        if (burst.repeats == 0) {
            return null;
        }
        Key first = burst.key;
        return Log4jLogEvent.newBuilder()
                .setLoggerName(first.logger())
                .setLoggerFqcn(burst.loggerFqcn)
                .setLevel(first.level())
                .setMarker(SUMMARY)
                .setContextData(new SortedArrayStringMap(first.context()))
                .setThreadName(Thread.currentThread().getName())
                .setTimeMillis(System.currentTimeMillis())
                .setMessage(new SimpleMessage(first.message() + " … repeated " + burst.repeats + " times in "
                        + (window.toMillis() % 1000 == 0 ? window.toSeconds() + "s" : window.toMillis() + "ms")))
                .build();
    }

    private static Key keyOf(LogEvent event) {
        StringBuilder thrown = new StringBuilder();
        for (Throwable t = event.getThrown(); t != null && thrown.length() < MAX_KEY_CHARS; t = t.getCause()) {
            thrown.append(t).append('\n');
            if (t.getCause() == t) {
                break;
            }
        }
        String message = event.getMessage().getFormattedMessage();
        return new Key(event.getLevel(), event.getLoggerName(),
                message.length() <= MAX_KEY_CHARS ? message : message.substring(0, MAX_KEY_CHARS),
                thrown.toString(), event.getContextData().toMap());
    }

    /** Schedules a sweep {@code nanos} from now, unless one is pending already (it comes sooner). */
    private void sweepIn(long nanos) {
        synchronized (sweepLock) {
            if (sweep == null && isStarted()) {
                sweep = SWEEPER.schedule(this::sweepAndFollow, Math.max(0, nanos), TimeUnit.NANOSECONDS);
            }
        }
    }

    /** Whether a sweep is scheduled (for tests: none while no window is open). */
    boolean sweepPending() {
        synchronized (sweepLock) {
            return sweep != null;
        }
    }

    /** A scheduled sweep; then the next, when the earliest window still open ends. */
    private void sweepAndFollow() {
        synchronized (sweepLock) {
            sweep = null; // a window opened from now on schedules a sweep, or is seen by the look below
        }
        try {
            sweep();
        } catch (RuntimeException e) {
            // an appender that fails reports through log4j's status logger; the sweep goes on
        }
        long now = nanoClock.getAsLong();
        long earliest = Long.MAX_VALUE;
        for (Burst burst : bursts.values()) {
            earliest = Math.min(earliest, burst.startedAt);
        }
        if (earliest != Long.MAX_VALUE) {
            sweepIn(earliest + window.toNanos() - now);
        }
    }

    @Override
    public void start() {
        super.start();
        if (!bursts.isEmpty()) {
            sweepIn(0); // windows opened while stopped
        }
    }

    @Override
    public boolean stop(long timeout, TimeUnit unit) {
        boolean stopped = super.stop(timeout, unit);
        synchronized (sweepLock) {
            if (sweep != null) {
                sweep.cancel(false);
                sweep = null;
            }
        }
        return stopped;
    }

    @Override
    public String toString() {
        return "RepeatFilter[level=" + level + ", window=" + window.toSeconds() + "s]";
    }
}
