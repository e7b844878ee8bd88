package ai.stigmer.cli;

/** A failure the command line reports in one line, with the exit code it maps to. */
class CliException extends RuntimeException {
    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    /** No daemon answers on the configured JMX address. */
    static final class NotRunning extends CliException {
        NotRunning(String host, int port) {
            super(ExitCode.NOT_RUNNING, "stigmer daemon is not running (no answer on " + host + ":" + port + ")");
        }
    }
}
