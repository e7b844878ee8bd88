package ai.stigmer.testing;

import ai.stigmer.os.ProcFs;
import ai.stigmer.runtime.InstanceMarker;
import java.io.IOException;
import java.util.Optional;

/** Counts the live processes that carry a component's instance marker: what "one instance" means on the host. */
public final class LiveInstances {
    private LiveInstances() {}

    /** Live (not zombie) processes marked as instances of {@code component} of the home {@code homeId}. */
    public static long of(String homeId, String component) {
        return ProcFs.pids().stream().filter(pid -> {
            try {
                Optional<String> marker = ProcFs.environment(pid, InstanceMarker.ENV);
                return marker.isPresent() && InstanceMarker.belongsTo(marker.get(), homeId, component);
            } catch (IOException | RuntimeException gone) {
                return false;
            }
        }).count();
    }
}
