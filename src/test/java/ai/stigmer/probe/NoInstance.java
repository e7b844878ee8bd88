package ai.stigmer.probe;

import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceRecord;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** The instance handed to checks that never look at it (exec, tcp, http): alive, with no pid or container. */
final class NoInstance {
    static final Instance NO_INSTANCE = new Instance() {
        public long pid() { return -1; }
        public String containerId() { return ""; }
        public CompletableFuture<ExitStatus> exited() { return new CompletableFuture<>(); }
        public boolean isAlive() { return true; }
        public void stop(Duration timeout) {}
        public InstanceRecord record() { return InstanceRecord.ofProcess(-1, -1); }
    };

    private NoInstance() {}
}
