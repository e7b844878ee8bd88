package ai.stigmer.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reading /proc: a command name with spaces and parentheses, environment entries, the tick clock. */
class ProcessTableTest {

    @Test
    void parsesStatWhoseCommandNameHoldsSpacesAndParentheses() {
        String stat = "4242 (a) b (c)) S 17 4242 4240 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10";
        ProcessTable.Entry e = ProcessTable.parse(4242, stat);
        assertEquals(new ProcessTable.Entry(4242, 17, 'S', 4240, 987654), e);
    }

    @Test
    void findsAWholeEnvironmentEntryOnly() {
        long self = ProcessHandle.current().pid();
        String path = System.getenv("PATH");
        assertTrue(ProcessTable.environContains(self, ("PATH=" + path).getBytes(StandardCharsets.UTF_8)));
        assertFalse(ProcessTable.environContains(self, ("PATH=" + path.substring(0, path.length() - 1)).getBytes(StandardCharsets.UTF_8)));
        assertFalse(ProcessTable.environContains(self, ("ATH=" + path).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aProcessStartedNowIsNotOlderThanTheClock() throws Exception {
        long before = ProcessTable.nowTicks();
        Process p = new ProcessBuilder("sleep", "1000").start();
        try {
            long start = ProcessTable.read(p.pid()).orElseThrow().startTicks();
            assertTrue(start >= before, start + " >= " + before);
            assertTrue(ProcessTable.startedSince(before).stream().anyMatch(e -> e.pid() == p.pid()));
        } finally {
            p.destroyForcibly();
        }
    }
}
