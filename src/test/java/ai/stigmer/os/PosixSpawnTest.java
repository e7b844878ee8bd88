package ai.stigmer.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spawn's arguments and environment, laid out in one native block, arrive whole and in order. */
class PosixSpawnTest {
    @TempDir
    Path dir;

    @Test
    void everyArgumentAndVariableArrivesAsGiven() throws Exception {
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c",
                "pwd -P; echo \"$#\"; for a in \"$@\"; do printf '<%s>\\n' \"$a\"; done; env", "sh", "", "two words", "grüße ☃", "-x"));
        for (int i = 0; i < 100; i++) {
            argv.add("arg" + i);
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("EMPTY", "");
        env.put("UNICODE", "ünïcødé ☃");
        env.put("EQUALS", "a=b=c");
        for (int i = 0; i < 60; i++) {
            env.put("VAR_" + i, "value " + i + " " + "x".repeat(i * 7));
        }
        Path out = dir.resolve("out.log");

        long pid = PosixSpawn.spawn(argv, env, out, dir, -1);
        assertEquals(0, Waitid.reap(pid));

        List<String> all = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals(dir.toRealPath().toString(), all.get(0), "the working directory");
        // argv ends where it should (its NULL): the environment does not run on as more arguments.
        assertEquals(String.valueOf(argv.size() - 4), all.get(1), "the number of arguments");
        List<String> lines = all.subList(2, all.size());
        List<String> expectedArgs = new ArrayList<>();
        for (String a : argv.subList(4, argv.size())) {
            expectedArgs.add("<" + a + ">");
        }
        assertEquals(expectedArgs, lines.subList(0, expectedArgs.size()));
        List<String> environment = lines.subList(expectedArgs.size(), lines.size());
        for (Map.Entry<String, String> e : env.entrySet()) {
            assertTrue(environment.contains(e.getKey() + "=" + e.getValue()), e.getKey() + " in " + environment);
        }
    }

    @Test
    void anEmptyEnvironmentIsNoEnvironment() throws Exception {
        Path out = dir.resolve("out.log");
        long pid = PosixSpawn.spawn(List.of("/usr/bin/env"), Map.of(), out, null, -1);
        assertEquals(0, Waitid.reap(pid));
        assertEquals("", Files.readString(out));
    }

    @Test
    void aMissingExecutableIsAnErrorThatSaysSo() {
        IOException e = assertThrows(IOException.class, () -> PosixSpawn.spawn(
                List.of(dir.resolve("missing").toString()), Map.of(), dir.resolve("out.log"), null, -1));
        assertTrue(e.getMessage().contains("(errno 2)"), e.getMessage());
    }

    @Test
    void anArgumentPastTheKernelsLimitIsAnErrorThatSaysSo() {
        // One string longer than MAX_ARG_STRLEN (128 KiB): execve refuses it with E2BIG.
        String tooLong = "x".repeat(200 * 1024);
        IOException e = assertThrows(IOException.class, () -> PosixSpawn.spawn(
                List.of("/bin/true", tooLong), Map.of(), dir.resolve("out.log"), null, -1));
        assertTrue(e.getMessage().contains("(errno 7)"), e.getMessage());
    }

    @Test
    void aLargeEnvironmentArrivesWhole() throws Exception {
        String big = "y".repeat(100 * 1024);
        Path out = dir.resolve("out.log");
        long pid = PosixSpawn.spawn(List.of("/bin/sh", "-c", "printf %s \"$BIG\" | wc -c"), Map.of("BIG", big), out,
                null, -1);
        assertEquals(0, Waitid.reap(pid));
        assertEquals(String.valueOf(big.length()), Files.readString(out).strip());
    }

    @Test
    void theExitCodeIsReaped() throws Exception {
        long pid = PosixSpawn.spawn(List.of("/bin/sh", "-c", "exit 7"), Map.of(), dir.resolve("out.log"), null, -1);
        assertEquals(7, Waitid.reap(pid));
    }
}
