package ai.stigmer.probe;

/**
 * The answer of one check: passed, or failed with a reason such as {@code timeout}. {@code ran} is
 * false when the check never got to run (no thread, or no file descriptor, for it): such an answer says nothing about the
 * component, only about the daemon.
 */
public record CheckResult(boolean passed, String reason, boolean ran) {

    private static final CheckResult PASS = new CheckResult(true, "", true);

    /** The answer of a check that ran. */
    public CheckResult(boolean passed, String reason) {
        this(passed, reason, true);
    }

    public static CheckResult pass() {
        return PASS;
    }

    public static CheckResult fail(String reason) {
        return new CheckResult(false, reason, true);
    }

    /** The check could not be run at all; {@code reason} says why. */
    public static CheckResult notRun(String reason) {
        return new CheckResult(false, reason, false);
    }
}
