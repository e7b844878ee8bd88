package ai.stigmer.daemon;

import ai.stigmer.config.ConfigChanges;
import ai.stigmer.config.ConfigException;
import ai.stigmer.config.ConfigLoader;
import ai.stigmer.config.StigmerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live reload: reads the daemon's own config file again, checks it in full, and applies the
 * difference to the running daemon ({@link Daemon#apply}). Nothing changes unless the whole file is
 * valid and changes only components: {@code daemon.jmx}, {@code daemon.http},
 * {@code daemon.maxConcurrentLaunches}, {@code daemon.logs} and {@code alerts} are read only at
 * the daemon's start, and a file that changes one of them is refused, naming it.
 *
 * <p>One reload at a time: another asked for meanwhile is refused at once (IllegalStateException)
 * rather than queued behind stops that may take a while. From the JMX {@code reload()} operation
 * and SIGHUP alike.
 */
public final class Reloader {
    private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

    /** What one reload did. */
    public record Outcome(Path source, ConfigChanges changes, Map<String, String> stopFailures) {
        /** {@code Reloaded <file>: added x; removed y; changed z; unchanged a, b}. */
        public String summary() {
            return "Reloaded " + source + ": " + changes.summary();
        }
    }

    private final Path file;
    private final Map<String, String> variables;
    private final Daemon daemon;
    private final ReloadHook hook;
    private final ReentrantLock oneAtATime = new ReentrantLock();
    private final List<java.util.function.Consumer<Outcome>> listeners = new CopyOnWriteArrayList<>();
    /** The config in force: the one of the start, then of each reload (guarded by {@link #oneAtATime}). */
    private StigmerConfig current;

    /** {@code started}: the config the daemon started with, read from {@code started.source()}. */
    public Reloader(StigmerConfig started, Map<String, String> variables, Daemon daemon, ReloadHook hook) {
        this.file = started.source();
        this.variables = Map.copyOf(variables);
        this.daemon = daemon;
        this.hook = hook;
        this.current = started;
    }

    /** Told of every reload applied, after the daemon's log line. */
    public void onReloaded(java.util.function.Consumer<Outcome> listener) {
        listeners.add(listener);
    }

    /**
     * Reloads and returns what changed.
     *
     * @throws IllegalArgumentException the file is invalid (every mistake, one per line) or changes a
     *     key read only at the start; nothing was changed
     * @throws IllegalStateException another reload is under way, the daemon shuts down, or the stop
     *     of a component failed (that component stays as it was; the rest was applied)
     */
    public Outcome reload() {
        if (!oneAtATime.tryLock()) {
            throw new IllegalStateException("a reload is already under way; try again once it is done");
        }
        try {
            hook.reloading();
            try {
                return apply();
            } finally {
                hook.reloaded();
            }
        } finally {
            oneAtATime.unlock();
        }
    }

    private Outcome apply() {
        StigmerConfig next;
        try {
            next = ConfigLoader.load(file, variables);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("invalid configuration, nothing changed: " + e.problems().stream()
                    .map(p -> p.describe(e.file())).collect(Collectors.joining("\n")));
        }
        ConfigChanges changes = ConfigChanges.between(current, next);
        if (changes.daemonKeys().contains("daemon.jmx")) {
            throw new IllegalArgumentException(file + ": daemon.jmx changed (" + current.jmx().host() + ":"
                    + current.jmx().port() + " to " + next.jmx().host() + ":" + next.jmx().port()
                    + "): the daemon listens where it started; restart it (stigmer server stop, then stigmer server)"
                    + " to move it. Nothing changed.");
        }
        if (!changes.daemonKeys().isEmpty()) {
            throw new IllegalArgumentException(file + ": " + String.join(", ", changes.daemonKeys())
                    + " changed: read only at the daemon's start; restart the daemon to apply "
                    + (changes.daemonKeys().size() == 1 ? "it" : "them") + ", or undo the change to reload the components."
                    + " Nothing changed.");
        }
        Map<String, String> failed = daemon.apply(next, changes);
        current = new StigmerConfig(next.source(), next.jmx(), next.maxConcurrentLaunches(), next.logs(),
                daemon.supervisor().componentConfigs(), next.http(), next.alerts());
        Outcome outcome = new Outcome(file, changes, failed);
        LOG.info(outcome.summary());
        failed.forEach((name, reason) -> LOG.error("Reload: the stop of {} failed; it stays as it was: {}", name, reason));
        for (var listener : listeners) {
            try {
                listener.accept(outcome);
            } catch (RuntimeException e) {
                LOG.warn("A reload listener failed: {}", e.toString());
            }
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException(outcome.summary() + "; but the stop of "
                    + failed.entrySet().stream().map(f -> f.getKey() + " failed (" + f.getValue() + ")")
                            .collect(Collectors.joining(", "))
                    + ": " + (failed.size() == 1 ? "it stays" : "they stay") + " as before");
        }
        return outcome;
    }
}
