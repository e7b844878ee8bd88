package ai.stigmer.supervisor;

import java.time.Duration;
import java.util.List;

/** What the daemon exposes about supervision as a whole: its components and the watchdog's pulse. */
public interface Supervision {

    /** Every component, in start ({@code dependsOn}) order. */
    List<SupervisedComponent> components();

    /** True only while the watchdog ticks and every probe that should be running produces results. */
    boolean monitoringActive();

    /** Why monitoring is not active: the watchdog, or which probes are stale; "" while it is. */
    default String monitoringProblem() {
        return monitoringActive() ? "" : "the watchdog has not ticked recently";
    }

    /** How long supervision has run. */
    Duration uptime();

    /** Tells {@code listener} of components added, replaced or removed by a reload from now on. */
    default void addComponentSetListener(ComponentSetListener listener) {}

    /** How the instances of process components are held together and stopped (SPEC §4), in a few words. */
    default String containment() {
        return "";
    }
}
