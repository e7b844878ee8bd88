package ai.stigmer.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ProcessSpec;
import ai.stigmer.os.LibC;
import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceMarker;
import ai.stigmer.runtime.Signals;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.OrphanProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Show 2 of issue 11: the exits of the daemon's own children and of adopted processes (not its
 * children) are seen by the one exit loop, on its one thread; an own child killed with SIGKILL ends
 * with its exact status (137, signal 9) and is reaped there, leaving no zombie. Real processes,
 * real signals.
 */
class OneExitLoopTest {
    private static final String HOME = "test0home000";
    private static final ProcessSpec SPEC = new ProcessSpec(List.of("sleep", "1000"), Map.of(), null);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    /** The name of the thread that completes {@code exited}. */
    private static CompletableFuture<String> completingThread(Instance instance) {
        return instance.exited().thenApply(exit -> Thread.currentThread().getName());
    }

    @Test
    void ownAndAdoptedExitsAreSeenByTheOneLoop() throws Exception {
        Instance own = new ProcessRuntime("own", HOME, SPEC, dir.resolve("own.log")).launch();
        String marker = InstanceMarker.value(HOME, "adopted", "0123abcd");
        try (OrphanProcess orphan = OrphanProcess.start(Map.of(InstanceMarker.ENV, marker), "sleep", "1000")) {
            Instance adopted = new ProcessRuntime("adopted", HOME, SPEC, dir.resolve("adopted.log"))
                    .adopt(orphan.record(marker, SPEC)).orElseThrow();
            assertTrue(ProcessHandle.current().children().anyMatch(c -> c.pid() == own.pid()), "our child");
            assertFalse(ProcessHandle.current().children().anyMatch(c -> c.pid() == orphan.pid), "not our child");
            CompletableFuture<String> ownSeenBy = completingThread(own);
            CompletableFuture<String> adoptedSeenBy = completingThread(adopted);
            assertFalse(own.exited().isDone() || adopted.exited().isDone(), "both run");

            assertTrue(LibC.kill(own.pid(), Signals.SIGKILL));
            orphan.kill();

            assertEquals("stigmer-exit-watcher", ownSeenBy.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals("stigmer-exit-watcher", adoptedSeenBy.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            ExitStatus exit = own.exited().join();
            assertEquals(137, exit.code(), exit.toString());
            assertEquals(Signals.SIGKILL, exit.signal(), exit.toString());
            assertTrue(Files.notExists(Path.of("/proc", Long.toString(own.pid()))), "reaped by the loop: no zombie");
            assertFalse(own.isAlive());
            Await.until("the adopted process is gone", WAIT, () -> !adopted.isAlive());
        }
    }

    @Test
    void anOwnChildThatExitsByItselfHasItsCodeAndLastLine() throws Exception {
        ProcessSpec failing = new ProcessSpec(List.of("/bin/sh", "-c", "echo port 50051 is in use; exit 3"), Map.of(), null);
        Instance own = new ProcessRuntime("failing", HOME, failing, dir.resolve("failing.log")).launch();

        ExitStatus exit = own.exited().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(3, exit.code());
        assertTrue(exit.describe().contains("port 50051 is in use"), exit.describe());
    }
}
