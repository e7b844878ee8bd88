package ai.stigmer.runtime.process;

import ai.stigmer.config.ProcessSpec;
import ai.stigmer.runtime.ComponentRuntime;
import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceMarker;
import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.runtime.LaunchException;
import ai.stigmer.runtime.SpecDigest;
import ai.stigmer.runtime.containment.Containment;
import ai.stigmer.runtime.containment.Enclosure;
import ai.stigmer.os.Executables;
import ai.stigmer.os.LibC;
import ai.stigmer.os.PosixSpawn;
import ai.stigmer.os.Waitid;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a component as a local process in a session and process group of its own, so that it
 * survives the daemon and can be signalled as a whole. Its stdout and stderr are appended to the
 * component's log file by the process itself (the file opened O_APPEND and inherited, no pipe through
 * the daemon): it goes on writing while the daemon is down and never gets a SIGPIPE from its death, and
 * the daemon rotates that file in place ({@code ai.stigmer.logs.LogRotationWatcher}). An exit carries
 * the last line it wrote there ({@link LastOutputLine}).
 * It is spawned with {@code posix_spawn} in a session of its own ({@link PosixSpawn}), as the
 * daemon's child, and its exit is seen and reaped by the one {@link ExitWatcher}: no thread per
 * instance. Each instance
 * is launched into an {@link Enclosure} of the daemon's {@link Containment} (its cgroup, with the
 * configured resource limits), which holds everything it starts.
 */
public final class ProcessRuntime implements ComponentRuntime {
    private static final Duration JOIN_WAIT = Duration.ofSeconds(5);
    /** How long a launch waits for its launcher to exit after it answered, before the exit loop takes it. */
    private static final Duration LAUNCHER_EXIT = Duration.ofSeconds(1);

    private final String component;
    private final String homeId;
    private final ProcessSpec spec;
    private final Path logFile;
    private final Containment containment;
    /** The digests each instance record carries, the same for every launch of this spec. */
    private final String commandDigest;
    private final String envDigest;
    /** The environment of every instance but its marker, encoded at the first launch ({@link #environment}). */
    private volatile byte[][] baseEnvironment;

    /**
     * With the containment this JVM has for {@code homeId} ({@link Containment#forHome}).
     *
     * @param component the component's name, carried in the instance's marker
     * @param homeId the id of the daemon's home ({@code StigmerHome.id()}), carried in the marker
     */
    public ProcessRuntime(String component, String homeId, ProcessSpec spec, Path logFile) {
        this(component, homeId, spec, logFile, Containment.forHome(homeId));
    }

    public ProcessRuntime(String component, String homeId, ProcessSpec spec, Path logFile, Containment containment) {
        this.component = component;
        this.homeId = homeId;
        this.spec = spec;
        this.logFile = logFile;
        this.containment = containment;
        this.commandDigest = spec == null ? "" : SpecDigest.ofCommand(spec.command(), spec.workingDir());
        this.envDigest = spec == null ? "" : SpecDigest.ofEnv(spec.env());
    }

    @Override
    public Instance launch() throws LaunchException {
        if (spec == null) {
            throw new LaunchException("component " + component + " is no longer configured");
        }
        String executable = resolveExecutable(spec.command().get(0));
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(spec.command().subList(1, spec.command().size()));
        if (spec.workingDir() != null && !Files.isDirectory(spec.workingDir())) {
            throw new LaunchException("working directory " + spec.workingDir() + " does not exist");
        }
        String marker = InstanceMarker.value(homeId, component, nonce());
        Enclosure enclosure = containment.enclose(component, marker, spec.resources());
        byte[][] env = environment(marker);
        long outputFrom;
        long pid;
        int[] answer = null;
        Optional<List<String>> bornInside = enclosure.bornInside(command);
        try {
            if (!Files.isDirectory(logFile.getParent())) {
                Files.createDirectories(logFile.getParent()); // which throws inside where it is there
            }
            outputFrom = LastOutputLine.mark(logFile);
            answer = bornInside.isPresent() || enclosure.joins() ? PosixSpawn.pipe() : null;
            pid = PosixSpawn.spawn(bornInside.orElseGet(() -> enclosure.command(command)), env, logFile,
                    spec.workingDir(), answer == null ? -1 : answer[1]);
        } catch (IOException e) {
            if (answer != null) {
                PosixSpawn.close(answer[0]);
            }
            throw new LaunchException("could not start " + executable + ": " + e.getMessage(), e);
        } finally {
            if (answer != null) {
                PosixSpawn.close(answer[1]);
            }
        }
        CompletableFuture<ExitStatus> ended;
        if (answer == null) {
            ended = ExitWatcher.shared().watchChild(pid);
        } else {
            Joined joined = awaitJoin(pid, answer[0], outputFrom, enclosure);
            pid = joined.pid();
            ended = joined.ended() != null ? joined.ended() : ExitWatcher.shared().watchChild(pid);
        }
        long startTicks = ProcStat.read(pid).map(ProcStat::startTicks).orElse(-1L); // ours until reaped
        enclosure.started(pid, startTicks);
        CompletableFuture<ExitStatus> exited = ended.thenApply(exit -> enclosure.explain(withLastOutput(exit, outputFrom)));
        return new ProcessInstance(InstanceRecord.ofProcess(pid, startTicks, marker, commandDigest, envDigest),
                exited, enclosure);
    }

    /**
     * The environment of an instance: the daemon's, without systemd's notification variables (the
     * socket is the daemon's: a component that speaks sd_notify would answer for it), the spec's,
     * and the instance's marker last. All but the marker is encoded at the first launch only.
     */
    private byte[][] environment(String marker) {
        byte[][] base = baseEnvironment;
        if (base == null) {
            Map<String, String> env = new LinkedHashMap<>(System.getenv());
            env.keySet().removeAll(ai.stigmer.os.SdNotify.ENVIRONMENT);
            env.putAll(spec.env());
            env.remove(InstanceMarker.ENV);
            base = PosixSpawn.environment(env);
            baseEnvironment = base;
        }
        byte[][] env = java.util.Arrays.copyOf(base, base.length + 1);
        env[base.length] = PosixSpawn.environmentEntry(InstanceMarker.ENV, marker);
        return env;
    }

    /** The instance's pid, and its exit's future where watching it began already (else null). */
    private record Joined(long pid, CompletableFuture<ExitStatus> ended) {}

    /**
     * Waits until the launched process says the instance is in its cgroup, and returns the
     * instance's pid: the launched process itself when it joined and exec'd in place, or the child it
     * cloned inside ({@link Enclosure#bornInside}). One that ended without saying so could not join:
     * that is a failed launch (its last line says why), not an exit.
     */
    private Joined awaitJoin(long pid, int answerFd, long outputFrom, Enclosure enclosure) throws LaunchException {
        String answer;
        try {
            answer = PosixSpawn.awaitAnswer(answerFd, JOIN_WAIT.toMillis());
        } catch (IOException e) {
            answer = null;
        } finally {
            PosixSpawn.close(answerFd);
        }
        if (answer != null && answer.length() > 1 && answer.charAt(0) == Enclosure.CLONED) {
            long instance;
            try {
                instance = Long.parseLong(answer.substring(1));
            } catch (NumberFormatException e) {
                ExitWatcher.shared().watchChild(pid); // reaped there
                throw new LaunchException("the launcher of " + enclosure.describe() + " answered " + answer);
            }
            reapLauncher(pid);
            return new Joined(instance, null);
        }
        if (answer != null && answer.equals(String.valueOf((char) Enclosure.JOINED))) {
            return new Joined(pid, null);
        }
        CompletableFuture<ExitStatus> ended = ExitWatcher.shared().watchChild(pid);
        if (answer == null) {
            LibC.kill(pid, 9); // our child, not yet reaped: the pid is still its own
            throw new LaunchException("the process did not join " + enclosure.describe() + " within "
                    + JOIN_WAIT.toMillis() + "ms");
        }
        ExitStatus exit;
        try {
            exit = ended.get(JOIN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Joined(pid, ended);
        } catch (ExecutionException | TimeoutException e) {
            return new Joined(pid, ended); // it closed fd 3 and runs on: its exit will be seen as any other
        }
        String last = LastOutputLine.read(logFile, outputFrom);
        if (exit.code() == 125 && last.startsWith(Enclosure.JOIN_FAILED)) {
            throw new LaunchException("could not place the process in " + enclosure.describe() + ": " + last);
        }
        return new Joined(pid, ended);
    }

    /**
     * The launcher exits as it answers (its end of the pipe closed as it exits): reaped here, not by
     * the exit loop, which would wake twice during the launch (to watch it, to reap it) beside the
     * command's exec. One still there after {@link #LAUNCHER_EXIT} is left to the exit loop.
     */
    private static void reapLauncher(long pid) {
        long deadline = System.nanoTime() + LAUNCHER_EXIT.toNanos();
        long pause = 20_000;
        while (true) {
            try {
                if (Waitid.reapIfEnded(pid).isPresent()) {
                    return;
                }
            } catch (IllegalStateException e) {
                return; // not a child to reap: nothing is left of it
            }
            if (System.nanoTime() - deadline >= 0) {
                ExitWatcher.shared().watchChild(pid);
                return;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 10_000_000);
        }
    }

    /**
     * An exit with a code of its own comes with the last line the instance wrote, which usually says
     * why ("port 50051 on 127.0.0.1 is already in use"). A death by signal does not: its last line
     * was written before the signal and is not the cause.
     */
    private ExitStatus withLastOutput(ExitStatus exit, long outputFrom) {
        return exit.signal() != 0 || exit.code() < 0 ? exit : exit.withLastOutput(LastOutputLine.read(logFile, outputFrom));
    }

    /**
     * Takes over an instance of an earlier daemon only once the process proves it is ours
     * ({@link OwnershipProof}: pid above 1, same start time, our exact marker in its environment); its
     * exit is then seen at once ({@link ExitWatcher}), its age continues, and a command or env changed
     * in the config since its launch shows in {@link Instance#drift()}.
     */
    @Override
    public Optional<Instance> adopt(InstanceRecord record) {
        return AdoptedProcess.adopt(component, homeId, record, spec, (proven, exited) ->
                new ProcessInstance(proven, exited, containment.reattach(component, proven.pid(), proven.startTicks())));
    }

    /**
     * A runtime for a component that is no longer configured: it can only adopt (so as to stop)
     * what an earlier daemon left of it, after the same proof; it never launches.
     */
    public static ProcessRuntime ofRemovedComponent(String component, String homeId, Path logFile) {
        return new ProcessRuntime(component, homeId, null, logFile);
    }

    /** Tells launches apart: the marker of each instance is its own. */
    private static String nonce() {
        return Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
    }

    /** The absolute path of the command, looked up in PATH when it has no slash. */
    private static String resolveExecutable(String name) throws LaunchException {
        if (name.contains("/")) {
            Path p = Path.of(name);
            if (!Files.isRegularFile(p)) {
                throw new LaunchException("command not found: " + name);
            }
            if (!Files.isExecutable(p)) {
                throw new LaunchException("command is not executable: " + name);
            }
            return p.toAbsolutePath().toString();
        }
        return Executables.inPath(name)
                .orElseThrow(() -> new LaunchException("command not found in PATH: " + name));
    }
}
