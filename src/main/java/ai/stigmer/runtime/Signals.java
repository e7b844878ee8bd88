package ai.stigmer.runtime;

/** Names of the Linux signals a component is likely to die of. */
public final class Signals {
    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGABRT = 6, SIGKILL = 9, SIGSEGV = 11,
            SIGPIPE = 13, SIGTERM = 15, SIGCONT = 18, SIGSTOP = 19;

    private Signals() {}

    public static String name(int signal) {
        return switch (signal) {
            case SIGHUP -> "SIGHUP";
            case SIGINT -> "SIGINT";
            case SIGQUIT -> "SIGQUIT";
            case SIGABRT -> "SIGABRT";
            case SIGKILL -> "SIGKILL";
            case SIGSEGV -> "SIGSEGV";
            case SIGPIPE -> "SIGPIPE";
            case SIGTERM -> "SIGTERM";
            case SIGCONT -> "SIGCONT";
            case SIGSTOP -> "SIGSTOP";
            default -> "signal " + signal;
        };
    }
}
