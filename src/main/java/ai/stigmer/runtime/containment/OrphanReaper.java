package ai.stigmer.runtime.containment;

import ai.stigmer.Threads;
import ai.stigmer.runtime.InstanceMarker;
import ai.stigmer.runtime.Signals;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * In the session mode, the daemon is a child subreaper: processes whose parent ended become its
 * children. Every {@link #PERIOD_MS} ms this reaps those that ended (by their pid, one by one: a
 * {@code waitpid(-1)} would steal the exit status of the JDK's own children) and kills those that
 * carry the marker of an instance that is no longer current (stopped or replaced).
 *
 * <p>A child of the JDK is never reaped here: it was started either in the daemon's session or, by
 * {@code setsid}, as the leader of its own, and a process can leave its session only by leading a new
 * one. So a child that is in another session without leading it is an orphan for sure; a child that
 * leads its own session is taken for an orphan only once seen alive with a marker of this home and
 * not being the main process of an instance.
 */
final class OrphanReaper {
    static final long PERIOD_MS = 500;

    private final String homeId;
    private final Containment containment;
    private final long self = ProcessHandle.current().pid();
    /** Orphans seen alive, pid → start time. */
    private final Map<Long, Long> orphans = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("stigmer-orphan-reaper"));

    OrphanReaper(String homeId, Containment containment) {
        this.homeId = homeId;
        this.containment = containment;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::sweepQuietly, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            // a process that went away mid-look: the next sweep sees the rest
        }
    }

    /** In another session than the daemon's without leading it: no child the JDK started can be that. */
    static boolean surelyOrphan(ProcessEntry child, long daemonSession) {
        return child.session() != daemonSession && child.session() != child.pid();
    }

    /** An ended child of ours that is an orphan for sure, or was seen alive as one. */
    boolean reapable(ProcessEntry child, long daemonSession) {
        return child.gone() && (surelyOrphan(child, daemonSession) || orphans.containsKey(child.pid()));
    }

    /** One look at our children: reap the ended orphans, kill the living ones of no current instance. */
    synchronized void sweep() {
        Set<Long> leaders = new HashSet<>();
        Map<String, Long> live = new HashMap<>(); // marker → main pid (−1 while its launch is in flight)
        lookAtInstances(leaders, live);
        long ownSession = ProcessEntry.read(self).map(ProcessEntry::session).orElse(-1L);
        for (ProcessEntry child : ProcessEntry.all()) {
            if (child.ppid() != self || child.pid() <= 1 || leaders.contains(child.pid())) {
                continue;
            }
            boolean surelyOrphan = surelyOrphan(child, ownSession);
            if (child.gone()) {
                if (reapable(child, ownSession) && Syscalls.reap(child.pid())) {
                    orphans.remove(child.pid());
                }
                continue;
            }
            String marker = ProcessEntry.environment(child.pid(), InstanceMarker.ENV);
            boolean ours = marker != null && marker.startsWith(homeId + "/");
            if (ours) {
                // The first look may predate a launch whose child now shows its marker: its enclosure
                // was made current before the launch, so a look after reading the marker sees it.
                lookAtInstances(leaders, live);
                if (leaders.contains(child.pid())) {
                    continue;
                }
            }
            if (ours && live.getOrDefault(marker, 0L) == -1) {
                continue; // maybe the main process of a launch not yet told its pid: the JDK's child
            }
            if (surelyOrphan || ours) {
                orphans.put(child.pid(), child.startTicks());
            }
            if (ours && !live.containsKey(marker)) {
                long ticks = child.startTicks();
                Syscalls.signalIf(child.pid(), Signals.SIGKILL,
                        pid -> ProcessEntry.read(pid).filter(e -> e.startTicks() == ticks).isPresent());
            }
        }
        orphans.keySet().removeIf(pid -> ProcessEntry.read(pid).filter(e -> e.ppid() == self).isEmpty());
    }

    /** Fills {@code leaders} with the main pids of the current instances and {@code live} with their markers. */
    private void lookAtInstances(Set<Long> leaders, Map<String, Long> live) {
        leaders.clear();
        live.clear();
        for (Enclosure e : containment.currentEnclosures().values()) {
            if (e instanceof SessionEnclosure s) {
                leaders.add(s.leader());
                if (!s.finished()) {
                    live.put(s.marker(), s.leader());
                }
            }
        }
    }
}
