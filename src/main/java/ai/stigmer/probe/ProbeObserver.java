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

    /**
     * The answers of one check type of one probe of one component, asked once per check by its
     * prober and then told of every answer: an observer that keeps a series per label set (the
     * metrics) looks it up once, not at every answer. Told through {@link #checkAnswered} unless
     * overridden.
     */
    default Series series(String component, ProbeKind probe, String checkType) {
        return (elapsedNanos, passed) -> checkAnswered(component, probe, checkType, Duration.ofNanos(elapsedNanos), passed);
    }

    /** Where the answers of one check go; the same rules as {@link #checkAnswered}. */
    @FunctionalInterface
    interface Series {
        /** @param elapsedNanos from the start of this check to its answer */
        void answered(long elapsedNanos, boolean passed);
    }
}
