package ai.stigmer.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.jmx.JmxCredentials;
import ai.stigmer.jmx.ObjectNames;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.StigmerInstall;
import ai.stigmer.testing.StigmerInstall.Result;
import ai.stigmer.testing.WithStigmerInstall;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/stigmer server events -f} as a child process against the real daemon: it prints what the
 * daemon remembers, then follows live notifications, so a {@code kill -9} of a component's process
 * shows unhealthy → restarting → restarted in that order, each once; SIGTERM ends it with exit 0.
 */
class EventsFollowTest extends WithStigmerInstall {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  victim  unhealthy  Unhealthy → Unhealthy  "
                    + "Component marked unhealthy: killed by signal 9.*");

    @Test
    void followingPrintsUnhealthyRestartingRestartedOfAKillMinusNineInOrderAndEndsCleanlyOnSigterm() throws Exception {
        install.homeConfig("""
                defaults:
                  restart:
                    backoff: { initial: 100ms, multiplier: 2.0, max: 1s }
                    minUptime: 1s
                  stop: { timeout: 2s }
                components:
                  victim:
                    process: { command: [sleep, '1000'] }
                """);
        install.start();
        install.awaitState("victim", "Running", WAIT);

        List<String> lines = new CopyOnWriteArrayList<>();
        Path err = dir.resolve("events.err");
        ProcessBuilder pb = new ProcessBuilder(StigmerInstall.ROOT.resolve("bin/stigmer").toString(),
                "server", "events", "-f").redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(install.environment());
        Process follower = pb.start();
        try {
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(follower.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (java.io.IOException e) {
                    // the follower is gone: its lines so far are what it printed
                }
            }, "events-reader");
            reader.setDaemon(true);
            reader.start();
            // Printed from the daemon's memory, which the follower reads only once it is subscribed.
            Await.until("the remembered start of victim", WAIT,
                    () -> lines.stream().anyMatch(l -> l.contains("  victim  state-changed  Starting → Running")));

            StigmerInstall.kill9(install.pid("victim"));

            Await.until("restarted", WAIT, () -> lines.stream().anyMatch(l -> l.contains("  victim  restarted  ")));
            List<String> health = lines.stream().map(EventsFollowTest::event)
                    .filter(e -> List.of("unhealthy", "restarting", "restarted").contains(e)).toList();
            assertEquals(List.of("unhealthy", "restarting", "restarted"), health, String.join("\n", lines));
            assertTrue(lines.stream().anyMatch(l -> LINE.matcher(l).matches()), String.join("\n", lines));
            assertEquals(1, lines.stream().filter(l -> l.contains("  victim  state-changed  Stopped → Starting")).count(),
                    "printed once, though both remembered and possibly received: " + String.join("\n", lines));

            follower.destroy(); // SIGTERM
            assertTrue(follower.waitFor(30, TimeUnit.SECONDS), "the follower ends on SIGTERM");
            assertEquals(0, follower.exitValue(), Files.readString(err));
        } finally {
            follower.destroyForcibly();
        }

        // Without -f: what the daemon remembers, one JSON object per line, in the order it happened.
        Result json = install.stigmer("server", "events", "--json");
        assertEquals(0, json.exit(), json.out());
        List<String> remembered = new ArrayList<>();
        ObjectMapper mapper = new ObjectMapper();
        for (String line : json.out().split("\n")) {
            JsonNode event = mapper.readTree(line);
            assertEquals("victim", event.get("component").asText(), line);
            remembered.add(event.get("event").asText());
        }
        int unhealthy = remembered.indexOf("unhealthy");
        assertTrue(unhealthy >= 0 && unhealthy < remembered.indexOf("restarting")
                && remembered.indexOf("restarting") < remembered.indexOf("restarted"), remembered.toString());

        // The monitor role reads the ring and listens, and still cannot restart anything.
        try (JMXConnector c = install.connect(JmxCredentials.MONITOR)) {
            MBeanServerConnection mbs = c.getMBeanServerConnection();
            assertInstanceOf(CompositeData[].class, mbs.getAttribute(ObjectNames.daemon(), "RecentEvents"));
            assertThrows(SecurityException.class,
                    () -> mbs.invoke(ObjectNames.component("victim"), "restart", null, null));
        }

        assertEquals(0, install.stigmer("server", "stop").exit());
        Result status = install.stigmer("server", "status");
        Result events = install.stigmer("server", "events", "-f");
        assertEquals(3, events.exit(), events.out());
        assertEquals(status.out(), events.out(), "the same line as status");
    }

    /** The event word of a text line: time, component, event, from → to, message. */
    private static String event(String line) {
        String[] columns = line.split("  ");
        return columns.length > 2 ? columns[2] : "";
    }
}
