package ai.stigmer.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.ConfigLoader;
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

/** Every configuration example in README.md, and the default configuration, is a valid configuration. */
class ReadmeExamplesTest {
    private static final Path README = StigmerInstall.ROOT.resolve("README.md");

    @Test
    void everyYamlExampleLoads(@TempDir Path dir) throws Exception {
        Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(README));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            if (!m.group(1).startsWith("# prometheus.yml\n")) { // another program's config, shown beside ours
                blocks.add(m.group(1));
            }
        }
        assertTrue(blocks.size() >= 3, "examples found in " + README + ": " + blocks.size());
        Map<String, String> vars = Map.of("STIGMER_INSTALL", StigmerInstall.ROOT.toString(), "STIGMER_HOME", dir.toString());
        for (String yaml : blocks) {
            Path file = Files.writeString(dir.resolve("example.yaml"), yaml);
            assertTrue(ConfigLoader.load(file, vars).components().size() >= 1, yaml);
        }
        assertTrue(ConfigLoader.load(StigmerInstall.ROOT.resolve("conf/stigmer.yaml"), vars).components().size() == 3);
    }
}
