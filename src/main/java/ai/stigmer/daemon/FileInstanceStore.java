package ai.stigmer.daemon;

import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.supervisor.InstanceStore;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code run/<component>.instance}: the pid and process start time, or the container id, of
 * each running instance, so that a daemon started after a crash finds its instances again. A record
 * is only a hint: the runtime adopts an instance only if the start time or label still proves it.
 * {@code run/<component>.stopped} exists while the operator's {@code stop()} of the component holds.
 */
final class FileInstanceStore implements InstanceStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileInstanceStore.class);

    private final Path dir;

    FileInstanceStore(Path dir) {
        this.dir = dir;
    }

    private Path file(String component) {
        return dir.resolve(component + ".instance");
    }

    /**
     * Saves the record with the marker the instance carries and the digests of its command and env:
     * adoption requires the process to prove the very marker recorded here, not the pid and start
     * time alone (SPEC §4).
     */
    @Override
    public void save(String component, InstanceRecord record) {
        Properties p = new Properties();
        p.setProperty("pid", Long.toString(record.pid()));
        p.setProperty("startTicks", Long.toString(record.startTicks()));
        p.setProperty("containerId", record.containerId());
        p.setProperty("marker", record.marker());
        p.setProperty("commandDigest", record.commandDigest());
        p.setProperty("envDigest", record.envDigest());
        Path tmp = dir.resolve(component + ".instance.tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "instance of " + component);
        } catch (IOException e) {
            LOG.warn("Could not record the instance of {}: {}", component, e.getMessage());
            return;
        }
        try {
            Files.move(tmp, file(component), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("Could not record the instance of {}: {}", component, e.getMessage());
        }
    }

    /** The components that have a record under {@code run/}, whether or not they are configured. */
    java.util.Set<String> recordedComponents() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".instance") && n.length() > ".instance".length())
                    .forEach(n -> names.add(n.substring(0, n.length() - ".instance".length())));
        } catch (IOException e) {
            LOG.warn("Could not list the instance records in {}: {}", dir, e.getMessage());
        }
        return names;
    }

    @Override
    public void clear(String component) {
        try {
            Files.deleteIfExists(file(component));
        } catch (IOException e) {
            LOG.warn("Could not remove {}: {}", file(component), e.getMessage());
        }
    }

    @Override
    public Optional<InstanceRecord> load(String component) {
        Path f = file(component);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f)) {
            p.load(r);
            return Optional.of(new InstanceRecord(Long.parseLong(p.getProperty("pid", "-1")),
                    Long.parseLong(p.getProperty("startTicks", "-1")), p.getProperty("containerId", ""),
                    p.getProperty("marker", ""), p.getProperty("commandDigest", ""), p.getProperty("envDigest", "")));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring unreadable {}: {}", f, e.getMessage());
            return Optional.empty();
        }
    }

    private Path stoppedFile(String component) {
        return dir.resolve(component + ".stopped");
    }

    @Override
    public void markStopped(String component, boolean stopped) {
        Path f = stoppedFile(component);
        try {
            if (stopped) {
                if (!Files.exists(f)) {
                    Files.writeString(f, "stopped by the operator; start() or restart() clears this\n");
                }
            } else {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            LOG.warn("Could not {} {}: {}", stopped ? "write" : "remove", f, e.getMessage());
        }
    }

    @Override
    public boolean stoppedByOperator(String component) {
        return Files.exists(stoppedFile(component));
    }
}
