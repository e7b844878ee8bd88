package ai.stigmer.probe;

import java.time.Duration;

/**
 * The outcome of one probe run: passed, or the first check that failed and why. A check that could
 * not run at all (an exception) counts as a failure like any other: for supervision an unanswerable
 * probe is as bad as a negative one; the reason tells the operator which it was.
 */
public record ProbeResult(ProbeKind probe, boolean passed, String check, String reason, Duration elapsed) {

    public static ProbeResult passed(ProbeKind probe, Duration elapsed) {
        return new ProbeResult(probe, true, "", "", elapsed);
    }

    public static ProbeResult failed(ProbeKind probe, String check, String reason, Duration elapsed) {
        return new ProbeResult(probe, false, check, reason, elapsed);
    }

    /** "liveness: tcp 127.0.0.1:50051: timeout" */
    public String describe() {
        return passed ? probe + ": passed" : probe + ": " + check + ": " + reason;
    }
}
