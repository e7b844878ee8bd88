package ai.stigmer.alerts;

import ai.stigmer.config.Durations;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command with the event in {@code STIGMER_COMPONENT}, {@code STIGMER_EVENT}, {@code STIGMER_FROM},
 * {@code STIGMER_TO}, {@code STIGMER_MESSAGE} and {@code STIGMER_TIME}; stdin from /dev/null, output
 * discarded. One that outlives its timeout is killed, with whatever it started.
 */
final class ExecHook implements Hook {
    private final List<String> command;

    ExecHook(List<String> command) {
        this.command = List.copyOf(command);
    }

    @Override
    public void deliver(AlertEvent event, Duration timeout) throws HookFailedException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(event.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new HookFailedException("could not start: " + e.getMessage());
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new HookFailedException("did not finish within " + Durations.format(timeout) + "; killed");
            }
        } catch (InterruptedException e) {
            kill(process); // the daemon is shutting down
            throw e;
        }
        if (process.exitValue() != 0) {
            throw new HookFailedException("exited with code " + process.exitValue());
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
