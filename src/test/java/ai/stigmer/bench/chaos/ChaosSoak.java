package ai.stigmer.bench.chaos;

import ai.stigmer.bench.chaos.Census.Proc;
import ai.stigmer.bench.chaos.StigmerCli.Result;
import ai.stigmer.bench.chaos.StigmerCli.Status;
import ai.stigmer.bench.chaos.Violations.Kind;
import ai.stigmer.config.Durations;
import ai.stigmer.daemon.StigmerHome;
import ai.stigmer.os.LibC;
import ai.stigmer.runtime.InstanceMarker;
import ai.stigmer.runtime.Signals;
import ai.stigmer.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chaos soak that {@code bench/chaos.sh} runs: starts a daemon with {@link SoakConfig}, causes
 * {@link Faults} for the given duration while {@link Watch} checks the invariants, then checks the
 * log ({@link LogChecks}), stops the daemon, checks that nothing is left, and prints the summary
 * line. Exit 0 only without a violation; 1 with any; 2 on bad arguments.
 */
public final class ChaosSoak {
    private static final String SELF_TEST_NONCE = "5e1f7e575e1f7e57";

    private final Map<String, String> args;
    private final Violations violations = new Violations();

    private ChaosSoak(Map<String, String> args) {
        this.args = args;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--self-test")) {
                args.put("self-test", "true");
            } else if (argv[i].startsWith("--") && i + 1 < argv.length) {
                args.put(argv[i].substring(2), argv[++i]);
            } else {
                System.err.println("chaos: unknown argument " + argv[i]);
                System.exit(2);
            }
        }
        System.exit(new ChaosSoak(args).run());
    }

    private int run() throws Exception {
        Path install = Path.of(args.get("install"));
        Path home = Path.of(args.get("home")).toAbsolutePath().normalize();
        Path work = Path.of(args.get("work"));
        Duration duration = Durations.parse(args.get("duration"));
        long seed = args.containsKey("seed") ? Long.parseLong(args.get("seed")) : System.nanoTime() % 1_000_000;
        boolean selfTest = args.containsKey("self-test");
        String homeId = new StigmerHome(home).id();
        Docker docker = new Docker(args.get("docker-host"), args.get("engine-restart"));
        SoakConfig config = new SoakConfig(Ports.free(), Ports.free(), docker.present() ? "stigmer-chaos-" + homeId : null);
        Path configFile = work.resolve("chaos.yaml");
        Files.writeString(configFile, config.yaml());
        // The signal audit lines are DEBUG: a second configuration, merged into the install's own.
        Path signals = work.resolve("log4j2-signals.xml");
        Files.writeString(signals, """
                <?xml version="1.0" encoding="UTF-8"?>
                <Configuration status="warn"><Loggers><Logger name="ai.stigmer.signals" level="debug"/></Loggers></Configuration>
                """);
        String javaOpts = "-Dlog4j2.configurationFile=" + install.resolve("conf/log4j2.xml") + "," + signals;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("STIGMER_HOME", home.toString());
        if (docker.present()) {
            env.put("DOCKER_HOST", docker.host());
        }
        StigmerCli cli = new StigmerCli(install, configFile, env);

        System.out.println("chaos: seed " + seed + " (repeat with --seed " + seed + "), " + duration.toSeconds() + " s, home "
                + home + ", components " + config.components() + (docker.present() ? ", engine " + docker.host()
                : " (no Docker component)") + (selfTest ? ", SELF-TEST: violations injected" : ""));
        Census census = new Census(homeId, home.resolve("run"));
        DaemonLog log = new DaemonLog(home.resolve("logs/daemon.log"));
        LogChecks logChecks = new LogChecks(config, census, violations);
        Result started = cli.startDaemon(javaOpts);
        if (started.exit() != 0) {
            System.out.println("chaos: the daemon did not start (exit " + started.exit() + "):\n" + started.out());
            return 1;
        }
        Watch watch = new Watch(census, cli, violations, config, docker);
        Faults faults = new Faults(seed, config, census, watch, cli, docker, violations, javaOpts);
        faults.crashLoop();
        watch.start();
        Process stray = null;
        long end = System.currentTimeMillis() + duration.toMillis();
        java.util.Random random = new java.util.Random(seed);
        Optional<Status> steady = faults.awaitSteady(System.currentTimeMillis(), "after the daemon's start");
        if (selfTest && steady.isPresent()) {
            stray = injectViolations(steady.get(), homeId, census, log);
            steady = faults.awaitSteady(System.currentTimeMillis(), "after the self-test's kill");
        }
        while (steady.isPresent() && System.currentTimeMillis() < end) {
            logChecks.checkpoint(steady.get(), log.events());
            steady = faults.next(steady.get());
            Watch.sleep(200 + random.nextInt(600));
        }
        steady.ifPresent(s -> logChecks.checkpoint(s, log.events()));
        watch.checkProcesses();
        watch.close();

        Result stop = cli.stop();
        if (stop.exit() != 0) {
            System.out.println("chaos: bin/stigmer server stop exited " + stop.exit() + ":\n" + stop.out().strip());
        }
        checkNothingLeft(census, docker, homeId);
        List<DaemonLog.Event> events = log.events();
        logChecks.checkRestarts(faults.all(), events);
        logChecks.checkBackoff(events);
        logChecks.checkSignals(events);
        if (stray != null) {
            stray.destroyForcibly().waitFor();
        }

        printFaults(faults.all());
        System.out.println("chaos: " + logChecks.summary() + "; " + watch.scans() + " looks at /proc, "
                + watch.statuses() + " statuses");
        System.out.println("chaos: " + violations.count(Kind.RESTARTS) + " restart-count, " + violations.count(Kind.BACKOFF)
                + " backoff violations; stop exit " + stop.exit() + (stop.exit() == 0 ? "" : " (a violation)"));
        System.out.println("chaos: " + faults.all().size() + " faults, " + violations.count(Kind.LOST) + " lost, "
                + violations.count(Kind.DUPLICATE) + " duplicate, " + violations.count(Kind.ORPHAN) + " orphan, "
                + violations.count(Kind.WRONG_PID) + " wrong-pid");
        return violations.total() == 0 && stop.exit() == 0 ? 0 : 1;
    }

    /** After {@code stop}: no process with this home's marker, no container of this home. */
    private void checkNothingLeft(Census census, Docker docker, String homeId) {
        for (Proc p : census.scan()) {
            if (p.marked() && p.alive()) {
                violations.add(Kind.ORPHAN, "left " + p.pid() + " " + p.ticks(), "pid " + p.pid() + " (" + p.component()
                        + ", instance " + p.nonce() + ") still runs after bin/stigmer server stop");
            }
        }
        for (String id : docker.allContainers(homeId)) {
            violations.add(Kind.ORPHAN, "left container " + id, "container " + id + " is still there after bin/stigmer server stop");
        }
    }

    /**
     * The self-test's violations, each of which a sound soak must report: a stray process with a
     * sleeper marker outside its cgroup (a duplicate, an orphan, and left after stop), a SIGKILL of
     * the sleeper that no fault accounts for (an unexplained restart), and a signal line naming a
     * process the daemon never launched (this JVM: a wrong pid).
     */
    private Process injectViolations(Status s, String homeId, Census census, DaemonLog log) throws Exception {
        System.out.println("chaos: self-test: a stray sleeper instance, an unrecorded SIGKILL, a forged signal line");
        ProcessBuilder stray = new ProcessBuilder("sleep", "600").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true);
        stray.environment().put(InstanceMarker.ENV, InstanceMarker.value(homeId, SoakConfig.SLEEPER, SELF_TEST_NONCE));
        Process p = stray.start();
        census.read(s.get(SoakConfig.SLEEPER).pid()).filter(Proc::alive)
                .ifPresent(sleeper -> LibC.kill(sleeper.pid(), Signals.SIGKILL));
        long self = ProcessHandle.current().pid();
        long ticks = census.read(self).orElseThrow().ticks();
        log.forge("DEBUG", "Sent SIGTERM to pid " + self + " (start time " + ticks + ")");
        return p;
    }

    private static void printFaults(List<Fault> faults) {
        Map<String, Integer> byKind = new LinkedHashMap<>();
        faults.forEach(f -> byKind.merge(f.kind, 1, Integer::sum));
        System.out.println("chaos: faults by kind " + byKind + "; ended " + Instant.now());
    }
}
