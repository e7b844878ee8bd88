package ai.stigmer.bench.chaos;

import ai.stigmer.bench.chaos.Census.Proc;
import ai.stigmer.bench.chaos.StigmerCli.Component;
import ai.stigmer.bench.chaos.StigmerCli.Status;
import ai.stigmer.bench.chaos.Violations.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The invariants checked all along, on two threads: {@code /proc} (several times a second) for
 * duplicates (two instances of one component alive at once) and orphans (a marked process outside
 * its component's cgroup, or outside its instance's session in the session mode), and
 * {@code status --json} (about once a second) for lost instances (status names a pid or container
 * that no longer runs as that component) and duplicate containers.
 */
final class Watch implements AutoCloseable {
    private static final long SCAN_PERIOD_MS = 300;
    private static final long RECORD_PERIOD_MS = 100;
    private static final long STATUS_GAP_MS = 700;
    /** How long a marked process may sit outside its enclosure: the launch wrapper joins the cgroup before it execs. */
    private static final long OUTSIDE_GRACE_MS = 1_500;

    private final Census census;
    private final StigmerCli cli;
    private final Violations violations;
    private final SoakConfig config;
    private final Docker docker;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private volatile Status latest;
    private volatile boolean cgroupMode = true;
    private volatile long daemonPid = -1;
    private final Map<String, Long> outsideSince = new HashMap<>();
    /** What the previous status claimed that did not run (key: component, pid, container). */
    private final Map<String, String> suspectLost = new HashMap<>();
    private volatile int scans;
    private volatile int statuses;

    Watch(Census census, StigmerCli cli, Violations violations, SoakConfig config, Docker docker) {
        this.census = census;
        this.cli = cli;
        this.violations = violations;
        this.config = config;
        this.docker = docker;
    }

    void start() {
        threads.add(loop("chaos-proc", RECORD_PERIOD_MS, new Runnable() {
            private long lastScan;

            @Override
            public void run() {
                census.pollRecords();
                if (System.currentTimeMillis() - lastScan >= SCAN_PERIOD_MS) {
                    lastScan = System.currentTimeMillis();
                    checkProcesses();
                }
            }
        }));
        threads.add(loop("chaos-status", STATUS_GAP_MS, this::checkStatus));
    }

    private Thread loop(String name, long gapMs, Runnable step) {
        Thread t = new Thread(() -> {
            while (running.get()) {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    System.out.println("chaos: " + name + " step failed: " + e);
                }
                sleep(gapMs);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The newest status taken after {@code since} that satisfies {@code ok}, waiting up to {@code limit}. */
    Optional<Status> await(long since, Duration limit, Predicate<Status> ok) {
        long deadline = System.currentTimeMillis() + limit.toMillis();
        while (System.currentTimeMillis() < deadline) {
            Status s = latest;
            if (s != null && s.at() >= since && ok.test(s)) {
                return Optional.of(s);
            }
            sleep(50);
        }
        return Optional.empty();
    }

    Status latest() {
        return latest;
    }

    int scans() {
        return scans;
    }

    int statuses() {
        return statuses;
    }

    /** Duplicates and orphans in one look at /proc. */
    void checkProcesses() {
        List<Proc> all = census.scan();
        scans++;
        Map<String, List<Proc>> byComponent = new HashMap<>();
        for (Proc p : all) {
            census.noteLeader(p);
            if (p.marked() && p.alive()) {
                byComponent.computeIfAbsent(p.component(), c -> new ArrayList<>()).add(p);
            }
        }
        Set<String> outsideNow = new TreeSet<>();
        for (Map.Entry<String, List<Proc>> e : byComponent.entrySet()) {
            String component = e.getKey();
            List<Proc> procs = e.getValue();
            if (!config.components().contains(component)) {
                procs.forEach(p -> violations.add(Kind.ORPHAN, "unknown " + p.pid() + " " + p.ticks(),
                        "pid " + p.pid() + " carries a marker of this home for " + component + ", which is not configured"));
                continue;
            }
            Set<String> nonces = procs.stream().map(Proc::nonce).collect(Collectors.toCollection(TreeSet::new));
            if (nonces.size() > 1 && stillAlive(procs) && stillAlive(procs)) {
                violations.add(Kind.DUPLICATE, component + " " + nonces, component + " has " + nonces.size()
                        + " instances alive at once: " + describe(procs));
            }
            for (Proc p : procs) {
                if (outside(p)) {
                    String key = p.pid() + " " + p.ticks();
                    outsideNow.add(key);
                    long since;
                    synchronized (outsideSince) {
                        since = outsideSince.computeIfAbsent(key, k -> System.currentTimeMillis());
                    }
                    if (System.currentTimeMillis() - since > OUTSIDE_GRACE_MS && census.read(p.pid()).filter(q ->
                            q.ticks() == p.ticks() && q.alive() && outside(q)).isPresent()) {
                        violations.add(Kind.ORPHAN, key, "pid " + p.pid() + " (" + component + ", instance " + p.nonce()
                                + ") is outside its enclosure: " + where(p));
                    }
                }
            }
        }
        synchronized (outsideSince) {
            outsideSince.keySet().retainAll(outsideNow);
        }
    }

    private boolean outside(Proc p) {
        if (cgroupMode) {
            return !p.cgroup().endsWith("/stigmer-" + census.homeId() + "/" + p.component());
        }
        // The session mode: in its instance's session, or an orphan handed back to the daemon (its subreaper).
        return census.instances(p.component()).stream().filter(i -> i.nonce().equals(p.nonce()))
                .noneMatch(i -> i.pid() == p.session()) && p.ppid() != daemonPid;
    }

    private String where(Proc p) {
        return cgroupMode ? "cgroup " + p.cgroup() : "session " + p.session() + ", parent " + p.ppid();
    }

    /** True if every one of {@code procs} is still the same live process now. */
    private boolean stillAlive(List<Proc> procs) {
        return procs.stream().allMatch(p -> census.read(p.pid()).filter(q -> q.ticks() == p.ticks() && q.alive()).isPresent());
    }

    private static String describe(List<Proc> procs) {
        return procs.stream().map(p -> p.pid() + " (instance " + p.nonce() + ")").collect(Collectors.joining(", "));
    }

    /** Lost instances in one status: a component said to run with a pid or container that is not its own live one. */
    void checkStatus() {
        Optional<Status> read = cli.status();
        if (read.isEmpty()) {
            return;
        }
        Status s = read.get();
        statuses++;
        daemonPid = s.daemonPid();
        cgroupMode = s.containment().startsWith("cgroup");
        latest = s;
        // A pid or container is suspect when it does not run as its component; lost when the next
        // status, a second or more later, still claims it (the daemon sees an exit at once).
        Map<String, String> suspects = new HashMap<>();
        for (Component c : s.components().values()) {
            boolean claimsLive = ("Running".equals(c.state()) || "Starting".equals(c.state())) && !c.stopping();
            boolean named = c.pid() > 0 || !c.containerId().isEmpty();
            if (!claimsLive || (!named && "Starting".equals(c.state()))) {
                continue; // Starting without a pid or container yet: its launch is in flight
            }
            String key = c.name() + " " + c.pid() + " " + c.containerId();
            Optional<String> wrong = SoakConfig.isDocker(c.name()) ? docker.notRunning(c.containerId()) : notItsProcess(c);
            if (wrong.isPresent()) {
                suspects.put(key, wrong.get());
                if (suspectLost.containsKey(key)) {
                    violations.add(Kind.LOST, key, "status says " + c.name() + " is " + c.state() + " as "
                            + (c.pid() > 0 ? "pid " + c.pid() : "container " + c.containerId()) + ", but " + wrong.get());
                }
            }
        }
        suspectLost.clear();
        suspectLost.putAll(suspects);
        if (config.docker()) {
            List<String> running = docker.runningContainers(census.homeId(), SoakConfig.AGENT);
            if (running.size() > 1 && docker.runningContainers(census.homeId(), SoakConfig.AGENT).size() > 1) {
                violations.add(Kind.DUPLICATE, "containers " + running, SoakConfig.AGENT + " has " + running.size()
                        + " containers running at once: " + running);
            }
        }
    }

    private Optional<String> notItsProcess(Component c) {
        if (c.pid() <= 0) {
            return "Running".equals(c.state()) ? Optional.of("it shows no pid") : Optional.empty();
        }
        Optional<Proc> p = census.read(c.pid());
        if (p.isEmpty() || !p.get().alive()) {
            return Optional.of("pid " + c.pid() + " does not run");
        }
        if (!c.name().equals(p.get().component())) {
            return Optional.of("pid " + c.pid() + " carries no marker of " + c.name());
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        running.set(false);
        for (Thread t : threads) {
            try {
                t.join(35_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
