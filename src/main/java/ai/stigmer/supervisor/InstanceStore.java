package ai.stigmer.supervisor;

import ai.stigmer.runtime.InstanceRecord;
import java.util.Optional;

/** Remembers each component's running instance under {@code run/} so a later daemon can find it. */
public interface InstanceStore {
    void save(String component, InstanceRecord record);

    void clear(String component);

    Optional<InstanceRecord> load(String component);

    /**
     * Remembers that the operator stopped {@code component} ({@code true}), or forgets it: a daemon
     * started later leaves such a component Stopped until {@code start()} or {@code restart()}.
     */
    default void markStopped(String component, boolean stopped) {}

    /** True if the operator's last word on {@code component} was {@code stop()}. */
    default boolean stoppedByOperator(String component) {
        return false;
    }

    /** Keeps nothing: for tests and for components that must never be adopted. */
    InstanceStore NONE = new InstanceStore() {
        public void save(String component, InstanceRecord record) {}

        public void clear(String component) {}

        public Optional<InstanceRecord> load(String component) {
            return Optional.empty();
        }
    };
}
