package ai.stigmer.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts a process with glibc's {@code posix_spawn(3)}, as the daemon's own child, in a session of
 * its own ({@code POSIX_SPAWN_SETSID}, glibc 2.26), with every signal at its default and none
 * blocked, stdin from {@code /dev/null}, stdout and stderr appended to one file, and no other file
 * descriptor of the daemon's (glibc 2.34's {@code addclosefrom_np}: the JVM opens files without
 * {@code O_CLOEXEC}). Unlike the JDK's {@code Process} it needs no thread per child: the caller
 * watches the exit itself ({@link Waitid}). It returns once the child has exec'd, or with the
 * reason it could not.
 */
public final class PosixSpawn {
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final short POSIX_SPAWN_SETSID = 0x80;
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 01;
    private static final int O_CREAT = 0100;
    private static final int O_APPEND = 02000;
    private static final int O_CLOEXEC = 02000000;
    private static final int EINTR = LibC.EINTR;
    private static final short POLLIN = LibC.POLLIN;
    /** The fd a child is given for {@code readyFd}. */
    public static final int READY_FD = 3;
    // glibc on x86_64 and aarch64: posix_spawnattr_t 336 bytes, posix_spawn_file_actions_t 80, sigset_t 128.
    private static final int ATTR_SIZE = 512;
    private static final int ACTIONS_SIZE = 256;
    private static final int SIGSET_SIZE = 128;
    private static final int FIXED_SIZE = ATTR_SIZE + ACTIONS_SIZE + SIGSET_SIZE;

    /**
     * Bound by JNA's direct mapping (a JNI call each): a launch makes a dozen of these calls, and
     * through an interface mapping's reflective proxy, run cold as a restart runs, they took 2 ms.
     */
    private static final class C {
        static {
            Native.register("c");
        }

        static native int posix_spawn(int[] pid, byte[] path, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp);

        static native int posix_spawnattr_init(Pointer attr);

        static native int posix_spawnattr_destroy(Pointer attr);

        static native int posix_spawnattr_setflags(Pointer attr, short flags);

        static native int posix_spawnattr_setsigmask(Pointer attr, Pointer set);

        static native int posix_spawnattr_setsigdefault(Pointer attr, Pointer set);

        static native int sigemptyset(Pointer set);

        static native int sigfillset(Pointer set);

        static native int posix_spawn_file_actions_init(Pointer actions);

        static native int posix_spawn_file_actions_destroy(Pointer actions);

        static native int posix_spawn_file_actions_addopen(Pointer actions, int fd, byte[] path, int flags, int mode);

        static native int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

        static native int posix_spawn_file_actions_addchdir_np(Pointer actions, byte[] path);

        static native int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

        static native String strerror(int errno);
    }

    private PosixSpawn() {}

    /**
     * Starts {@code argv} (its first element an absolute path) and returns its pid.
     *
     * @param output appended to (created 0644 if missing) as the child's stdout and stderr
     * @param workingDir where it starts; null for the daemon's
     * @param readyFd an fd the child gets as {@link #READY_FD}, or −1 for none
     * @throws IOException naming what failed: a missing executable, an output file that cannot be opened, ...
     */
    public static long spawn(List<String> argv, Map<String, String> env, Path output, Path workingDir, int readyFd)
            throws IOException {
        return spawn(argv, environment(env), output, workingDir, readyFd);
    }

    /** As {@link #spawn(List, Map, Path, Path, int)}, with the environment made by {@link #environment(Map)}. */
    public static long spawn(List<String> argv, byte[][] envs, Path output, Path workingDir, int readyFd)
            throws IOException {
        byte[][] args = encoded(argv.toArray(String[]::new));
        // One block for the attributes, the file actions, the signal set and both string arrays, freed
        // as the call returns: a Memory each (a string each, in JNA's StringArray) cost some fifty
        // native allocations a launch, each freed only when a collection found it unreachable.
        try (Memory block = new Memory(FIXED_SIZE + pointersSize(args) + pointersSize(envs) + stringsSize(args)
                + stringsSize(envs))) {
            Pointer attr = block.share(0, ATTR_SIZE);
            Pointer actions = block.share(ATTR_SIZE, ACTIONS_SIZE);
            Pointer signals = block.share(ATTR_SIZE + ACTIONS_SIZE, SIGSET_SIZE);
            long argvAt = FIXED_SIZE;
            long envpAt = argvAt + pointersSize(args);
            long stringsAt = envpAt + pointersSize(envs);
            stringsAt = putStrings(block, argvAt, args, stringsAt);
            putStrings(block, envpAt, envs, stringsAt);
            return spawn(argv.get(0), output, workingDir, readyFd, attr, actions, signals,
                    block.share(argvAt), block.share(envpAt));
        }
    }

    private static long spawn(String path, Path output, Path workingDir, int readyFd, Pointer attr, Pointer actions,
            Pointer signals, Pointer argv, Pointer envp) throws IOException {
        check("posix_spawnattr_init", C.posix_spawnattr_init(attr));
        check("posix_spawn_file_actions_init", C.posix_spawn_file_actions_init(actions));
        try {
            C.sigemptyset(signals);
            check("setsigmask", C.posix_spawnattr_setsigmask(attr, signals));
            C.sigfillset(signals);
            check("setsigdefault", C.posix_spawnattr_setsigdefault(attr, signals));
            check("setflags", C.posix_spawnattr_setflags(attr,
                    (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)));
            check("addopen", C.posix_spawn_file_actions_addopen(actions, 0, cString("/dev/null"), O_RDONLY, 0));
            check("addopen", C.posix_spawn_file_actions_addopen(actions, 1,
                    cString(output.toAbsolutePath().toString()), O_WRONLY | O_APPEND | O_CREAT, 0644));
            check("adddup2", C.posix_spawn_file_actions_adddup2(actions, 1, 2));
            if (readyFd >= 0) {
                check("adddup2", C.posix_spawn_file_actions_adddup2(actions, readyFd, READY_FD));
            }
            check("addclosefrom_np", C.posix_spawn_file_actions_addclosefrom_np(actions,
                    readyFd >= 0 ? READY_FD + 1 : READY_FD));
            if (workingDir != null) {
                check("addchdir_np", C.posix_spawn_file_actions_addchdir_np(actions,
                        cString(workingDir.toAbsolutePath().toString())));
            }
            int[] pid = new int[1];
            int error = C.posix_spawn(pid, cString(path), actions, attr, argv, envp);
            if (error != 0) {
                throw new IOException(C.strerror(error) + " (errno " + error + ")");
            }
            return pid[0];
        } finally {
            C.posix_spawn_file_actions_destroy(actions);
            C.posix_spawnattr_destroy(attr);
        }
    }

    private static byte[][] encoded(String[] strings) {
        byte[][] bytes = new byte[strings.length][];
        for (int i = 0; i < strings.length; i++) {
            bytes[i] = strings[i].getBytes(StandardCharsets.UTF_8);
        }
        return bytes;
    }

    /** A NULL-terminated array of pointers to {@code strings}. */
    private static long pointersSize(byte[][] strings) {
        return (long) Native.POINTER_SIZE * (strings.length + 1);
    }

    private static long stringsSize(byte[][] strings) {
        long size = 0;
        for (byte[] s : strings) {
            size += s.length + 1;
        }
        return size;
    }

    /**
     * Writes {@code strings} NUL-terminated into {@code block} from {@code at}, and their addresses as a
     * NULL-terminated array at {@code pointersAt}; returns where the next string may go.
     */
    private static long putStrings(Memory block, long pointersAt, byte[][] strings, long at) {
        for (int i = 0; i < strings.length; i++) {
            block.write(at, strings[i], 0, strings[i].length);
            block.setByte(at + strings[i].length, (byte) 0);
            block.setPointer(pointersAt + (long) Native.POINTER_SIZE * i, block.share(at));
            at += strings[i].length + 1;
        }
        block.setPointer(pointersAt + (long) Native.POINTER_SIZE * strings.length, null);
        return at;
    }

    /** A pipe, both ends close-on-exec: {read, write}. */
    public static int[] pipe() throws IOException {
        try {
            return LibC.pipe2(O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("pipe2 failed: errno " + e.getErrorCode(), e);
        }
    }

    /**
     * Reads what is written to {@code fd} until every writer has closed it, for up to
     * {@code timeoutMillis}: the bytes as ASCII ("" if none), or null when the time ran out first.
     * At most 64 bytes are kept.
     */
    public static String awaitAnswer(int fd, long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        return awaitAnswer(fd, deadline, LibC.pollFds(POLLIN, fd));
    }

    private static String awaitAnswer(int fd, long deadline, int[] pollFd) throws IOException {
        StringBuilder answer = new StringBuilder();
        byte[] chunk = new byte[64];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left < 0) {
                return null;
            }
            try {
                if (LibC.poll(pollFd, (int) Math.min(left, Integer.MAX_VALUE)) == 0) {
                    continue;
                }
                long n = LibC.read(fd, chunk, chunk.length);
                if (n == 0) {
                    return answer.toString();
                }
                if (answer.length() < 64) {
                    answer.append(new String(chunk, 0, (int) n, StandardCharsets.US_ASCII));
                }
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    throw new IOException("waiting on fd " + fd + " failed: errno " + e.getErrorCode(), e);
                }
            }
        }
    }

    public static void close(int fd) {
        LibC.close(fd);
    }

    /**
     * {@code env} as the {@code NAME=value} strings of an environment, encoded: made once where it does
     * not change from launch to launch.
     */
    public static byte[][] environment(Map<String, String> env) {
        byte[][] entries = new byte[env.size()][];
        int i = 0;
        for (Map.Entry<String, String> e : env.entrySet()) {
            entries[i++] = environmentEntry(e.getKey(), e.getValue());
        }
        return entries;
    }

    /** One {@code NAME=value} entry of an environment, encoded. */
    public static byte[] environmentEntry(String name, String value) {
        return (name + "=" + value).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] cString(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, terminated, 0, bytes.length);
        return terminated;
    }

    private static void check(String call, int error) throws IOException {
        if (error != 0) {
            throw new IOException(call + " failed: " + C.strerror(error) + " (errno " + error + ")");
        }
    }
}
