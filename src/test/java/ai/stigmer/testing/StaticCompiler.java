package ai.stigmer.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Whether this machine can build the native launcher: a C compiler and the static C library. */
public final class StaticCompiler {
    private StaticCompiler() {}

    /** True where {@code cc} runs and finds {@code libc.a} (what src/main/c/build.sh needs). */
    public static boolean present() {
        try {
            Process p = new ProcessBuilder("cc", "-print-file-name=libc.a").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return false;
            }
            return out.contains("/") && Files.isRegularFile(Path.of(out));
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
