package ai.stigmer.probe;

import java.time.Duration;

/**
 * Told of every check a probe run asked, once it has answered (the metrics). A check that could not
 * run (no thread for it) answered nothing about the component and is not told. Called on the thread
 * that saw the answer, a check thread or the watchdog: it must return at once and never throw.
 */
@FunctionalInterface
public interface ProbeObserver {
    ProbeObserver NONE = (component, probe, checkType, elapsed, passed) -> {};

    /**
     * @param checkType the check's type as the config writes it: {@code process}, {@code tcp}, ...
     * @param elapsed from the start of this check to its answer (a timeout: about the probe timeout)
     */
    void checkAnswered(String component, ProbeKind probe, String checkType, Duration elapsed, boolean passed);
}
