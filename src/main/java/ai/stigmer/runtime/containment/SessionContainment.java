package ai.stigmer.runtime.containment;

import ai.stigmer.config.ResourcesSpec;
import ai.stigmer.runtime.LaunchException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The mode without a usable cgroup v2: an instance is its session plus every process carrying its
 * marker, the daemon is a child subreaper so that orphans come back to it, and {@link OrphanReaper}
 * reaps them and kills those of instances already stopped. Limits still apply where the cgroup v1
 * controllers are mounted.
 */
final class SessionContainment extends Containment {
    private final String homeId;
    private final CgroupMounts mounts;
    private final boolean subreaper;
    private final OrphanReaper reaper;

    SessionContainment(String homeId, CgroupMounts mounts) {
        this.homeId = homeId;
        this.mounts = mounts;
        boolean made;
        try {
            Syscalls.becomeSubreaper();
            made = true;
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(SessionContainment.class).warn("cannot become a child subreaper: {}", e.toString());
            made = false;
        }
        this.subreaper = made;
        this.reaper = new OrphanReaper(homeId, this);
        reaper.start();
    }

    @Override
    public String description() {
        return (subreaper ? "session + subreaper" : "session (not a subreaper)") + " (no writable cgroup v2)";
    }

    @Override
    public Enclosure enclose(String component, String marker, ResourcesSpec resources) throws LaunchException {
        Enclosure previous = current(component);
        if (previous != null && !previous.finished()) {
            clearLeftovers(component, previous); // a stop that emptied it leaves nothing to look for
        }
        Limits limits = Limits.NONE;
        if (resources.any()) {
            if (!V1Limits.available(mounts, resources)) {
                throw new LaunchException("resources are configured but no cgroup controller can apply them:"
                        + " no writable cgroup v2, and cgroup v1 lacks a controller for " + resources);
            }
            limits = V1Limits.apply(mounts, "stigmer-" + homeId + "/" + component, resources);
        }
        SessionEnclosure enclosure = new SessionEnclosure(marker, limits);
        makeCurrent(component, enclosure);
        return enclosure;
    }

    @Override
    Enclosure reattach(String component, long pid, long startTicks, String marker) {
        SessionEnclosure enclosure = new SessionEnclosure(marker, Limits.NONE);
        enclosure.started(pid, startTicks);
        makeCurrent(component, enclosure);
        return enclosure;
    }

    @Override
    List<Path> bases() {
        return mounts.v1().values().stream().map(v1 -> v1.resolve("stigmer-" + homeId)).toList();
    }

    OrphanReaper reaper() {
        return reaper;
    }
}
