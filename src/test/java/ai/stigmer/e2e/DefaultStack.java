package ai.stigmer.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.stigmer.api.v1.ListWorkersRequest;
import ai.stigmer.api.v1.StigmerGrpc;
import ai.stigmer.api.v1.Worker;
import ai.stigmer.testing.Await;
import ai.stigmer.testing.StigmerInstall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The default configuration, {@code conf/stigmer.yaml}, as the end-to-end tests run it: its own
 * text, with stigmer-server's port 50051 replaced by a free one, without its {@code daemon:}
 * section ({@link StigmerInstall#config} puts a free JMX port there) and without agent-runner (it
 * needs Docker and is tested on its own). A test that needs short timings replaces the exact text
 * of the default; a replacement that no longer matches fails, so the file itself stays what is tested.
 */
final class DefaultStack {
    static final Path FILE = StigmerInstall.ROOT.resolve("conf/stigmer.yaml");
    static final String SERVER = "stigmer-server";
    static final String RUNNER = "workflow-runner";

    final int grpcPort;
    private String body;

    DefaultStack(int grpcPort) {
        this.grpcPort = grpcPort;
        String text = read(FILE);
        int defaults = text.indexOf("\ndefaults:");
        int agent = text.indexOf("\n  agent-runner:");
        if (defaults < 0 || agent < defaults || text.substring(agent + 1).lines().skip(1)
                .anyMatch(l -> !l.isEmpty() && !Character.isWhitespace(l.charAt(0)) && !l.startsWith("#"))) {
            throw new AssertionError(FILE + " no longer has the shape these tests expect (daemon, defaults, "
                    + "components ending with agent-runner)");
        }
        body = text.substring(defaults + 1, agent + 1);
        replace("50051", Integer.toString(grpcPort));
    }

    /** Replaces every {@code from} (which must be there) by {@code to}. */
    DefaultStack replace(String from, String to) {
        if (!body.contains(from)) {
            throw new AssertionError(FILE + " no longer contains: " + from);
        }
        body = body.replace(from, to);
        return this;
    }

    /** workflow-runner exits with {@code code} as soon as it starts: a crash loop. */
    DefaultStack runnerExitsAtStart(int code) {
        return replace("\"--server\", \"127.0.0.1:" + grpcPort + "\"]",
                "\"--server\", \"127.0.0.1:" + grpcPort + "\", \"--exit-at-start\", \"" + code + "\"]");
    }

    String body() {
        return body;
    }

    /** Calls stigmer-server over a fresh plaintext channel to 127.0.0.1:{@link #grpcPort}. */
    <T> T call(Function<ManagedChannel, T> call) {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", grpcPort,
                InsecureChannelCredentials.create()).build();
        try {
            return call.apply(channel);
        } finally {
            channel.shutdownNow();
        }
    }

    /** The names of the workers that stigmer-server knows (its ListWorkers). */
    List<String> workers() {
        return call(ch -> StigmerGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
                .listWorkers(ListWorkersRequest.getDefaultInstance()).getWorkersList().stream()
                .map(Worker::getName).toList());
    }

    // ---- reading what the install shows ----

    /** {@code bin/stigmer server status}. */
    static StigmerInstall.Result status(StigmerInstall install) {
        return install.stigmer("server", "status");
    }

    /** One component's block of the status text ("Workflow Runner:" up to the blank line after it). */
    static String block(String status, String displayName) {
        int at = status.indexOf("\n" + displayName + ":\n");
        if (at < 0) {
            throw new AssertionError("no " + displayName + " in the status:\n" + status);
        }
        int end = status.indexOf("\n\n", at + 1);
        return status.substring(at + 1, end < 0 ? status.length() : end + 1);
    }

    static String lastError(StigmerInstall install, String component) {
        return (String) install.attribute(component, "LastError");
    }

    static long uptimeSeconds(StigmerInstall install, String component) {
        return ((Number) install.attribute(component, "UptimeSeconds")).longValue();
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    /** Processes whose command line holds {@code marker}: how a test sees an instance the daemon did not report. */
    static List<Long> processesWith(String marker) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .map(ProcessHandle::pid).toList();
    }

    /**
     * A Failed component stays so: while the daemon watches for {@code seconds} more seconds (by
     * another component's uptime, so the daemon's own clock), it has no instance, no new restart is
     * logged, and no process runs with {@code marker} on its command line. Proving that nothing
     * happens needs a span of time: here many times the longest backoff of the short-timing tests.
     */
    static void assertStaysFailed(StigmerInstall install, String component, String witness, int seconds,
            String marker) {
        String logBefore = install.log(component);
        int restartsLogged = count(logBefore, "Restarting component");
        long until = uptimeSeconds(install, witness) + seconds;
        Await.until(component + " still Failed after " + seconds + " s more", Duration.ofSeconds(seconds * 10L + 30), () -> {
            assertEquals("Failed", install.state(component));
            assertEquals(-1, install.pid(component), "a Failed component has no instance");
            assertEquals(List.of(), processesWith(marker), "no instance runs");
            return uptimeSeconds(install, witness) >= until;
        });
        assertEquals(restartsLogged, count(install.log(component), "Restarting component"), "no restart since");
        assertEquals(10, install.restarts(component));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
