package ai.stigmer.supervisor;

import ai.stigmer.runtime.InstanceRecord;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An {@link InstanceStore} in memory, shared by the "daemons" of a test as run/ would be. */
final class MemoryInstanceStore implements InstanceStore {
    final Map<String, InstanceRecord> records = new HashMap<>();
    final Set<String> stopped = new HashSet<>();

    @Override
    public synchronized void save(String component, InstanceRecord record) {
        records.put(component, record);
    }

    @Override
    public synchronized void clear(String component) {
        records.remove(component);
    }

    @Override
    public synchronized Optional<InstanceRecord> load(String component) {
        return Optional.ofNullable(records.get(component));
    }

    @Override
    public synchronized void markStopped(String component, boolean value) {
        if (value) {
            stopped.add(component);
        } else {
            stopped.remove(component);
        }
    }

    @Override
    public synchronized boolean stoppedByOperator(String component) {
        return stopped.contains(component);
    }
}
