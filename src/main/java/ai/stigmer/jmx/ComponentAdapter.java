package ai.stigmer.jmx;

import ai.stigmer.supervisor.ComponentStatus;
import ai.stigmer.supervisor.SupervisedComponent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Adapts a {@link SupervisedComponent} to {@link ComponentMXBean}. Operations wait for the
 * watchdog to carry out the command, at most {@code timeout}; failures reach the client as plain
 * JDK exceptions with a message and no cause, so a client without stigmer's classes can read them.
 */
final class ComponentAdapter implements ComponentMXBean {
    /** Replaced when a reload restarts the component with a new spec: the bean, its listeners and sequence stay. */
    private volatile SupervisedComponent component;
    private final Duration timeout;

    ComponentAdapter(SupervisedComponent component, Duration timeout) {
        this.component = component;
        this.timeout = timeout;
    }

    void retarget(SupervisedComponent now) {
        this.component = now;
    }

    private ComponentStatus status() {
        return component.status();
    }

    @Override public String getName() { return component.name(); }
    @Override public String getKind() { return status().kind(); }
    @Override public String getState() { return status().state().word(); }
    @Override public int getStateCode() { return status().state().code(); }
    @Override public boolean isReady() { return status().ready(); }
    @Override public boolean getHasReadinessProbe() { return status().hasReadinessProbe(); }
    @Override public String getReadinessProblem() { return status().readinessProblem(); }
    @Override public String getWaitingFor() { return status().waitingFor(); }
    @Override public long getPid() { return status().pid(); }
    @Override public String getContainerId() { return status().containerId(); }
    @Override public long getUptimeSeconds() { return status().uptimeSeconds(); }
    @Override public int getRestarts() { return status().restarts(); }
    @Override public int getRestartsInWindow() { return status().restartsInWindow(); }
    @Override public int getConsecutiveFailures() { return status().consecutiveFailures(); }
    @Override public long getNextRestartInMillis() { return status().nextRestartInMillis(); }
    @Override public String getLastError() { return status().lastError(); }
    @Override public int getLastExitCode() { return status().lastExitCode(); }
    @Override public boolean getStopping() { return status().stopping(); }
    @Override public long getStopRemainingMillis() { return status().stopRemainingMillis(); }
    @Override public int getLaunchQueuePosition() { return status().launchQueuePosition(); }

    @Override
    public void restart() {
        await("restart", component.restart());
    }

    @Override
    public void stop() {
        await("stop", component.stop());
    }

    @Override
    public void start() {
        await("start", component.start());
    }

    private void await(String operation, CompletableFuture<Void> done) {
        String what = operation + " of " + component.name();
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " did not complete within " + timeout.toSeconds()
                    + "s; it goes on in the daemon");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String reason = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
            throw new IllegalStateException(what + " failed: " + reason);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " was interrupted");
        }
    }
}
