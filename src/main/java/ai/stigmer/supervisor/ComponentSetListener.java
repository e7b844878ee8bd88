package ai.stigmer.supervisor;

/**
 * Told when a reload changes which components are supervised, on the thread that applies it, after
 * the old instances are stopped and before the new components start: a listener that wires itself
 * to a component here sees all its events.
 */
public interface ComponentSetListener {

    /** A component new to the config. */
    void added(SupervisedComponent component);

    /** A component whose spec changed: {@code now} replaces {@code old} under the same name. */
    void replaced(SupervisedComponent old, SupervisedComponent now);

    /** A component no longer in the config; its instance is gone. */
    void removed(SupervisedComponent component);
}
