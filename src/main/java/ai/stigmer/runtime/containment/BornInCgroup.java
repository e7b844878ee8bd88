package ai.stigmer.runtime.containment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts an instance inside its cgroup v2 from its first moment, with {@code clone3(CLONE_INTO_CGROUP)}
 * (Linux 5.7), instead of moving it there by a write to {@code cgroup.procs}. The move takes the
 * kernel's cgroup-migration lock for writing, which (unless the hierarchy is mounted with
 * favordynmods) first waits for an RCU grace period: about 10 ms of every launch on an idle host.
 * A process born inside makes no move.
 *
 * <p>The JVM cannot fork, and glibc's {@code posix_spawn} learns cgroups only in 2.41, so the clone is
 * made by a launcher the daemon spawns: the native {@code stigmer-launch} (src/main/c, built beside the
 * daemon's classes or jar where the build had a C compiler) or else a short Perl program (perl-base is
 * part of every Debian and Ubuntu system), which does the same about 1 ms slower. The launcher clones
 * with {@code CLONE_PARENT} (the new process is the daemon's child, not its own), writes
 * {@link Enclosure#CLONED} and the pid to fd 3 and exits, while the new process marks fd 3
 * close-on-exec (F_SETFD, FD_CLOEXEC), starts a session of its own and execs the command. So the
 * pipe reads end of file only once the instance has exec'd (or died): a launch returns an instance
 * that already runs its command, environment marker and all. Where the kernel refuses the clone
 * (before 5.7) it falls back to what the shell wrapper does: it writes its own pid into
 * {@code cgroup.procs}, writes {@code j} and execs in place. Where it cannot join at all it says so
 * on its last line and exits 125, as the wrapper does.
 */
final class BornInCgroup {
    // clone3 is 435 on every architecture; CLONE_PARENT 0x8000 | CLONE_INTO_CGROUP 0x200000000.
    private static final String SCRIPT = ""
            + "my ($dir, $setsid) = splice(@ARGV, 0, 3);"
            + "open(my $ready, '>&=', 3) or exit 125;"
            + "my $pid = -1;"
            + "if (sysopen(my $d, $dir, 0)) { $pid = syscall(435, pack('Q11', 0x200008000, (0) x 9, fileno($d)), 88); }"
            + "if ($pid == 0) { fcntl($ready, 2, 1); syscall($setsid); exec { $ARGV[0] } @ARGV;"
            + " print STDERR \"stigmer: cannot run $ARGV[0]: $!\\n\"; exit 127; }"
            + "if ($pid > 0) { syswrite($ready, '" + Enclosure.CLONED + "' . $pid); exit 0; }"
            + "my $procs; if (open($procs, '>>', \"$dir/cgroup.procs\") and print({$procs} $$) and close($procs)) {"
            + " syswrite($ready, '" + (char) Enclosure.JOINED + "'); fcntl($ready, 2, 1); exec { $ARGV[0] } @ARGV;"
            + " print STDERR \"stigmer: cannot run $ARGV[0]: $!\\n\"; exit 127; }"
            + "print STDERR \"" + Enclosure.JOIN_FAILED + " $dir: $!\\n\"; exit 125;";

    private static final Optional<String> PERL = find();
    /** setsid(2) by number: Perl has no builtin for it and the POSIX module costs milliseconds to load. */
    private static final Optional<String> SETSID = setsidNumber(System.getProperty("os.arch", ""));
    private static final Optional<Path> NATIVE = NativeLauncher.find(BornInCgroup.class);

    /** Which launcher makes the clone. */
    enum Launcher {
        NATIVE, PERL
    }

    private BornInCgroup() {}

    /** True where instances can be born in their cgroup: the native launcher is there, or Perl. */
    static boolean available() {
        return launcher().isPresent();
    }

    /**
     * The native launcher where it was built, is safe to run and is still there (a build's clean may
     * remove it under a running daemon), else Perl where it is there.
     */
    static Optional<Launcher> launcher() {
        if (nativeStillThere()) {
            return Optional.of(Launcher.NATIVE);
        }
        return perlRuns() ? Optional.of(Launcher.PERL) : Optional.empty();
    }

    /** The command line of the preferred launcher ({@link #launcher()}), with one look at the native one's file. */
    static Optional<List<String>> preferredCommand(Path cgroupDir, List<String> command) {
        return launcher().map(l -> line(l, cgroupDir, command));
    }

    /** The command line of {@code launcher}; empty where that one cannot run here. */
    static Optional<List<String>> command(Launcher launcher, Path cgroupDir, List<String> command) {
        boolean runs = launcher == Launcher.NATIVE ? nativeStillThere() : perlRuns();
        return runs ? Optional.of(line(launcher, cgroupDir, command)) : Optional.empty();
    }

    private static List<String> line(Launcher launcher, Path cgroupDir, List<String> command) {
        List<String> line = new ArrayList<>(launcher == Launcher.NATIVE
                ? List.of(NATIVE.get().toString(), cgroupDir.toString(), "--")
                : List.of(PERL.get(), "-e", SCRIPT, cgroupDir.toString(), SETSID.get(), "--"));
        line.addAll(command);
        return line;
    }

    private static boolean perlRuns() {
        return PERL.isPresent() && SETSID.isPresent();
    }

    private static boolean nativeStillThere() {
        return NATIVE.isPresent() && Files.isRegularFile(NATIVE.get(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    static Optional<String> setsidNumber(String arch) {
        return switch (arch) {
            case "amd64", "x86_64" -> Optional.of("112");
            case "aarch64", "riscv64" -> Optional.of("157");
            default -> Optional.empty();
        };
    }

    private static Optional<String> find() {
        for (String candidate : List.of("/usr/bin/perl", "/bin/perl")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
