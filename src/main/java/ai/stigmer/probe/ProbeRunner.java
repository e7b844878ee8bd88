package ai.stigmer.probe;

import ai.stigmer.runtime.Instance;
import java.time.Duration;
import java.util.function.Consumer;

/** Runs a component's probes somewhere other than the watchdog thread and reports each result once. */
public interface ProbeRunner extends AutoCloseable {

    /**
     * Runs {@code probe} against {@code instance}; {@code done} receives the result exactly once, from
     * any thread, whatever the checks do (throw, hang, find no thread), and never throws itself.
     */
    void run(ProbeKind probe, Instance instance, Duration uptime, Consumer<ProbeResult> done);

    /**
     * How many runs of {@code probe} have ended with an answer of its checks, that is every run but
     * those whose checks could not be run ({@link ProbeResult#ran()} false). Only grows; the watchdog
     * compares it over time to see that the probe keeps producing results. A runner that does not
     * count is seen as producing none, so that its probes are reported stale rather than trusted.
     */
    default long answeredRuns(ProbeKind probe) {
        return 0;
    }

    @Override
    default void close() {}
}
