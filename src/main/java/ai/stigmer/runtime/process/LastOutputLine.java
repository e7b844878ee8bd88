package ai.stigmer.runtime.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The last line an instance wrote to its component log, for the LastError of an exit: "exited with
 * code 3" alone leaves the operator to open the log, while the component usually said why on its
 * last line (SPEC §7: a component that is not Running shows its last error).
 *
 * <p>Only what the instance itself wrote since it was launched is read, and only the tail of it:
 * the daemon's own lifecycle lines, interleaved in the same file, are skipped, and the line is cut
 * to {@link #MAX_LENGTH} characters with control characters removed. Nothing of the daemon's or the
 * component's environment is added: the line is the component's own output.
 */
final class LastOutputLine {
    static final int MAX_LENGTH = 200;
    private static final int TAIL_BYTES = 4096;
    /** The daemon's lines in a component log (conf/log4j2.xml): "2024-01-01 12:00:00.000 INFO  [stigmer] ...". */
    private static final Pattern DAEMON_LINE =
            Pattern.compile("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} +[A-Z]+ +\\[stigmer\\] .*");
    private static final Pattern CONTROL = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]|\\p{Cntrl}");

    private LastOutputLine() {}

    /** The log's size now: where the output of an instance launched now begins. */
    static long mark(Path log) {
        return log.toFile().length(); // 0 when the file does not exist yet
    }

    /**
     * The last non-blank line the instance wrote to {@code log} after {@code from}, or "" if none
     * (or the log cannot be read: this is a courtesy, never a reason to fail).
     */
    static String read(Path log, long from) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long end = file.length();
            if (end < from) {
                from = 0; // the log was truncated since the launch
            }
            long start = Math.max(from, end - TAIL_BYTES);
            byte[] bytes = new byte[(int) (end - start)];
            file.seek(start);
            file.readFully(bytes);
            // From the end, line by line; only the lines looked at are decoded (a crash's exit waits
            // for this). A tail that starts mid-line begins with the end of a line: still the instance's words.
            int lineEnd = bytes.length;
            for (int i = bytes.length - 1; i >= -1; i--) {
                if (i >= 0 && bytes[i] != '\n' && bytes[i] != '\r') {
                    continue;
                }
                String line = new String(bytes, i + 1, lineEnd - (i + 1), StandardCharsets.UTF_8);
                lineEnd = i;
                if (line.isBlank() || DAEMON_LINE.matcher(line).matches()) {
                    continue;
                }
                String clean = CONTROL.matcher(line).replaceAll("").strip();
                if (clean.isEmpty()) {
                    continue;
                }
                return clean.length() <= MAX_LENGTH ? clean : clean.substring(0, MAX_LENGTH - 1) + "…";
            }
            return "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
