package ai.stigmer.daemon;

import ai.stigmer.os.SdNotify;
import ai.stigmer.supervisor.ComponentStatus;
import ai.stigmer.supervisor.State;
import ai.stigmer.supervisor.SupervisedComponent;
import ai.stigmer.supervisor.Supervisor;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd how the daemon is doing, when systemd started it with {@code $NOTIFY_SOCKET}
 * ({@code Type=notify}); without that variable it does nothing at all (no socket, no thread).
 *
 * <ul>
 *   <li>{@code READY=1} once the daemon's start is done: every component adopted, launched (its
 *       launch returned, whether or not it is Running yet), failed at its first try, held back for
 *       its dependencies or stopped by the operator; with {@code STATUS=}, a one-line summary such
 *       as {@code 3 components: 3 running}. Waiting for Running would keep {@code systemctl start}
 *       hanging on a component that crash-loops.</li>
 *   <li>{@code STATUS=} again when the summary changes, at most once per watchdog tick.</li>
 *   <li>{@code WATCHDOG=1} from the watchdog's own tick, every half of {@code $WATCHDOG_USEC} (when
 *       {@code $WATCHDOG_PID}, if set, is this process): a watchdog thread that hangs stops the
 *       pings, and systemd restarts the daemon.</li>
 *   <li>{@code RELOADING=1} with {@code MONOTONIC_USEC=} and {@code READY=1} around a reload
 *       ({@link #reloading()}, {@link #reloaded()}); {@code STOPPING=1} when the orderly shutdown
 *       begins ({@link #stopping()}).</li>
 * </ul>
 *
 * <p>Sends never block (the socket is non-blocking) and never throw: the first failure is logged,
 * later ones are not.
 */
public final class SystemdNotifier implements AutoCloseable, ReloadHook {
    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotifier.class);

    /** Null when systemd did not ask for notifications: then every method returns at once. */
    private final SdNotify socket;
    /** Nanoseconds between pings, -1 without a watchdog. */
    private final long pingEvery;
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    private Supervisor supervisor;
    private Predicate<String> stoppedByOperator = name -> false;
    private final Set<SupervisedComponent> listenedTo = Collections.newSetFromMap(new IdentityHashMap<>());
    // Watchdog-thread state.
    private boolean ready;
    private boolean pinged;
    private long lastPing;
    private volatile boolean changed = true;
    private boolean stopping;
    private volatile String lastStatus = "";

    private SystemdNotifier(SdNotify socket, long pingEvery) {
        this.socket = socket;
        this.pingEvery = pingEvery;
    }

    /** A notifier that sends nothing: the daemon was not started by systemd. */
    public static SystemdNotifier none() {
        return new SystemdNotifier(null, -1);
    }

    /**
     * The notifier systemd asked for in {@code env} ({@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC},
     * {@code WATCHDOG_PID}) of the process {@code pid}; one that sends nothing when there is no
     * {@code NOTIFY_SOCKET} or its socket cannot be opened (said in the log).
     */
    public static SystemdNotifier fromEnvironment(Map<String, String> env, long pid) {
        String address = env.getOrDefault("NOTIFY_SOCKET", "");
        if (address.isEmpty()) {
            return none();
        }
        SdNotify socket;
        try {
            socket = SdNotify.open(address);
        } catch (IOException e) {
            LOG.warn("Cannot notify systemd at NOTIFY_SOCKET={}: {}", address, e.getMessage());
            return none();
        }
        Duration watchdog = watchdogTimeout(env, pid);
        long pingEvery = -1;
        if (watchdog != null) {
            // A tick that finds the next ping would be late by the following tick sends it now.
            pingEvery = Math.max(0, watchdog.toNanos() / 2 - Supervisor.HEARTBEAT.toNanos());
            if (watchdog.compareTo(Supervisor.HEARTBEAT.multipliedBy(2)) < 0) {
                LOG.warn("systemd's watchdog timeout ({} ms) is shorter than two watchdog ticks ({} ms each): "
                        + "pings come once a tick and may be late; set WatchdogSec= to a few seconds at least",
                        watchdog.toMillis(), Supervisor.HEARTBEAT.toMillis());
            }
        }
        LOG.info("Notifying systemd at {}{}", address,
                watchdog == null ? "" : "; watchdog pings every " + Duration.ofNanos(Math.max(pingEvery,
                        Supervisor.HEARTBEAT.toNanos())).toMillis() + " ms (WatchdogSec " + watchdog.toMillis() + " ms)");
        return new SystemdNotifier(socket, pingEvery);
    }

    /** {@code $WATCHDOG_USEC} when the watchdog is meant for {@code pid}, else null. */
    static Duration watchdogTimeout(Map<String, String> env, long pid) {
        String forPid = env.getOrDefault("WATCHDOG_PID", "");
        if (!forPid.isEmpty() && !forPid.equals(Long.toString(pid))) {
            return null;
        }
        try {
            long micros = Long.parseLong(env.getOrDefault("WATCHDOG_USEC", ""));
            return micros > 0 ? Duration.ofNanos(micros * 1_000L) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** True if systemd asked for notifications and they can be sent. */
    public boolean active() {
        return socket != null;
    }

    /**
     * Follows {@code supervisor}: its components' events and its watchdog's ticks, which carry the
     * READY, STATUS and WATCHDOG messages. Call before the supervisor starts.
     *
     * @param stoppedByOperator whether the operator's stop keeps a component from starting
     */
    public void watch(Supervisor supervisor, Predicate<String> stoppedByOperator) {
        if (socket == null) {
            return;
        }
        this.supervisor = supervisor;
        this.stoppedByOperator = stoppedByOperator;
        listenToNewComponents();
        supervisor.onHeartbeat(this::heartbeat);
    }

    private synchronized void listenToNewComponents() {
        for (SupervisedComponent c : supervisor.components()) {
            if (listenedTo.add(c)) {
                c.addListener(event -> changed = true);
            }
        }
    }

    /**
     * One watchdog tick at {@code now} (monotonic nanoseconds). Watchdog thread; synchronized with
     * {@link #stopping()} only, so that nothing follows STOPPING=1.
     */
    private synchronized void heartbeat(long now) {
        if (stopping) {
            return;
        }
        if (pingEvery >= 0 && (!pinged || now - lastPing >= pingEvery)) {
            pinged = true;
            lastPing = now;
            send("WATCHDOG=1");
        }
        if (!ready) {
            List<ComponentStatus> statuses = statuses();
            if (startupDone(statuses, stoppedByOperator)) {
                ready = true;
                changed = false;
                lastStatus = summary(statuses);
                send("READY=1\nSTATUS=" + lastStatus);
            }
        } else if (changed) {
            changed = false;
            String status = summary(statuses());
            if (!status.equals(lastStatus)) {
                lastStatus = status;
                send("STATUS=" + status);
            }
        }
    }

    private List<ComponentStatus> statuses() {
        List<SupervisedComponent> components = supervisor.components();
        List<ComponentStatus> statuses = new ArrayList<>(components.size());
        for (SupervisedComponent c : components) {
            statuses.add(c.status());
        }
        return statuses;
    }

    /**
     * True once the daemon's start has dealt with every component: it is adopted or launched, its
     * first try failed, or it is held back (its dependencies, the operator's stop). A launch waiting
     * for its slot or still in flight is Starting without an instance; an adoption under way, Stopped.
     */
    static boolean startupDone(List<ComponentStatus> statuses, Predicate<String> stoppedByOperator) {
        for (ComponentStatus s : statuses) {
            boolean done = switch (s.state()) {
                case STARTING -> s.pid() > 0 || !s.containerId().isEmpty();
                case STOPPED -> !s.waitingFor().isEmpty() || s.lastExitCode() != -1 || !s.lastError().isEmpty()
                        || stoppedByOperator.test(s.name());
                default -> true;
            };
            if (!done) {
                return false;
            }
        }
        return true;
    }

    /** {@code 3 components: 2 running, 1 restarting}: how many in each state, in SPEC §3's order of words. */
    static String summary(List<ComponentStatus> statuses) {
        Map<State, Integer> counts = new EnumMap<>(State.class);
        for (ComponentStatus s : statuses) {
            counts.merge(s.state(), 1, Integer::sum);
        }
        StringBuilder line = new StringBuilder().append(statuses.size())
                .append(statuses.size() == 1 ? " component" : " components");
        String separator = ": ";
        for (State state : new State[] {State.RUNNING, State.STARTING, State.UNHEALTHY, State.RESTARTING,
                State.STOPPED, State.FAILED}) {
            Integer n = counts.get(state);
            if (n != null) {
                line.append(separator).append(n).append(' ').append(state.word().toLowerCase(java.util.Locale.ROOT));
                separator = ", ";
            }
        }
        return line.toString();
    }

    /**
     * {@code RELOADING=1}: a reload of the configuration begins. systemd then waits for
     * {@link #reloaded()}; {@code MONOTONIC_USEC=} tells it which reload request this answers.
     */
    @Override
    public void reloading() {
        if (socket != null) {
            String now;
            try {
                now = "\nMONOTONIC_USEC=" + SdNotify.monotonicMicros();
            } catch (RuntimeException e) {
                now = ""; // systemd before 253 needs none; a later one then takes the reload as unannounced
            }
            send("RELOADING=1" + now + "\nSTATUS=Reloading the configuration");
        }
    }

    /** {@code READY=1} after a reload, with the summary; components added by it are followed from now on. */
    @Override
    public synchronized void reloaded() {
        if (socket != null && supervisor != null && !stopping) { // nothing follows STOPPING=1
            listenToNewComponents();
            lastStatus = summary(statuses());
            send("READY=1\nSTATUS=" + lastStatus);
        }
    }

    /** {@code STOPPING=1}: the orderly shutdown begins; nothing else is sent afterwards. */
    public synchronized void stopping() {
        if (socket != null) {
            stopping = true;
            send("STOPPING=1\nSTATUS=Stopping components");
        }
    }

    private void send(String message) {
        try {
            socket.send(message);
        } catch (IOException | RuntimeException e) {
            if (failureLogged.compareAndSet(false, true)) {
                LOG.warn("Cannot notify systemd ({}); later failures are not logged", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.close();
        }
    }
}
