package ai.stigmer.logs;

import ai.stigmer.config.LogsSpec;
import ai.stigmer.os.Inotify;
import ai.stigmer.os.LibC;
import ai.stigmer.os.WakeFd;
import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's one thread that keeps the logs others append to within their {@code logs: { maxSize,
 * keep }} ({@code daemon.out}, each component's log): it compares a log's size with its limit and
 * rotates the ones past it ({@link AppendedLogRotation}), one log after another; a log that cannot be
 * rotated is reported and tried again at its next check.
 *
 * <p>A log is checked when it has been written to, as inotify reports ({@code IN_MODIFY}, one-shot,
 * armed again at each check), and when it is created in its folder: a log nobody writes costs
 * nothing, and the thread sleeps while all are quiet. A log written without pause is checked once
 * every {@link #PERIOD} at most. Where inotify is not to be had (no instance left, no watch left), the
 * logs it cannot watch are checked every {@link #PERIOD}, as a timer would.
 */
public final class LogRotationWatcher implements AutoCloseable {
    /** The least time between two checks of one log; the most, for a log inotify cannot watch. */
    public static final Duration PERIOD = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(LogRotationWatcher.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    private static final long NEVER = Long.MAX_VALUE;
    private static final int FILE_EVENTS = Inotify.IN_MODIFY | Inotify.IN_ONESHOT;
    private static final int FOLDER_EVENTS = Inotify.IN_CREATE | Inotify.IN_MOVED_TO | Inotify.IN_ONLYDIR;
    private static final short POLLIN = LibC.POLLIN;

    /** One watched log; confined to the watcher's thread. */
    private static final class Watched {
        final AppendedLogRotation rotation;
        final String path;
        final String name;
        final String folder;
        long checkedAt;
        long dueAt;
        int wd = -1;
        /** Checked every period: inotify cannot watch it. */
        boolean polled;

        Watched(AppendedLogRotation rotation, long now) {
            this.rotation = rotation;
            this.path = rotation.live().toAbsolutePath().toString();
            this.name = rotation.live().getFileName().toString();
            Path parent = Path.of(path).getParent();
            this.folder = parent == null ? "/" : parent.toString();
            this.checkedAt = now - Long.MAX_VALUE / 2;
            this.dueAt = now;
        }
    }

    private final long period;
    private final Inotify inotify; // null: every log is polled
    private final int wake; // an eventfd that watch, unwatch and close write to; -1 if none could be had
    private final Queue<Runnable> requests = new ConcurrentLinkedQueue<>();
    private final Thread thread = new Thread(this::loop, "stigmer-log-rotation");
    private volatile boolean closed;
    // The watcher thread's own:
    private final List<Watched> logs = new ArrayList<>();
    private final Map<Integer, Watched> byWatch = new HashMap<>();
    private final Map<Integer, String> folderByWatch = new HashMap<>();
    private final Map<String, Integer> watchByFolder = new HashMap<>();
    private boolean warnedPolled;

    public LogRotationWatcher() {
        this(PERIOD);
    }

    public LogRotationWatcher(Duration period) {
        this(period, true);
    }

    /** @param useInotify false to check every log every period, as where inotify is not to be had (tests) */
    LogRotationWatcher(Duration period, boolean useInotify) {
        this.period = period.toNanos();
        this.inotify = useInotify ? openInotify(period) : null;
        this.wake = eventfd();
        thread.setDaemon(true);
    }

    /** Watches {@code live} from now on, first finishing a rotation of it that a crash interrupted. */
    public LogRotationWatcher watch(Path live, LogsSpec spec) {
        AppendedLogRotation rotation = new AppendedLogRotation(live, spec);
        try {
            rotation.recover();
        } catch (IOException e) {
            LOG.warn("Cannot finish the interrupted rotation of {}: {}", live, e.toString());
        }
        request(() -> add(rotation));
        return this;
    }

    /** Stops watching {@code live} (a component a reload removed, or one it watches again with new limits). */
    public void unwatch(Path live) {
        request(() -> remove(live));
    }

    public LogRotationWatcher start() {
        thread.start();
        return this;
    }

    /** Whether inotify tells of writes (else every log is checked each period). */
    boolean usesInotify() {
        return inotify != null;
    }

    private void request(Runnable request) {
        requests.add(request);
        signal();
    }

    private void loop() {
        try {
            while (!closed) {
                try {
                    for (Runnable request; (request = requests.poll()) != null; ) {
                        request.run();
                    }
                    await(checkDue(System.nanoTime()));
                } catch (RuntimeException e) { // a failed poll or read: rotation goes on, a period later
                    LOG.warn("Log rotation: {}; going on in {} ms", e.toString(), Duration.ofNanos(period).toMillis());
                    LockSupport.parkNanos(period);
                }
            }
        } catch (Error e) {
            LOG.error("Log rotation stopped: {}", e.toString(), e);
        } finally {
            if (inotify != null) {
                inotify.close();
            }
            if (wake >= 0) {
                LibC.close(wake);
            }
        }
    }

    /** Checks the logs due at {@code now}; returns when the next one is due ({@link #NEVER} if none). */
    private long checkDue(long now) {
        long next = NEVER;
        for (Watched log : logs) {
            if (log.dueAt <= now && !closed) {
                check(log, now);
            }
            next = Math.min(next, log.dueAt);
        }
        return next;
    }

    private void check(Watched log, long now) {
        arm(log); // before the look at its size: a write after that look is an event
        log.checkedAt = now;
        log.dueAt = log.polled ? now + period : NEVER;
        try {
            if (log.rotation.rotateIfDue()) {
                LOG.debug("Rotated {}", log.path);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Log rotation of {} failed: {}", log.path, e.toString());
            log.dueAt = Math.min(log.dueAt, now + period); // tried again, though nothing may write to it
        }
    }

    /** Arms the one-shot watch of {@code log}'s file; a log it cannot watch is polled. */
    private void arm(Watched log) {
        if (inotify == null || log.polled) {
            return;
        }
        try {
            int wd = inotify.addWatch(log.path, FILE_EVENTS);
            log.wd = wd;
            byWatch.put(wd, log);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Inotify.ENOENT && watchByFolder.containsKey(log.folder)) {
                return; // not there yet: its creation in the watched folder is an event
            }
            poll(log, "errno " + e.getErrorCode());
        }
    }

    private void poll(Watched log, String why) {
        log.polled = true;
        if (!warnedPolled) {
            warnedPolled = true;
            LOG.warn("Cannot watch {} with inotify ({}): its size is checked every {} ms", log.path, why,
                    Duration.ofNanos(period).toMillis());
        }
    }

    private void add(Watched log) {
        logs.add(log);
        if (inotify == null) {
            log.polled = true;
            return;
        }
        String folder = log.folder;
        if (!watchByFolder.containsKey(folder)) {
            try {
                int wd = inotify.addWatch(folder, FOLDER_EVENTS);
                watchByFolder.put(folder, wd);
                folderByWatch.put(wd, folder);
            } catch (LastErrorException e) {
                poll(log, "its folder: errno " + e.getErrorCode());
            }
        }
    }

    private void add(AppendedLogRotation rotation) {
        add(new Watched(rotation, System.nanoTime()));
    }

    private void remove(Path live) {
        String path = live.toAbsolutePath().toString();
        logs.removeIf(log -> {
            if (!log.path.equals(path)) {
                return false;
            }
            if (log.wd >= 0 && byWatch.remove(log.wd) == log) {
                inotify.removeWatch(log.wd);
            }
            return true;
        });
    }

    /** Waits until {@code next} (monotonic), an event of a watched file or folder, or a request. */
    private void await(long next) {
        long wait = next == NEVER ? -1 : Math.max(0, next - System.nanoTime());
        int timeout = wait < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, (wait + 999_999) / 1_000_000);
        if (wake < 0) { // no way to be woken: requests are taken up at the next period
            int periodMillis = (int) Math.min(Integer.MAX_VALUE, Duration.ofNanos(period).toMillis());
            timeout = timeout < 0 ? periodMillis : Math.min(timeout, periodMillis);
        }
        // A negative descriptor is left out by poll(2).
        int[] pollFds = LibC.pollFds(POLLIN, wake, inotify == null ? -1 : inotify.fd());
        int ready;
        try {
            ready = LibC.poll(pollFds, timeout);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EINTR) {
                return;
            }
            throw e;
        }
        if (ready <= 0) {
            return;
        }
        if ((LibC.revents(pollFds, 0) & POLLIN) != 0) {
            WakeFd.drain(wake);
        }
        if (inotify != null && (LibC.revents(pollFds, 1) & POLLIN) != 0) {
            long now = System.nanoTime();
            inotify.read((wd, mask, name) -> event(wd, mask, name, now));
        }
    }

    private void event(int wd, int mask, String name, long now) {
        if ((mask & Inotify.IN_Q_OVERFLOW) != 0) {
            logs.forEach(log -> due(log, now)); // events were lost: look at every log
            return;
        }
        String folder = folderByWatch.get(wd);
        if (folder != null) {
            boolean gone = (mask & Inotify.IN_IGNORED) != 0; // the folder was removed: its logs are polled from now on
            if (gone) {
                folderByWatch.remove(wd);
                watchByFolder.remove(folder);
            }
            for (Watched log : logs) {
                if (gone && folder.equals(log.folder)) {
                    due(log, now);
                    continue;
                }
                if (log.name.equals(name) && folder.equals(log.folder)) {
                    due(log, now);
                }
            }
            return;
        }
        Watched log = byWatch.remove(wd); // a one-shot watch fires once; IN_IGNORED says it (or its file) is gone
        if (log != null) {
            if (log.wd == wd) {
                log.wd = -1;
            }
            due(log, now);
        }
    }

    /** A log written to (or created) at {@code now} is checked then, or a period after its last check. */
    private void due(Watched log, long now) {
        log.dueAt = Math.min(log.dueAt, Math.max(now, log.checkedAt + period));
    }

    private void signal() {
        if (wake >= 0) {
            WakeFd.signal(wake);
        }
    }

    private static Inotify openInotify(Duration period) {
        try {
            return Inotify.open();
        } catch (LastErrorException | UnsatisfiedLinkError e) {
            LOG.warn("inotify is not available ({}): each log's size is checked every {} ms", e.toString(),
                    period.toMillis());
            return null;
        }
    }

    private static int eventfd() {
        try {
            return WakeFd.open();
        } catch (LastErrorException | UnsatisfiedLinkError e) {
            return -1;
        }
    }

    @Override
    public void close() {
        closed = true;
        signal();
        if (!thread.isAlive()) {
            if (thread.getState() == Thread.State.NEW) { // never started: the loop never owned the descriptors
                if (inotify != null) {
                    inotify.close();
                }
                if (wake >= 0) {
                    LibC.close(wake);
                }
            }
            return;
        }
        try { // a rotation under way runs to its end: interrupted, it would leave its marker
            thread.join(CLOSE_WAIT.toMillis());
            if (thread.isAlive()) {
                LOG.warn("Log rotation did not finish within {} ms", CLOSE_WAIT.toMillis());
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
