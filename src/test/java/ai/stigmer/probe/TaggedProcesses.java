package ai.stigmer.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The processes a test started, found by a tag unique to the test in their command line (such as
 * the fraction in {@code sleep 1003.482913}), read from /proc directly. Zombies do not count: they
 * run nothing and wait only for their reaper.
 */
final class TaggedProcesses implements AutoCloseable {
    private final String tag = Integer.toString(100_000_000 + ThreadLocalRandom.current().nextInt(900_000_000));

    /** A sleep for {@code seconds} whose command line carries the tag, e.g. {@code sleep 1003.482913517}. */
    String sleep(int seconds) {
        return "sleep " + seconds + "." + tag;
    }

    /** The pids of live processes whose command line holds the tag. */
    List<Long> live() {
        List<Long> found = new ArrayList<>();
        String[] names = new java.io.File("/proc").list();
        for (String name : names == null ? new String[0] : names) {
            if (!name.chars().allMatch(Character::isDigit) || name.isEmpty()) {
                continue;
            }
            long pid = Long.parseLong(name);
            if (pid == ProcessHandle.current().pid()) {
                continue;
            }
            try {
                String cmdline = new String(Files.readAllBytes(Path.of("/proc", name, "cmdline")), StandardCharsets.UTF_8);
                boolean zombie = ProcessTable.read(pid).map(ProcessTable.Entry::gone).orElse(true);
                if (cmdline.contains(tag) && !zombie) {
                    found.add(pid);
                }
            } catch (IOException e) {
                // gone while we looked
            }
        }
        return found;
    }

    /** Kills whatever a failed test left behind, so that no test leaks what it started. */
    @Override
    public void close() {
        for (Long pid : live()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
