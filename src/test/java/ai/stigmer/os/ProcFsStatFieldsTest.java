package ai.stigmer.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
