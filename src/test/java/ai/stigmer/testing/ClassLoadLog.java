package ai.stigmer.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The class-load logs ({@code -Xlog:class+load}) of an install's JVMs, for tests of what the daemon loads. */
public final class ClassLoadLog {
    private ClassLoadLog() {}

    /**
     * Makes every JVM of {@code install} (the daemon, and the command line's own: start, status) log
     * the classes it loads to {@code <folder>/<pid>.txt}; returns the log of the JVM with that pid.
     */
    public static Folder everyJvm(StigmerInstall install, Path folder) throws IOException {
        Files.createDirectories(folder);
        install.env("STIGMER_JAVA_OPTS", "-Xlog:class+load=info:file=" + folder.resolve("%p.txt"));
        return pid -> folder.resolve(pid + ".txt");
    }

    /** Where each JVM's log is, by pid. */
    public interface Folder {
        Path of(long pid);
    }

    /** How many lines of {@code log} contain {@code prefix}, and the first ten: for a failure's message. */
    public static String matching(Path log, String prefix) throws IOException {
        List<String> lines = Files.readAllLines(log).stream().filter(l -> l.contains(prefix)).toList();
        return lines.size() + " classes, the first ones:\n" + lines.stream().limit(10).collect(Collectors.joining("\n"));
    }
}
