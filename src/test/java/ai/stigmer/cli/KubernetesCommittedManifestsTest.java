package ai.stigmer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.stigmer.config.JmxConfig;
import ai.stigmer.daemon.StigmerHome;
import ai.stigmer.testing.KubernetesSchemaValidator;
import ai.stigmer.testing.StigmerInstall;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conf/kubernetes is what the export makes of conf/stigmer.yaml today, and passes the upstream schemas. */
class KubernetesCommittedManifestsTest {
    static final Path COMMITTED = StigmerInstall.ROOT.resolve("conf/kubernetes");
    static final String REGENERATE = "bin/stigmer export kubernetes --config conf/stigmer.yaml"
            + " --image stigmer-server=stigmer/stigmer-server:0.1.0 --image workflow-runner=stigmer/workflow-runner:0.1.0"
            + " -o conf/kubernetes";

    @TempDir Path dir;

    @Test
    void committedManifestsAreFreshAndValid() throws Exception {
        Path fresh = dir.resolve("kubernetes");
        CliEnvironment env = new CliEnvironment(new StigmerHome(dir.resolve("home")), StigmerInstall.ROOT, c -> JmxConfig.DEFAULT);
        StringWriter err = new StringWriter();
        String[] args = Stream.concat(
                Stream.of("export", "kubernetes", "--config", KubernetesDefaultStackTest.CONFIG.toString(), "-o", fresh.toString()),
                Stream.of(KubernetesDefaultStackTest.IMAGES)).toArray(String[]::new);
        assertEquals(0, Main.run(args, env, new PrintWriter(new StringWriter()), new PrintWriter(err)), err.toString());

        assertEquals(read(fresh), read(COMMITTED),
                "conf/kubernetes is stale: regenerate it from the top of the install with\n  " + REGENERATE + "\n");
        KubernetesSchemaValidator.validate(String.join("", read(COMMITTED).values()), dir);
    }

    private static Map<String, String> read(Path folder) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path file : list.toList()) {
                files.put(file.getFileName().toString(), Files.readString(file));
            }
        }
        return files;
    }
}
