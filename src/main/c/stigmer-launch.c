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
__asm__(".text\n"
        ".global _start\n"
        "_start:\n"
        "  xor %rbp, %rbp\n"
        "  mov %rsp, %rdi\n"
        "  and $-16, %rsp\n"
        "  call launch_start\n"
        "  hlt\n");
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

/* The C library's words for the errors a launch meets; the number for the others. */
static const char *describe(long error, char *digits) {
    switch (error) {
    case EPERM: return "Operation not permitted";
    case ENOENT: return "No such file or directory";
    case EINTR: return "Interrupted system call";
    case EIO: return "Input/output error";
    case E2BIG: return "Argument list too long";
    case ENOEXEC: return "Exec format error";
    case EBADF: return "Bad file descriptor";
    case EAGAIN: return "Resource temporarily unavailable";
    case ENOMEM: return "Cannot allocate memory";
    case EACCES: return "Permission denied";
    case EFAULT: return "Bad address";
    case EBUSY: return "Device or resource busy";
    case ENOTDIR: return "Not a directory";
    case EISDIR: return "Is a directory";
    case EINVAL: return "Invalid argument";
    case EMFILE: return "Too many open files";
    case ETXTBSY: return "Text file busy";
    case ENOSPC: return "No space left on device";
    case EROFS: return "Read-only file system";
    case ENAMETOOLONG: return "File name too long";
    case ENOSYS: return "Function not implemented";
    case ELOOP: return "Too many levels of symbolic links";
    case EOPNOTSUPP: return "Operation not supported";
    default: {
        /* digits has 32 bytes: the number at its end, "error " before it */
        char *n = decimal(error, digits + 8) - 6;
        for (int i = 0; i < 6; i++) {
            n[i] = "error "[i];
        }
        return n;
    }
    }
}

/* One line on stderr: the parts given, then ": " and the error's words. */
static void say(const char *a, const char *b, long error) {
    char line[4096 + 256], digits[32];
    char *at = line, *end = line + sizeof line - 1;
    if (append(&at, end, a) && append(&at, end, b) && append(&at, end, ": ")) {
        append(&at, end, describe(error, digits));
    }
    *at++ = '\n';
    sys(__NR_write, 2, (long) line, at - line, 0, 0);
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
