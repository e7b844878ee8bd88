package ai.stigmer.bench.chaos;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The daemon's {@code logs/daemon.log}, read as it grows: one {@link Event} per line that starts
 * with a timestamp ("2026-12-02 03:52:09.494 INFO  [grpc] Component restarted successfully").
 * Follows a size rotation to {@code daemon.log.1}: a file that shrank was rotated, and the rest of
 * the old one is read there first.
 */
final class DaemonLog {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final Pattern LINE = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) (\\w+)\\s+\\[([^\\]]*)\\] (.*)$");

    /** A line of the log: its time (ms since the epoch), level, component ("" for the daemon's own) and text. */
    record Event(long at, String level, String component, String message) {
        boolean is(String component, String prefix) {
            return this.component.equals(component) && message.startsWith(prefix);
        }
    }

    private final Path file;
    private final List<Event> events = new ArrayList<>();
    private long offset;
    private final StringBuilder partial = new StringBuilder();

    DaemonLog(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** Every event so far, the new lines read first. */
    synchronized List<Event> events() {
        try {
            long size = Files.exists(file) ? Files.size(file) : 0;
            if (size < offset) {
                Path rotated = file.resolveSibling(file.getFileName() + ".1");
                if (Files.exists(rotated)) {
                    readFrom(rotated, offset);
                }
                offset = 0;
                partial.setLength(0);
            }
            if (size > offset) {
                offset = readFrom(file, offset);
            }
        } catch (IOException e) {
            // unreadable for now: the next call reads on from the same offset
        }
        return List.copyOf(events);
    }

    /** Appends a line as if the daemon wrote it (the self-test's forged signal line). */
    synchronized void forge(String level, String message) throws IOException {
        String line = LocalDateTime.now().format(STAMP) + " " + level + " [] " + message + "\n";
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private long readFrom(Path path, long from) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(path.toFile(), "r")) {
            long end = in.length();
            if (end <= from) {
                return from;
            }
            byte[] bytes = new byte[Math.toIntExact(end - from)];
            in.seek(from);
            in.readFully(bytes);
            partial.append(new String(bytes, StandardCharsets.UTF_8));
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0) {
                parse(partial.substring(0, nl));
                partial.delete(0, nl + 1);
            }
            return end;
        }
    }

    private void parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return; // a stack trace or a wrapped line
        }
        long at = LocalDateTime.parse(m.group(1), STAMP).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
        events.add(new Event(at, m.group(2), m.group(3), m.group(4)));
    }
}
