package ai.stigmer.probe;

import ai.stigmer.runtime.Instance;
import java.time.Duration;
import java.util.function.Consumer;

/** Runs a component's probes somewhere other than the watchdog thread and reports each result once. */
public interface ProbeRunner extends AutoCloseable {

    /** Runs {@code probe} against {@code instance}; {@code done} receives the result, from any thread. */
    void run(ProbeKind probe, Instance instance, Duration uptime, Consumer<ProbeResult> done);

    @Override
    default void close() {}
}
