package ai.stigmer.testing;

import ai.stigmer.jmx.JmxCredentials;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The real install driven from end-to-end tests: {@code bin/stigmer} with a private
 * {@code STIGMER_HOME}, a free JMX port, and the test's class path (no rebuild). Reads component
 * attributes over the real JMX connector as {@code monitor}, and opens connections of its own for
 * tests that need one. {@link #close()} stops the daemon and kills anything a failed test left behind.
 */
public final class StigmerInstall implements AutoCloseable {
    public static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    private static final Duration CLI_LIMIT = Duration.ofMinutes(2);

    public final Path home;
    public final int jmxPort = Ports.free();
    private Path config;
    private boolean configured;
    private boolean installClassPath;
    private JMXConnector jmx;
    private final Map<String, String> extraEnv = new HashMap<>();

    public StigmerInstall(Path dir) {
        this.home = dir.resolve("home");
    }

    /** The output and exit code of one {@code bin/...} run. */
    public record Result(int exit, String out) {}

    /**
     * Writes the config: {@code daemon.jmx} on this install's port, then {@code body} (YAML with
     * {@code defaults:} and/or {@code components:} at top level). {@code ${STIGMER_INSTALL}} works.
     */
    public Path config(String body) {
        config = write(home.getParent().resolve("stigmer-test.yaml"), body);
        return config;
    }

    /**
     * Writes the config as {@link #config} does, but to {@code $STIGMER_HOME/stigmer.yaml}, where the
     * daemon and the command line find it by themselves: commands then run exactly as typed, without
     * {@code --config} (and {@code server status} takes the command line's shortcut).
     */
    public Path homeConfig(String body) {
        config = null;
        return write(home.resolve("stigmer.yaml"), body);
    }

    private Path write(Path file, String body) {
        try {
            Files.createDirectories(home);
            Files.writeString(file, "daemon:\n  jmx: { host: 127.0.0.1, port: " + jmxPort + " }\n" + body);
            configured = true;
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code bin/stigmer args...}, with {@code --config <config>} unless it is {@link #homeConfig}. */
    public Result stigmer(String... args) {
        return bin("stigmer", args);
    }

    /** Runs {@code bin/<script> args...}, with {@code --config <config>} unless it is {@link #homeConfig}. */
    public Result bin(String script, String... args) {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin").resolve(script).toString()));
        command.addAll(List.of(args));
        if (config != null) {
            command.addAll(List.of("--config", config.toString()));
        }
        return run(command);
    }

    public Result run(List<String> command) {
        return run(command, Map.of());
    }

    /** Runs {@code command} with this install's environment, then {@code overrides} on top (e.g. another STIGMER_HOME). */
    public Result run(List<String> command, Map<String, String> overrides) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(environment());
        pb.environment().putAll(overrides);
        return runToEnd(pb, home.getParent(), CLI_LIMIT);
    }

    /**
     * Runs {@code pb} with no input and its output and errors in one file of {@code outDir}; fails
     * the test when it has not ended within {@code limit}.
     */
    public static Result runToEnd(ProcessBuilder pb, Path outDir, Duration limit) {
        try {
            Path out = Files.createTempFile(outDir, "cli", ".out");
            pb.redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Process p = pb.start();
            if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(pb.command() + " did not finish within " + limit + ":\n" + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("STIGMER_HOME", home.toString());
        if (!installClassPath) {
            env.put("STIGMER_CLASSPATH", System.getProperty("java.class.path"));
        }
        env.putAll(extraEnv);
        return env;
    }

    /** Adds a variable to the environment of every {@code bin/} run and so of the daemon (e.g. DOCKER_HOST). */
    public StigmerInstall env(String name, String value) {
        extraEnv.put(name, value);
        return this;
    }

    /**
     * Lets {@code bin/stigmer} choose its class path itself, as for an operator ({@code target/classes}
     * and {@code target/lib}; client commands use only the jars they need), when {@code mvn test} has
     * left that build in place; otherwise keeps the test's class path.
     */
    public StigmerInstall useInstallClassPath() {
        installClassPath = Files.isDirectory(ROOT.resolve("target/lib"))
                && Files.exists(ROOT.resolve("target/classes/ai/stigmer/cli/Main.class"));
        return this;
    }

    /**
     * Runs the daemon and the command line from jars, as a release install and {@code bin/stigmer}'s
     * archived daemon do: the test's classes packed into one jar in {@code dir}, beside the jars of the
     * test's class path. A JVM that loads a class from a jar already open needs no new file descriptor;
     * one that loads it from {@code target/classes} opens a file for each class.
     */
    public StigmerInstall useJars(Path dir) throws IOException {
        Path jar = dir.resolve("stigmer-classes.jar");
        Path classes = ROOT.resolve("target/classes");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
                var files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                out.putNextEntry(new java.util.jar.JarEntry(classes.relativize(file).toString()));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
        List<String> path = new ArrayList<>(List.of(jar.toString()));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                path.add(entry);
            }
        }
        installClassPath = false;
        extraEnv.put("STIGMER_CLASSPATH", String.join(File.pathSeparator, path));
        return this;
    }

    /** Starts the daemon in the background and checks that it came up. */
    public Result start() {
        Result r = stigmer("server");
        if (r.exit() != 0) {
            throw new AssertionError("bin/stigmer server failed:\n" + r.out() + "\n" + daemonOut());
        }
        return r;
    }

    public String daemonOut() {
        return read(home.resolve("logs/daemon.out")) + read(home.resolve("logs/daemon.log"));
    }

    public String log(String component) {
        return read(home.resolve("logs").resolve(component + ".log"));
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** One attribute of a component's MXBean, read over the real connector as {@code monitor}. */
    public Object attribute(String component, String attribute) {
        try {
            return connection().getAttribute(
                    new ObjectName("ai.stigmer:type=Component,name=" + component), attribute);
        } catch (Exception e) {
            closeJmx();
            throw new IllegalStateException("cannot read " + component + "." + attribute + ": " + e, e);
        }
    }

    /** One attribute of the daemon's MXBean ({@code ai.stigmer:type=Daemon}), read as {@code monitor}. */
    public Object daemonAttribute(String attribute) {
        try {
            return connection().getAttribute(new ObjectName("ai.stigmer:type=Daemon"), attribute);
        } catch (Exception e) {
            closeJmx();
            throw new IllegalStateException("cannot read Daemon." + attribute + ": " + e, e);
        }
    }

    public String state(String component) {
        return (String) attribute(component, "State");
    }

    public long pid(String component) {
        return ((Number) attribute(component, "Pid")).longValue();
    }

    public int restarts(String component) {
        return ((Number) attribute(component, "Restarts")).intValue();
    }

    /** Waits until {@code component} is in {@code state}; fails with the daemon log otherwise. */
    public void awaitState(String component, String state, Duration limit) {
        try {
            Await.until(component + " " + state, limit, () -> state.equals(stateOrNull(component)));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (now " + stateOrNull(component) + ")\n" + daemonOut(), e);
        }
    }

    private String stateOrNull(String component) {
        try {
            return state(component);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private MBeanServerConnection connection() throws IOException {
        if (jmx == null) {
            jmx = connect(JmxCredentials.MONITOR);
        }
        return jmx.getMBeanServerConnection();
    }

    /** The address of SPEC §6 for this install's port. */
    public JMXServiceURL jmxUrl() {
        try {
            return new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The password of {@code role} from {@code $STIGMER_HOME/jmx/jmxremote.password}, as the daemon wrote it. */
    public String password(String role) {
        try {
            return JmxCredentials.readPasswords(home.resolve("jmx").resolve(JmxCredentials.PASSWORD_FILE)).get(role);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new connection of the caller's own over the real connector, logged in as {@code role}; the caller closes it. */
    public JMXConnector connect(String role) throws IOException {
        return JMXConnectorFactory.connect(jmxUrl(), Map.of(JMXConnector.CREDENTIALS, new String[] {role, password(role)}));
    }

    /** The daemon's pid from {@code run/daemon.pid}, or -1. */
    public long daemonPid() {
        String pid = read(home.resolve("run/daemon.pid")).trim();
        return pid.isEmpty() ? -1 : Long.parseLong(pid);
    }

    /** {@code kill -9 pid}, as an operator would. */
    public static void kill9(long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
            if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -9 " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void closeJmx() {
        if (jmx != null) {
            try {
                jmx.close();
            } catch (IOException ignored) {
                // already gone
            }
            jmx = null;
        }
    }

    /** Pids recorded under run/ (daemon and instances), for cleaning up after a failed test. */
    public List<Long> recordedPids() {
        List<Long> pids = new ArrayList<>();
        try (var files = Files.list(home.resolve("run"))) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.equals("daemon.pid")) {
                    pids.add(Long.parseLong(read(f).trim()));
                } else if (name.endsWith(".instance")) {
                    Properties p = new Properties();
                    try (var in = Files.newBufferedReader(f)) {
                        p.load(in);
                    }
                    pids.add(Long.parseLong(p.getProperty("pid", "-1")));
                }
            }
        } catch (IOException | RuntimeException e) {
            // nothing recorded
        }
        return pids;
    }

    @Override
    public void close() {
        closeJmx();
        List<Long> leftovers = recordedPids();
        if (configured) {
            stigmer("server", "stop");
        }
        for (long pid : leftovers) {
            if (pid > 0) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    h.descendants().forEach(ProcessHandle::destroyForcibly);
                    h.destroyForcibly();
                });
            }
        }
    }
}
