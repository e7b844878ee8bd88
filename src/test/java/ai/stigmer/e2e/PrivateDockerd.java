package ai.stigmer.e2e;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Docker engine of the test's own, so that stopping it affects nobody else on the machine: its
 * own socket, data root, exec root (and so its own containerd), in its own network namespace
 * ({@code unshare --net}: dockerd with {@code --bridge none} deletes the host's {@code docker0},
 * which would break the machine's engine). {@code --live-restore} keeps containers running while
 * it is down, as on a production host. Needs root, {@code dockerd} and {@code unshare}.
 */
final class PrivateDockerd implements AutoCloseable {
    private static final long UP_LIMIT_SECONDS = 60;

    private final Path dir;
    private final Path socket;
    private Process dockerd;

    private PrivateDockerd(Path dir) {
        this.dir = dir;
        this.socket = dir.resolve("docker.sock");
    }

    /**
     * Starts one and loads {@code image} into it from {@code source} (save, then load). Fails or skips
     * (see {@link DockerE2e#precondition}) when it cannot be had.
     */
    static PrivateDockerd start(DockerClient source, String image) throws Exception {
        if (!"root".equals(System.getProperty("user.name"))
                || !onPath("dockerd") || !onPath("unshare")) {
            DockerE2e.precondition("a private dockerd needs root, dockerd and unshare");
        }
        // Short, so that the Unix sockets under it stay below the 108-byte limit.
        PrivateDockerd engine = new PrivateDockerd(Files.createTempDirectory(Path.of("/tmp"), "stigmer-dockerd-"));
        try {
            engine.start();
            try (DockerClient client = engine.client(); InputStream tar = source.saveImageCmd(image).exec()) {
                client.loadImageCmd(tar).exec();
                client.inspectImageCmd(image).exec();
            }
            return engine;
        } catch (Exception | AssertionError e) {
            engine.close();
            throw e;
        }
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv("PATH").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }

    URI host() {
        return URI.create("unix://" + socket);
    }

    DockerClient client() {
        return DockerE2e.client(host());
    }

    /** Starts dockerd on the same roots and waits until it answers. */
    void start() throws Exception {
        Files.deleteIfExists(dir.resolve("pid"));
        dockerd = new ProcessBuilder("unshare", "--net", "dockerd",
                "--host", host().toString(),
                "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("exec").toString(),
                "--pidfile", dir.resolve("pid").toString(),
                "--bridge", "none", "--iptables=false", "--ip6tables=false", "--ip-masq=false",
                "--live-restore")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dockerd.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(UP_LIMIT_SECONDS);
        try (DockerClient client = client()) {
            while (true) {
                try {
                    client.pingCmd().exec();
                    return;
                } catch (RuntimeException notYet) {
                    if (!dockerd.isAlive() || System.nanoTime() > deadline) {
                        DockerE2e.precondition("private dockerd did not answer on " + socket + ":\n" + log());
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    /** SIGTERM, and waits until dockerd has exited (its containers run on: live restore). */
    void stop() throws InterruptedException {
        if (dockerd != null && dockerd.isAlive()) {
            dockerd.destroy();
            if (!dockerd.waitFor(60, TimeUnit.SECONDS)) {
                dockerd.destroyForcibly().waitFor();
            }
        }
    }

    String log() {
        try {
            return Files.readString(dir.resolve("dockerd.log"));
        } catch (IOException e) {
            return "";
        }
    }

    /** Removes every container, stops dockerd and deletes its roots. */
    @Override
    public void close() throws Exception {
        if (dockerd != null && dockerd.isAlive()) {
            try (DockerClient client = client()) {
                List<Container> all = client.listContainersCmd().withShowAll(true).exec();
                all.forEach(c -> DockerE2e.removeQuietly(client, c.getId()));
            } catch (RuntimeException e) {
                System.err.println("private dockerd cleanup: " + e);
            }
        }
        stop();
        Path data = dir.resolve("data");
        if (Files.readString(Path.of("/proc/self/mounts")).contains(" " + data + " ")) {
            new ProcessBuilder("umount", data.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("private dockerd cleanup of " + dir + ": " + e);
        }
    }
}
