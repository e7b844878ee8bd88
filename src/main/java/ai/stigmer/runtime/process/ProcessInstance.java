package ai.stigmer.runtime.process;

import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.runtime.Signals;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * A component process that leads its own session and process group (pgid = sid = pid). It is
 * identified by pid and start time: it is signalled only while {@code /proc/<pid>/stat} still shows
 * the same start time, so a pid reused by the OS is never touched (SPEC §4, never the wrong process).
 */
final class ProcessInstance implements Instance {
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);

    private final long pid;
    private final long startTicks;
    private final CompletableFuture<ExitStatus> exited;
    private final InstanceRecord record;

    ProcessInstance(long pid, long startTicks, CompletableFuture<ExitStatus> exited) {
        this(InstanceRecord.ofProcess(pid, startTicks), exited);
    }

    /** An instance known by its record: pid, start time, and the marker and digests saved with it. */
    ProcessInstance(InstanceRecord record, CompletableFuture<ExitStatus> exited) {
        this.pid = record.pid();
        this.startTicks = record.startTicks();
        this.exited = exited;
        this.record = record;
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
        return leader().map(s -> !s.gone()).orElse(false);
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

    @Override
    public void stop(Duration timeout) {
        if (!signalGroup(Signals.SIGTERM)) {
            return;
        }
        // A stopped (SIGSTOP) process keeps SIGTERM pending until it is continued.
        signalGroup(Signals.SIGCONT);
        if (awaitGroupGone(timeout)) {
            return;
        }
        signalGroup(Signals.SIGKILL);
        awaitGroupGone(KILL_GRACE);
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

    private boolean awaitGroupGone(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = Duration.ofMillis(2).toNanos();
        while (true) {
            if (groupMembers().isEmpty()) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, Duration.ofMillis(50).toNanos());
        }
    }

    @Override
    public String toString() {
        return "pid " + pid;
    }
}
