package ai.stigmer.runtime.process;

import ai.stigmer.config.ProcessSpec;
import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.runtime.SpecDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process left running by an earlier daemon and taken over by this one, once it has passed every
 * test of {@link OwnershipProof}. It is stopped and probed like a launched one; besides, its exit is
 * seen through the shared {@link ExitWatcher} (it is not our child), its {@link #age()} is its real
 * running time, and {@link #drift()} says whether the config has changed since its launch.
 */
final class AdoptedProcess implements Instance {
    private static final Logger LOG = LoggerFactory.getLogger(AdoptedProcess.class);

    private final ProcessInstance process;
    private final Duration age;
    private final String drift;

    private AdoptedProcess(ProcessInstance process, Duration age, String drift) {
        this.process = process;
        this.age = age;
        this.drift = drift;
    }

    /**
     * Proves {@code record} and takes its process over. Empty when any test fails: the reason is
     * logged and nothing is signalled; the caller drops the record.
     *
     * @param configured the component's current spec, to tell drift; null when the component is no
     *     longer configured (its instance is only to be stopped)
     * @param instance makes the instance that stops and probes the proven process (the runtime's own)
     */
    static Optional<Instance> adopt(String component, String homeId, InstanceRecord record, ProcessSpec configured,
            BiFunction<InstanceRecord, CompletableFuture<ExitStatus>, ProcessInstance> instance) {
        if (record.isContainer()) {
            LOG.warn("Not adopting the record of {}: it names container {}, but {} runs as a process",
                    component, record.containerId(), component);
            return Optional.empty();
        }
        Optional<String> refusal = OwnershipProof.refusal(record, homeId, component);
        if (refusal.isPresent()) {
            LOG.warn("Not adopting the recorded instance of {}: {}; record dropped, nothing signalled",
                    component, refusal.get());
            return Optional.empty();
        }
        CompletableFuture<ExitStatus> exited = ExitWatcher.shared().watch(record.pid(), record.startTicks());
        ProcessInstance process = instance.apply(record, exited);
        return Optional.of(new AdoptedProcess(process, ProcessAge.of(record.startTicks()), drift(record, configured)));
    }

    /** How the recorded launch differs from {@code configured}: "", "command changed", "env changed", or both. */
    static String drift(InstanceRecord record, ProcessSpec configured) {
        if (configured == null) {
            return "";
        }
        boolean command = !record.commandDigest().equals(SpecDigest.ofCommand(configured.command(), configured.workingDir()));
        boolean env = !record.envDigest().equals(SpecDigest.ofEnv(configured.env()));
        if (command && env) {
            return "command and env changed";
        }
        return command ? "command changed" : env ? "env changed" : "";
    }

    /** What holds the adopted process and everything it started: its cgroup, or its session and marker. */
    ai.stigmer.runtime.containment.Enclosure enclosure() {
        return process.enclosure();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public String containerId() {
        return "";
    }

    @Override
    public CompletableFuture<ExitStatus> exited() {
        return process.exited();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void stop(Duration timeout) {
        process.stop(timeout);
    }

    @Override
    public Duration age() {
        return age;
    }

    @Override
    public String drift() {
        return drift;
    }

    @Override
    public InstanceRecord record() {
        return process.record();
    }

    @Override
    public String toString() {
        return process.toString();
    }
}
