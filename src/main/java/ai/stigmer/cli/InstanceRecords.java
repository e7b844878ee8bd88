package ai.stigmer.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The daemon's {@code run/<component>.instance} files (SPEC §1: what is needed to find each running
 * instance again), read by {@code stop} when the daemon cannot tell: pid and start time, or
 * container id. A record proves nothing alone; {@link LiveProcess#alive()} checks the start time.
 */
final class InstanceRecords {
    private static final String SUFFIX = ".instance";

    /** One record: {@code pid} −1 and {@code startTicks} −1 for a container. */
    record Entry(String component, long pid, long startTicks, String containerId) {
        /** The recorded process, if it still runs with the recorded start time. */
        java.util.Optional<LiveProcess> process() {
            LiveProcess p = new LiveProcess(pid, startTicks);
            return pid > 1 && startTicks >= 0 && p.alive() ? java.util.Optional.of(p) : java.util.Optional.empty();
        }
    }

    private InstanceRecords() {}

    /** Every readable record under {@code runDir}, by component name; unreadable ones are skipped. */
    static Map<String, Entry> read(Path runDir) {
        Map<String, Entry> records = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(runDir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(SUFFIX)) {
                    continue;
                }
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(f)) {
                    p.load(r);
                    String component = name.substring(0, name.length() - SUFFIX.length());
                    records.put(component, new Entry(component, Long.parseLong(p.getProperty("pid", "-1").trim()),
                            Long.parseLong(p.getProperty("startTicks", "-1").trim()), p.getProperty("containerId", "").trim()));
                } catch (IOException | RuntimeException e) {
                    // unreadable or half written: no record
                }
            }
        } catch (IOException e) {
            // no run/ yet: nothing recorded
        }
        return records;
    }
}
