package ai.stigmer.runtime.containment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.stigmer.config.ConfigLoader;
import ai.stigmer.config.ResourcesSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code process.resources} as an operator writes it (the refusals are rows of ConfigLoaderErrorsTest). */
class ResourcesConfigTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "memory: {0}")
    @CsvSource({"256m, 268435456", "1g, 1073741824", "1536k, 1572864", "64Mi, 67108864", "2097152, 2097152", "1G, 1073741824"})
    void memoryTakesBinaryUnits(String written, long bytes) throws Exception {
        assertEquals(bytes, load("{ memory: " + written + " }").memoryBytes());
    }

    @Test
    void allThreeLimits() throws Exception {
        ResourcesSpec r = load("{ memory: 64m, cpu: 0.5, pids: 512 }");
        assertEquals(new ResourcesSpec(64L << 20, 0.5, 512), r);
        assertEquals("64m", r.memoryText());
    }

    @Test
    void noResourcesNoLimits() throws Exception {
        Path file = Files.writeString(dir.resolve("stigmer.yaml"), "components:\n  app:\n    process: { command: [run] }\n");
        assertEquals(ResourcesSpec.NONE, ConfigLoader.load(file, Map.of()).components().get(0).process().resources());
    }

    private ResourcesSpec load(String resources) throws Exception {
        Path file = Files.writeString(dir.resolve("stigmer.yaml"),
                "components:\n  app:\n    process: { command: [run], resources: " + resources + " }\n");
        return ConfigLoader.load(file, Map.of()).components().get(0).process().resources();
    }
}
