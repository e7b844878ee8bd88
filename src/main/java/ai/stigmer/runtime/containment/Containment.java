package ai.stigmer.runtime.containment;

import ai.stigmer.config.ResourcesSpec;
import ai.stigmer.runtime.InstanceMarker;
import ai.stigmer.runtime.LaunchException;
import ai.stigmer.runtime.StopFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * How the daemon keeps hold of everything a process component starts (SPEC §4, stopping an
 * instance): a cgroup v2 per component where one can be made ({@code <daemon's cgroup>/stigmer-<home
 * id>/<component>}), else the instance's session and environment marker, with the daemon a child
 * subreaper. One per home and daemon; {@link #description()} says which mode is active, for the
 * daemon's start line and status.
 */
public abstract class Containment {
    /** Set to {@value #SESSION} to use the session mode even where cgroup v2 is usable. */
    public static final String MODE_PROPERTY = "stigmer.containment";
    public static final String SESSION = "session";

    private static final Map<String, Containment> BY_HOME = new ConcurrentHashMap<>();

    /** The current enclosure of each component: a successor supersedes it (see {@link #makeCurrent}). */
    private final Map<String, Enclosure> current = new ConcurrentHashMap<>();

    Containment() {}

    /**
     * The containment of home {@code homeId} in this JVM, detected once: cgroup v2 if usable and not
     * turned off by {@value #MODE_PROPERTY}={@value #SESSION}, else the session mode.
     */
    public static Containment forHome(String homeId) {
        return BY_HOME.computeIfAbsent(homeId, id -> SESSION.equals(System.getProperty(MODE_PROPERTY))
                ? session(id)
                : detect(id));
    }

    /** cgroup v2 if this process can make cgroups there, else the session mode. */
    public static Containment detect(String homeId) {
        return cgroupV2(homeId).orElseGet(() -> session(homeId));
    }

    /** The cgroup v2 mode, if cgroup v2 is mounted and this process may create cgroups below its own. */
    public static Optional<Containment> cgroupV2(String homeId) {
        return CgroupContainment.create(homeId, CgroupMounts.ofThisProcess()).map(c -> c);
    }

    /** The session mode (no cgroup v2): makes this process a child subreaper and starts its orphan reaper. */
    public static Containment session(String homeId) {
        return new SessionContainment(homeId, CgroupMounts.ofThisProcess());
    }

    /**
     * What mode is active, in one line: {@code cgroup v2 at /sys/fs/cgroup/unified/stigmer-ab12} or
     * {@code session + subreaper (no writable cgroup v2)}.
     */
    public abstract String description();

    /** What the host could change to make launches faster, in one line for the daemon's log; empty if nothing. */
    public Optional<String> advice() {
        return Optional.empty();
    }

    /**
     * Makes the enclosure for a new instance of {@code component}, before it is launched, with its
     * {@code resources} applied. What a previous instance of the component left inside is killed first.
     *
     * @param marker the value of the instance's {@code STIGMER_INSTANCE} variable
     * @throws LaunchException if limits are configured but no controller can apply them, or the
     *     cgroup cannot be made
     */
    public abstract Enclosure enclose(String component, String marker, ResourcesSpec resources) throws LaunchException;

    /**
     * The enclosure of an instance left running by an earlier daemon: its cgroup if it is in the
     * component's cgroup, else its session and the marker it carries.
     */
    public Enclosure reattach(String component, long pid, long startTicks) {
        String marker = ProcessEntry.environment(pid, InstanceMarker.ENV);
        return reattach(component, pid, startTicks, marker == null ? "" : marker);
    }

    abstract Enclosure reattach(String component, long pid, long startTicks, String marker);

    /**
     * Kills what an earlier instance of {@code component} left in {@code leftover}: the supervisor
     * launches only after a stop, so anything still there is a leftover (its main process ended,
     * its descendants did not).
     */
    static void clearLeftovers(String component, Enclosure leftover) throws LaunchException {
        if (leftover.isEmpty()) {
            return;
        }
        List<Long> left = leftover.members();
        LoggerFactory.getLogger(Containment.class).warn("[{}] killing what an earlier instance left in {}: {}",
                component, leftover.describe(), left.isEmpty() ? "processes that could not be listed" : "pids " + left);
        try {
            leftover.kill();
        } catch (StopFailedException e) {
            throw new LaunchException("an earlier instance is still alive: " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@code enclosure} the current one of {@code component}. The one before it is superseded:
     * a late stop of it must not reach into its successor.
     */
    void makeCurrent(String component, Enclosure enclosure) {
        Enclosure previous = current.put(component, enclosure);
        if (previous != null && previous != enclosure) {
            previous.supersede();
        }
    }

    /** The current enclosure of {@code component}, if any. */
    Enclosure current(String component) {
        return current.get(component);
    }

    Map<String, Enclosure> currentEnclosures() {
        return current;
    }

    /**
     * Removes the cgroups this home made below the daemon's own, where they hold nothing any more
     * (on shutdown); a later launch makes them again.
     */
    public void tidy() {
        for (Path base : bases()) {
            try (Stream<Path> children = Files.list(base)) {
                children.filter(Files::isDirectory).forEach(c -> new Cgroup(c).remove());
            } catch (IOException e) {
                // not there: nothing to tidy
            }
            new Cgroup(base).remove();
        }
    }

    /** The directories {@code stigmer-<home id>} this mode makes cgroups in. */
    abstract List<Path> bases();

    @Override
    public String toString() {
        return description();
    }
}
