package ai.stigmer.testing;

import ai.stigmer.config.ProcessSpec;
import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.runtime.SpecDigest;
import ai.stigmer.runtime.process.ProcStat;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A process as a crashed daemon leaves it: a session leader that is not our child (its parent shell
 * exited, so PID 1 adopted it), with the environment the test chooses, such as an instance marker or
 * none at all. Closing it kills its whole session.
 */
public final class OrphanProcess implements AutoCloseable {
    public final long pid;
    public final long startTicks;
    public final List<String> command;

    private OrphanProcess(long pid, long startTicks, List<String> command) {
        this.pid = pid;
        this.startTicks = startTicks;
        this.command = command;
    }

    /** Starts {@code command} in a session of its own, orphaned, with {@code env} added to ours. */
    public static OrphanProcess start(Map<String, String> env, String... command) throws Exception {
        List<String> line = new java.util.ArrayList<>(List.of("/bin/sh", "-c",
                "setsid \"$@\" </dev/null >/dev/null 2>&1 & echo $!", "sh"));
        line.addAll(List.of(command));
        ProcessBuilder sh = new ProcessBuilder(line);
        sh.environment().putAll(env);
        sh.redirectErrorStream(true);
        Process p = sh.start();
        long pid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            pid = Long.parseLong(out.readLine().trim());
        }
        p.waitFor();
        Await.until("pid " + pid + " leads its own session", Duration.ofSeconds(20),
                () -> ProcStat.read(pid).map(s -> s.session() == pid).orElse(false));
        return new OrphanProcess(pid, ProcStat.read(pid).orElseThrow().startTicks(), List.of(command));
    }

    /** What a daemon that launched it with {@code spec} would have recorded, carrying {@code marker}. */
    public InstanceRecord record(String marker, ProcessSpec spec) {
        return InstanceRecord.ofProcess(pid, startTicks, marker, SpecDigest.ofCommand(spec.command(), spec.workingDir()),
                SpecDigest.ofEnv(spec.env()));
    }

    /** Still running (not a zombie) as the same process. */
    public boolean alive() {
        return ProcStat.read(pid).filter(s -> s.startTicks() == startTicks && !s.gone()).isPresent();
    }

    /** SIGKILL, if it still runs as the same process. */
    public void kill() {
        if (alive()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Override
    public void close() {
        if (ProcStat.read(pid).filter(s -> s.startTicks() == startTicks).isPresent()) {
            try {
                new ProcessBuilder("kill", "-9", "--", "-" + pid).start().waitFor();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
