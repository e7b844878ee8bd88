package ai.stigmer.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProcFsStatFieldsTest {
    private static final byte[] TRICKY = ("4242 (a) b (c ) S 1 4242 4242 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 "
            + "987654 8192 100 18446744073709551615").getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void fieldsAreCountedFromAfterTheLastParenthesisOfTheCommandName() {
        assertEquals('S', (char) TRICKY[ProcFs.statField(TRICKY, 0)]);
        assertEquals(1, ProcFs.statNumber(TRICKY, ProcFs.statField(TRICKY, 1)));
        assertEquals(4242, ProcFs.statNumber(TRICKY, ProcFs.statField(TRICKY, 2)));
        assertEquals(-1, ProcFs.statNumber(TRICKY, ProcFs.statField(TRICKY, 5)));
        assertEquals(987654, ProcFs.statNumber(TRICKY, ProcFs.statField(TRICKY, 19)));
    }

    @Test
    void aFieldPastTheEndOfTheLineIsNotFound() {
        assertEquals(-1, ProcFs.statField(TRICKY, 40));
        assertThrows(IllegalArgumentException.class, () -> ProcFs.statNumber(TRICKY, -1));
        assertThrows(IllegalArgumentException.class, () -> ProcFs.statNumber(TRICKY, ProcFs.statField(TRICKY, 0)));
    }

    @Test
    void theLeanReaderAgreesWithTheSplittingOneForThisProcess() {
        long self = ProcessHandle.current().pid();
        byte[] stat = ProcFs.statBytes(self);
        assertNotNull(stat);
        String[] fields = ProcFs.stat(self, f -> f).orElseThrow();
        for (int i : new int[] {1, 2, 3, 19}) {
            assertEquals(Long.parseLong(fields[i]), ProcFs.statNumber(stat, ProcFs.statField(stat, i)), "field " + i);
        }
    }

    @Test
    void aProcessRunsWhileItsLineShowsItsStartTimeAndNoZombie() {
        assertTrue(ProcFs.runs(TRICKY, TRICKY.length, 987654));
        assertFalse(ProcFs.runs(TRICKY, TRICKY.length, 987655), "a reused pid: another start time");
        byte[] zombie = new String(TRICKY, StandardCharsets.ISO_8859_1).replace(") S ", ") Z ")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertFalse(ProcFs.runs(zombie, zombie.length, 987654));
        assertFalse(ProcFs.runs(TRICKY, 60, 987654), "a line cut before its start time");
        assertFalse(ProcFs.runs(TRICKY, 0, 987654));
        byte[] noName = "4242 S 1 2 3".getBytes(StandardCharsets.ISO_8859_1);
        assertFalse(ProcFs.runs(noName, noName.length, 3));
    }

    @Test
    void thisProcessRunsAndAPidThatIsNoneDoesNot() {
        long self = ProcessHandle.current().pid();
        byte[] stat = ProcFs.statBytes(self);
        long started = ProcFs.statNumber(stat, ProcFs.statField(stat, 19));
        assertTrue(ProcFs.runs(self, ProcFs.statPath(self), started));
        assertFalse(ProcFs.runs(self, ProcFs.statPath(self), started + 1));
        assertFalse(ProcFs.runs(Integer.MAX_VALUE, ProcFs.statPath(Integer.MAX_VALUE), started));
    }

    /** The liveness probe's look at /proc, 20 times a second in a daemon of 200 probed components. */
    @Test
    void lookingWhetherAProcessRunsAllocatesNothing() {
        long self = ProcessHandle.current().pid();
        byte[] path = ProcFs.statPath(self);
        byte[] stat = ProcFs.statBytes(self);
        long started = ProcFs.statNumber(stat, ProcFs.statField(stat, 19));
        for (int i = 0; i < 2_000; i++) { // classes loaded, the thread's buffer made
            assertTrue(ProcFs.runs(self, path, started));
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        int looks = 20_000;
        long before = threads.getThreadAllocatedBytes(tid);
        boolean all = true;
        for (int i = 0; i < looks; i++) {
            all &= ProcFs.runs(self, path, started);
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertTrue(all);
        // Less than a byte a look: the allocation of even one small object per look would be 16 bytes or more.
        assertTrue(allocated < looks, allocated + " bytes allocated over " + looks + " looks");
    }
}
