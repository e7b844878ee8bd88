/*
 * stigmer-launch: runs a command inside a cgroup v2 from its first instruction.
 *
 *   stigmer-launch CGROUP_DIR -- COMMAND [ARG]...
 *
 * The daemon spawns it with the instance's environment, output and working directory, and the
 * answer pipe as fd 3. It clones with clone3(CLONE_PARENT | CLONE_INTO_CGROUP) (Linux 5.7): the
 * instance is the daemon's child, inside its cgroup before it runs anything, with no move into it
 * (a move waits on the kernel's cgroup-migration lock). The clone marks fd 3 close-on-exec, starts a
 * session of its own and execs COMMAND, so the daemon reads end of file on the pipe once the command
 * runs; the launcher writes "c<pid>" to fd 3 and exits.
 *
 * Where the kernel refuses the clone, the launcher moves itself by a write of its pid to
 * CGROUP_DIR/cgroup.procs, writes "j" and execs COMMAND in place (it is the instance then). Where it
 * cannot join at all, it says so on its last line and exits 125. COMMAND that cannot be run: 127.
 * The Perl program of BornInCgroup.java does the same where this file is not built.
 *
 * It makes system calls only, through sys() below. On x86-64, build.sh builds it without the C
 * library (STIGMER_FREESTANDING): a static C library's start-up reads the CPU's cache layout with
 * dozens of CPUID instructions, and in a virtual machine each one traps to the hypervisor, which
 * costs a launch about 0.7 ms before main(); this program needs none of it. Elsewhere it is built
 * on the C library's syscall(), with the same code above sys().
 */
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <asm/unistd.h>
#include <stddef.h>
#include <stdint.h>

#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#define LAUNCH_CLONE_PARENT 0x00008000ULL
#define LAUNCH_CLONE_INTO_CGROUP 0x200000000ULL
#define ANSWER_FD 3
/* Enclosure.JOIN_FAILED: the daemon reads it on the last line of the component's log. */
#define JOIN_FAILED "stigmer: cannot join cgroup"

/* struct clone_args as of Linux 5.7 (CLONE_ARGS_SIZE_VER2), spelled out: older headers lack it. */
struct launch_clone_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

static int launch(int argc, char **argv, char **envp);

#ifdef STIGMER_FREESTANDING
#if !defined(__x86_64__)
#error "the freestanding launcher is written for x86-64; build it on the C library elsewhere"
#endif
/* A system call: its result, or -errno. */
static long sys(long n, long a, long b, long c, long d, long e) {
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    long result;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return result;
}

/* The compiler may call these for a struct's initialisation or copy. */
void *memset(void *dst, int c, size_t n) {
    unsigned char *d = dst;
    while (n--) {
        *d++ = (unsigned char) c;
    }
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--) {
        *d++ = *s++;
    }
    return dst;
}

__attribute__((noreturn, used)) void launch_start(long *sp) {
    int argc = (int) sp[0];
    char **argv = (char **) (sp + 1);
    char **envp = argv + argc + 1;
    sys(__NR_exit_group, launch(argc, argv, envp), 0, 0, 0, 0);
    for (;;) {
    }
}

/* The kernel enters here with argc, argv and the environment on the stack. */
__asm__(".pushsection .text\n"
        ".global _start\n"
        "_start:\n"
        "  xor %rbp, %rbp\n"
        "  mov %rsp, %rdi\n"
        "  and $-16, %rsp\n"
        "  call launch_start\n"
        "  hlt\n"
        ".popsection\n");
#else
#include <errno.h>
#include <unistd.h>

static long sys(long n, long a, long b, long c, long d, long e) {
    long result = syscall(n, a, b, c, d, e);
    return result == -1 ? -errno : result;
}

int main(int argc, char **argv, char **envp) {
    return launch(argc, argv, envp);
}
#endif

static size_t length(const char *s) {
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

static int same(const char *a, const char *b) {
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* Appends s to the buffer at *at, within end; returns 0 if it did not fit. */
static int append(char **at, char *end, const char *s) {
    size_t n = length(s);
    if ((size_t) (end - *at) <= n) {
        return 0;
    }
    for (size_t i = 0; i <= n; i++) {
        (*at)[i] = s[i];
    }
    *at += n;
    return 1;
}

/* "1234" into digits[24]; returns where the number starts. */
static char *decimal(long value, char *digits) {
    char *p = digits + 23;
    *p = '\0';
    unsigned long v = value < 0 ? -(unsigned long) value : (unsigned long) value;
    do {
        *--p = (char) ('0' + v % 10);
        v /= 10;
    } while (v != 0);
    if (value < 0) {
        *--p = '-';
    }
    return p;
}

#ifdef STIGMER_FREESTANDING
/* strerror() of glibc in the C locale, for the x86-64 numbers 1..133 (EHWPOISON); generated. */
static const char *const words[] = {
    [1] = "Operation not permitted",
    [2] = "No such file or directory",
    [3] = "No such process",
    [4] = "Interrupted system call",
    [5] = "Input/output error",
    [6] = "No such device or address",
    [7] = "Argument list too long",
    [8] = "Exec format error",
    [9] = "Bad file descriptor",
    [10] = "No child processes",
    [11] = "Resource temporarily unavailable",
    [12] = "Cannot allocate memory",
    [13] = "Permission denied",
    [14] = "Bad address",
    [15] = "Block device required",
    [16] = "Device or resource busy",
    [17] = "File exists",
    [18] = "Invalid cross-device link",
    [19] = "No such device",
    [20] = "Not a directory",
    [21] = "Is a directory",
    [22] = "Invalid argument",
    [23] = "Too many open files in system",
    [24] = "Too many open files",
    [25] = "Inappropriate ioctl for device",
    [26] = "Text file busy",
    [27] = "File too large",
    [28] = "No space left on device",
    [29] = "Illegal seek",
    [30] = "Read-only file system",
    [31] = "Too many links",
    [32] = "Broken pipe",
    [33] = "Numerical argument out of domain",
    [34] = "Numerical result out of range",
    [35] = "Resource deadlock avoided",
    [36] = "File name too long",
    [37] = "No locks available",
    [38] = "Function not implemented",
    [39] = "Directory not empty",
    [40] = "Too many levels of symbolic links",
    [42] = "No message of desired type",
    [43] = "Identifier removed",
    [44] = "Channel number out of range",
    [45] = "Level 2 not synchronized",
    [46] = "Level 3 halted",
    [47] = "Level 3 reset",
    [48] = "Link number out of range",
    [49] = "Protocol driver not attached",
    [50] = "No CSI structure available",
    [51] = "Level 2 halted",
    [52] = "Invalid exchange",
    [53] = "Invalid request descriptor",
    [54] = "Exchange full",
    [55] = "No anode",
    [56] = "Invalid request code",
    [57] = "Invalid slot",
    [59] = "Bad font file format",
    [60] = "Device not a stream",
    [61] = "No data available",
    [62] = "Timer expired",
    [63] = "Out of streams resources",
    [64] = "Machine is not on the network",
    [65] = "Package not installed",
    [66] = "Object is remote",
    [67] = "Link has been severed",
    [68] = "Advertise error",
    [69] = "Srmount error",
    [70] = "Communication error on send",
    [71] = "Protocol error",
    [72] = "Multihop attempted",
    [73] = "RFS specific error",
    [74] = "Bad message",
    [75] = "Value too large for defined data type",
    [76] = "Name not unique on network",
    [77] = "File descriptor in bad state",
    [78] = "Remote address changed",
    [79] = "Can not access a needed shared library",
    [80] = "Accessing a corrupted shared library",
    [81] = ".lib section in a.out corrupted",
    [82] = "Attempting to link in too many shared libraries",
    [83] = "Cannot exec a shared library directly",
    [84] = "Invalid or incomplete multibyte or wide character",
    [85] = "Interrupted system call should be restarted",
    [86] = "Streams pipe error",
    [87] = "Too many users",
    [88] = "Socket operation on non-socket",
    [89] = "Destination address required",
    [90] = "Message too long",
    [91] = "Protocol wrong type for socket",
    [92] = "Protocol not available",
    [93] = "Protocol not supported",
    [94] = "Socket type not supported",
    [95] = "Operation not supported",
    [96] = "Protocol family not supported",
    [97] = "Address family not supported by protocol",
    [98] = "Address already in use",
    [99] = "Cannot assign requested address",
    [100] = "Network is down",
    [101] = "Network is unreachable",
    [102] = "Network dropped connection on reset",
    [103] = "Software caused connection abort",
    [104] = "Connection reset by peer",
    [105] = "No buffer space available",
    [106] = "Transport endpoint is already connected",
    [107] = "Transport endpoint is not connected",
    [108] = "Cannot send after transport endpoint shutdown",
    [109] = "Too many references: cannot splice",
    [110] = "Connection timed out",
    [111] = "Connection refused",
    [112] = "Host is down",
    [113] = "No route to host",
    [114] = "Operation already in progress",
    [115] = "Operation now in progress",
    [116] = "Stale file handle",
    [117] = "Structure needs cleaning",
    [118] = "Not a XENIX named type file",
    [119] = "No XENIX semaphores available",
    [120] = "Is a named type file",
    [121] = "Remote I/O error",
    [122] = "Disk quota exceeded",
    [123] = "No medium found",
    [124] = "Wrong medium type",
    [125] = "Operation canceled",
    [126] = "Required key not available",
    [127] = "Key has expired",
    [128] = "Key has been revoked",
    [129] = "Key was rejected by service",
    [130] = "Owner died",
    [131] = "State not recoverable",
    [132] = "Operation not possible due to RF-kill",
    [133] = "Memory page has hardware error",
};

/* strerror(error) as the C library says it in the C locale. */
static const char *describe(long error, char *digits) {
    if (error > 0 && error < (long) (sizeof words / sizeof words[0]) && words[error] != NULL) {
        return words[error];
    }
    /* digits has 40 bytes: the number at its end, "Unknown error " (14) before it */
    char *n = decimal(error, digits + 16) - 14;
    for (int i = 0; i < 14; i++) {
        n[i] = "Unknown error "[i];
    }
    return n;
}
#else
#include <string.h>

static const char *describe(long error, char *digits) {
    (void) digits;
    return strerror((int) error);
}
#endif

/* struct iovec, spelled out (no C library headers here). */
struct launch_iovec {
    const void *base;
    size_t length;
};

/* One line on stderr, whole whatever its length: the parts given, then ": " and the error's words. */
static void say(const char *a, const char *b, long error) {
    char digits[40];
    const char *why = describe(error, digits);
    struct launch_iovec line[] = {
        {a, length(a)}, {b, length(b)}, {": ", 2}, {why, length(why)}, {"\n", 1},
    };
    sys(__NR_writev, 2, (long) line, sizeof line / sizeof line[0], 0, 0);
}

static void answer(const char *text) {
    sys(__NR_write, ANSWER_FD, (long) text, (long) length(text), 0, 0);
}

static __attribute__((noreturn)) void run(char **command, char **envp) {
    sys(__NR_fcntl, ANSWER_FD, F_SETFD, FD_CLOEXEC, 0, 0);
    long error = sys(__NR_execve, (long) command[0], (long) command, (long) envp, 0, 0);
    if (error == -ENOEXEC) {
        /* A script without "#!": the shell runs it, as execvp (and the Perl program) would. */
        int n = 0;
        while (command[n] != NULL) {
            n++;
        }
        char *shell[n + 2];
        shell[0] = "/bin/sh";
        for (int i = 0; i <= n; i++) {
            shell[i + 1] = command[i];
        }
        sys(__NR_execve, (long) shell[0], (long) shell, (long) envp, 0, 0);
    }
    say("stigmer: cannot run ", command[0], -error);
    sys(__NR_exit_group, 127, 0, 0, 0, 0);
    for (;;) {
    }
}

/* Moves this process into dir by a write of its pid to dir/cgroup.procs: 0, or -errno. */
static long join_by_move(const char *dir) {
    char path[4096], digits[24];
    char *at = path;
    if (!append(&at, path + sizeof path, dir) || !append(&at, path + sizeof path, "/cgroup.procs")) {
        return -ENAMETOOLONG;
    }
    long fd = sys(__NR_openat, AT_FDCWD, (long) path, O_WRONLY | O_APPEND | O_CLOEXEC, 0, 0);
    if (fd < 0) {
        return fd;
    }
    const char *pid = decimal(sys(__NR_getpid, 0, 0, 0, 0, 0), digits);
    long n = (long) length(pid);
    long written = sys(__NR_write, fd, (long) pid, n, 0, 0);
    long closed = sys(__NR_close, fd, 0, 0, 0, 0);
    if (written < 0) {
        return written;
    }
    if (written != n) {
        return -EIO;
    }
    return closed < 0 ? closed : 0;
}

static int launch(int argc, char **argv, char **envp) {
    if (argc < 4 || !same(argv[2], "--") || argv[3][0] != '/') {
        static const char usage[] = "usage: stigmer-launch CGROUP_DIR -- /ABSOLUTE/COMMAND [ARG]...\n";
        sys(__NR_write, 2, (long) usage, sizeof usage - 1, 0, 0);
        return 2;
    }
    const char *dir = argv[1];
    char **command = argv + 3;

    long cgroup = sys(__NR_openat, AT_FDCWD, (long) dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, 0);
    if (cgroup >= 0) {
        struct launch_clone_args args = {0};
        args.flags = LAUNCH_CLONE_PARENT | LAUNCH_CLONE_INTO_CGROUP;
        args.cgroup = (uint64_t) cgroup;
        long pid = sys(__NR_clone3, (long) &args, sizeof args, 0, 0, 0);
        if (pid == 0) {
            sys(__NR_setsid, 0, 0, 0, 0, 0);
            run(command, envp);
        }
        if (pid > 0) {
            char digits[24];
            char *text = decimal(pid, digits);
            *--text = 'c';
            answer(text);
            return 0;
        }
        sys(__NR_close, cgroup, 0, 0, 0, 0);
    }
    long joined = join_by_move(dir);
    if (joined == 0) {
        answer("j"); /* no one listening: run anyway, as the shell wrapper does */
        run(command, envp);
    }
    say(JOIN_FAILED " ", dir, -joined);
    return 125;
}
