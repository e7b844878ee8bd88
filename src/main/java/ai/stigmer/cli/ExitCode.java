package ai.stigmer.cli;

/** The exit codes of SPEC §7. */
final class ExitCode {
    /** Done; for status: every component is Running. */
    static final int OK = 0;
    /** Could not do it; for status: some component is not Running. */
    static final int FAILURE = 1;
    /** Bad usage, an unknown component or an invalid config. */
    static final int USAGE = 2;
    /** No daemon runs: nobody holds the daemon lock of the home. */
    static final int NOT_RUNNING = 3;
    /** A daemon runs (its lock is held) but does not answer within the deadline, or refuses the credentials. */
    static final int NOT_ANSWERING = 4;

    private ExitCode() {}
}
