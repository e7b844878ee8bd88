package ai.stigmer.jmx;

import ai.stigmer.supervisor.ComponentStatus;
import java.beans.ConstructorProperties;

/**
 * One component's row in the daemon's {@code Components} attribute: the attributes of its
 * {@link ComponentMXBean}, from one snapshot of its status. As open data (a {@code CompositeData}
 * whose items are named after these getters: {@code name}, {@code state}, ...) it needs none of
 * stigmer's classes on the client, so a whole status is one JMX round trip.
 */
public final class ComponentRow {
    private final String name;
    private final String kind;
    private final String state;
    private final boolean ready;
    private final long pid;
    private final String containerId;
    private final long uptimeSeconds;
    private final int restarts;
    private final int restartsInWindow;
    private final int consecutiveFailures;
    private final long nextRestartInMillis;
    private final String lastError;
    private final int lastExitCode;
    private final boolean stopping;
    private final long stopRemainingMillis;
    private final int launchQueuePosition;
    private final int stateCode;
    private final boolean hasReadinessProbe;
    private final String readinessProblem;
    private final String waitingFor;

    @ConstructorProperties({"name", "kind", "state", "ready", "pid", "containerId", "uptimeSeconds", "restarts", "restartsInWindow", "consecutiveFailures", "nextRestartInMillis", "lastError", "lastExitCode", "stopping", "stopRemainingMillis", "launchQueuePosition", "stateCode", "hasReadinessProbe", "readinessProblem", "waitingFor"})
    public ComponentRow(String name, String kind, String state, boolean ready, long pid, String containerId, long uptimeSeconds, int restarts, int restartsInWindow, int consecutiveFailures, long nextRestartInMillis, String lastError, int lastExitCode, boolean stopping, long stopRemainingMillis, int launchQueuePosition, int stateCode, boolean hasReadinessProbe, String readinessProblem, String waitingFor) {
        this.name = name;
        this.kind = kind;
        this.state = state;
        this.ready = ready;
        this.pid = pid;
        this.containerId = containerId;
        this.uptimeSeconds = uptimeSeconds;
        this.restarts = restarts;
        this.restartsInWindow = restartsInWindow;
        this.consecutiveFailures = consecutiveFailures;
        this.nextRestartInMillis = nextRestartInMillis;
        this.lastError = lastError;
        this.lastExitCode = lastExitCode;
        this.stopping = stopping;
        this.stopRemainingMillis = stopRemainingMillis;
        this.launchQueuePosition = launchQueuePosition;
        this.stateCode = stateCode;
        this.hasReadinessProbe = hasReadinessProbe;
        this.readinessProblem = readinessProblem;
        this.waitingFor = waitingFor;
    }

    static ComponentRow of(ComponentStatus s) {
        return new ComponentRow(s.name(), s.kind(), s.state().word(), s.ready(), s.pid(), s.containerId(),
                s.uptimeSeconds(), s.restarts(), s.restartsInWindow(), s.consecutiveFailures(), s.nextRestartInMillis(),
                s.lastError(), s.lastExitCode(), s.stopping(), s.stopRemainingMillis(), s.launchQueuePosition(),
                s.state().code(), s.hasReadinessProbe(), s.readinessProblem(), s.waitingFor());
    }

    public String getName() { return name; }
    public String getKind() { return kind; }
    public String getState() { return state; }
    public boolean isReady() { return ready; }
    public long getPid() { return pid; }
    public String getContainerId() { return containerId; }
    public long getUptimeSeconds() { return uptimeSeconds; }
    public int getRestarts() { return restarts; }
    public int getRestartsInWindow() { return restartsInWindow; }
    public int getConsecutiveFailures() { return consecutiveFailures; }
    public long getNextRestartInMillis() { return nextRestartInMillis; }
    public String getLastError() { return lastError; }
    public int getLastExitCode() { return lastExitCode; }
    public boolean isStopping() { return stopping; }
    public long getStopRemainingMillis() { return stopRemainingMillis; }
    public int getLaunchQueuePosition() { return launchQueuePosition; }
    public int getStateCode() { return stateCode; }
    public boolean getHasReadinessProbe() { return hasReadinessProbe; }
    public String getReadinessProblem() { return readinessProblem; }
    public String getWaitingFor() { return waitingFor; }
}
