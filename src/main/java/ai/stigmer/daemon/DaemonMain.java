package ai.stigmer.daemon;

import ai.stigmer.Version;
import ai.stigmer.alerts.AlertHooks;
import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ConfigException;
import ai.stigmer.config.ConfigLoader;
import ai.stigmer.config.StigmerConfig;
import ai.stigmer.http.HttpEndpoints;
import ai.stigmer.jmx.JmxControlPlane;
import ai.stigmer.jmx.JmxCredentials;
import ai.stigmer.logs.DaemonLogging;
import ai.stigmer.logs.LogRotationWatcher;
import ai.stigmer.metrics.StigmerMetrics;
import ai.stigmer.security.UnsafePermissionsException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import ai.stigmer.supervisor.ComponentSetListener;
import ai.stigmer.supervisor.SupervisedComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the daemon in this process: {@code stigmer server --foreground}. */
public final class DaemonMain {
    private DaemonMain() {}

    /**
     * Runs until SIGTERM, SIGINT or the JMX {@code shutdown()} operation, then stops every component
     * (dependents first). Returns the exit code: 0 after a clean shutdown, 2 for an invalid config,
     * 1 if the daemon could not start (already running, JMX port or a configured {@code daemon.http}
     * port taken, a credentials file or a folder of the home open to other users); {@code err} says why.
     */
    public static int runForeground(Path explicitConfig, PrintStream err) {
        return runForeground(StigmerHome.fromEnvironment(), explicitConfig, err, Started.NONE);
    }

    /** Told once the daemon has begun supervising its components, on the thread that runs the daemon. */
    interface Started {
        Started NONE = (daemon, shutdown) -> {};

        /** {@code shutdown} asks for the orderly shutdown that SIGTERM asks for; it must not block. */
        void started(Daemon daemon, Runnable shutdown);
    }

    /**
     * As {@link #runForeground(Path, PrintStream)}, in {@code homeDir}, telling {@code started} once
     * supervision has begun (the class-data training run, {@link DaemonTrainer}).
     */
    static int runForeground(StigmerHome homeDir, Path explicitConfig, PrintStream err, Started started) {
        StigmerHome home;
        try {
            home = homeDir.ensure();
        } catch (UnsafePermissionsException e) {
            err.println("stigmer: refusing to start: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("stigmer: cannot create the home directory: " + e.getMessage());
            return 1;
        }
        Path install = Path.of(System.getProperty("stigmer.install", ".")).toAbsolutePath().normalize();
        Path configFile = ConfigLoader.locate(explicitConfig, home.root(), install);
        StigmerConfig config;
        java.util.Map<String, String> variables = home.configVariables(install);
        try {
            config = ConfigLoader.load(configFile, variables);
        } catch (ConfigException e) {
            err.println("stigmer: invalid configuration: " + e.getMessage());
            return 2;
        }
        // Before the first logger exists: conf/log4j2.xml writes below the home, rotating daemon.log so.
        DaemonLogging.configure(home.root(), config.logs());
        java.nio.file.Path lockPath = home.run().resolve("daemon.lock");
        try {
            ownerOnly(lockPath);
        } catch (java.io.IOException e) {
            err.println("stigmer: cannot prepare " + lockPath + ": " + e.getMessage());
            return 1;
        }
        try (FileChannel lockFile = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = lockFile.tryLock();
            if (lock == null) {
                err.println("stigmer: a daemon is already running for " + home.root());
                return 1;
            }
            return runLocked(config, variables, home, err, started);
        } catch (IOException e) {
            err.println("stigmer: " + e.getMessage());
            return 1;
        } finally {
            // The JDK closes its logging handlers at exit, and log4j's bridge, closed after log4j has
            // stopped, starts a second log4j with every configuration factory (Jackson's among them):
            // closed first, while the daemon's log4j still runs.
            java.util.logging.LogManager.getLogManager().reset();
            DaemonLogging.shutdown();
        }
    }

    /**
     * The lock file is the daemon user's alone (0600): whoever can open it can hold a lock on it, and a
     * shared lock held by another user would keep the daemon from starting.
     */
    private static void ownerOnly(java.nio.file.Path lockPath) throws java.io.IOException {
        java.util.Set<java.nio.file.attribute.PosixFilePermission> rw =
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
        if (!java.nio.file.Files.exists(lockPath, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try {
                java.nio.file.Files.createFile(lockPath, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(rw));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another daemon made it first; its lock decides
            }
        }
        java.nio.file.Files.setPosixFilePermissions(lockPath, rw);
    }

    /** {@code variables}: those the config was read with, for its reloads. */
    private static int runLocked(StigmerConfig config, java.util.Map<String, String> variables, StigmerHome home,
            PrintStream err, Started started) throws IOException {
        try {
            JmxCredentials.ensure(home.jmx()); // generated here, under the lock, and checked before anything starts
        } catch (UnsafePermissionsException e) {
            err.println("stigmer: refusing to start: " + e.getMessage());
            return 1;
        }
        Logger log = LoggerFactory.getLogger(DaemonMain.class);
        DaemonLogging.bridgeJdkLogging();
        Path pidFile = home.run().resolve("daemon.pid");
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        CountDownLatch shutdownRequested = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        // SIGTERM and SIGINT ask for the orderly shutdown that ends in exit code 0; the hook covers
        // any other way the JVM may be told to exit, and holds it until the components are stopped.
        for (String signal : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> shutdownRequested.countDown());
        }
        // SIGHUP reloads the config, as for most daemons; the JVM's default would shut down.
        AtomicReference<Reloader> reloader = new AtomicReference<>();
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> reloadOnSignal(reloader.get(), log));
        } catch (IllegalArgumentException e) {
            // A JVM run with -Xrs keeps SIGHUP to itself: reload then goes through the command line only.
            log.warn("SIGHUP does not reload ({}); use stigmer server reload", e.getMessage());
        }
        Thread hook = new Thread(() -> {
            shutdownRequested.countDown();
            awaitQuietly(finished);
        }, "stigmer-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        StigmerMetrics metrics = new StigmerMetrics();
        try (SystemdNotifier systemd = SystemdNotifier.fromEnvironment(System.getenv(), ProcessHandle.current().pid());
                LogRotationWatcher rotation = rotation(config, home).start();
                Daemon daemon = new Daemon(config, home, metrics.probes())) {
            JmxControlPlane jmx;
            try {
                jmx = JmxControlPlane.start(config.jmx(), home.jmx(), daemon.supervisor(), shutdownRequested::countDown,
                        () -> reloadNow(reloader.get()));
            } catch (IOException e) {
                err.println("stigmer: cannot start the JMX connector on " + config.jmx().host() + ":"
                        + config.jmx().port() + ": " + e.getMessage());
                return 1;
            }
            HttpEndpoints http;
            try {
                http = http(config, home, metrics.bind(daemon.supervisor()), daemon, log);
            } catch (IOException e) {
                jmx.close();
                err.println("stigmer: cannot start the metrics and health endpoints on " + config.http().host() + ":"
                        + config.http().port() + " (daemon.http.port): " + e.getMessage());
                return 1;
            }
            try (jmx; http; AlertHooks alerts = AlertHooks.install(jmx.mbeanServer(),
                    config.components().stream().map(ComponentConfig::name).toList(), config.alerts())) {
                log.info("stigmer {} daemon started (pid {}, config {}, {} components, JMX {}:{}, HTTP {}, containment: {})",
                        Version.VERSION, ProcessHandle.current().pid(), config.source(), config.components().size(),
                        config.jmx().host(), config.jmx().port(),
                        http == null ? "off" : config.http().host() + ":" + http.port(), daemon.containment().description());
                daemon.containment().advice().ifPresent(log::info);
                daemon.reportTo(systemd);
                daemon.start();
                // systemd hears of each reload: RELOADING=1 as it begins, READY=1 once it is over.
                Reloader reloads = new Reloader(config, variables, daemon, systemd);
                daemon.supervisor().addComponentSetListener(new ComponentSetListener() {
                    @Override public void added(SupervisedComponent c) { alerts.listenTo(c.name()); }
                    @Override public void replaced(SupervisedComponent old, SupervisedComponent now) {}
                    @Override public void removed(SupervisedComponent c) {}
                });
                reloads.onReloaded(outcome -> {
                    rotateReloaded(rotation, outcome, daemon, home);
                    jmx.reloaded(outcome.source().toString(), outcome.changes(), outcome.summary());
                });
                reloader.set(reloads);
                started.started(daemon, shutdownRequested::countDown);
                awaitQuietly(shutdownRequested);
                systemd.stopping();
                log.info("Shutting down: stopping components, dependents first");
                boolean clean = daemon.stopComponents();
                log.info(clean ? "All components stopped; daemon exiting" : "Some components did not stop in time");
                if (!clean) {
                    err.println("stigmer: some components did not stop in time (see daemon.log)");
                    return 1;
                }
            }
            return 0;
        } finally {
            Files.deleteIfExists(pidFile);
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is what woke us; it returns now that we are finished
            }
        }
    }

    /** The reload of the JMX {@code reload()} operation: its summary line, or why not. */
    private static String reloadNow(Reloader reloader) {
        if (reloader == null) {
            throw new IllegalStateException("the daemon is still starting; reload once it has started");
        }
        return reloader.reload().summary();
    }

    /** SIGHUP: a reload on a thread of its own; a refusal is logged at ERROR with its reason. */
    private static void reloadOnSignal(Reloader reloader, Logger log) {
        if (reloader == null) {
            log.warn("SIGHUP ignored: the daemon is still starting");
            return;
        }
        Thread t = new Thread(() -> {
            log.info("SIGHUP: reloading the config");
            try {
                reloader.reload();
            } catch (IllegalArgumentException | IllegalStateException e) {
                log.error("Reload on SIGHUP refused: {}", e.getMessage());
            } catch (RuntimeException e) {
                log.error("Reload on SIGHUP failed", e);
            }
        }, "stigmer-reload");
        t.setDaemon(true);
        t.start();
    }

    /** The logs of components a reload added or changed are watched with their (new) limits; removed ones no longer. */
    private static void rotateReloaded(LogRotationWatcher rotation, Reloader.Outcome outcome, Daemon daemon, StigmerHome home) {
        outcome.changes().removed().forEach(name -> rotation.unwatch(home.componentLog(name)));
        for (String name : outcome.changes().added()) {
            daemon.supervisor().component(name).ifPresent(c -> rotation.watch(home.componentLog(name), c.config().logs()));
        }
        for (String name : outcome.changes().changed()) {
            rotation.unwatch(home.componentLog(name));
            daemon.supervisor().component(name).ifPresent(c -> rotation.watch(home.componentLog(name), c.config().logs()));
        }
    }

    /**
     * The metrics and health endpoints, or null when {@code daemon.http} turns them off or their
     * default port (JMX's + 1) is taken: that costs the endpoints, said in the log, not supervision.
     *
     * @throws IOException if a port written in the config cannot be bound
     */
    private static HttpEndpoints http(StigmerConfig config, StigmerHome home, StigmerMetrics metrics, Daemon daemon,
            Logger log)
            throws IOException {
        if (!config.http().enabled()) {
            return null;
        }
        try {
            return HttpEndpoints.start(config.http(), home.jmx(), metrics.registry(), daemon.supervisor());
        } catch (IOException e) {
            if (config.http().portConfigured()) {
                throw e;
            }
            log.warn("Metrics and health endpoints off: cannot listen on {}:{} (the default, JMX port + 1): {};"
                    + " set daemon.http.port", config.http().host(), config.http().port(), e.getMessage());
            return null;
        }
    }

    /**
     * The logs that other processes append to, each with its own limits: the background daemon's
     * console (daemon.out, {@code daemon.logs}) and each component's log ({@code logs} of the component).
     * daemon.log rotates in log4j itself.
     */
    private static LogRotationWatcher rotation(StigmerConfig config, StigmerHome home) {
        LogRotationWatcher watcher = new LogRotationWatcher().watch(home.logs().resolve("daemon.out"), config.logs());
        for (ComponentConfig component : config.components()) {
            watcher.watch(home.componentLog(component.name()), component.logs());
        }
        return watcher;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // keep waiting: shutdown must run to the end
            }
        }
    }
}
