package ai.stigmer.runtime.containment;

import ai.stigmer.Threads;
import ai.stigmer.runtime.InstanceMarker;
import ai.stigmer.runtime.Signals;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * In the session mode, the daemon is a child subreaper: processes of its instances whose parent
 * ended become its children. Every {@link #PERIOD_MS} ms this reaps those that ended (by their pid,
 * one by one: a {@code waitpid(-1)} would steal the exit status of the JDK's own children) and kills
 * those whose instance is no longer current (stopped or replaced). A child is taken for an orphan of
 * an instance only if it carries a marker of this home, or (once ended, when its environment can no
 * longer be read) was seen carrying one or sits in the session of a current instance; the instances'
 * main processes are the JDK's children and never touched here.
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

    /** One look at our children: reap the ended orphans, kill the living ones of no current instance. */
    void sweep() {
        Set<Long> leaders = ConcurrentHashMap.newKeySet();
        Set<String> markers = ConcurrentHashMap.newKeySet();
        for (Enclosure e : containment.currentEnclosures().values()) {
            if (e instanceof SessionEnclosure s) {
                leaders.add(s.leader());
                if (!s.finished()) {
                    markers.add(s.marker());
                }
            }
        }
        for (ProcessEntry child : ProcessEntry.all()) {
            if (child.ppid() != self || child.pid() <= 1 || leaders.contains(child.pid())) {
                continue;
            }
            if (child.gone()) {
                boolean known = orphans.containsKey(child.pid())
                        || (leaders.contains(child.session()) && child.session() != child.pid());
                if (known && Syscalls.reap(child.pid())) {
                    orphans.remove(child.pid());
                }
                continue;
            }
            String marker = ProcessEntry.environment(child.pid(), InstanceMarker.ENV);
            if (marker == null || !marker.startsWith(homeId + "/")) {
                continue; // not a process of our instances: a child the JDK started for someone else
            }
            orphans.put(child.pid(), child.startTicks());
            if (!markers.contains(marker)) {
                long ticks = child.startTicks();
                Syscalls.signalIf(child.pid(), Signals.SIGKILL,
                        pid -> ProcessEntry.read(pid).filter(e -> e.startTicks() == ticks).isPresent());
            }
        }
        orphans.keySet().removeIf(pid -> ProcessEntry.read(pid).filter(e -> e.ppid() == self).isEmpty());
    }
}
