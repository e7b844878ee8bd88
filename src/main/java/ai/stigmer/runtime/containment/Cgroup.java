package ai.stigmer.runtime.containment;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** One cgroup directory (v1 or v2) and the few files containment reads and writes in it. */
final class Cgroup {
    private final Path dir;

    Cgroup(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** The file a process writes its pid into to join this cgroup. */
    Path procsFile() {
        return dir.resolve("cgroup.procs");
    }

    boolean exists() {
        return Files.isDirectory(dir);
    }

    void create() throws IOException {
        Files.createDirectories(dir);
    }

    /**
     * Makes the directory; true if it was not there (then nothing can be inside it), false if it
     * was. One mkdir where the parent exists, as it does after the first launch.
     */
    boolean createFresh() throws IOException {
        if (dir.toFile().mkdir()) {
            return true;
        }
        if (Files.isDirectory(dir)) {
            return false;
        }
        Files.createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir);
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        }
    }

    boolean has(String file) {
        return Files.exists(dir.resolve(file));
    }

    /**
     * The pids in this cgroup and in every cgroup below it now (zombies are not listed), as far as
     * they can be read; none if it does not exist. A process that may write to this cgroup (one of
     * the component's user) can make a cgroup inside it and move there: it is still the instance's.
     * A cgroup below that cannot be listed (a threaded one, whose processes its thread root lists;
     * one removed meanwhile) is passed over: whether anything is left is {@link #populated}'s to say.
     *
     * @throws IllegalStateException if this cgroup's own {@code cgroup.procs} cannot be read
     */
    List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try {
            collectPids(dir, pids);
        } catch (NoSuchFileException e) {
            // no cgroup, no process
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read " + procsFile() + ": " + e.getMessage(), e);
        }
        return pids;
    }

    private static void collectPids(Path dir, List<Long> pids) throws IOException {
        readPids(dir, pids);
        collectBelow(dir, pids);
    }

    private static void collectBelow(Path dir, List<Long> pids) {
        for (Path child : children(dir)) {
            try {
                readPids(child, pids);
            } catch (IOException | NumberFormatException e) {
                // not listable: see pids(); the cgroups below it may be
            }
            collectBelow(child, pids);
        }
    }

    private static void readPids(Path dir, List<Long> pids) throws IOException {
        for (String line : Files.readAllLines(dir.resolve("cgroup.procs"), StandardCharsets.US_ASCII)) {
            if (!line.isBlank()) {
                pids.add(Long.parseLong(line.strip()));
            }
        }
    }

    /**
     * True while a process is in this cgroup or any below it ({@code cgroup.events}, cgroup v2; one
     * read, whatever made inside): false once it is empty or gone. Without that file to read (v1,
     * or made unreadable), populated while {@link #pids} lists anything.
     */
    boolean populated() {
        try {
            for (String line : read("cgroup.events").split("\n")) {
                if (line.startsWith("populated ")) {
                    return !line.equals("populated 0");
                }
            }
            return true;
        } catch (IOException e) {
            return exists() && !pids().isEmpty();
        }
    }

    /** The cgroups right below {@code dir}: its subdirectories (the rest are the kernel's files). */
    private static List<Path> children(Path dir) {
        List<Path> children = new ArrayList<>();
        File[] dirs = dir.toFile().listFiles(File::isDirectory);
        if (dirs != null) {
            for (File d : dirs) {
                children.add(d.toPath());
            }
        }
        return children;
    }

    void write(String file, String value) throws IOException {
        // cgroup files take one write per value: no truncate-and-append tricks.
        Files.write(dir.resolve(file), value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
    }

    String read(String file) throws IOException {
        return Files.readString(dir.resolve(file), StandardCharsets.US_ASCII);
    }

    /** A counter from a flat keyed file such as {@code memory.events} ("oom_kill 2"), if present. */
    OptionalLong counter(String file, String key) {
        try {
            for (String line : read(file).split("\n")) {
                String[] f = line.strip().split("\\s+");
                if (f.length == 2 && f[0].equals(key)) {
                    return OptionalLong.of(Long.parseLong(f[1]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone or unreadable: no count
        }
        return OptionalLong.empty();
    }

    /**
     * Removes the directory, and the cgroups made inside it, where nothing is inside (the kernel
     * refuses while a process is): true if it is gone or was never there, false if it is still there.
     * No exception on the way: a crash's restart clears its cgroup by this alone, in one removal
     * where no cgroup was made inside.
     */
    boolean remove() {
        File self = dir.toFile();
        if (self.delete() || !self.exists()) {
            return true;
        }
        for (Path child : children(dir)) {
            new Cgroup(child).remove();
        }
        return self.delete() || !self.exists();
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
