package ai.stigmer.supervisor;

import ai.stigmer.runtime.InstanceRecord;
import java.util.Optional;

/** Remembers each component's running instance under {@code run/} so a later daemon can find it. */
public interface InstanceStore {
    void save(String component, InstanceRecord record);

    void clear(String component);

    Optional<InstanceRecord> load(String component);

    /** Keeps nothing: for tests and for components that must never be adopted. */
    InstanceStore NONE = new InstanceStore() {
        public void save(String component, InstanceRecord record) {}

        public void clear(String component) {}

        public Optional<InstanceRecord> load(String component) {
            return Optional.empty();
        }
    };
}
