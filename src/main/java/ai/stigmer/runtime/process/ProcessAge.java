package ai.stigmer.runtime.process;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How long a process has run, from its start time in {@code /proc/<pid>/stat} (clock ticks since
 * boot) and the time since boot in {@code /proc/uptime}: what lets an adopted instance's uptime go on
 * from its real start instead of from the adoption.
 */
final class ProcessAge {
    private interface C extends Library {
        long sysconf(int name);
    }

    private static final int SC_CLK_TCK = 2;
    private static final long TICKS_PER_SECOND = ticksPerSecond();

    private ProcessAge() {}

    /** The age of a process that started {@code startTicks} after boot; zero if it cannot be told. */
    static Duration of(long startTicks) {
        try {
            String uptime = Files.readString(Path.of("/proc/uptime")).trim().split("\\s+")[0];
            long sinceBootMillis = Math.round(Double.parseDouble(uptime) * 1000);
            long startedMillis = startTicks * 1000 / TICKS_PER_SECOND;
            return Duration.ofMillis(Math.max(0, sinceBootMillis - startedMillis));
        } catch (IOException | RuntimeException e) {
            return Duration.ZERO;
        }
    }

    private static long ticksPerSecond() {
        try {
            long ticks = Native.load("c", C.class).sysconf(SC_CLK_TCK);
            return ticks > 0 ? ticks : 100;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return 100; // USER_HZ on every Linux stigmer runs on
        }
    }
}
