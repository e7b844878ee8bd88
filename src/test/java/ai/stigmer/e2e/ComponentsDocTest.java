package ai.stigmer.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ConfigLoader;
import ai.stigmer.config.StigmerConfig;
import ai.stigmer.testing.StigmerInstall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration examples of {@code docs/components.md} are valid configurations. */
class ComponentsDocTest {
    private static final Path DOC = StigmerInstall.ROOT.resolve("docs/components.md");

    @Test
    void everyYamlExampleLoads(@TempDir Path dir) throws Exception {
        Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOC));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        assertFalse(blocks.isEmpty(), "no example in " + DOC);
        for (String yaml : blocks) {
            Path file = Files.writeString(dir.resolve("example.yaml"), yaml);
            StigmerConfig config = ConfigLoader.load(file, Map.of("STIGMER_INSTALL", StigmerInstall.ROOT.toString()));
            assertEquals(List.of("stigmer-server", "workflow-runner", "agent-runner"),
                    config.components().stream().map(ComponentConfig::name).toList());
        }
    }
}
