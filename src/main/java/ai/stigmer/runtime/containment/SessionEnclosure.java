package ai.stigmer.runtime.containment;

import ai.stigmer.os.Descriptors;
import ai.stigmer.runtime.InstanceMarker;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An instance without a cgroup of its own: what is inside is its session (the instance leads one)
 * and every process that carries its marker {@code STIGMER_INSTANCE=<value>} in the environment it
 * was started with, which descendants keep when they call {@code setsid} or double-fork. Processes
 * orphaned on the way come back to the daemon, a child subreaper, which reaps them here and in
 * {@link OrphanReaper}. A descendant that clears its environment and leaves the session escapes
 * this mode; a cgroup does not let it.
 */
final class SessionEnclosure extends Enclosure {
    private final String marker;
    private final long self = ProcessHandle.current().pid();
    private volatile long leader = -1;
    private volatile long leaderTicks = -1;

    SessionEnclosure(String marker, Limits limits) {
        super(limits);
        this.marker = marker;
    }

    String marker() {
        return marker;
    }

    long leader() {
        return leader;
    }

    @Override
    List<Path> joinFiles() {
        return limits().joinFiles();
    }

    @Override
    public void started(long pid, long startTicks) {
        this.leaderTicks = startTicks;
        this.leader = pid;
    }

    @Override
    public List<Long> members() {
        return List.copyOf(scan().keySet());
    }

    /** The processes inside now, with their start times; reaps those of them that ended as our orphans. */
    private Map<Long, Long> scan() {
        long lead = leader;
        long leadTicks = leaderTicks;
        List<ProcessEntry> all = ProcessEntry.all();
        // A look that does not find the daemon itself saw nothing (/proc unreadable: the daemon out of
        // file descriptors). Taken for an empty session, it would end a stop with nothing signalled.
        if (all.stream().noneMatch(e -> e.pid() == self)) {
            String shortage = Descriptors.shortage();
            throw new IllegalStateException("cannot list the processes in /proc" + (shortage == null ? "" : ": " + shortage));
        }
        // Linux reuses a pid only once no process has it as session id: a leader pid now held by
        // another process means our session is gone, and its namesakes are not ours.
        boolean sessionOurs = lead > 1 && all.stream().noneMatch(e -> e.pid() == lead && e.startTicks() != leadTicks);
        List<Long> limited = limits().pids();
        Map<Long, Long> inside = new LinkedHashMap<>();
        for (ProcessEntry e : all) {
            if (e.pid() <= 1 || e.pid() == self) {
                continue;
            }
            // Descendants start after the instance: only younger processes are worth reading the environment of.
            boolean ours = (sessionOurs && e.session() == lead) || limited.contains(e.pid())
                    || (!e.gone() && !marker.isEmpty() && (leadTicks < 0 || e.startTicks() >= leadTicks)
                            && e.carries(InstanceMarker.ENV, marker));
            if (!ours) {
                continue;
            }
            if (e.gone()) {
                if (e.ppid() == self && e.pid() != lead) {
                    Syscalls.reap(e.pid()); // an orphan of ours that ended; the JDK reaps the leader
                }
                continue;
            }
            inside.put(e.pid(), e.startTicks());
        }
        return inside;
    }

    @Override
    boolean signalAll(int signal) {
        boolean any = false;
        for (Map.Entry<Long, Long> member : scan().entrySet()) {
            long ticks = member.getValue();
            any |= Syscalls.signalIf(member.getKey(), signal,
                    pid -> ProcessEntry.read(pid).filter(e -> e.startTicks() == ticks && !e.gone()).isPresent());
        }
        return any;
    }

    @Override
    void cleanUp() {
        limits().remove();
    }

    @Override
    public String describe() {
        return "session " + leader + (marker.isEmpty() ? "" : " and marker " + InstanceMarker.ENV + "=" + marker);
    }
}
