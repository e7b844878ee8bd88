package ai.stigmer.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The installed {@code bin/stigmer} of the soak's home, as an operator runs it: start, status
 * {@code --json}, stop. Every call has a deadline; one that passes it is killed and reported.
 */
final class StigmerCli {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one component looks like in one status. */
    record Component(String name, String kind, String state, long pid, String containerId, int restarts,
                     boolean stopping, String lastError) {
        boolean running() {
            return "Running".equals(state) && !stopping;
        }
    }

    /** One answered {@code status --json}, read at {@code at} (ms since the epoch, when the call began). */
    record Status(long at, long daemonPid, String containment, Map<String, Component> components) {
        Component get(String name) {
            return components.get(name);
        }
    }

    /** What a command printed and its exit code; -1 when it passed its deadline. */
    record Result(int exit, String out) {}

    private final Path install;
    private final Path config;
    private final Map<String, String> env;

    StigmerCli(Path install, Path config, Map<String, String> env) {
        this.install = install;
        this.config = config;
        this.env = env;
    }

    /** {@code bin/stigmer server}: the daemon in the background, with {@code javaOpts} for its JVM. */
    Result startDaemon(String javaOpts) {
        return run(Duration.ofSeconds(90), Map.of("STIGMER_JAVA_OPTS", javaOpts), "server");
    }

    Result stop() {
        return run(Duration.ofSeconds(150), Map.of(), "server", "stop");
    }

    /** The status, or empty while no daemon answers (not running, killed, not yet up). */
    Optional<Status> status() {
        long at = System.currentTimeMillis();
        Result r = run(Duration.ofSeconds(30), Map.of(), "server", "status", "--json");
        if (r.exit() != 0 && r.exit() != 1) {
            return Optional.empty();
        }
        try {
            String out = r.out();
            JsonNode root = JSON.readTree(out.substring(out.indexOf('{')));
            if (!root.path("running").asBoolean() || !root.has("components")) {
                return Optional.empty();
            }
            Map<String, Component> components = new LinkedHashMap<>();
            for (JsonNode c : root.get("components")) {
                components.put(c.get("name").asText(), new Component(c.get("name").asText(), c.path("kind").asText(),
                        c.path("state").asText(), c.path("pid").asLong(-1), c.path("containerId").asText(""),
                        c.path("restarts").asInt(), c.path("stopping").asBoolean(), c.path("lastError").asText("")));
            }
            JsonNode daemon = root.path("daemon");
            return Optional.of(new Status(at, daemon.path("pid").asLong(-1), daemon.path("containment").asText(""),
                    components));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private Result run(Duration limit, Map<String, String> extraEnv, String... args) {
        List<String> command = new ArrayList<>(List.of(install.resolve("bin/stigmer").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--config", config.toString()));
        return exec(command, limit, merged(extraEnv));
    }

    private Map<String, String> merged(Map<String, String> extra) {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.putAll(extra);
        return all;
    }

    /** Runs {@code command} with {@code env} added, output captured, killed at {@code limit}. */
    static Result exec(List<String> command, Duration limit, Map<String, String> env) {
        Path out = null;
        try {
            out = Files.createTempFile("stigmer-chaos-cmd", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(env);
            Process p = builder.start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroy(); // SIGTERM first: bench/chaos.sh cleans up (daemon, engine) on it
                if (!p.waitFor(90, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor();
                }
                return new Result(-1, String.join(" ", command) + ": no exit within " + limit.toSeconds() + "s\n"
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, String.join(" ", command) + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        } finally {
            if (out != null) {
                out.toFile().delete();
            }
        }
    }
}
