package ai.stigmer.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.os.SdNotify;
import ai.stigmer.supervisor.ComponentStatus;
import ai.stigmer.supervisor.State;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules of the systemd notifications, without a daemon: when READY is due, the STATUS line, the watchdog, addresses. */
class SystemdNotifierTest {

    private static ComponentStatus status(String name, State state, long pid, String lastError, int exitCode,
            String waitingFor) {
        return new ComponentStatus(name, "process", state, state == State.RUNNING, pid, "", 0, 0, 0, 0, -1,
                lastError, exitCode, List.of(), false, -1, 0, false, "", waitingFor);
    }

    private static ComponentStatus status(String name, State state, long pid) {
        return status(name, state, pid, "", -1, "");
    }

    @Test
    void withoutNotifySocketNothingIsOpenedAndEveryCallDoesNothing() {
        SystemdNotifier notifier = SystemdNotifier.fromEnvironment(Map.of("WATCHDOG_USEC", "2000000"), 42);
        assertFalse(notifier.active());
        notifier.reloading();
        notifier.reloaded();
        notifier.stopping();
        notifier.close();
    }

    @Test
    void startupIsDoneOnceEveryComponentIsLaunchedAdoptedFailedOrHeldBack() {
        assertTrue(SystemdNotifier.startupDone(List.of(
                status("running", State.RUNNING, 10),
                status("probed", State.STARTING, 11),
                status("crashed", State.RESTARTING, -1, "exited with code 3", 3, ""),
                status("dependent", State.STOPPED, -1, "", -1, "running"),
                status("clean-exit", State.STOPPED, -1, "", 0, ""),
                status("operator", State.STOPPED, -1)), name -> name.equals("operator")));
    }

    @Test
    void startupIsNotDoneWhileALaunchOrAnAdoptionIsUnderWay() {
        assertFalse(SystemdNotifier.startupDone(List.of(status("launching", State.STARTING, -1)), name -> false),
                "a launch in flight or waiting for its slot");
        assertFalse(SystemdNotifier.startupDone(List.of(status("adopting", State.STOPPED, -1)), name -> false),
                "not started yet: its adoption or its start is under way");
    }

    @Test
    void theStatusLineCountsTheComponentsByState() {
        assertEquals("3 components: 2 running, 1 restarting", SystemdNotifier.summary(List.of(
                status("a", State.RUNNING, 1), status("b", State.RESTARTING, -1), status("c", State.RUNNING, 2))));
        assertEquals("1 component: 1 failed", SystemdNotifier.summary(List.of(status("a", State.FAILED, -1))));
        assertEquals("0 components", SystemdNotifier.summary(List.of()));
    }

    @Test
    void theWatchdogIsOursOnlyWhenWatchdogPidIsUnsetOrOurPid() {
        assertEquals(Duration.ofSeconds(30), SystemdNotifier.watchdogTimeout(Map.of("WATCHDOG_USEC", "30000000"), 42));
        assertEquals(Duration.ofSeconds(30),
                SystemdNotifier.watchdogTimeout(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "42"), 42));
        assertNull(SystemdNotifier.watchdogTimeout(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "43"), 42));
        assertNull(SystemdNotifier.watchdogTimeout(Map.of(), 42));
        assertNull(SystemdNotifier.watchdogTimeout(Map.of("WATCHDOG_USEC", "soon"), 42));
    }

    @Test
    void anAbstractAddressStartsWithNulAndAPathEndsWithOne() throws IOException {
        assertArrayEquals(new byte[] {1, 0, 0, 'a', 'b'}, SdNotify.sockaddr("@ab"));
        assertArrayEquals(new byte[] {1, 0, '/', 'a', 0}, SdNotify.sockaddr("/a"));
        assertThrows(IOException.class, () -> SdNotify.sockaddr("relative/path"));
        assertThrows(IOException.class, () -> SdNotify.sockaddr("/" + "x".repeat(107)));
    }
}
