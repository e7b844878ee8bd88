package ai.stigmer.daemon;

import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.supervisor.InstanceStore;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
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
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("pid", Long.toString(record.pid()));
        fields.put("startTicks", Long.toString(record.startTicks()));
        fields.put("containerId", record.containerId());
        fields.put("marker", record.marker());
        fields.put("commandDigest", record.commandDigest());
        fields.put("envDigest", record.envDigest());
        Path tmp = dir.resolve(component + ".instance.tmp");
        try {
            Files.write(tmp, text(component, fields).getBytes(StandardCharsets.UTF_8));
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

    /**
     * The record in {@link Properties} format. Its values (numbers, hex digests and ids, the marker
     * of hex and component names) need no escaping, so the lines are written as they are: the
     * watchdog writes one record per launch, and {@link Properties#store} (its escaping, its date
     * comment) cost it more than the rest of a launch's bookkeeping in a cold start of 200. A value
     * with any other character goes through {@code Properties} after all.
     */
    static String text(String component, Map<String, String> fields) {
        StringBuilder out = new StringBuilder("#instance of ").append(component).append('\n');
        for (Map.Entry<String, String> f : fields.entrySet()) {
            if (!PLAIN.matcher(f.getValue()).matches()) {
                Properties p = new Properties();
                p.putAll(fields);
                StringWriter w = new StringWriter();
                try {
                    p.store(w, "instance of " + component);
                } catch (IOException e) {
                    throw new UncheckedIOException(e); // a StringWriter does not fail
                }
                return w.toString();
            }
            out.append(f.getKey()).append('=').append(f.getValue()).append('\n');
        }
        return out.toString();
    }

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9/._-]*");

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
