package ai.stigmer.runtime;

/**
 * How an instance ended: an exit code, or the signal that killed it (code is then 128 + signal).
 * {@code code} is −1 when it is not known (an adopted process that is not our child, a container
 * whose engine went away); {@code detail}, when not empty, says in plain words what happened.
 */
public record ExitStatus(int code, int signal, String detail) {

    public static final ExitStatus UNKNOWN = new ExitStatus(-1, 0, "");

    public static ExitStatus ofCode(int code) {
        return code > 128 && code < 160 ? new ExitStatus(code, code - 128, "") : new ExitStatus(code, 0, "");
    }

    /** An end whose code is unknown, with the reason: "Docker daemon connection lost", ... */
    public static ExitStatus lost(String detail) {
        return new ExitStatus(-1, 0, detail);
    }

    /**
     * This status with the last line the instance wrote, after the usual description:
     * {@code exited with code 3 (last output: port 50051 on 127.0.0.1 is already in use)}.
     * Unchanged when {@code line} is blank.
     */
    public ExitStatus withLastOutput(String line) {
        if (line == null || line.isBlank()) {
            return this;
        }
        return new ExitStatus(code, signal, describe() + " (last output: " + line + ")");
    }

    /** Exited by itself with code 0. */
    public boolean clean() {
        return code == 0 && signal == 0;
    }

    public String describe() {
        if (!detail.isEmpty()) {
            return detail;
        }
        if (signal != 0) {
            return "killed by signal " + signal + " (" + Signals.name(signal) + ")";
        }
        return code < 0 ? "exited (code unknown)" : "exited with code " + code;
    }
}
