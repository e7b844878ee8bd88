package ai.stigmer.cli;

import ai.stigmer.config.ConfigException;
import ai.stigmer.config.ConfigLoader;
import ai.stigmer.config.JmxConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * {@code daemon.jmx} of a config file, remembered in {@code $STIGMER_HOME/run/cli-jmx.cache} with the
 * file's path, size and modification time. Monitors poll {@code status}; parsing the YAML costs it
 * about a third of its time, so an unchanged file is not parsed again. Any doubt means a fresh parse.
 */
final class JmxAddressCache {
    static final String FILE = "cli-jmx.cache";

    private final Path cache;

    /** {@code runDir} is the home's {@code run/}; without it nothing is cached. */
    JmxAddressCache(Path runDir) {
        this.cache = runDir.resolve(FILE);
    }

    JmxConfig load(Path config) throws ConfigException {
        String key = key(config);
        if (key != null) {
            JmxConfig cached = read(key);
            if (cached != null) {
                return cached;
            }
        }
        JmxConfig jmx = ConfigLoader.loadJmx(config);
        if (key != null) {
            write(key, jmx);
        }
        return jmx;
    }

    /** path, size and modification time (ns): what must match for the cached address to hold. */
    private static String key(Path config) {
        try {
            BasicFileAttributes a = Files.readAttributes(config.toAbsolutePath(), BasicFileAttributes.class);
            return config.toAbsolutePath() + "\t" + a.size() + "\t" + a.lastModifiedTime().toInstant();
        } catch (IOException | SecurityException e) {
            return null; // the loader reports a missing or unreadable file
        }
    }

    private JmxConfig read(String key) {
        try {
            String[] lines = Files.readString(cache, StandardCharsets.UTF_8).split("\n");
            if (lines.length == 3 && lines[0].equals(key)) {
                return new JmxConfig(lines[1], Integer.parseInt(lines[2]));
            }
        } catch (IOException | RuntimeException e) {
            // no cache yet, or not ours: parse
        }
        return null;
    }

    private void write(String key, JmxConfig jmx) {
        if (!Files.isDirectory(cache.getParent())) {
            return; // no daemon ever used this home: nothing to speed up
        }
        try {
            Path tmp = Files.createTempFile(cache.getParent(), "." + FILE, ".tmp");
            try {
                Files.writeString(tmp, key + "\n" + jmx.host() + "\n" + jmx.port() + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | SecurityException e) {
            // a read-only home only costs speed
        }
    }
}
