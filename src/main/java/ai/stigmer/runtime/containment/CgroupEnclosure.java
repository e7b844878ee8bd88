package ai.stigmer.runtime.containment;

import ai.stigmer.runtime.Signals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.LoggerFactory;

/**
 * An instance in a cgroup v2 of its own: every process it starts, whatever session or process group
 * it makes, stays inside, and "no process left in the cgroup" ends a stop (SPEC §4). SIGKILL goes
 * through {@code cgroup.kill}, or a freeze and a kill of each where that file is missing.
 */
class CgroupEnclosure extends Enclosure {
    private final Cgroup cgroup;
    /** The cgroup's path as {@code /proc/<pid>/cgroup} shows it ("0::/stigmer-ab12/web"). */
    private final String procLine;
    private volatile boolean killFile = true;
    /** The launcher that clones instances; null for the preferred one, looked up at each launch. */
    private volatile BornInCgroup.Launcher launcher;

    CgroupEnclosure(Cgroup cgroup, String hierarchyPath, Limits limits) {
        super(limits);
        this.cgroup = cgroup;
        this.procLine = "0::" + hierarchyPath;
    }

    /** Kills as on a kernel before 5.14, without {@code cgroup.kill}. */
    CgroupEnclosure withoutKillFile() {
        killFile = false;
        return this;
    }

    /** Clones with {@code launcher} rather than the preferred one (tests of each). */
    CgroupEnclosure withLauncher(BornInCgroup.Launcher launcher) {
        this.launcher = launcher;
        return this;
    }

    Cgroup cgroup() {
        return cgroup;
    }

    @Override
    List<Path> joinFiles() {
        List<Path> files = new ArrayList<>();
        files.add(cgroup.procsFile());
        files.addAll(limits().joinFiles());
        return files;
    }

    /** Only where no v1 limit cgroup must be joined as well: a clone is born in one cgroup alone. */
    @Override
    public Optional<List<String>> bornInside(List<String> command) {
        return limits().joinFiles().isEmpty()
                ? (launcher == null ? BornInCgroup.preferredCommand(cgroup.dir(), command)
                        : BornInCgroup.command(launcher, cgroup.dir(), command))
                : Optional.empty();
    }

    @Override
    public void started(long pid, long startTicks) {
        // The cgroup is what tells the instance's processes apart; the pid adds nothing.
    }

    /**
     * One removal tells where the cgroup is all there is: the kernel refuses to remove a cgroup
     * while a process is inside. With a v1 limit cgroup as well, one read of each {@code cgroup.procs}.
     */
    @Override
    public boolean clearIfEmpty() {
        if (finished()) {
            return true;
        }
        if (limits().joinFiles().isEmpty()) {
            if (!cgroup.remove()) {
                return false;
            }
            limits().remove();
        } else {
            if (!isEmpty()) {
                return false;
            }
            cleanUp();
        }
        cleared();
        return true;
    }

    @Override
    public List<Long> members() {
        Set<Long> pids = new LinkedHashSet<>(cgroup.pids());
        pids.addAll(limits().pids());
        return List.copyOf(pids);
    }

    /** One read of {@code cgroup.events}: whatever the instance made inside its cgroup, listable or not. */
    @Override
    public boolean isEmpty() {
        return !cgroup.populated() && limits().pids().isEmpty();
    }

    @Override
    boolean mayHoldUnlisted() {
        return true;
    }

    @Override
    boolean signalAll(int signal) {
        boolean any = false;
        for (long pid : members()) {
            any |= Syscalls.signalIf(pid, signal, this::inside);
        }
        return any;
    }

    /** True if {@code pid} is in this cgroup (checked after the pid is pinned, see {@link Syscalls#signalIf}). */
    boolean inside(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
                if (line.equals(procLine) || line.startsWith(procLine + "/")) { // or a cgroup it made inside
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        // A v1 limit cgroup holds the same processes; the wrapper joined it together with ours.
        return limits().pids().contains(pid);
    }

    @Override
    void killAll() {
        if (killFile && cgroup.has("cgroup.kill")) {
            try {
                cgroup.write("cgroup.kill", "1");
            } catch (IOException e) {
                // the cgroup is gone: nothing left to kill in it
            }
            signalAll(Signals.SIGKILL); // what sits only in a v1 limit cgroup
            return;
        }
        // Before Linux 5.14: freeze, so that nothing forks between the listing and the kill.
        boolean frozen = false;
        try {
            cgroup.write("cgroup.freeze", "1");
            frozen = true;
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (!cgroup.read("cgroup.events").contains("frozen 1") && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }
        } catch (IOException e) {
            // no freezer: kill as we list
        }
        signalAll(Signals.SIGKILL);
        if (frozen) {
            try {
                cgroup.write("cgroup.freeze", "0");
            } catch (IOException e) {
                // gone already
            }
        }
    }

    @Override
    void cleanUp() {
        if (!cgroup.remove()) {
            // Emptied, yet something was let in since (a process of the same user may write its pid
            // into cgroup.procs), or a cgroup inside it could not be removed: the next launch of the
            // component kills what it finds there.
            LoggerFactory.getLogger(CgroupEnclosure.class).warn("cannot remove {}: it is not empty", cgroup);
        }
        limits().remove();
    }

    @Override
    public String describe() {
        return "cgroup " + cgroup.dir();
    }
}
