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
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
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

static void run(char **command) {
    fcntl(ANSWER_FD, F_SETFD, FD_CLOEXEC);
    execv(command[0], command);
    if (errno == ENOEXEC) {
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
        execv(shell[0], shell);
        errno = ENOEXEC;
    }
    dprintf(2, "stigmer: cannot run %s: %s\n", command[0], strerror(errno));
    _exit(127);
}

static int join_by_move(const char *dir) {
    char path[4096], pid[24];
    if (snprintf(path, sizeof path, "%s/cgroup.procs", dir) >= (int) sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    int n = snprintf(pid, sizeof pid, "%ld", (long) getpid());
    ssize_t written = write(fd, pid, n);
    int saved = errno;
    if (close(fd) != 0 && written == n) {
        return -1;
    }
    errno = saved;
    return written == n ? 0 : -1;
}

int main(int argc, char **argv) {
    if (argc < 4 || strcmp(argv[2], "--") != 0 || argv[3][0] != '/') {
        fputs("usage: stigmer-launch CGROUP_DIR -- /ABSOLUTE/COMMAND [ARG]...\n", stderr);
        return 2;
    }
    const char *dir = argv[1];
    char **command = argv + 3;

    int cgroup = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cgroup >= 0) {
        struct launch_clone_args args;
        memset(&args, 0, sizeof args);
        args.flags = LAUNCH_CLONE_PARENT | LAUNCH_CLONE_INTO_CGROUP;
        args.cgroup = (uint64_t) cgroup;
        long pid = syscall(SYS_clone3, &args, sizeof args);
        if (pid == 0) {
            setsid();
            run(command);
        }
        if (pid > 0) {
            dprintf(ANSWER_FD, "c%ld", pid);
            return 0;
        }
        close(cgroup);
    }
    if (join_by_move(dir) == 0) {
        if (write(ANSWER_FD, "j", 1) != 1) {
            /* no one listens: run anyway, as the shell wrapper does */
        }
        run(command);
    }
    dprintf(2, "%s %s: %s\n", JOIN_FAILED, dir, strerror(errno));
    return 125;
}
