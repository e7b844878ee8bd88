package ai.stigmer.probe;

import static ai.stigmer.probe.NoInstance.NO_INSTANCE;
import static ai.stigmer.probe.ExecCheckLeavesNoOrphansTest.proberFor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A command that cannot run fails the check with its name, not with setsid's exit code. */
class ExecCheckMissingCommandTest {

    @Test
    void aCommandNotInPathFailsWithItsName() {
        try (Prober prober = proberFor(new ExecCheck(List.of("no-such-command-4711")), Duration.ofSeconds(5))) {
            assertEquals("command not found in PATH: no-such-command-4711",
                    prober.runNow(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ZERO).reason());
        }
    }

    @Test
    void aPathThatIsNotAnExecutableFailsWithIt(@TempDir Path dir) throws Exception {
        Path plain = Files.writeString(dir.resolve("plain"), "#!/bin/sh\n");
        try (Prober prober = proberFor(new ExecCheck(List.of(plain.toString())), Duration.ofSeconds(5))) {
            assertEquals("command not found or not executable: " + plain,
                    prober.runNow(ProbeKind.LIVENESS, NO_INSTANCE, Duration.ZERO).reason());
        }
    }
}
