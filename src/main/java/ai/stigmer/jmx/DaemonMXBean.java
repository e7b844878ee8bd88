package ai.stigmer.jmx;

import java.util.List;

/** The daemon itself (SPEC §6), registered as {@code ai.stigmer:type=Daemon}. */
@Description("The stigmer supervisor daemon")
public interface DaemonMXBean {

    /** The daemon's process id. */
    @Description("Process id of the daemon")
    long getPid();

    /** How long supervision has run, in seconds. */
    @Description("Seconds since supervision started")
    long getUptimeSeconds();

    /** The stigmer version. */
    @Description("stigmer version")
    String getVersion();

    /**
     * True only while the watchdog ticks and every probe that should be running (Starting: startup;
     * Running: liveness, readiness) has produced a result within 2 × its period + its timeout.
     */
    @Description("True while the health watchdog is ticking and every probe that should run produces results")
    boolean isMonitoringActive();

    /** Why MonitoringActive is false: the watchdog, or which probe is stale; "" while it is true. */
    @Description("Why health monitoring is not active: the watchdog not ticking, or which probe of which component has stopped producing results; empty while active")
    String getMonitoringProblem();

    /**
     * How process components are contained: {@code cgroup v2 at <dir>}, or {@code session + subreaper}
     * where no writable cgroup v2 exists.
     */
    @Description("How process components and everything they start are held and stopped: a cgroup v2 per component, or their session, marker and a subreaper")
    String getContainment();

    /** Every component, in start (dependsOn) order. */
    @Description("Supervised components, in start order")
    List<String> getComponentNames();

    /**
     * Every component's status row, in start order: the attributes of its Component MXBean, so that
     * a whole status is one round trip ({@code stigmer server status} reads this).
     */
    @Description("Every component's status (the attributes of its Component MXBean), in start order: one read for a whole status")
    List<ComponentRow> getComponents();

    /**
     * The last 200 component notifications of every component, oldest first, each with its
     * component, sequence number (increasing per component), type, event, from, to, message and
     * timestamp (epoch ms); {@code stigmer server events} prints them.
     */
    @Description("The last 200 component notifications (component, sequence, type, event, from, to, message,"
            + " timestamp in epoch ms), oldest first; sequence numbers increase per component")
    List<EventRow> getRecentEvents();

    /**
     * Reads the daemon's config file again and applies it: added components start, removed ones
     * stop, changed ones restart with their new spec, the others are not touched. Returns the
     * summary line once what leaves is stopped and what comes has begun to start. An invalid file,
     * or one that changes what needs a daemon restart, changes nothing and fails with the reason
     * (IllegalArgumentException); a reload already under way fails at once (IllegalStateException).
     * Sends {@code ai.stigmer.daemon.reloaded}.
     */
    @Description("Read the config file again and apply it: start added components, stop removed ones, restart changed ones;"
            + " the others are not touched. An invalid file changes nothing. Returns what changed")
    String reload();

    /** Stops every component (dependents first), then the daemon; returns at once. */
    @Description("Stop every component (dependents first), then the daemon")
    void shutdown();
}
