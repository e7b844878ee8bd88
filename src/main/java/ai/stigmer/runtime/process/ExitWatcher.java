package ai.stigmer.runtime.process;

import ai.stigmer.os.Descriptors;
import ai.stigmer.os.LibC;
import ai.stigmer.os.ProcFs;
import ai.stigmer.os.WakeFd;
import ai.stigmer.os.Waitid;
import ai.stigmer.runtime.ExitStatus;
import com.sun.jna.LastErrorException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one loop that sees every instance end, the moment it does: the daemon's own children,
 * launched with {@code posix_spawn} and reaped here with {@code waitid} (their exact exit code), and
 * processes that are not its children (adopted instances). The JDK's {@code ProcessHandle.onExit()}
 * polls for the latter and, worse, waits until their parent reaps them, which PID 1 may do seconds
 * later; a pidfd ({@code pidfd_open}, Linux 5.3) polls readable as soon as the process has exited,
 * zombie or not. One thread polls the pidfds of every watched process at once, with an eventfd that
 * wakes it when a process is added: the daemon's threads do not grow with its components (the
 * JDK's {@code Process} keeps a thread per child).
 *
 * <p>Where pidfds are not available (an older kernel, a libc that JNA cannot load) the same thread
 * reads {@code /proc/<pid>/stat} of every watched process every {@value #POLL_MILLIS} ms instead. Either
 * way a zombie counts as exited, and a pid that now shows another start time means ours is gone.
 */
public final class ExitWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(ExitWatcher.class);
    static final int POLL_MILLIS = 20;
    private static volatile ExitWatcher shared;

    private final boolean pidfds;
    private final int wakeFd;
    private final Object lock = new Object();
    /** Added but not yet seen by the watcher thread; guarded by {@link #lock}. */
    private final List<Watched> added = new ArrayList<>();
    /** Written by the loop's thread alone. */
    private volatile long rounds;
    private Thread thread;

    /** {@code child}: ours to reap, and its exit code is known exactly. */
    private record Watched(long pid, long startTicks, int pidfd, boolean child, CompletableFuture<ExitStatus> exited) {}

    /** @param usePidfds false to force the /proc polling fallback (tests) */
    ExitWatcher(boolean usePidfds) {
        int fd = -1;
        if (usePidfds) {
            try {
                fd = WakeFd.open();
                int probe = PidFd.open(ProcessHandle.current().pid());
                PidFd.close(probe);
            } catch (LastErrorException | LinkageError e) { // LinkageError: no libc for JNA, or JNA itself missing
                LOG.info("pidfd_open is not available ({}): exits of adopted processes are polled every {} ms",
                        e.getMessage(), POLL_MILLIS);
                if (fd >= 0) {
                    PidFd.close(fd);
                }
                fd = -1;
            }
        }
        this.wakeFd = fd;
        this.pidfds = fd >= 0;
    }

    /** The one watcher of this daemon. */
    public static ExitWatcher shared() {
        ExitWatcher w = shared;
        if (w == null) {
            synchronized (ExitWatcher.class) {
                if (shared == null) {
                    shared = new ExitWatcher(true);
                }
                w = shared;
            }
        }
        return w;
    }

    /** Rounds of the loop begun so far (tests: that it looked again). */
    long rounds() {
        return rounds;
    }

    /** "pidfd" or "polling /proc": how exits are seen. */
    public String mode() {
        return pidfds ? "pidfd" : "polling /proc";
    }

    /**
     * Completes when the process {@code pid} that started at {@code startTicks} has exited (or is a
     * zombie). Completes at once if it is already gone. The exit code is known only while the process
     * is still a zombie when its exit is seen; otherwise it is {@link ExitStatus#UNKNOWN}.
     */
    public CompletableFuture<ExitStatus> watch(long pid, long startTicks) {
        CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
        int pidfd = openPidfd(pid);
        // The pidfd may have been opened on a namesake if ours died just before: check it is ours.
        if (!runs(pid, startTicks, true)) { // unread for want of descriptors: watched, not taken for gone
            if (pidfd >= 0) {
                PidFd.close(pidfd);
            }
            exited.complete(exitOf(pid, startTicks));
            return exited;
        }
        add(new Watched(pid, startTicks, pidfd, false, exited));
        return exited;
    }

    /**
     * Completes with the exit code of {@code pid}, a child of this daemon that nothing else reaps,
     * once it has ended; this watcher reaps it. Its pid cannot be reused before that, so no start
     * time is needed.
     */
    public CompletableFuture<ExitStatus> watchChild(long pid) {
        CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
        add(new Watched(pid, -1, openPidfd(pid), true, exited));
        return exited;
    }

    private int openPidfd(long pid) {
        if (!pidfds) {
            return -1;
        }
        try {
            return PidFd.open(pid);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != PidFd.ESRCH) {
                LOG.warn("pidfd_open({}) failed (errno {}): polling its exit instead", pid, e.getErrorCode());
            }
            return -1;
        }
    }

    private void add(Watched w) {
        synchronized (lock) {
            added.add(w);
            if (thread == null) {
                thread = new Thread(this::run, "stigmer-exit-watcher");
                thread.setDaemon(true);
                thread.start();
            }
            lock.notifyAll();
        }
        if (pidfds) {
            WakeFd.signal(wakeFd);
        }
    }

    private void run() {
        List<Watched> watched = new ArrayList<>();
        while (true) {
            rounds++;
            synchronized (lock) {
                watched.addAll(added);
                added.clear();
            }
            boolean[] due;
            try {
                due = await(watched);
            } catch (RuntimeException e) {
                LOG.warn("Exit watcher: {}; polling /proc this round", e.toString());
                LockSupport.parkNanos(Duration.ofMillis(POLL_MILLIS).toNanos());
                due = null;
            }
            List<Watched> still = new ArrayList<>(watched.size());
            for (int i = 0; i < watched.size(); i++) {
                Watched w = watched.get(i);
                // A pidfd that did not poll readable is a process still running: no need to ask.
                ExitStatus exit = due != null && !due[i] ? null : w.exited().isDone() ? ExitStatus.UNKNOWN : ended(w);
                if (exit == null) {
                    still.add(w);
                    continue;
                }
                if (w.pidfd() >= 0) {
                    PidFd.close(w.pidfd());
                }
                complete(w, exit);
            }
            watched = still;
        }
    }

    /**
     * Blocks until a watched pidfd is readable, a process was added, or (when some process has no
     * pidfd) the polling interval has passed. Which of {@code watched} to look at now: those whose
     * pidfd is readable and those without one; null for all.
     */
    private boolean[] await(List<Watched> watched) {
        boolean polling = false;
        for (Watched w : watched) {
            polling |= w.pidfd() < 0;
        }
        if (!pidfds) {
            synchronized (lock) {
                if (added.isEmpty()) {
                    try {
                        lock.wait(polling ? POLL_MILLIS : 0);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            return null;
        }
        int[] fds = new int[1 + watched.size()];
        fds[0] = wakeFd;
        for (int i = 0; i < watched.size(); i++) {
            fds[i + 1] = watched.get(i).pidfd(); // a negative fd is ignored by poll
        }
        int[] pollFds = LibC.pollFds(PidFd.POLLIN, fds);
        int ready = PidFd.poll(pollFds, polling ? POLL_MILLIS : -1);
        if (ready > 0 && (LibC.revents(pollFds, 0) & PidFd.POLLIN) != 0) {
            WakeFd.drain(wakeFd);
        }
        boolean[] due = new boolean[watched.size()];
        for (int i = 0; i < due.length; i++) {
            due[i] = fds[i + 1] < 0 || (ready > 0 && LibC.revents(pollFds, i + 1) != 0);
        }
        return due;
    }

    /** How {@code w} ended, or null while it runs. */
    private static ExitStatus ended(Watched w) {
        if (!w.child()) {
            return runs(w.pid(), w.startTicks(), w.pidfd() < 0) ? null : exitOf(w.pid(), w.startTicks());
        }
        try {
            OptionalInt code = Waitid.reapIfEnded(w.pid());
            return code.isPresent() ? ExitStatus.ofCode(code.getAsInt()) : null;
        } catch (IllegalStateException e) {
            LOG.warn("Exit watcher: {}; its exit code is unknown", e.getMessage());
            return ExitStatus.UNKNOWN;
        }
    }

    /** What follows an exit (the supervisor's post, the enclosure's explanation) must not stop the loop. */
    private static void complete(Watched w, ExitStatus exit) {
        try {
            w.exited().complete(exit);
        } catch (RuntimeException e) {
            LOG.warn("Exit watcher: handling the exit of pid {} failed: {}", w.pid(), e.toString());
        }
    }

    /**
     * Alive, not a zombie, and still the process that started at {@code startTicks}. Polled (no pidfd,
     * whose readiness would prove the exit): a stat that cannot be read while the daemon is out of
     * file descriptors is no exit, and is looked at again next round.
     */
    private static boolean runs(long pid, long startTicks, boolean polled) {
        Optional<ProcStat> stat = ProcStat.read(pid);
        if (stat.isEmpty()) {
            return polled && Descriptors.shortage() != null;
        }
        return stat.filter(s -> s.startTicks() == startTicks && !s.gone()).isPresent();
    }

    /**
     * The exit of a zombie, from the exit_code field (52) of {@code /proc/<pid>/stat}, a wait status;
     * unknown once the process has been reaped.
     */
    static ExitStatus exitOf(long pid, long startTicks) {
        return ProcFs.stat(pid, f -> {
            if (f[0].charAt(0) != 'Z' || Long.parseLong(f[19]) != startTicks || f.length < 50) {
                return ExitStatus.UNKNOWN;
            }
            int status = Integer.parseInt(f[49]);
            int signal = status & 0x7f;
            return signal != 0 ? ExitStatus.ofCode(128 + signal) : ExitStatus.ofCode((status >> 8) & 0xff);
        }).orElse(ExitStatus.UNKNOWN);
    }
}
