package ai.stigmer.bench.chaos;

import ai.stigmer.bench.chaos.Census.Proc;
import ai.stigmer.bench.chaos.StigmerCli.Component;
import ai.stigmer.bench.chaos.StigmerCli.Result;
import ai.stigmer.bench.chaos.StigmerCli.Status;
import ai.stigmer.bench.chaos.Violations.Kind;
import ai.stigmer.os.LibC;
import ai.stigmer.runtime.Signals;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Causes the faults, one at a time, each on a component (or the daemon, or the engine) that runs
 * steadily, and waits until the daemon has recovered from it: the fault's window ends there. A
 * component that does not come back within {@link #RECOVERY} is lost.
 */
final class Faults {
    static final Duration RECOVERY = Duration.ofSeconds(60);
    private static final Duration SHORT_STOP = Duration.ofMillis(200);
    /** Longer than the gRPC liveness needs to fail (period × threshold + timeout), with room to spare. */
    private static final Duration LONG_STOP = Duration.ofSeconds(6);

    private final Random random;
    private final SoakConfig config;
    private final Census census;
    private final Watch watch;
    private final StigmerCli cli;
    private final Docker docker;
    private final Violations violations;
    private final String daemonJavaOpts;
    private final List<Fault> faults = new ArrayList<>();
    /** The kinds of fault caused so far. */
    private final java.util.Set<String> caused = new java.util.HashSet<>();
    private boolean engineUsable;
    private final long began = System.currentTimeMillis();

    Faults(long seed, SoakConfig config, Census census, Watch watch, StigmerCli cli, Docker docker,
           Violations violations, String daemonJavaOpts) {
        this.random = new Random(seed);
        this.config = config;
        this.census = census;
        this.watch = watch;
        this.cli = cli;
        this.docker = docker;
        this.violations = violations;
        this.daemonJavaOpts = daemonJavaOpts;
        this.engineUsable = docker.present();
    }

    List<Fault> all() {
        return List.copyOf(faults);
    }

    /** Every steady component Running in a status taken after {@code since}; lost ones are reported. */
    Optional<Status> awaitSteady(long since, String why) {
        Optional<Status> s = watch.await(since, RECOVERY, this::steady);
        if (s.isEmpty()) {
            Status last = watch.latest();
            for (String c : config.steady()) {
                Component comp = last == null ? null : last.get(c);
                if (comp == null || !comp.running()) {
                    violations.add(Kind.LOST, "steady " + c + " " + since, c + " is not Running " + RECOVERY.toSeconds()
                            + " s " + why + (comp == null ? " (no status)" : " (" + comp.state() + ": " + comp.lastError() + ")"));
                }
            }
        }
        return s;
    }

    private boolean steady(Status s) {
        return config.steady().stream().allMatch(c -> s.get(c) != null && s.get(c).running());
    }

    /**
     * Picks (seeded; each kind once before any twice) and causes the next fault, and waits for the
     * recovery from it: the status that shows every steady component Running again, or empty if one
     * did not come back (reported).
     */
    Optional<Status> next(Status now) {
        List<String> kinds = new ArrayList<>();
        add(kinds, "kill", 6);
        add(kinds, "stop-short", 2);
        add(kinds, "stop-long", 2);
        add(kinds, "squat", 2);
        add(kinds, "daemon-kill", 2);
        if (engineUsable) {
            add(kinds, "docker-kill", 2);
            add(kinds, "engine-restart", 1);
        }
        // Every kind once first, in a seeded order, then by weight: a short run (a slow machine makes
        // fewer faults in its time) still has each kind, where drawing by weight alone could miss one.
        List<String> notYet = kinds.stream().distinct().filter(k -> !caused.contains(k)).toList();
        String kind = notYet.isEmpty() ? kinds.get(random.nextInt(kinds.size())) : notYet.get(random.nextInt(notYet.size()));
        caused.add(kind);
        List<String> processes = List.of(SoakConfig.GRPC, SoakConfig.SLEEPER, SoakConfig.FORKER);
        switch (kind) {
            case "kill" -> { return kill(now.get(processes.get(random.nextInt(processes.size())))); }
            case "stop-short" -> { return stop(now.get(processes.get(random.nextInt(processes.size()))), SHORT_STOP, 0); }
            case "stop-long" -> {
                String c = processes.get(random.nextInt(processes.size()));
                // Only the gRPC server's liveness can see a stopped process: `process {}` passes for it.
                return stop(now.get(c), LONG_STOP, c.equals(SoakConfig.GRPC) ? 1 : 0);
            }
            case "squat" -> { return squat(now.get(SoakConfig.GRPC), Duration.ofMillis(2_000 + random.nextInt(2_000))); }
            case "daemon-kill" -> { return daemonKill(now, Duration.ofMillis(200 + random.nextInt(1_800))); }
            case "docker-kill" -> { return dockerKill(now.get(SoakConfig.AGENT)); }
            case "engine-restart" -> { return engineRestart(); }
            default -> throw new IllegalStateException(kind);
        }
    }

    private static void add(List<String> kinds, String kind, int weight) {
        for (int i = 0; i < weight; i++) {
            kinds.add(kind);
        }
    }

    /** Records the fault that the daemon's start is: a crash-looper begins its climb to the restart limit. */
    Fault crashLoop() {
        Fault f = open("crash-loop", List.of(SoakConfig.CRASHLOOP), 0, SoakConfig.CRASHLOOP_MAX_RESTARTS);
        f.detail = "climbs the backoff to Failed after " + SoakConfig.CRASHLOOP_MAX_RESTARTS + " restarts";
        return f;
    }

    private Fault open(String kind, List<String> components, int min, int max) {
        Fault f = new Fault(faults.size() + 1, kind, components, System.currentTimeMillis(), min, max);
        faults.add(f);
        return f;
    }

    /** The live process of {@code c}'s pid, proven to be that component's by its marker. */
    private Optional<Proc> own(Component c) {
        return census.read(c.pid()).filter(p -> p.alive() && p.component().equals(c.name()));
    }

    private boolean signal(Proc p, int signal) {
        // Checked just before: a pid reused since the look is never signalled (kill(2) has no pidfd here).
        return census.read(p.pid()).filter(q -> q.ticks() == p.ticks()).isPresent() && LibC.kill(p.pid(), signal);
    }

    private Optional<Status> kill(Component c) {
        Optional<Proc> p = own(c);
        if (p.isEmpty()) {
            return awaitSteady(System.currentTimeMillis(), "(no live pid to aim at)");
        }
        Fault f = open("kill", List.of(c.name()), 1, 1);
        f.detail = "SIGKILL pid " + c.pid();
        signal(p.get(), Signals.SIGKILL);
        return recover(f, s -> s.get(c.name()).running() && s.get(c.name()).pid() != c.pid());
    }

    private Optional<Status> stop(Component c, Duration stopped, int restarts) {
        Optional<Proc> p = own(c);
        if (p.isEmpty()) {
            return awaitSteady(System.currentTimeMillis(), "(no live pid to aim at)");
        }
        Fault f = open(stopped.compareTo(SHORT_STOP) > 0 ? "stop-long" : "stop-short", List.of(c.name()), restarts, restarts);
        f.detail = "SIGSTOP pid " + c.pid() + " for " + stopped.toMillis() + "ms, then SIGCONT";
        signal(p.get(), Signals.SIGSTOP);
        Watch.sleep(stopped.toMillis());
        signal(p.get(), Signals.SIGCONT); // the daemon may have stopped it already: then it is gone
        long after = System.currentTimeMillis();
        if (restarts == 0) {
            // Continued in time: the same process runs on, with no restart; a while later still.
            Watch.sleep(1_500);
            return recover(f, s -> s.at() >= after + 1_500 && s.get(c.name()).running() && s.get(c.name()).pid() == c.pid());
        }
        return recover(f, s -> s.get(c.name()).running() && s.get(c.name()).pid() != c.pid());
    }

    private Optional<Status> squat(Component c, Duration hold) {
        Optional<Proc> p = own(c);
        if (p.isEmpty()) {
            return awaitSteady(System.currentTimeMillis(), "(no live pid to aim at)");
        }
        Fault f = open("squat", List.of(c.name()), 1, 2 + (int) (hold.toMillis() / SoakConfig.INITIAL.toMillis()));
        f.detail = "SIGKILL pid " + c.pid() + ", port " + config.grpcPort() + " held " + hold.toMillis() + "ms";
        signal(p.get(), Signals.SIGKILL);
        ServerSocket squatter = null;
        long deadline = System.currentTimeMillis() + 3_000;
        while (squatter == null && System.currentTimeMillis() < deadline) {
            try {
                squatter = new ServerSocket(config.grpcPort(), 50, InetAddress.getLoopbackAddress());
            } catch (IOException stillHeld) {
                Watch.sleep(5); // the killed server's socket closes as it exits
            }
        }
        if (squatter == null) {
            f.detail += "; the port could not be taken (the new instance was faster)";
        }
        Watch.sleep(hold.toMillis());
        closeQuietly(squatter);
        return recover(f, s -> s.get(c.name()).running() && s.get(c.name()).pid() != c.pid());
    }

    private Optional<Status> daemonKill(Status before, Duration down) {
        Optional<ProcessHandle> daemon = ProcessHandle.of(before.daemonPid());
        if (daemon.isEmpty()) {
            return awaitSteady(System.currentTimeMillis(), "(no daemon pid)");
        }
        Fault f = open("daemon-kill", config.steady(), 0, 0);
        f.detail = "kill -9 pid " + before.daemonPid() + ", restarted " + down.toMillis() + "ms later";
        daemon.get().destroyForcibly();
        long deadline = System.currentTimeMillis() + 10_000;
        while (daemon.get().isAlive() && System.currentTimeMillis() < deadline) {
            Watch.sleep(10);
        }
        Watch.sleep(down.toMillis());
        Result start = cli.startDaemon(daemonJavaOpts);
        if (start.exit() != 0) {
            violations.add(Kind.LOST, "daemon start " + f.seq, "the daemon did not start again (exit " + start.exit()
                    + "): " + start.out().strip());
        }
        crashLoop();
        Map<String, String> was = new HashMap<>();
        for (String c : config.steady()) {
            was.put(c, identity(before.get(c)));
        }
        Optional<Status> after = recover(f, this::steady);
        // The new daemon adopts what runs: the same pids and containers, nothing relaunched.
        after.ifPresent(s -> was.forEach((c, id) -> {
            if (!id.equals(identity(s.get(c)))) {
                violations.add(Kind.LOST, "adopt " + f.seq + " " + c, c + " was " + id + " before the daemon's kill -9, "
                        + identity(s.get(c)) + " after its restart: not adopted");
            }
        }));
        return after;
    }

    private static String identity(Component c) {
        return SoakConfig.isDocker(c.name()) ? "container " + c.containerId() : "pid " + c.pid();
    }

    private Optional<Status> dockerKill(Component c) {
        if (c.containerId().isEmpty()) {
            return awaitSteady(System.currentTimeMillis(), "(no container)");
        }
        Fault f = open("docker-kill", List.of(c.name()), 1, 1);
        f.detail = "docker kill " + c.containerId().substring(0, 12);
        docker.kill(c.containerId());
        return recover(f, s -> s.get(c.name()).running() && !s.get(c.name()).containerId().equals(c.containerId()));
    }

    private Optional<Status> engineRestart() {
        long t0 = System.currentTimeMillis();
        Fault f = open("engine-restart", List.of(SoakConfig.AGENT), 0, 0);
        Result r = docker.restartEngine();
        long down = System.currentTimeMillis() - t0;
        // Each launch while the engine is away fails and backs off; the delays sum up to at most `down`.
        f.maxRestarts = 3 + (int) (down / SoakConfig.INITIAL.toMillis());
        f.detail = "private dockerd stopped and started again in " + down + "ms";
        if (r.exit() != 0) {
            System.out.println("chaos: the private engine did not come back (" + r.out().strip()
                    + "); no more Docker faults");
            engineUsable = false;
        }
        return recover(f, s -> s.get(SoakConfig.AGENT).running());
    }

    /** Waits for the recovery; the fault's window ends with the status that shows it. */
    private Optional<Status> recover(Fault f, Predicate<Status> recovered) {
        Optional<Status> s = watch.await(f.start, RECOVERY, st -> steady(st) && recovered.test(st));
        f.end = System.currentTimeMillis();
        System.out.printf("chaos: %6.1fs fault %s, recovered in %d ms%n", (f.start - began) / 1000.0, f, f.end - f.start);
        if (s.isEmpty()) {
            violations.add(Kind.LOST, "recover " + f.seq, "no recovery from fault " + f + " within " + RECOVERY.toSeconds()
                    + " s: " + watch.latest());
        }
        return s;
    }

    private static void closeQuietly(ServerSocket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closed
            }
        }
    }
}
