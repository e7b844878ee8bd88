package ai.stigmer.runtime.containment;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The two containment modes for parameterized tests, one of each per test JVM (the session mode
 * makes the JVM a subreaper and runs a reaper thread; one is enough). The cgroup mode is absent where
 * this machine has no writable cgroup v2, and a test of it is then skipped, never passed.
 */
final class Modes {
    static final String HOME = "test-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    private static Optional<Containment> cgroup;
    private static Containment session;

    private Modes() {}

    static synchronized Optional<Containment> cgroup() {
        if (cgroup == null) {
            cgroup = Containment.cgroupV2(HOME);
        }
        return cgroup;
    }

    static synchronized Containment session() {
        if (session == null) {
            session = Containment.session(homeOf("session"));
        }
        return session;
    }

    /** Removes the cgroups the tests made (each test class calls this once it is done). */
    static synchronized void tidy() {
        if (cgroup != null) {
            cgroup.ifPresent(Containment::tidy);
        }
        if (session != null) {
            session.tidy();
        }
    }

    /** The home id a runtime of {@code mode} must carry in its markers: the containment's own. */
    static String homeOf(String mode) {
        return mode.equals("cgroup") ? HOME : HOME + "-s";
    }

    /** A containment that puts every instance in {@code enclosure}: a cgroup the kernel will not take, say. */
    static Containment enclosingIn(Enclosure enclosure, String description) {
        return new Containment() {
            @Override
            public String description() {
                return description;
            }

            @Override
            public Enclosure enclose(String component, String marker, ai.stigmer.config.ResourcesSpec resources) {
                return enclosure;
            }

            @Override
            Enclosure reattach(String component, long pid, long startTicks, String marker) {
                throw new UnsupportedOperationException();
            }

            @Override
            java.util.List<java.nio.file.Path> bases() {
                return java.util.List.of();
            }
        };
    }

    /** "cgroup" or "session". */
    static Containment of(String mode) {
        if (mode.equals("cgroup")) {
            org.junit.jupiter.api.Assumptions.assumeTrue(cgroup().isPresent(), "no writable cgroup v2 here");
            return cgroup().get();
        }
        return session();
    }
}
