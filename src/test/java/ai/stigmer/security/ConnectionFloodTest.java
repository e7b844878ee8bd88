package ai.stigmer.security;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stigmer.testing.Await;
import ai.stigmer.testing.StigmerInstall;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local user without the password opens hundreds of connections to the JMX port and holds them
 * (each past RMI's handshake, so none times out). The daemon serves at most 64 at a time and closes
 * the rest at once, instead of spending a thread on each until it can no longer start any; when the
 * flood ends, the command line is answered again. ({@code bin/stigmer} caps RMI's connection threads.)
 */
class ConnectionFloodTest {
    private static final int FLOOD = 300;
    private static final int CAP = 64;
    /** JRMP's opening: magic "JRMI", version 2, the stream protocol. */
    private static final byte[] HANDSHAKE = {'J', 'R', 'M', 'I', 0, 2, 0x4b};

    @TempDir Path dir;

    @Test
    void aFloodOfHeldConnectionsCostsTheDaemonAtMost64ThreadsAndPassesWithoutHarm() throws Exception {
        try (StigmerInstall install = new StigmerInstall(dir)) {
            install.config("components:\n  sleeper:\n    process: { command: [/bin/sleep, \"1000\"] }\n");
            install.start();
            long daemon = install.daemonPid();
            int before = threads(daemon);

            List<Socket> flood = new ArrayList<>();
            int served = 0;
            int closed = 0;
            try {
                for (int i = 0; i < FLOOD; i++) {
                    Socket s = new Socket(InetAddress.getLoopbackAddress(), install.jmxPort);
                    s.getOutputStream().write(HANDSHAKE);
                    s.getOutputStream().flush();
                    flood.add(s);
                }
                for (Socket s : flood) {
                    if (answered(s)) {
                        served++;
                    } else {
                        closed++;
                    }
                }
                int during = threads(daemon);
                String counts = "served " + served + ", closed " + closed + ", daemon threads " + before + " -> " + during;
                System.out.println(counts);
                assertTrue(served <= CAP, counts);
                assertTrue(closed >= FLOOD - CAP, counts);
                assertTrue(during <= before + CAP + 16, counts);
            } finally {
                for (Socket s : flood) {
                    s.close();
                }
            }
            Await.until("status answers again", Duration.ofSeconds(60),
                    () -> install.stigmer("server", "status").exit() == 0);
        }
    }

    /** True if the daemon acknowledged the handshake (it serves this connection); false if it closed it. */
    private static boolean answered(Socket s) throws IOException {
        s.setSoTimeout(60_000);
        InputStream in = s.getInputStream();
        try {
            int first = in.read();
            return first == 0x4e; // ProtocolAck
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the daemon neither served nor closed a connection within 60 s", e);
        } catch (IOException reset) {
            return false;
        }
    }

    private static int threads(long pid) throws IOException {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return (int) tasks.count();
        }
    }
}
