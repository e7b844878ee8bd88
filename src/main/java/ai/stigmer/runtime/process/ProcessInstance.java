package ai.stigmer.runtime.process;

import ai.stigmer.os.LibC;
import ai.stigmer.os.ProcFs;
import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.runtime.containment.Enclosure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A component process that leads its own session and process group (pgid = sid = pid), inside an
 * {@link Enclosure} (its cgroup, or its session and marker) that holds everything it starts: a stop
 * ends when nothing of it is left (SPEC §4, stopping an instance). It is identified by pid and start
 * time: it is signalled only while {@code /proc/<pid>/stat} still shows the same start time, so a pid
 * reused by the OS is never touched (SPEC §4, never the wrong process).
 */
final class ProcessInstance implements Instance {
    private final long pid;
    private final long startTicks;
    private final CompletableFuture<ExitStatus> exited;
    private final InstanceRecord record;
    private final Enclosure enclosure;
    /** {@code /proc/<pid>/stat}, made once: the liveness probe looks at it every few seconds. */
    private final byte[] statPath;

    /** An instance known by its session alone. */
    ProcessInstance(long pid, long startTicks, CompletableFuture<ExitStatus> exited) {
        this(InstanceRecord.ofProcess(pid, startTicks), exited, Enclosure.ofSession(pid, startTicks));
    }

    /** An instance known by its record (pid, start time, marker, digests) and what encloses it. */
    ProcessInstance(InstanceRecord record, CompletableFuture<ExitStatus> exited, Enclosure enclosure) {
        this.pid = record.pid();
        this.startTicks = record.startTicks();
        this.exited = exited;
        this.record = record;
        this.enclosure = enclosure;
        this.statPath = ProcFs.statPath(pid);
    }

    /** What holds this instance and everything it started. */
    Enclosure enclosure() {
        return enclosure;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public String containerId() {
        return "";
    }

    @Override
    public CompletableFuture<ExitStatus> exited() {
        return exited;
    }

    @Override
    public boolean isAlive() {
        return ProcFs.runs(pid, statPath, startTicks); // the leader, still the process that was started, not gone
    }

    @Override
    public InstanceRecord record() {
        return record;
    }

    /** The group leader, only if it is still the process that was started. */
    private java.util.Optional<ProcStat> leader() {
        return ProcStat.read(pid).filter(s -> s.startTicks() == startTicks);
    }

    /** Processes still in the instance's process group and session. */
    List<ProcStat> groupMembers() {
        // Linux reuses a pid only once no process has it as process group or session id: a leader
        // pid now held by another process means our group is gone, and its namesakes are not ours.
        if (ProcStat.read(pid).filter(s -> s.startTicks() != startTicks).isPresent()) {
            return List.of();
        }
        return ProcStat.members(pid, pid).stream()
                .filter(s -> s.pid() != pid || s.startTicks() == startTicks)
                .toList();
    }

    /**
     * SIGTERM and SIGCONT to everything in the enclosure, up to {@code timeout}, then SIGKILL; done
     * when the enclosure is empty.
     *
     * @throws ai.stigmer.runtime.StopFailedException if something is left after SIGKILL
     */
    @Override
    public void stop(Duration timeout) {
        enclosure.stop(timeout);
    }

    @Override
    public boolean clearIfEnded() {
        return exited.isDone() && enclosure.clearIfEmpty();
    }

    /**
     * Signals the whole group: at once through kill(−pgid) while the leader is provably ours,
     * otherwise member by member after checking each is in our session. False if nothing was left.
     */
    boolean signalGroup(int signal) {
        if (leader().filter(s -> !s.gone()).isPresent()) {
            return LibC.kill(-pid, signal);
        }
        boolean any = false;
        for (ProcStat member : groupMembers()) {
            any |= LibC.kill(member.pid(), signal);
        }
        return any;
    }

    @Override
    public String toString() {
        return "pid " + pid;
    }
}
