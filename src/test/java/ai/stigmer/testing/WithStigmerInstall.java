package ai.stigmer.testing;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the tests that drive one real install each: {@link #install} has a private home in the
 * test's own temp dir, is made before each test and closed after it, whatever the test did (the
 * daemon stopped, anything a failed test left behind killed). A subclass's own {@code @AfterEach}
 * runs before that close.
 */
public abstract class WithStigmerInstall {
    @TempDir
    protected Path dir;
    protected StigmerInstall install;

    @BeforeEach
    protected final void newInstall() {
        install = new StigmerInstall(dir);
    }

    @AfterEach
    protected final void closeInstall() {
        install.close();
    }
}
