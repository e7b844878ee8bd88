package ai.stigmer.http;

import ai.stigmer.supervisor.ComponentStatus;
import ai.stigmer.supervisor.State;
import java.util.List;

/**
 * The answer of {@code /readyz}: ready when every component is Running (no instance being stopped)
 * and Ready. Its lines follow the Kubernetes API server's: {@code [+]name ok} or
 * {@code [-]name failed: reason}, then {@code readyz check passed} or {@code readyz check failed}.
 */
record Readiness(List<ComponentStatus> components) {

    boolean ready() {
        return components.stream().allMatch(c -> reason(c).isEmpty());
    }

    /** Every component when {@code verbose}; otherwise "ok", or only the components that are not ready. */
    String body(boolean verbose) {
        boolean ready = ready();
        if (ready && !verbose) {
            return "ok\n";
        }
        StringBuilder out = new StringBuilder();
        for (ComponentStatus c : components) {
            String reason = reason(c);
            if (reason.isEmpty()) {
                if (verbose) {
                    out.append("[+]").append(c.name()).append(" ok\n");
                }
            } else {
                out.append("[-]").append(c.name()).append(" failed: ").append(reason).append('\n');
            }
        }
        return out.append(ready ? "readyz check passed\n" : "readyz check failed\n").toString();
    }

    /** Why the component is not ready, "" when it is: its state (and last error), or that it is not Ready. */
    static String reason(ComponentStatus c) {
        String error = c.lastError().isEmpty() ? "" : " (" + oneLine(c.lastError()) + ")";
        if (c.stopping()) {
            return "Stopping" + error;
        }
        if (c.state() != State.RUNNING) {
            return c.state().word() + error;
        }
        return c.ready() ? "" : "not ready" + error;
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
