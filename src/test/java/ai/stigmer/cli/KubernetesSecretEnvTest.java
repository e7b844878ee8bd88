package ai.stigmer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.config.JmxConfig;
import ai.stigmer.daemon.StigmerHome;
import ai.stigmer.testing.KubernetesSchemaValidator;
import ai.stigmer.testing.StigmerInstall;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Env values marked secret (by name, or all with --all-env-secret) go into a Secret, base64-encoded,
 * and are referenced with secretKeyRef: the value as written appears nowhere in what the export
 * prints or writes, warnings included.
 */
class KubernetesSecretEnvTest {
    private static final String PASSWORD = "hunter2-db-password-value";
    private static final String TOKEN = "tok-9f8e7d6c5b4a";
    private static final String PLAIN = "plain-log-level-value";
    private static final String URL_WITH_PASSWORD = "postgres://app:pw-in-url-4242@localhost:5432/app";

    @TempDir Path dir;
    private Path config;
    private CliEnvironment env;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void writeConfig() throws Exception {
        env = new CliEnvironment(new StigmerHome(dir.resolve("home")), StigmerInstall.ROOT, c -> JmxConfig.DEFAULT);
        config = Files.writeString(dir.resolve("stigmer.yaml"), """
                components:
                  api:
                    process:
                      command: [/srv/api]
                      env:
                        DB_PASSWORD: "%s"
                        api_token: "%s"
                        LOG_LEVEL: "%s"
                        DATABASE_URL: "%s"
                    kubernetes: { image: registry.example.com/api:1.2 }
                    probes:
                      readiness: { checks: [ { tcp: { port: 8080 } } ] }
                """.formatted(PASSWORD, TOKEN, PLAIN, URL_WITH_PASSWORD));
    }

    private int export(String... more) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        String[] args = Stream.concat(Stream.of("export", "kubernetes", "--config", config.toString()), Stream.of(more))
                .toArray(String[]::new);
        return Main.run(args, env, new PrintWriter(out), new PrintWriter(err));
    }

    @Test
    void secretLookingNamesAreReferencedFromTheSecretNeverWrittenOut() throws Exception {
        assertEquals(0, export(), err.toString());
        String everything = out + "\n" + err;
        assertFalse(everything.contains(PASSWORD), everything);
        assertFalse(everything.contains(TOKEN), everything);
        assertTrue(out.toString().contains(PLAIN), "a name that does not look secret stays a plain value");
        assertTrue(err.toString().contains("warning: api: SECRET_IN_OUTPUT: "), err.toString());

        List<Map<String, Object>> objects = KubernetesSchemaValidator.validate(out.toString(), dir);
        assertEquals(List.of("Secret", "Service", "Deployment"), objects.stream().map(o -> o.get("kind")).toList());
        assertEquals(Map.of("DB_PASSWORD", base64(PASSWORD), "api_token", base64(TOKEN)), objects.get(0).get("data"));
        assertEquals(Map.of("name", "DB_PASSWORD", "valueFrom", Map.of("secretKeyRef", Map.of("name", "api-env", "key", "DB_PASSWORD"))),
                envVar(objects.get(2), "DB_PASSWORD"));
        assertEquals(Map.of("name", "LOG_LEVEL", "value", PLAIN), envVar(objects.get(2), "LOG_LEVEL"));
    }

    @Test
    void allEnvSecretKeepsEveryValueOutAlsoFromWarningsAndFiles() throws Exception {
        Path output = dir.resolve("manifests");
        assertEquals(0, export("--all-env-secret", "-o", output.toString()), err.toString());
        String files;
        try (Stream<Path> list = Files.list(output)) {
            files = list.map(p -> {
                try {
                    return Files.readString(p);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).collect(Collectors.joining("\n"));
        }
        String everything = out + "\n" + err + "\n" + files;
        for (String value : List.of(PASSWORD, TOKEN, PLAIN, URL_WITH_PASSWORD, "pw-in-url-4242")) {
            assertFalse(everything.contains(value), value + " leaked:\n" + everything);
        }
        assertTrue(err.toString().contains("warning: api: LOOPBACK_ADDRESS: env DATABASE_URL names a loopback address"),
                "the warning names the variable, not its value: " + err);
        List<Map<String, Object>> objects = KubernetesSchemaValidator.validate(files, dir);
        assertEquals(4, ((Map<?, ?>) objects.get(0).get("data")).size());
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> envVar(Map<String, Object> deployment, String name) {
        List<Map<String, Object>> envs = (List<Map<String, Object>>) KubernetesDefaultStackTest.container(deployment).get("env");
        return envs.stream().filter(e -> name.equals(e.get("name"))).findFirst().orElseThrow();
    }
}
