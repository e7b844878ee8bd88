package ai.stigmer.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.Await;
import ai.stigmer.testing.WithStigmerInstall;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon's alert hooks, end to end: a crash-looper reaches Failed, and an exec hook and a
 * webhook (a loopback receiver here) each get the {@code failed} event with its fields; a hook
 * that hangs on every {@code unhealthy} holds up none of the restarts, nor the other hooks.
 */
class AlertHooksEndToEndTest extends WithStigmerInstall {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String HANG = "987.125"; // sleep's argument: tells the hung hook's process apart
    private HttpServer receiver;
    private final List<String> posted = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopReceiver() {
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private int receive() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        receiver.createContext("/hook", exchange -> {
            posted.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        return receiver.getAddress().getPort();
    }

    @Test
    void anExecHookAndAWebhookEachGetTheFailedEventAndAHangingHookDelaysNoRestart() throws Exception {
        int port = receive();
        Path out = dir.resolve("exec-hook.env");
        install.config("""
                alerts:
                  - events: [unhealthy]
                    components: [crasher]
                    minInterval: 0s
                    exec: { command: [sleep, "%s"], timeout: 10m }
                  - events: [failed]
                    components: [crasher]
                    exec: { command: [sh, -c, 'env | grep ^STIGMER_ > "$0.tmp" && mv "$0.tmp" "$0"', "%s"] }
                  - events: [failed]
                    webhook: { url: "http://127.0.0.1:%d/hook", timeout: 5s }
                components:
                  crasher:
                    process: { command: [sh, -c, "exit 3"] }
                    restart: { backoff: { initial: 0s, max: 0s }, maxRestarts: 3 }
                """.formatted(HANG, out, port));
        install.start();

        install.awaitState("crasher", "Failed", WAIT);
        assertEquals(3, install.restarts("crasher"), "every restart ran, the hung hook notwithstanding");

        Await.until("the exec hook's output", WAIT, () -> Files.exists(out));
        Map<String, String> env = Files.readAllLines(out).stream().map(l -> l.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv.length > 1 ? kv[1] : ""));
        assertEquals("crasher", env.get("STIGMER_COMPONENT"));
        assertEquals("failed", env.get("STIGMER_EVENT"));
        assertEquals("Unhealthy", env.get("STIGMER_FROM"));
        assertEquals("Failed", env.get("STIGMER_TO"));
        assertEquals("Component has exceeded maximum restart limit - manual intervention required",
                env.get("STIGMER_MESSAGE"));

        Await.until("the webhook's post", WAIT, () -> !posted.isEmpty());
        String post = posted.get(0);
        assertTrue(post.startsWith("POST application/json {"), post);
        for (String field : List.of("\"component\":\"crasher\"", "\"event\":\"failed\"", "\"from\":\"Unhealthy\"",
                "\"to\":\"Failed\"", "\"message\":\"Component has exceeded maximum restart limit - manual intervention required\"")) {
            assertTrue(post.contains(field), field + " in " + post);
        }
        assertEquals(1, posted.size(), "one failed event, one post");
        Await.until("the log says the hooks ran", WAIT, () -> install.daemonOut().contains("Alert hook webhook http://127.0.0.1:"
                + port + "/hook for failed of crasher done"));
        assertTrue(hung(), "the unhealthy hook still hangs");

        assertEquals(0, install.stigmer("server", "stop").exit());
        Await.until("the hung hook killed with the daemon's stop", WAIT, () -> !hung());
    }

    private static boolean hung() {
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().arguments()
                .map(a -> a.length == 1 && a[0].equals(HANG)).orElse(false));
    }
}
