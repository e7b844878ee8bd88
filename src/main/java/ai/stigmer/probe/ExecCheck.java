package ai.stigmer.probe;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code exec}: the command exits 0; at the timeout it is killed and the check fails (SPEC §2).
 * Nothing a run starts outlives it: the command runs in an {@link ExecSession} of its own, and
 * when it times out, exits (with any code) or the check is closed, every process of that run is
 * killed, also those that left the session or were orphaned by a double fork.
 */
public final class ExecCheck implements Check {
    private static final Logger LOG = LoggerFactory.getLogger(ExecCheck.class);
    /** How long the leftovers of one run may take to die before the run gives up on them (and logs). */
    static final Duration CLEANUP_BOUND = Duration.ofSeconds(2);

    private final List<String> command;
    private final Set<ExecSession> running = new HashSet<>();
    private boolean closed;

    public ExecCheck(List<String> command) {
        this.command = List.copyOf(command);
        VerifiedKill.load();
    }

    @Override
    public String describe() {
        return "exec " + command.get(0);
    }

    @Override
    public CheckResult run(CheckContext context) throws Exception {
        ExecSession session = ExecSession.start(command);
        if (!track(session)) {
            cleanUp(session);
            return CheckResult.fail("closed");
        }
        try {
            if (!session.awaitExit(context.timeout())) {
                return CheckResult.fail("timeout");
            }
            int code = session.exitCode();
            return code == 0 ? CheckResult.pass() : CheckResult.fail("exit code " + code);
        } finally {
            // Also after an exit: a check that passed must not leave a background child behind.
            cleanUp(session);
            untrack(session);
        }
    }

    /** Kills what every run still in progress has started; later runs are killed as they start. */
    @Override
    public void close() {
        List<ExecSession> sessions;
        synchronized (running) {
            closed = true;
            sessions = List.copyOf(running);
        }
        sessions.forEach(this::cleanUp);
    }

    /** How many runs are in progress (for tests: a run has cleaned up once it is no longer counted). */
    int runsInProgress() {
        synchronized (running) {
            return running.size();
        }
    }

    private boolean track(ExecSession session) {
        synchronized (running) {
            return !closed && running.add(session);
        }
    }

    private void untrack(ExecSession session) {
        synchronized (running) {
            running.remove(session);
        }
    }

    private void cleanUp(ExecSession session) {
        List<ProcessTable.Entry> left = session.killAll(CLEANUP_BOUND);
        if (!left.isEmpty()) {
            LOG.warn("{}: {} process(es) of the run started as pid {} still live {} ms after SIGKILL: {}",
                    describe(), left.size(), session.pid(), CLEANUP_BOUND.toMillis(),
                    left.stream().map(e -> Long.toString(e.pid())).toList());
        }
    }
}
