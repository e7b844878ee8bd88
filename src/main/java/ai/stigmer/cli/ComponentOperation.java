package ai.stigmer.cli;

import ai.stigmer.config.JmxConfig;
import ai.stigmer.jmx.JmxCredentials;
import java.time.Duration;
import java.util.List;

/**
 * One operation of one Component MXBean ({@code start}, {@code stop}, {@code restart}), called as
 * {@code control} and waited for: what {@code server start NAME}, {@code server stop NAME} and
 * {@code server restart NAME} share, exit codes included (2 unknown component, 3 not running, 4 no answer).
 */
final class ComponentOperation {
    /** Longer than the daemon's own bound on the operation, so its message arrives. */
    static final Duration TIMEOUT = RestartCommand.TIMEOUT;

    private ComponentOperation() {}

    /** Calls {@code operation} on {@code component} and returns the component's State word after it. */
    static String call(CliEnvironment env, JmxConfig jmx, String component, String operation) {
        try (DaemonClient client = DaemonClient.connect(jmx, env.home(), JmxCredentials.CONTROL, TIMEOUT)) {
            List<String> known = client.componentNames();
            if (!known.contains(component)) {
                throw new CliException(ExitCode.USAGE,
                        "unknown component '" + component + "' (known: " + String.join(", ", known) + ")");
            }
            client.invoke(component, operation);
            return client.state(component);
        }
    }
}
