package ai.stigmer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.stigmer.config.ConfigException;
import ai.stigmer.config.ConfigLoader;
import ai.stigmer.config.JmxConfig;
import ai.stigmer.daemon.StigmerHome;
import ai.stigmer.testing.StigmerInstall;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An export that cannot be made exits 2, with the config loader's own message or one naming the fix; stdout stays empty. */
class KubernetesInvalidConfigExportTest {
    @TempDir Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int export(Path config, String... more) {
        CliEnvironment env = new CliEnvironment(new StigmerHome(dir.resolve("home")), StigmerInstall.ROOT, c -> JmxConfig.DEFAULT);
        String[] args = Stream.concat(Stream.of("export", "kubernetes", "--config", config.toString()), Stream.of(more))
                .toArray(String[]::new);
        return Main.run(args, env, new PrintWriter(out), new PrintWriter(err));
    }

    private Path config(String yaml) throws Exception {
        return Files.writeString(dir.resolve("stigmer.yaml"), yaml);
    }

    private String loaderMessage(Path config) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(config, Map.of())).getMessage();
    }

    @Test
    void anInvalidConfigExitsTwoWithTheLoadersMessage() throws Exception {
        Path config = config("""
                components:
                  one:
                    process: { command: [/bin/one] }
                    probes:
                      liveness: { period: 0s, checks: [ { process: {} } ] }
                """);
        assertEquals(2, export(config, "--image", "one=one:1"));
        assertEquals("invalid configuration: " + loaderMessage(config) + "\n", err.toString());
        assertEquals(config + ": components.one.probes.liveness.period: must be greater than 0, found 0s",
                loaderMessage(config));
        assertEquals("", out.toString());
    }

    @Test
    void aBadKubernetesImageInTheConfigIsTheLoadersErrorToo() throws Exception {
        Path config = config("""
                components:
                  one:
                    process: { command: [/bin/one] }
                    kubernetes: { image: "Not An Image" }
                """);
        assertEquals(2, export(config));
        assertEquals("invalid configuration: " + config + ": components.one.kubernetes.image: expected an image reference"
                + " such as registry.example.com/team/app:1.0, found 'Not An Image'\n", err.toString());
        assertEquals("invalid configuration: " + loaderMessage(config) + "\n", err.toString());
    }

    @Test
    void aProcessComponentWithoutImageOrAnUnknownImageNameExitsTwo() throws Exception {
        Path config = config("""
                components:
                  one:
                    process: { command: [/bin/one] }
                """);
        assertEquals(2, export(config));
        assertEquals("component 'one' runs a process, and a pod needs an image: pass --image one=IMAGE,"
                + " or write kubernetes: { image: IMAGE } in the component\n", err.toString());

        err.getBuffer().setLength(0);
        assertEquals(2, export(config, "--image", "two=two:1"));
        assertEquals("--image two=...: unknown component 'two'; components are: one\n", err.toString());

        err.getBuffer().setLength(0);
        assertEquals(2, export(config, "--image", "one=One:1"));
        assertEquals("--image one=One:1: expected an image reference such as registry.example.com/team/app:1.0\n",
                err.toString());
        assertEquals("", out.toString());
    }
}
