package ai.stigmer.probe;

import ai.stigmer.runtime.Instance;
import java.time.Duration;

/**
 * What a check may look at: the instance being probed, how long it has run, which probe runs the
 * check, and the time it has.
 */
public record CheckContext(Instance instance, Duration uptime, ProbeKind probe, Duration timeout) {}
