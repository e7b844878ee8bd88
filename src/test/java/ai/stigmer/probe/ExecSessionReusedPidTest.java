package ai.stigmer.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An exec check's session is named by its leader's pid. Once the session has emptied, the kernel
 * may hand that pid to a newcomer, which may call setsid and make a session of the same number: its
 * processes must never be taken for the check's and killed.
 */
class ExecSessionReusedPidTest {
    private static final long LEADER_TICKS = 1000;

    private static Optional<ProcessTable.Entry> at(long startTicks) {
        return Optional.of(new ProcessTable.Entry(4242, 1, 'S', 4242, startTicks));
    }

    @Test
    void theSessionIsOursWhileTheLeaderPidHoldsTheLeader() {
        assertEquals(true, ExecSession.sessionStillOurs(at(LEADER_TICKS), LEADER_TICKS));
    }

    @Test
    void theSessionIsOursWhenTheLeaderIsGoneAndItsPidUnused() {
        // Members may live on: the kernel reuses no pid that is still a session id.
        assertEquals(true, ExecSession.sessionStillOurs(Optional.empty(), LEADER_TICKS));
    }

    @Test
    void aLeaderPidNowHeldByAnotherProcessNamesSomebodyElsesSession() {
        assertEquals(false, ExecSession.sessionStillOurs(at(LEADER_TICKS + 7), LEADER_TICKS));
    }

    @Test
    void aLeaderWhoseStartWasNeverSeenKeepsTheSessionRule() {
        assertEquals(true, ExecSession.sessionStillOurs(at(LEADER_TICKS + 7), -1));
    }

    @Test
    void aRealCheckReadsItsLeadersStartTime() throws Exception {
        ExecSession run = ExecSession.start(java.util.List.of("sleep", "30"));
        try {
            long pid = run.pid();
            ProcessTable.Entry leader = ProcessTable.read(pid).orElseThrow();
            assertEquals(true, ExecSession.sessionStillOurs(ProcessTable.read(pid), leader.startTicks()));
            assertEquals(true, run.members().stream().anyMatch(e -> e.pid() == pid), "the leader is a member");
        } finally {
            run.killAll(java.time.Duration.ofSeconds(2));
        }
    }
}
