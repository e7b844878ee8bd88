package ai.stigmer.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The validator a Kubernetes user would run: the npm package {@code kubernetes-models}, which checks
 * objects against the upstream API schemas, driven by {@code src/test/node/validate-manifests.js}.
 * It is installed under {@code target/kubernetes-validator} (by {@code .ci/run}), or where
 * {@code STIGMER_K8S_VALIDATOR} says. Missing: the test fails in CI, and is skipped elsewhere.
 */
public final class KubernetesSchemaValidator {
    public static final String INSTALL = "npm install --no-save --prefix target/kubernetes-validator kubernetes-models@4";
    private static final Path SCRIPT = StigmerInstall.ROOT.resolve("src/test/node/validate-manifests.js");

    private KubernetesSchemaValidator() {}

    /** Parses every YAML document of {@code yaml} (SnakeYAML, not the writer's Jackson) and validates it; returns the objects. */
    public static List<Map<String, Object>> validate(String yaml, Path workDir) throws Exception {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(yaml)) {
            if (doc != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> object = (Map<String, Object>) doc;
                objects.add(object);
            }
        }
        Path modules = modules();
        Path json = Files.createTempFile(workDir, "objects", ".json");
        new ObjectMapper().writeValue(json.toFile(), objects);
        Path out = workDir.resolve(json.getFileName() + ".out");
        ProcessBuilder pb = new ProcessBuilder(node(), SCRIPT.toString(), json.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("NODE_PATH", modules.toString());
        Process process = pb.start();
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the validator finished");
        String said = Files.readString(out);
        assertEquals(0, process.exitValue(), "kubernetes-models refuses an object:\n" + said);
        assertEquals(objects.size(), said.lines().filter(l -> l.startsWith("valid: ")).count(), said);
        return objects;
    }

    private static Path modules() {
        String configured = System.getenv("STIGMER_K8S_VALIDATOR");
        Path prefix = configured != null ? Path.of(configured) : StigmerInstall.ROOT.resolve("target/kubernetes-validator");
        Path modules = prefix.resolve("node_modules");
        boolean present = Files.isDirectory(modules.resolve("kubernetes-models")) && node() != null;
        if (!present) {
            String why = "the Kubernetes schema validator is missing (node, and " + modules
                    + "/kubernetes-models); install it with: " + INSTALL;
            assertTrue(System.getenv("CI") == null, why + " (.ci/run does, in CI)");
            Assumptions.abort(why);
        }
        return modules;
    }

    private static String node() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "node"))) {
                return Path.of(dir, "node").toString();
            }
        }
        return null;
    }
}
