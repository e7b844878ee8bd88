package ai.stigmer.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.AlertSpec;
import ai.stigmer.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alert hooks on their own: the pace per component and event, and a hook killed at its timeout. */
class AlertHooksTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static AlertEvent event(String component, String event) {
        return new AlertEvent(component, event, "Unhealthy", "Restarting", "Restarting component (attempt 1/10)",
                Instant.parse("2026-12-04T03:00:00Z"));
    }

    @Test
    void aHookRunsAtMostOncePerMinIntervalPerComponentAndEvent() throws Exception {
        Path out = dir.resolve("runs");
        AtomicLong now = new AtomicLong();
        AlertSpec spec = new AlertSpec(Set.of("restarting", "unhealthy"), List.of(),
                List.of("sh", "-c", "echo \"$STIGMER_COMPONENT $STIGMER_EVENT\" >> \"$0\"", out.toString()), null,
                Duration.ofSeconds(10), Duration.ofSeconds(10));
        try (AlertHooks hooks = new AlertHooks(List.of(spec), now::get)) {
            hooks.dispatch(event("web", "restarting"));
            hooks.dispatch(event("web", "restarting"));
            hooks.dispatch(event("web", "restarting"));
            hooks.dispatch(event("web", "ready")); // not one of its events
            now.addAndGet(Duration.ofSeconds(10).toNanos());
            hooks.dispatch(event("web", "restarting"));
            hooks.dispatch(event("db", "restarting")); // its own pace; and the last in the lane
            hooks.dispatch(event("web", "unhealthy"));

            Await.until("the last run", WAIT, () -> lines(out).contains("web unhealthy"));
            assertEquals(List.of("web restarting", "web restarting", "db restarting", "web unhealthy"), lines(out));
        }
    }

    @Test
    void aHookThatOutlivesItsTimeoutIsKilledWithWhatItStarted() {
        String tag = "876.5";
        ExecHook hook = new ExecHook(List.of("sh", "-c", "sleep " + tag + " & wait"));

        Hook.HookFailedException failed = assertThrows(Hook.HookFailedException.class,
                () -> hook.deliver(event("web", "failed"), Duration.ofMillis(300)));
        assertEquals("did not finish within 300ms; killed", failed.getMessage());
        Await.until("its sleep gone", WAIT, () -> ProcessHandle.allProcesses()
                .noneMatch(p -> p.info().arguments().map(a -> a.length == 1 && a[0].equals(tag)).orElse(false)));
    }

    @Test
    void aHookThatFailsSaysHow() {
        ExecHook hook = new ExecHook(List.of("sh", "-c", "exit 7"));
        Hook.HookFailedException failed = assertThrows(Hook.HookFailedException.class,
                () -> hook.deliver(event("web", "failed"), Duration.ofSeconds(10)));
        assertEquals("exited with code 7", failed.getMessage());
        Hook.HookFailedException missing = assertThrows(Hook.HookFailedException.class,
                () -> new ExecHook(List.of(dir.resolve("no-such-hook").toString())).deliver(event("web", "failed"), Duration.ofSeconds(10)));
        assertTrue(missing.getMessage().startsWith("could not start: "), missing.getMessage());
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }
}
