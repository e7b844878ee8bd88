package ai.stigmer.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.runtime.InstanceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An instance record reads back as it was saved, written by hand or, for an unusual value, by Properties. */
class FileInstanceStoreTest {
    @TempDir
    Path dir;

    @Test
    void aRecordReadsBackAsSaved() throws Exception {
        FileInstanceStore store = new FileInstanceStore(dir);
        InstanceRecord record = new InstanceRecord(4242, 123456, "", "3f9c2a71aa00/web-1/9e8d7c6b5a", "0123456789abcdef",
                "fedcba9876543210");
        store.save("web-1", record);
        assertEquals(record, store.load("web-1").orElseThrow());
        assertTrue(Files.readString(dir.resolve("web-1.instance")).contains("pid=4242\n"));
        assertFalse(Files.exists(dir.resolve("web-1.instance.tmp")));
    }

    @Test
    void aValueThatNeedsEscapingStillReadsBackAsSaved() {
        FileInstanceStore store = new FileInstanceStore(dir);
        InstanceRecord record = new InstanceRecord(-1, -1, "id with = and : and # and \\ and é", "m", "c", "e");
        store.save("odd", record);
        assertEquals(record, store.load("odd").orElseThrow());
    }
}
