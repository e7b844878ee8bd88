package ai.stigmer.logs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Numbered lines that prove a log whole: each writer writes {@code <writer> <n> xxx… <n>} with n
 * counting from 1, and {@link #count} reads files (oldest first) as one stream and reports, per
 * writer, the first and last number seen and any number missing, repeated or mangled.
 */
final class NumberedLines {
    static final int PADDING = 80;
    private static final Pattern LINE = Pattern.compile("(w\\d+) (\\d{9}) x{" + PADDING + "} (\\d{9})");
    /** A piece of a writer's line: its padding, its start, or the end of its number. */
    private static final Pattern PIECE = Pattern.compile(
            ".*xxxxxxxxxx.*|w\\d*( \\d.*)?|\\d{1,9}( x*)?|x+( \\d{0,9})?| \\d{0,9}");

    private NumberedLines() {}

    static String line(String writer, long n) {
        String number = String.format("%09d", n);
        return writer + " " + number + " " + "x".repeat(PADDING) + " " + number + "\n";
    }

    /** What one writer's lines look like across the files. */
    record Writer(long first, long last, long count, List<String> problems) {}

    /** The whole of {@code files} read oldest first; {@code other} counts lines of no writer (the daemon's). */
    record Count(Map<String, Writer> writers, long other, List<String> problems) {
        Writer of(String writer) {
            return writers.getOrDefault(writer, new Writer(0, 0, 0, List.of("no line of " + writer)));
        }
    }

    static Count count(List<Path> filesOldestFirst) throws IOException {
        List<InputStream> streams = new ArrayList<>();
        for (Path p : filesOldestFirst) {
            streams.add(Files.newInputStream(p));
        }
        Iterator<InputStream> it = streams.iterator();
        Map<String, long[]> seen = new HashMap<>(); // first, last, count
        Map<String, List<String>> writerProblems = new HashMap<>();
        List<String> problems = new ArrayList<>();
        long other = 0;
        long lineNo = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new SequenceInputStream(Collections.enumeration(streams)), StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                Matcher m = LINE.matcher(line);
                if (m.matches() && m.group(2).equals(m.group(3))) {
                    String w = m.group(1);
                    long n = Long.parseLong(m.group(2));
                    long[] s = seen.get(w);
                    if (s == null) {
                        seen.put(w, new long[] {n, n, 1});
                    } else {
                        if (n != s[1] + 1) {
                            writerProblems.computeIfAbsent(w, k -> new ArrayList<>())
                                    .add((n <= s[1] ? "repeated " : "missing before ") + n + " (after " + s[1] + ")");
                        }
                        s[1] = n;
                        s[2]++;
                    }
                } else if (!PIECE.matcher(line).matches()) {
                    other++;
                } else if (lineNo > 1) {
                    // only the first line may be a piece: the end of a line whose start was in a part
                    // deleted by design (keep)
                    problems.add("mangled line " + lineNo + ": " + abbreviate(line));
                }
            }
        }
        Map<String, Writer> writers = new HashMap<>();
        seen.forEach((w, s) -> writers.put(w, new Writer(s[0], s[1], s[2],
                writerProblems.getOrDefault(w, List.of()))));
        return new Count(writers, other, problems);
    }

    private static String abbreviate(String line) {
        return line.length() <= 160 ? line : line.substring(0, 160) + "…";
    }
}
