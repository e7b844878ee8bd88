package ai.stigmer.alerts;

import java.time.Duration;

/** What an alert does with an event: run a command or post a webhook, within a deadline. */
interface Hook {
    /**
     * Delivers {@code event}, giving up after {@code timeout}.
     *
     * @throws HookFailedException naming what went wrong: exit code, HTTP status, timeout
     */
    void deliver(AlertEvent event, Duration timeout) throws HookFailedException, InterruptedException;

    final class HookFailedException extends Exception {
        HookFailedException(String message) {
            super(message);
        }
    }
}
