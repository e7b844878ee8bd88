package ai.stigmer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ConfigException;
import ai.stigmer.config.JmxConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line reads daemon.jmx once per version of the config file. */
class JmxAddressCacheTest {
    @TempDir
    Path dir;

    private Path config(String jmx) throws Exception {
        return Files.writeString(dir.resolve("stigmer.yaml"),
                "daemon:\n  jmx: " + jmx + "\ncomponents:\n  one: { process: { command: [sleep, '1'] } }\n");
    }

    @Test
    void anUnchangedConfigIsReadFromTheCacheAndAChangedOneAgain() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        Path file = config("{ host: 127.0.0.1, port: 50123 }");
        JmxAddressCache cache = new JmxAddressCache(run);
        assertEquals(new JmxConfig("127.0.0.1", 50123), cache.load(file));
        assertTrue(Files.exists(run.resolve(JmxAddressCache.FILE)));

        // Proof that the second read comes from the cache: the cached address wins over the file's.
        String cached = Files.readString(run.resolve(JmxAddressCache.FILE));
        Files.writeString(run.resolve(JmxAddressCache.FILE), cached.replace("50123", "50124"));
        assertEquals(new JmxConfig("127.0.0.1", 50124), cache.load(file));

        config("{ host: 127.0.0.1, port: 50125 }");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(new JmxConfig("127.0.0.1", 50125), cache.load(file));
    }

    @Test
    void anInvalidJmxSectionIsRefusedAndNothingIsCached() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        Path file = config("{ host: 10.0.0.1, port: 50123 }");
        ConfigException e = assertThrows(ConfigException.class, () -> new JmxAddressCache(run).load(file));
        assertEquals("daemon.jmx.host", e.keyPath());
        assertTrue(Files.notExists(run.resolve(JmxAddressCache.FILE)));
    }

    @Test
    void withoutARunDirectoryNothingIsWritten() throws Exception {
        Path file = config("{ port: 50126 }");
        assertEquals(new JmxConfig("127.0.0.1", 50126), new JmxAddressCache(dir.resolve("run")).load(file));
        assertTrue(Files.notExists(dir.resolve("run")));
    }
}
