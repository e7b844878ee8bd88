package ai.stigmer.probe;

/** The answer of one check: passed, or failed with a reason such as {@code timeout}. */
public record CheckResult(boolean passed, String reason) {

    private static final CheckResult PASS = new CheckResult(true, "");

    public static CheckResult pass() {
        return PASS;
    }

    public static CheckResult fail(String reason) {
        return new CheckResult(false, reason);
    }
}
