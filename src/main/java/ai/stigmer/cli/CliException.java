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

    /** No daemon answers on the configured JMX address, and none holds the home's lock. */
    static final class NotRunning extends CliException {
        NotRunning(String host, int port) {
            super(ExitCode.NOT_RUNNING, "stigmer daemon is not running (no answer on " + host + ":" + port + ")");
        }
    }

    /** A daemon holds the home's lock but gives no answer on its JMX address within the deadline. */
    static final class NotAnswering extends CliException {
        private final long pid;

        NotAnswering(long pid, String host, int port, String reason) {
            super(ExitCode.NOT_ANSWERING, "stigmer daemon" + (pid > 0 ? " (pid " + pid + ")" : "")
                    + " does not answer on " + host + ":" + port + (reason.isEmpty() ? "" : " (" + reason + ")"));
            this.pid = pid;
        }

        /** The daemon's pid (the holder of its lock), −1 if unknown. */
        long pid() {
            return pid;
        }
    }

    /** A daemon answers but refuses the credentials the command line read. */
    static final class CredentialsRefused extends CliException {
        CredentialsRefused(String message) {
            super(ExitCode.NOT_ANSWERING, message);
        }
    }
}
