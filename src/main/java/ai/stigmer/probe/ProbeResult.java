package ai.stigmer.probe;

import java.time.Duration;

/**
 * The outcome of one probe run: passed, or the first check that failed and why.
 *
 * <p>Two kinds of "no" are told apart. A check that ran and said no, timed out, or threw (its
 * message is the reason) is a <em>failure</em>, and counts towards the probe's failureThreshold:
 * for supervision an unanswerable component is as bad as a negative one. A check that could not be
 * run at all, because the daemon had no thread or no file descriptor for it, is an <em>error</em> ({@code ran} false): it
 * says nothing about the component, so it counts neither way, and the probe is reported as not
 * producing results (MonitoringActive false) until its checks run again.
 */
public record ProbeResult(ProbeKind probe, boolean passed, String check, String reason, Duration elapsed, boolean ran) {

    public ProbeResult(ProbeKind probe, boolean passed, String check, String reason, Duration elapsed) {
        this(probe, passed, check, reason, elapsed, true);
    }

    public static ProbeResult passed(ProbeKind probe, Duration elapsed) {
        return new ProbeResult(probe, true, "", "", elapsed, true);
    }

    public static ProbeResult failed(ProbeKind probe, String check, String reason, Duration elapsed) {
        return new ProbeResult(probe, false, check, reason, elapsed, true);
    }

    /** The checks of the run could not be run, from {@code check} on. */
    public static ProbeResult notRun(ProbeKind probe, String check, String reason, Duration elapsed) {
        return new ProbeResult(probe, false, check, reason, elapsed, false);
    }

    /** "liveness: tcp 127.0.0.1:50051: timeout" */
    public String describe() {
        return passed ? probe + ": passed" : probe + ": " + check + ": " + reason;
    }
}
