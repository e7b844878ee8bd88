package ai.stigmer.probe;

import ai.stigmer.os.Executables;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One run of an exec check's command and everything it starts. The command runs in a session of
 * its own ({@code setsid(1)}: the JVM cannot, and since the JVM's child is never a group leader,
 * setsid execs in place, so the pid we see is the command's) with a marker of its own in its
 * environment, {@value #MARKER_ENV}{@code =<random>}, which every descendant inherits, also one that
 * leaves the session with {@code setsid} or is orphaned by a double fork.
 *
 * <p>A process belongs to the run if it started after the launch and carries the marker, or is in
 * the run's session, or is the child of a member (that catches one that emptied its environment
 * while its parent still lives). {@link #killAll} kills the members until a scan finds none.
 */
final class ExecSession {
    /** The environment variable that marks every process of one exec check run. */
    static final String MARKER_ENV = "STIGMER_CHECK";
    private static final Path SETSID = Executables.setsid();
    private static final long FIRST_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    private static final long LONGEST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final Process leader;
    private final byte[] marker;
    private final long launchTicks;
    /** The leader's own start time, −1 if it was gone before it could be read. */
    private final long leaderTicks;

    private ExecSession(Process leader, byte[] marker, long launchTicks, long leaderTicks) {
        this.leader = leader;
        this.marker = marker;
        this.launchTicks = launchTicks;
        this.leaderTicks = leaderTicks;
    }

    /**
     * Starts {@code command} with stdin from /dev/null and its output discarded, so that no pipe
     * can fill up and hold it.
     */
    static ExecSession start(List<String> command) throws IOException {
        String executable = resolve(command.get(0));
        List<String> argv = new ArrayList<>(command.size() + 1);
        argv.add(SETSID.toString());
        argv.add(executable);
        argv.addAll(command.subList(1, command.size()));
        String value = Long.toHexString(ThreadLocalRandom.current().nextLong())
                + Long.toHexString(ThreadLocalRandom.current().nextLong());
        ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put(MARKER_ENV, value);
        long launchTicks = ProcessTable.nowTicks();
        Process leader = builder.start();
        long leaderTicks = ProcessTable.read(leader.pid()).map(ProcessTable.Entry::startTicks).orElse(-1L);
        return new ExecSession(leader, (MARKER_ENV + "=" + value).getBytes(StandardCharsets.UTF_8), launchTicks,
                leaderTicks);
    }

    long pid() {
        return leader.pid();
    }

    /** Waits until the command exits; false if it still runs after {@code timeout}. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return leader.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    int exitCode() {
        return leader.exitValue();
    }

    /** The processes of this run that still live (zombies do not count: they run nothing). */
    /**
     * Whether the session named by the leader's pid is still the one the leader started: not when that
     * pid now belongs to a process with another start time (our session emptied, the pid was reused,
     * and the newcomer may have made a session of its own under the same number).
     */
    static boolean sessionStillOurs(java.util.Optional<ProcessTable.Entry> atLeaderPid, long leaderTicks) {
        return atLeaderPid.map(e -> leaderTicks < 0 || e.startTicks() == leaderTicks).orElse(true);
    }

    List<ProcessTable.Entry> members() {
        List<ProcessTable.Entry> candidates = ProcessTable.startedSince(launchTicks);
        Map<Long, ProcessTable.Entry> members = new HashMap<>();
        List<ProcessTable.Entry> others = new ArrayList<>();
        long session = leader.pid();
        boolean sessionIsOurs = sessionStillOurs(ProcessTable.read(session), leaderTicks);
        for (ProcessTable.Entry e : candidates) {
            // The kernel hands out no pid still used as a session id, so a session named by our
            // leader's pid is the one it started, as long as any member of it lives.
            if ((sessionIsOurs && e.session() == session) || ProcessTable.environContains(e.pid(), marker)) {
                members.put(e.pid(), e);
            } else {
                others.add(e);
            }
        }
        boolean grew = !members.isEmpty();
        while (grew) {
            grew = false;
            for (var it = others.iterator(); it.hasNext(); ) {
                ProcessTable.Entry e = it.next();
                if (members.containsKey(e.ppid())) {
                    members.put(e.pid(), e);
                    it.remove();
                    grew = true;
                }
            }
        }
        return new ArrayList<>(members.values());
    }

    /**
     * Kills every member with SIGKILL, scanning again (a fork may have been in flight) until a scan
     * finds none and every process signalled so far has died, or {@code bound} has passed. Returns
     * what still lives at the end (empty when all are gone). A signalled process is waited for by
     * its pid and start time: once its parent has died it may no longer look like a member, yet run
     * until the kernel gets to its SIGKILL. An interrupt does not cut this short: leftovers are
     * what it exists to prevent; the interrupt is kept for the caller.
     */
    List<ProcessTable.Entry> killAll(Duration bound) {
        boolean interrupted = Thread.interrupted();
        try {
            long deadline = System.nanoTime() + bound.toNanos();
            long pause = FIRST_PAUSE_NANOS;
            Map<Long, ProcessTable.Entry> signalled = new HashMap<>();
            while (true) {
                Map<Long, ProcessTable.Entry> left = new HashMap<>();
                for (ProcessTable.Entry e : signalled.values()) {
                    ProcessTable.read(e.pid())
                            .filter(now -> !now.gone() && now.startTicks() == e.startTicks())
                            .ifPresent(now -> left.put(now.pid(), now));
                }
                for (ProcessTable.Entry e : members()) {
                    left.put(e.pid(), e);
                }
                if (left.isEmpty() || System.nanoTime() - deadline > 0) {
                    return new ArrayList<>(left.values());
                }
                for (ProcessTable.Entry e : left.values()) {
                    if (VerifiedKill.kill(e.pid(), e.startTicks())) {
                        signalled.put(e.pid(), e);
                    }
                }
                LockSupport.parkNanos(pause);
                pause = Math.min(pause * 2, LONGEST_PAUSE_NANOS);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The absolute path of the command, looked up in PATH when it has no slash. */
    private static String resolve(String name) throws IOException {
        if (name.contains("/")) {
            Path p = Path.of(name);
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                throw new IOException("command not found or not executable: " + name);
            }
            return p.toAbsolutePath().toString();
        }
        return Executables.inPath(name)
                .orElseThrow(() -> new IOException("command not found in PATH: " + name));
    }
}
