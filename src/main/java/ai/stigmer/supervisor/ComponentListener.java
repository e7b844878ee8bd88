package ai.stigmer.supervisor;

/**
 * Receives component events. Called on the watchdog thread, in order: implementations must return
 * at once (hand the event to an executor of their own) and never throw.
 */
@FunctionalInterface
public interface ComponentListener {
    void onEvent(ComponentEvent event);
}
