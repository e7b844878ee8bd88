package ai.stigmer.probe;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code exec}: the command exits 0; at the timeout it is killed and the check fails. */
public final class ExecCheck implements Check {
    private final List<String> command;

    public ExecCheck(List<String> command) {
        this.command = List.copyOf(command);
    }

    @Override
    public String describe() {
        return "exec " + command.get(0);
    }

    @Override
    public CheckResult run(CheckContext context) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            if (!process.waitFor(context.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                return CheckResult.fail("timeout");
            }
            int code = process.exitValue();
            return code == 0 ? CheckResult.pass() : CheckResult.fail("exit code " + code);
        } finally {
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }
}
