package ai.stigmer.runtime.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.stigmer.config.ProcessSpec;
import ai.stigmer.runtime.Instance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Show 4 of issue 9, at the runtime: an instance launched with one config and adopted under another
 * says how they differ ({@link Instance#drift()}), which makes the supervisor replace it. Real
 * processes; the comparison goes through the digests recorded at launch, not the process's argv.
 */
class AdoptedDriftTest {
    private static final String HOME = "test0home000";
    private static final ProcessSpec LAUNCHED = new ProcessSpec(List.of("sleep", "1000"), Map.of("MODE", "a"), null);

    @TempDir
    Path dir;
    private Instance launched;

    @BeforeEach
    void launch() throws Exception {
        launched = runtime(LAUNCHED).launch();
    }

    @AfterEach
    void stop() {
        launched.stop(Duration.ofSeconds(2));
    }

    private ProcessRuntime runtime(ProcessSpec spec) {
        return new ProcessRuntime("x", HOME, spec, dir.resolve("x.log"));
    }

    private String driftUnder(ProcessSpec configured) {
        return runtime(configured).adopt(launched.record()).orElseThrow().drift();
    }

    @Test
    void theSameConfigHasNoDrift() {
        assertEquals("", driftUnder(new ProcessSpec(List.of("sleep", "1000"), Map.of("MODE", "a"), null)));
    }

    @Test
    void aChangedCommandIsDrift() {
        assertEquals("command changed", driftUnder(new ProcessSpec(List.of("sleep", "2000"), Map.of("MODE", "a"), null)));
    }

    @Test
    void aChangedWorkingDirectoryIsACommandChange() {
        assertEquals("command changed", driftUnder(new ProcessSpec(List.of("sleep", "1000"), Map.of("MODE", "a"), dir)));
    }

    @Test
    void aChangedEnvIsDrift() {
        assertEquals("env changed", driftUnder(new ProcessSpec(List.of("sleep", "1000"), Map.of("MODE", "b"), null)));
        assertEquals("env changed", driftUnder(new ProcessSpec(List.of("sleep", "1000"), Map.of(), null)));
    }

    @Test
    void bothChangedSaysBoth() {
        assertEquals("command and env changed", driftUnder(new ProcessSpec(List.of("true"), Map.of(), null)));
    }
}
