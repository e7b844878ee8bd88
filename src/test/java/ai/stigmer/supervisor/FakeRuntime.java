package ai.stigmer.supervisor;

import ai.stigmer.runtime.ComponentRuntime;
import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.runtime.LaunchException;
import ai.stigmer.runtime.StopFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Launches fake instances that tests end at will; records every launch. */
final class FakeRuntime implements ComponentRuntime {
    final List<FakeInstance> launched = new ArrayList<>();
    /** Runs on each new instance, e.g. to make it exit at once. */
    Consumer<FakeInstance> onLaunch = i -> {};
    String failLaunchWith;
    /** When set, {@link #launch} throws it, as a native binding that cannot load does (JNA: UnsatisfiedLinkError). */
    volatile Error failLaunchWithError;

    @Override
    public Instance launch() throws LaunchException {
        if (failLaunchWith != null) {
            throw new LaunchException(failLaunchWith);
        }
        if (failLaunchWithError != null) {
            throw failLaunchWithError;
        }
        FakeInstance instance = new FakeInstance(1000 + launched.size());
        launched.add(instance);
        onLaunch.accept(instance);
        return instance;
    }

    @Override
    public Optional<Instance> adopt(InstanceRecord record) {
        return Optional.empty();
    }

    FakeInstance last() {
        return launched.get(launched.size() - 1);
    }

    static final class FakeInstance implements Instance {
        final long pid;
        final CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
        int stops;
        /** When set, {@link #stop} fails with this message and the instance lives on (unkillable, engine error). */
        volatile String failStopWith;
        /** When set, {@link #stop} throws it and the instance lives on (a native binding that cannot load). */
        volatile Error failStopWithError;
        /** What {@link #age()} and {@link #drift()} report, as an adopted instance would. */
        Duration age = Duration.ZERO;
        String drift = "";
        /** Non-empty for an instance that stands for a container. */
        String containerId = "";
        /** When set, an ended instance left nothing to stop ({@link #clearIfEnded}), as a crashed process alone in its cgroup. */
        volatile boolean clearsAtOnce;

        FakeInstance(long pid) {
            this.pid = pid;
        }

        void exit(int code) {
            exited.complete(ExitStatus.ofCode(code));
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public String containerId() {
            return containerId;
        }

        @Override
        public CompletableFuture<ExitStatus> exited() {
            return exited;
        }

        @Override
        public boolean isAlive() {
            return !exited.isDone();
        }

        @Override
        public boolean clearIfEnded() {
            return clearsAtOnce && exited.isDone();
        }

        @Override
        public void stop(Duration timeout) {
            stops++;
            if (failStopWith != null) {
                throw new StopFailedException(failStopWith);
            }
            if (failStopWithError != null) {
                throw failStopWithError;
            }
            exited.complete(ExitStatus.ofCode(143));
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
        public String toString() {
            return "pid " + pid;
        }

        @Override
        public InstanceRecord record() {
            return InstanceRecord.ofProcess(pid, 1);
        }
    }
}
