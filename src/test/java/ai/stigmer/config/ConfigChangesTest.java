package ai.stigmer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a reload counts as added, removed, changed and unchanged, and which daemon keys it sees changed. */
class ConfigChangesTest {
    @TempDir
    Path dir;

    private StigmerConfig load(String yaml) throws Exception {
        return ConfigLoader.load(Files.writeString(dir.resolve("stigmer.yaml"), yaml), Map.of("HOME", "/home/op"));
    }

    @Test
    void anyDifferenceInAComponentsMergedSpecIsAChangeAndTheSameFileChangesNothing() throws Exception {
        String before = """
                defaults: { stop: { timeout: 5s } }
                components:
                  a: { process: { command: [sleep, '1'] } }
                  b: { process: { command: [sleep, '2'], env: { X: "${HOME}" } } }
                  c: { process: { command: [sleep, '3'] }, stop: { timeout: 7s } }
                  gone: { process: { command: [sleep, '4'] } }
                """;
        StigmerConfig current = load(before);
        assertEquals(new ConfigChanges(List.of(), List.of(), List.of(), List.of("a", "b", "c", "gone"), List.of()),
                ConfigChanges.between(current, load(before)), "records compare by value: a file read again is unchanged");

        StigmerConfig next = load("""
                defaults: { stop: { timeout: 6s } }
                components:
                  new: { dependsOn: [c], process: { command: [sleep, '5'] } }
                  a: { process: { command: [sleep, '1'] } }
                  b: { process: { command: [sleep, '2'], env: { X: "${HOME}" } }, probes: { liveness: { checks: [ { process: {} } ] } } }
                  c: { process: { command: [sleep, '3'] }, stop: { timeout: 7s } }
                """);
        ConfigChanges changes = ConfigChanges.between(current, next);
        assertEquals(List.of("new"), changes.added());
        assertEquals(List.of("gone"), changes.removed());
        assertEquals(List.of("a", "b"), changes.changed(), "a: a default it inherits changed; b: its own spec");
        assertEquals(List.of("c"), changes.unchanged(), "c overrides the changed default");
        assertEquals(List.of(), changes.daemonKeys());
        assertEquals("added new; removed gone; changed a, b; unchanged c", changes.summary());
    }

    @Test
    void theKubernetesKeyAloneIsNoChangeForTheDaemon() throws Exception {
        StigmerConfig current = load("components:\n  a: { process: { command: [x] }, kubernetes: { image: 'app:1' } }\n");
        StigmerConfig next = load("components:\n  a: { process: { command: [x] }, kubernetes: { image: 'app:2' } }\n");
        assertEquals(List.of("a"), ConfigChanges.between(current, next).unchanged(), "only the export reads it");
    }

    @Test
    void daemonKeysThatDifferAreNamed() throws Exception {
        StigmerConfig current = load("components:\n  a: { process: { command: [x] } }\n");
        StigmerConfig next = load("""
                daemon: { jmx: { port: 40000 }, maxConcurrentLaunches: 3, logs: { keep: 2 } }
                alerts: [ { events: [failed], exec: { command: [page] } } ]
                components:
                  a: { process: { command: [x] } }
                """);
        assertEquals(List.of("daemon.jmx", "daemon.http", "daemon.maxConcurrentLaunches", "daemon.logs", "alerts"),
                ConfigChanges.between(current, next).daemonKeys());
    }
}
