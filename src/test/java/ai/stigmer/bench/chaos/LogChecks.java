package ai.stigmer.bench.chaos;

import ai.stigmer.bench.chaos.Census.Instance;
import ai.stigmer.bench.chaos.Census.Sighting;
import ai.stigmer.bench.chaos.DaemonLog.Event;
import ai.stigmer.bench.chaos.StigmerCli.Component;
import ai.stigmer.bench.chaos.StigmerCli.Status;
import ai.stigmer.bench.chaos.Violations.Kind;
import ai.stigmer.config.Durations;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The invariants read from {@code daemon.log} against what the soak caused and saw: restart counts
 * (each fault's restarts within its range, none without a fault, status's count equal to the
 * restart lines), the backoff schedule and its delays, and the pid and start time of every signal
 * the daemon sent (it logs them on {@code ai.stigmer.signals} at DEBUG, which the soak turns on).
 */
final class LogChecks {
    static final String DAEMON_STARTED = "daemon started (pid ";
    private static final String RESTARTING = "Restarting component (attempt ";
    private static final Pattern RESTART_DELAY = Pattern.compile("^Restarting component \\(attempt \\d+/\\d+\\) in (\\S+)");
    private static final Pattern DAEMON_PID = Pattern.compile(Pattern.quote(DAEMON_STARTED) + "(\\d+)");
    private static final Pattern SIGNAL = Pattern.compile("^Sent (\\S+) to pid (\\d+) \\(start time (-?\\d+)\\)");
    /** Slack of the delay's lower bound: 10 ms clock ticks of a start time, 1 ms log stamps. */
    private static final long TICK_SLACK_MS = 20;
    /** The launch itself, on top of the delay: clear the enclosure, make the cgroup, fork. */
    static final long LAUNCH_MS = 600;
    /** Running for about minUptime: which side of it the daemon saw cannot be told from outside. */
    private static final long UPTIME_SLACK_MS = 150;

    private final SoakConfig config;
    private final Census census;
    private final Violations violations;
    private final Set<Integer> crashLoopChecked = new HashSet<>();
    private final List<Long> lateness = new ArrayList<>();
    private int delaysChecked;
    private int upperBoundsSkipped;
    private int signalsChecked;
    private int signalsUnverified;

    LogChecks(SoakConfig config, Census census, Violations violations) {
        this.config = config;
        this.census = census;
        this.violations = violations;
    }

    /** The index of the daemon start (epoch) that {@code at} falls in, and where it began. */
    private static int epochAt(List<Event> events, long at) {
        int epoch = -1;
        for (Event e : events) {
            if (e.at() > at) {
                break;
            }
            if (e.component().isEmpty() && e.message().contains(DAEMON_STARTED)) {
                epoch++;
            }
        }
        return epoch;
    }

    /**
     * The epoch of the daemon that answered {@code s}: the start line with its pid. The time a status
     * call began is not enough: a call begun just before a new daemon's start line can be answered by
     * that daemon once its components are adopted. Without a pid, the epoch its call began in.
     */
    private static int epochOf(List<Event> events, Status s) {
        String line = DAEMON_STARTED + s.daemonPid() + ",";
        int epoch = -1;
        int found = -1;
        for (Event e : events) {
            if (e.component().isEmpty() && e.message().contains(DAEMON_STARTED)) {
                epoch++;
                if (e.message().contains(line)) {
                    found = epoch;
                }
            }
        }
        return found >= 0 ? found : epochAt(events, s.at());
    }

    /** Restart lines of {@code component} in the epoch {@code epoch} up to {@code until}. */
    private static int restartsInEpoch(List<Event> events, String component, int epoch, long until) {
        int current = -1;
        int count = 0;
        for (Event e : events) {
            if (e.at() > until) {
                break;
            }
            if (e.component().isEmpty() && e.message().contains(DAEMON_STARTED)) {
                current++;
            } else if (current == epoch && e.is(component, RESTARTING)) {
                count++;
            }
        }
        return count;
    }

    /**
     * At a quiet moment (no fault in flight): each steady component's Restarts in status equals the
     * restart lines since the daemon's start; a crash-looper that is Failed made exactly maxRestarts.
     */
    void checkpoint(Status s, List<Event> events) {
        int epoch = epochOf(events, s);
        for (Component c : s.components().values()) {
            int lines = restartsInEpoch(events, c.name(), epoch, s.at() + 60_000);
            if (c.name().equals(SoakConfig.CRASHLOOP)) {
                if ("Failed".equals(c.state()) && crashLoopChecked.add(epoch)) {
                    boolean limitLine = events.stream().anyMatch(e -> e.is(c.name(), "Component has exceeded maximum restart limit"));
                    if (c.restarts() != SoakConfig.CRASHLOOP_MAX_RESTARTS || lines != SoakConfig.CRASHLOOP_MAX_RESTARTS || !limitLine) {
                        violations.add(Kind.RESTARTS, "crashloop " + epoch, "the crash-looper is Failed with Restarts "
                                + c.restarts() + " and " + lines + " restart lines (maxRestarts "
                                + SoakConfig.CRASHLOOP_MAX_RESTARTS + ")" + (limitLine ? "" : ", and no restart-limit line"));
                    }
                }
                continue;
            }
            if (c.restarts() != lines) {
                violations.add(Kind.RESTARTS, "status " + c.name() + " " + epoch + " " + c.restarts(), "status says "
                        + c.name() + " has Restarts " + c.restarts() + ", daemon.log has " + lines
                        + " restart lines for it since the daemon started");
            }
        }
    }

    /** Each fault made restarts within its range; no steady component restarted outside every fault. */
    void checkRestarts(List<Fault> faults, List<Event> events) {
        for (Fault f : faults) {
            if (f.kind.equals("crash-loop")) {
                continue; // checked at checkpoints: the limit, and the schedule below
            }
            for (String c : f.components) {
                long n = events.stream().filter(e -> e.is(c, RESTARTING) && f.covers(c, e.at())).count();
                if (n < f.minRestarts || n > f.maxRestarts) {
                    violations.add(Kind.RESTARTS, "fault " + f.seq + " " + c, "fault " + f + " caused " + n + " restarts of "
                            + c + ", expected " + (f.minRestarts == f.maxRestarts ? f.minRestarts
                            : f.minRestarts + " to " + f.maxRestarts));
                }
            }
        }
        for (Event e : events) {
            if (!e.message().startsWith(RESTARTING) || e.component().equals(SoakConfig.CRASHLOOP)) {
                continue;
            }
            if (faults.stream().noneMatch(f -> f.covers(e.component(), e.at()))) {
                violations.add(Kind.RESTARTS, "unexplained " + e.component() + " " + e.at(), e.component()
                        + " restarted without a fault: " + e.message());
            }
        }
    }

    /**
     * The backoff: each restart's delay is the one of SPEC §4 for its number of consecutive failures
     * (counted here from the log: a failure after Running for minUptime starts again at 1), and the
     * next instance starts no sooner than 95 % of it, and, where the old instance had already exited,
     * no later than 105 % plus the launch. Where the daemon had to stop the old instance itself (a
     * probe failure) the stop may hold the launch, and only the lower bound holds.
     */
    void checkBackoff(List<Event> events) {
        for (String c : config.components()) {
            if (SoakConfig.isDocker(c)) {
                continue; // a container's start is not in /proc
            }
            int n = 0;
            long runningSince = -1;
            Event unhealthy = null;
            for (Event e : events) {
                if (e.component().isEmpty() && e.message().contains(DAEMON_STARTED)) {
                    n = 0;
                    runningSince = -1;
                    unhealthy = null;
                } else if (!e.component().equals(c)) {
                    continue;
                } else if (e.message().startsWith("Adopted running instance pid ")) {
                    long pid = Long.parseLong(e.message().replaceAll("^Adopted running instance pid (\\d+).*", "$1"));
                    // An adopted instance's whole age counts.
                    runningSince = census.instances(c).stream().filter(i -> i.pid() == pid).mapToLong(Instance::startedAt)
                            .min().orElse(e.at());
                } else if (e.message().startsWith("Component started") || e.message().startsWith("Component restarted")) {
                    runningSince = runningSince >= 0 ? Math.min(runningSince, e.at()) : e.at();
                } else if (e.message().startsWith("Component marked unhealthy")) {
                    unhealthy = e;
                } else if (e.message().startsWith(RESTARTING)) {
                    // Each restart line is a failure; its unhealthy line, just before, says how it
                    // ended (and may be left out of a log that rate-limits repeated lines).
                    boolean told = unhealthy != null && e.at() - unhealthy.at() <= 1_000;
                    long failedAt = told ? unhealthy.at() : e.at();
                    long up = runningSince < 0 ? -1 : failedAt - runningSince;
                    long min = SoakConfig.MIN_UPTIME.toMillis();
                    if (up >= min + UPTIME_SLACK_MS) {
                        n = 1;
                    } else if (up < min - UPTIME_SLACK_MS) {
                        n = n < 0 ? -1 : n + 1; // also never Running (up < 0): time Starting does not count
                    } else {
                        n = -1; // too close to minUptime to tell
                    }
                    boolean exited = told && (unhealthy.message().contains("exited") || unhealthy.message().contains("killed by signal"));
                    runningSince = -1;
                    unhealthy = null;
                    checkDelay(c, e, n, exited, nextDaemonStart(events, e.at()));
                }
            }
        }
    }

    /** When the next daemon started after {@code at}: a launch after it is that daemon's, not the restart's. */
    private static long nextDaemonStart(List<Event> events, long at) {
        return events.stream().filter(e -> e.at() > at && e.component().isEmpty() && e.message().contains(DAEMON_STARTED))
                .mapToLong(Event::at).findFirst().orElse(Long.MAX_VALUE);
    }

    private void checkDelay(String c, Event e, int n, boolean exited, long nextDaemon) {
        Matcher m = RESTART_DELAY.matcher(e.message());
        if (!m.find()) {
            return;
        }
        long said = Durations.parse(m.group(1)).toMillis();
        if (n > 0 && said != SoakConfig.backoffMillis(n)) {
            violations.add(Kind.BACKOFF, "schedule " + c + " " + e.at(), c + " at failure " + n + " in a row: the daemon "
                    + "waits " + said + "ms, the schedule says " + SoakConfig.backoffMillis(n) + "ms (" + e.message() + ")");
        }
        Optional<Instance> next = census.instances(c).stream()
                .filter(i -> i.startedAt() >= e.at() - TICK_SLACK_MS && i.startedAt() < nextDaemon
                        && i.startedAt() <= e.at() + said + Faults.RECOVERY.toMillis())
                .findFirst();
        if (next.isEmpty()) {
            return; // no launch followed (the daemon was killed meanwhile, or the launch failed)
        }
        long delay = next.get().startedAt() - e.at();
        delaysChecked++;
        if (delay < said * 0.95 - TICK_SLACK_MS) {
            violations.add(Kind.BACKOFF, "early " + c + " " + e.at(), c + " was launched " + delay + "ms after '"
                    + e.message() + "': earlier than 95% of " + said + "ms");
        }
        if (!exited) {
            upperBoundsSkipped++;
            return;
        }
        lateness.add(delay - said);
        if (delay > said * 1.05 + LAUNCH_MS) {
            violations.add(Kind.BACKOFF, "late " + c + " " + e.at(), c + " was launched " + delay + "ms after '"
                    + e.message() + "': later than 105% of " + said + "ms + " + LAUNCH_MS + "ms for the launch");
        }
    }

    /**
     * Every signal the daemon logged reached a process it had launched (seen with this home's
     * marker). One seen without it is another's: in a look that tells ({@link Sighting#tells}), or
     * in a young one whose parent was no daemon of this home (only a daemon's child runs, before its
     * exec, with an environment that lacks the marker). Seen only as a zombie, only as a daemon's
     * child before its exec, or never: too short-lived to be seen.
     */
    void checkSignals(List<Event> events) {
        Set<Long> daemons = new HashSet<>();
        for (Event e : events) {
            Matcher d = DAEMON_PID.matcher(e.message());
            if (e.component().isEmpty() && d.find()) {
                daemons.add(Long.parseLong(d.group(1)));
            }
        }
        for (Event e : events) {
            Matcher m = SIGNAL.matcher(e.message());
            if (!m.find()) {
                continue;
            }
            signalsChecked++;
            long pid = Long.parseLong(m.group(2));
            long ticks = Long.parseLong(m.group(3));
            census.read(pid); // a last look, at one still there
            Optional<Sighting> seen = census.seen(pid, ticks);
            boolean another = seen.filter(s -> !s.marked() && !s.empty() && (s.tells() || !daemons.contains(s.parent())))
                    .isPresent();
            if (another) {
                violations.add(Kind.WRONG_PID, pid + " " + ticks, "the daemon sent " + m.group(1) + " to pid " + pid
                        + " (start time " + ticks + "), a process it did not launch (seen " + seen.get().how() + "): "
                        + e.message());
            } else if (seen.filter(Sighting::marked).isEmpty()) {
                signalsUnverified++;
                System.out.println("chaos: " + e.message() + ": too short-lived to be seen"
                        + seen.map(s -> " (seen only " + s.how() + ")").orElse(" (never seen)"));
            }
        }
    }

    String summary() {
        List<Long> late = new ArrayList<>(lateness);
        late.sort(null);
        String spread = late.isEmpty() ? "none" : "median " + late.get(late.size() / 2) + "ms, max " + late.get(late.size() - 1) + "ms";
        return "backoff: " + delaysChecked + " restart delays checked (" + upperBoundsSkipped
                + " after a stop by the daemon: lower bound only), launch beyond the delay " + spread
                + "; signals: " + signalsChecked + " checked, " + signalsUnverified + " to processes too short-lived to be seen";
    }
}
