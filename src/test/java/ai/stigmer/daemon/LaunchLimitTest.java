package ai.stigmer.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ConfigLoader;
import ai.stigmer.runtime.ComponentRuntime;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.runtime.LaunchException;
import ai.stigmer.supervisor.ComponentStatus;
import ai.stigmer.supervisor.State;
import ai.stigmer.supervisor.SupervisedComponent;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.LiveInstances;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No restart storm: 50 components killed at once (one {@code kill -9} of all their pids) with
 * {@code daemon.maxConcurrentLaunches: 2} are relaunched never more than 2 at a time, counted at the
 * runtime seam (calls of {@code launch()} under way), and all are Running again, each relaunched
 * once, none skipped. Real daemon wiring, real processes, real signals.
 */
class LaunchLimitTest {
    private static final int COMPONENTS = 50;
    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir
    Path dir;
    private Daemon daemon;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    /** Counts the launches under way, host-wide. */
    private ComponentRuntime counted(ComponentRuntime runtime) {
        return new ComponentRuntime() {
            @Override
            public Instance launch() throws LaunchException {
                peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    return runtime.launch();
                } finally {
                    inFlight.decrementAndGet();
                }
            }

            @Override
            public Optional<Instance> adopt(InstanceRecord record) {
                return runtime.adopt(record);
            }
        };
    }

    @AfterEach
    void cleanUp() {
        if (daemon != null) {
            daemon.stopComponents();
            daemon.close();
        }
    }

    @Test
    void fiftyComponentsKilledAtOnceRelaunchNeverMoreThanTwoAtATimeAndAllRunAgain() throws Exception {
        StigmerHome home = new StigmerHome(dir.resolve("home")).ensure();
        StringBuilder yaml = new StringBuilder("daemon: { maxConcurrentLaunches: 2 }\ncomponents:\n");
        for (int i = 0; i < COMPONENTS; i++) {
            yaml.append("  c").append(i).append(":\n    process: { command: [sleep, '1000'] }\n");
        }
        Path config = Files.writeString(dir.resolve("stigmer.yaml"), yaml);
        daemon = new Daemon(ConfigLoader.load(config, home.configVariables(dir)), home, Thread::new, this::counted);
        daemon.start();
        List<SupervisedComponent> components = daemon.supervisor().components();
        Await.until("all Running", WAIT, () -> components.stream().allMatch(c -> c.status().state() == State.RUNNING));
        assertTrue(peak.get() <= 2, "the daemon's start forked at most 2 at once: " + peak.get());
        peak.set(0);

        List<String> kill = new ArrayList<>(List.of("kill", "-9"));
        List<Long> before = new ArrayList<>();
        for (SupervisedComponent c : components) {
            before.add(c.status().pid());
            kill.add(String.valueOf(c.status().pid()));
        }
        assertEquals(0, new ProcessBuilder(kill).inheritIO().start().waitFor());

        Await.until("all Running again, each restarted once", WAIT, () -> components.stream().map(SupervisedComponent::status)
                .allMatch(s -> s.state() == State.RUNNING && s.restarts() == 1));
        assertTrue(peak.get() <= 2, "never more than 2 launches in flight: " + peak.get());
        for (int i = 0; i < COMPONENTS; i++) {
            ComponentStatus s = components.get(i).status();
            assertTrue(s.pid() > 0 && s.pid() != before.get(i), s.name() + " has a new instance");
            assertEquals(1, LiveInstances.of(home.id(), s.name()), s.name() + ": exactly one live instance");
            assertEquals(0, s.launchQueuePosition());
        }
    }
}
