package ai.stigmer.jmx;

/**
 * One supervised component (SPEC §6), registered as {@code ai.stigmer:type=Component,name=<component>}.
 * It also emits {@code jmx.attribute.change} on {@code State} and the {@code ai.stigmer.component.*}
 * notifications listed by {@link ComponentNotifications}.
 */
@Description("A component supervised by the stigmer daemon: state, instance and restart counters")
public interface ComponentMXBean {

    /** The component's name in stigmer.yaml. */
    @Description("Component name, as in stigmer.yaml")
    String getName();

    /** {@code process} or {@code docker}. */
    @Description("How the component runs: process or docker")
    String getKind();

    /** One of Starting, Running, Unhealthy, Restarting, Stopped, Failed. */
    @Description("State: Starting, Running, Unhealthy, Restarting, Stopped or Failed")
    String getState();

    /**
     * {@code State} as a fixed number, for JMX tools that graph numbers only: Stopped 0, Starting 1,
     * Running 2, Unhealthy 3, Restarting 4, Failed 5.
     */
    @Description("State as a number, for graphs: Stopped 0, Starting 1, Running 2, Unhealthy 3, Restarting 4, Failed 5")
    int getStateCode();

    /** Whether the readiness probe currently passes; never causes a restart. */
    @Description("Whether the readiness probe passes (never causes a restart)")
    boolean isReady();

    /** Whether the component has a readiness probe at all (without one it is Ready once Running). */
    @Description("Whether the component has a readiness probe (without one it is Ready as soon as it is Running)")
    boolean getHasReadinessProbe();

    /**
     * Why a component with a readiness probe is not Ready: the probe's last failure as it reports it
     * ({@code readiness: http http://127.0.0.1:8080/: HTTP status 503}), {@code readiness probe has
     * not passed yet}, or {@code component is <State>}; "" when Ready or without a readiness probe.
     */
    @Description("Why the component is not Ready: the readiness probe's last failure (probe: check: reason),"
            + " 'readiness probe has not passed yet' or 'component is <State>'; empty when Ready or without a readiness probe")
    String getReadinessProblem();

    /** The dependencies a Stopped component waits for before the daemon starts it; "" when none. */
    @Description("Dependencies (comma-separated) this Stopped component waits for before it is started; empty when not waiting")
    String getWaitingFor();

    /** The pid of the running instance, −1 if there is none (or it is a container). */
    @Description("Pid of the current instance, -1 if none")
    long getPid();

    /** The id of the running container, "" if there is none. */
    @Description("Docker container id of the current instance, empty if none")
    String getContainerId();

    /** How long the current instance has run, in seconds. */
    @Description("Seconds the current instance has been up")
    long getUptimeSeconds();

    /** Automatic restarts since the component was last started by hand or by the daemon. */
    @Description("Automatic restarts since the last manual or daemon start")
    int getRestarts();

    /** Automatic restarts inside the current restart window. */
    @Description("Automatic restarts within the restart window (limit: maxRestarts)")
    int getRestartsInWindow();

    /** Consecutive failures; drives the backoff, reset after minUptime without failing. */
    @Description("Consecutive failures; drives the backoff delay")
    int getConsecutiveFailures();

    /** Milliseconds until the next restart attempt, −1 unless Restarting. */
    @Description("Milliseconds before the next restart attempt, -1 unless Restarting")
    long getNextRestartInMillis();

    /** Why the component last failed, "" if it has not. */
    @Description("The last error: exit code, signal, failing probe or launch problem")
    String getLastError();

    /** The exit code of the last instance that exited, −1 until one has. */
    @Description("Exit code of the last instance that exited, -1 if none")
    int getLastExitCode();

    /**
     * True while an instance is being stopped (SIGTERM sent, not yet gone); {@code Pid} then still
     * names the old instance. State keeps its six words meanwhile. (A {@code get} getter, not
     * {@code is}: {@link DescribedMBean} finds the description of {@code get} getters.)
     */
    @Description("True while an instance is being stopped: Pid is still the old instance until it is gone")
    boolean getStopping();

    /** Milliseconds left before the instance being stopped gets SIGKILL; −1 when not stopping. */
    @Description("Milliseconds left before SIGKILL of the instance being stopped, -1 unless Stopping")
    long getStopRemainingMillis();

    /**
     * While Starting, the component's place in the host-wide line of launches waiting for a slot
     * ({@code daemon.maxConcurrentLaunches}): 1 when it is next, n with n − 1 ahead; 0 when it waits for none.
     */
    @Description("Place in the host-wide line of launches waiting for a slot (daemon.maxConcurrentLaunches):"
            + " 1 = next, 0 when not waiting")
    int getLaunchQueuePosition();

    /** Stops the instance if any, resets every counter and starts again; brings a Failed component back. */
    @Description("Restart now with all counters reset (also brings a Failed component back)")
    void restart();

    /** Stops the instance (SIGTERM, stop timeout, SIGKILL); the component stays Stopped. */
    @Description("Stop the component; it stays Stopped until started")
    void stop();

    /** Starts a Stopped or Failed component with every counter reset. */
    @Description("Start a Stopped or Failed component with all counters reset")
    void start();
}
