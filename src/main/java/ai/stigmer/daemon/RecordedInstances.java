package ai.stigmer.daemon;

import ai.stigmer.runtime.ComponentRuntime;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.runtime.StopFailedException;
import ai.stigmer.runtime.docker.DockerRuntime;
import ai.stigmer.runtime.process.ProcessRuntime;
import java.nio.file.Path;
import java.util.function.Function;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a starting daemon does with the {@code run/<component>.instance} records an earlier daemon
 * left (SPEC §4, never the wrong process):
 * <ul>
 *   <li>the record of a configured component is handed to its runtime, which adopts the instance only
 *       if it proves to be ours; a record that fails is dropped (the runtime logs why), and nothing is
 *       signalled;</li>
 *   <li>the record of a component no longer in the config is proven the same way (marker of that
 *       component and this home) and its instance stopped, with the log line
 *       {@code Stopping instance of removed component X (pid N)}; an unprovable one is dropped
 *       without signalling anything.</li>
 * </ul>
 */
final class RecordedInstances {
    private static final Logger LOG = LoggerFactory.getLogger(RecordedInstances.class);
    /** SPEC §2's default stop timeout: a removed component has no config left to say otherwise. */
    static final Duration REMOVED_STOP_TIMEOUT = Duration.ofSeconds(10);

    private final FileInstanceStore store;
    private final String homeId;
    private final Function<String, Path> componentLog;

    /** @param componentLog where a component's log is ({@code StigmerHome.componentLog}) */
    RecordedInstances(FileInstanceStore store, String homeId, Function<String, Path> componentLog) {
        this.store = store;
        this.homeId = homeId;
        this.componentLog = componentLog;
    }

    /** The recorded instance of a configured component, if its runtime adopts it; else its record is dropped. */
    Optional<Instance> adopt(String component, ComponentRuntime runtime) {
        Optional<InstanceRecord> record = store.load(component);
        if (record.isEmpty()) {
            return Optional.empty();
        }
        Optional<Instance> adopted = runtime.adopt(record.get());
        // Dropped only while it is still the record looked at: an adoption that answers past its
        // deadline must not drop the record of the instance launched in its place.
        if (adopted.isEmpty() && store.load(component).equals(record)) {
            store.clear(component);
        }
        return adopted;
    }

    /** Stops the provable instances of recorded components not in {@code configured}; drops every such record. */
    void stopRemoved(Set<String> configured) {
        for (String component : store.recordedComponents()) {
            if (configured.contains(component)) {
                continue;
            }
            Optional<InstanceRecord> record = store.load(component);
            if (record.isPresent()) {
                stopRemoved(component, record.get());
            }
            store.clear(component);
        }
    }

    private void stopRemoved(String component, InstanceRecord record) {
        if (record.isContainer()) {
            try (DockerRuntime docker = DockerRuntime.ofRemovedComponent(component, homeId)) {
                docker.adopt(record).ifPresent(instance -> stop(component, instance));
            } catch (RuntimeException e) {
                LOG.warn("Could not stop the container of removed component {}: {}", component, e.getMessage());
            }
            return;
        }
        ProcessRuntime.ofRemovedComponent(component, homeId, componentLog.apply(component)).adopt(record)
                .ifPresent(instance -> stop(component, instance));
    }

    private static void stop(String component, Instance instance) {
        LOG.info("Stopping instance of removed component {} ({})", component, instance);
        try {
            instance.stop(REMOVED_STOP_TIMEOUT);
        } catch (StopFailedException e) {
            LOG.error("Could not stop the instance of removed component {} ({}): {}", component, instance,
                    e.getMessage());
        }
    }
}
