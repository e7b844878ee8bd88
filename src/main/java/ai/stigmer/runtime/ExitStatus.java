package ai.stigmer.runtime;

/**
 * How an instance ended: an exit code, or the signal that killed it (code is then 128 + signal).
 * {@code code} is −1 when it is not known (an adopted process that is not our child).
 */
public record ExitStatus(int code, int signal) {

    public static final ExitStatus UNKNOWN = new ExitStatus(-1, 0);

    public static ExitStatus ofCode(int code) {
        return code > 128 && code < 160 ? new ExitStatus(code, code - 128) : new ExitStatus(code, 0);
    }

    /** Exited by itself with code 0. */
    public boolean clean() {
        return code == 0 && signal == 0;
    }

    public String describe() {
        if (signal != 0) {
            return "killed by signal " + signal + " (" + Signals.name(signal) + ")";
        }
        return code < 0 ? "exited (code unknown)" : "exited with code " + code;
    }
}
