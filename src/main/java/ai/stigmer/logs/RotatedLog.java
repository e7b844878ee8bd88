package ai.stigmer.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of one size-rotated log: {@code NAME.log} (live), {@code NAME.log.1} (the newest rotated
 * part) up to {@code NAME.log.<keep>} (the oldest), and, while the daemon rotates it, the marker
 * {@code NAME.log.rotating} (holding the daemon's pid) and the part being copied,
 * {@code NAME.log.next}. Read oldest first, the rotated parts and then the live file are one stream of
 * bytes: a line may begin at the end of one part and end at the start of the next.
 *
 * <p>Plain JDK only: the command line reads logs through it.
 */
public final class RotatedLog {
    private final Path live;
    private final Pattern rotatedName;

    public RotatedLog(Path live) {
        this.live = live;
        this.rotatedName = Pattern.compile(Pattern.quote(live.getFileName().toString()) + "\\.([1-9][0-9]{0,5})");
    }

    public Path live() {
        return live;
    }

    /** {@code NAME.log.<index>}, 1 the newest. */
    public Path rotated(int index) {
        return sibling("." + index);
    }

    /** Exists while a rotation is under way (or was, when the daemon died during one). */
    public Path marker() {
        return sibling(".rotating");
    }

    /** The head being copied, before it becomes {@code NAME.log.1}. */
    Path next() {
        return sibling(".next");
    }

    private Path sibling(String suffix) {
        return live.resolveSibling(live.getFileName() + suffix);
    }

    /** The rotated parts that exist, oldest first (a gap left by a crash is skipped). */
    public List<Path> rotatedOldestFirst() throws IOException {
        TreeMap<Integer, Path> byIndex = new TreeMap<>();
        Path dir = live.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                Matcher m = rotatedName.matcher(p.getFileName().toString());
                if (m.matches()) {
                    byIndex.put(Integer.parseInt(m.group(1)), p);
                }
            });
        }
        return new ArrayList<>(byIndex.descendingMap().values());
    }

    /**
     * Makes room for a new {@code NAME.log.1}: deletes the parts at {@code keep} and beyond, and moves
     * each other part one up, the oldest first, so that a crash in between leaves at most a gap.
     */
    void shift(int keep) throws IOException {
        for (Path p : rotatedOldestFirst()) {
            int index = index(p);
            if (index >= keep) {
                Files.deleteIfExists(p);
            } else {
                Files.move(p, rotated(index + 1), StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    private int index(Path rotatedPart) {
        Matcher m = rotatedName.matcher(rotatedPart.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(rotatedPart + " is not a rotated part of " + live);
        }
        return Integer.parseInt(m.group(1));
    }

    /** The identity of the file at {@code path} (device and inode), or empty if there is none. */
    public static Optional<Object> identity(Path path) {
        try {
            return Optional.ofNullable(Files.readAttributes(path, BasicFileAttributes.class).fileKey());
        } catch (IOException e) {
            return Optional.empty(); // none, or gone while we looked
        }
    }

    /** The pid in the marker, if a rotation is under way (or was left unfinished). */
    public Optional<Long> markerOwner() {
        try {
            return Optional.of(Long.parseLong(Files.readString(marker()).trim()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.of(-1L); // there, but unreadable or half written: still under way
        }
    }
}
