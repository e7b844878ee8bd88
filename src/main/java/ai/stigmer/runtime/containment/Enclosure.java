package ai.stigmer.runtime.containment;

import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Signals;
import ai.stigmer.runtime.StopFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * What holds one instance of a component and everything it starts: a cgroup, or the instance's
 * session and environment marker. Made by {@link Containment} before the launch; the launch runs
 * {@link #command} so that the instance is inside before it execs.
 *
 * <p>A stop (SPEC §4, stopping an instance) sends SIGTERM and SIGCONT to every process of the
 * enclosure, waits for it to empty up to the stop timeout, then SIGKILLs what is left; it is done
 * when no process is left, and fails with {@link StopFailedException} naming what is left otherwise.
 * Only processes proven to be inside are signalled. Thread-safe.
 */
public abstract class Enclosure {
    /** The first words of the line the wrapper writes to the component log when it cannot join. */
    public static final String JOIN_FAILED = "stigmer: cannot join cgroup";

    /** The byte the wrapper writes to fd 3, where the launcher gave it one, once it is inside. */
    public static final int JOINED = 'j';

    /** The first byte of the answer of a launcher whose instance was born inside ({@link #bornInside}); its pid follows. */
    public static final char CLONED = 'c';

    private static final String JOIN_SCRIPT = "for f do [ \"$f\" = -- ] && break; echo $$ > \"$f\" || "
            + "{ echo \"" + JOIN_FAILED + " ${f%/*}\" >&2; exit 125; }; shift; done; shift; "
            + "{ printf " + (char) JOINED + " >&3; } 2>/dev/null; exec \"$@\" 3>&-";

    /** How long SIGKILL may take to empty the enclosure before the stop counts as failed. */
    static final Duration KILL_GRACE = Duration.ofSeconds(5);

    private final Limits limits;
    private final long oomKillsAtStart;
    private volatile Duration killGrace = KILL_GRACE;
    private volatile boolean superseded;
    private volatile boolean finished;

    Enclosure(Limits limits) {
        this.limits = limits;
        this.oomKillsAtStart = limits.oomKills();
    }

    /**
     * The session of the process {@code pid} started at {@code startTicks}, without a marker: what an
     * instance is known by when nothing more is known of it.
     */
    public static Enclosure ofSession(long pid, long startTicks) {
        SessionEnclosure session = new SessionEnclosure("", Limits.NONE);
        session.started(pid, startTicks);
        return session;
    }

    /**
     * The command line that runs {@code command} (an absolute executable and its arguments) inside
     * this enclosure, with the pid of the launched process being the component's. Where there is a
     * cgroup to join, a shell writes its own pid ({@code $$}) into each, says so on fd 3 if it has
     * one ({@link #JOINED}), then execs in place: the component is inside before its first
     * instruction.
     */
    public List<String> command(List<String> command) {
        List<Path> join = joinFiles();
        List<String> line = new ArrayList<>();
        if (!join.isEmpty()) {
            line.addAll(List.of("/bin/sh", "-c", JOIN_SCRIPT, "stigmer-join"));
            join.forEach(p -> line.add(p.toString()));
            line.add("--");
        }
        line.addAll(command);
        return line;
    }

    /**
     * A command line that starts {@code command} inside this enclosure from its first moment, with no
     * move into it ({@link BornInCgroup}), or empty where there is none. The process it launches is a
     * helper: it answers on fd 3 with {@code c} and the pid of the instance, a child of the launcher
     * too, and exits; or, where it had to join by a move, with {@link #JOINED}, as the wrapper of
     * {@link #command} does, and is the instance itself.
     */
    public Optional<List<String>> bornInside(List<String> command) {
        return Optional.empty();
    }

    /** True when {@link #command} starts with the wrapper that joins a cgroup. */
    public boolean joins() {
        return !joinFiles().isEmpty();
    }

    /** The cgroup.procs files the wrapper writes the instance's pid into; none where there is no cgroup. */
    abstract List<Path> joinFiles();

    /** Tells the enclosure the pid and start time of the instance once it runs in its own session. */
    public abstract void started(long pid, long startTicks);

    /** The processes inside now (pids; zombies excluded), as far as they can be listed. */
    public abstract List<Long> members();

    /** True when no process is inside, including any that {@link #members} could not list. */
    public boolean isEmpty() {
        return members().isEmpty();
    }

    /** True where {@link #members} may miss processes that are inside (a cgroup below that cannot be listed). */
    boolean mayHoldUnlisted() {
        return false;
    }

    /** Sends {@code signal} to every process inside; false if there was none. */
    abstract boolean signalAll(int signal);

    /** SIGKILL to every process inside, at once where the kernel can (cgroup.kill). */
    void killAll() {
        signalAll(Signals.SIGKILL);
    }

    /** Removes what was made for the instance (cgroup directories) once it is empty. */
    abstract void cleanUp();

    /** What the enclosure is, for messages: "cgroup /sys/fs/cgroup/unified/stigmer-ab12/web". */
    public abstract String describe();

    /**
     * The exit of the instance, told as an OOM kill when the memory limit killed a process of it
     * since the launch: "OOM killed (memory limit 64m)".
     */
    public ExitStatus explain(ExitStatus exit) {
        if (limits.spec().memoryBytes() <= 0 || limits.oomKills() <= oomKillsAtStart) {
            return exit;
        }
        String limit = "memory limit " + limits.spec().memoryText();
        if (exit.signal() == Signals.SIGKILL) {
            return new ExitStatus(exit.code(), exit.signal(), "OOM killed (" + limit + ")");
        }
        return new ExitStatus(exit.code(), exit.signal(), exit.describe() + " after an OOM kill in the instance (" + limit + ")");
    }

    Limits limits() {
        return limits;
    }

    /** A later instance of the component has its own enclosure now: stopping this one must not touch it. */
    void supersede() {
        superseded = true;
        finished = true;
    }

    /** True once a stop or kill has emptied the enclosure, or a successor replaced it. */
    boolean finished() {
        return finished;
    }

    void setKillGrace(Duration grace) {
        this.killGrace = grace;
    }

    /**
     * Stops everything inside: SIGTERM and SIGCONT (a stopped process keeps SIGTERM pending until
     * continued), up to {@code timeout} for the enclosure to empty, then SIGKILL. Safe to call again
     * and after the instance ended: then it only clears what the instance left behind.
     *
     * @throws StopFailedException if processes are still inside {@link #KILL_GRACE} after SIGKILL
     */
    public void stop(Duration timeout) {
        if (superseded) {
            return; // what this instance left was cleared before its successor was launched
        }
        // Processes that could not be listed get no SIGTERM, but the stop waits for them all the same.
        if (signalAll(Signals.SIGTERM) || (mayHoldUnlisted() && !isEmpty())) {
            signalAll(Signals.SIGCONT);
            if (!awaitEmpty(timeout)) {
                killAll();
                if (!awaitEmpty(killGrace)) {
                    throw new StopFailedException(left());
                }
            }
        }
        cleanUp();
        finished = true;
    }

    /**
     * Clears up an enclosure that is empty already (its cgroup removed), without signalling or
     * waiting: true if done; false, touching nothing, where anything is inside or finding out would
     * take more than a look at one file.
     */
    public boolean clearIfEmpty() {
        return false;
    }

    /** Marks the enclosure cleared, as a stop does at its end. */
    void cleared() {
        finished = true;
    }

    /** SIGKILL at once to everything inside, even if superseded; the same failure as {@link #stop}. */
    void kill() {
        killAll();
        if (!awaitEmpty(killGrace)) {
            throw new StopFailedException(left());
        }
        cleanUp();
        finished = true;
    }

    /** "still alive 5000ms after SIGKILL in cgroup ...: 4242 (sleep 1000), 4243 (sh)". */
    private String left() {
        StringBuilder pids = new StringBuilder();
        for (long pid : members()) {
            String name;
            try {
                name = Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
            } catch (IOException | RuntimeException e) {
                name = "?";
            }
            pids.append(pids.isEmpty() ? "" : ", ").append(pid).append(" (").append(name).append(')');
        }
        return "still alive " + killGrace.toMillis() + "ms after SIGKILL in " + describe() + ": "
                + (pids.isEmpty() ? "processes that could not be listed" : pids);
    }

    private boolean awaitEmpty(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = Duration.ofMillis(1).toNanos();
        while (true) {
            if (isEmpty()) {
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
        return describe();
    }
}
