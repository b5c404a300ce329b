/*
 * tests/integration/hostile/dr7check.c - reports the x86-64 debug registers of every thread of a
 * process, from outside: seizes each thread (PTRACE_SEIZE, no signal sent), interrupts it, reads
 * u_debugreg[0..3] and [7] with PTRACE_PEEKUSER, and detaches. The process pays one short stop.
 * gdb cannot show DR7, hence this. Built by the fault-injection test with the system's cc.
 *
 * Usage: dr7check PID   prints "tid TID dr7 0xV dr0 0xA ..." per thread and exits 0 when every DR7
 * is 0, 1 when one is set, 2 when a thread could not be examined (traced by someone else: EPERM).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/user.h>
#include <sys/wait.h>

#ifndef __WALL
#define __WALL 0x40000000
#endif

static long peek_dr(pid_t tid, int n)
{
    errno = 0;
    return ptrace(PTRACE_PEEKUSER, tid,
                  (void *)(offsetof(struct user, u_debugreg) + n * sizeof(long)), NULL);
}

int main(int argc, char **argv)
{
    char path[64];
    DIR *d;
    struct dirent *e;
    int status = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: dr7check PID\n");
        return 2;
    }
    snprintf(path, sizeof(path), "/proc/%s/task", argv[1]);
    d = opendir(path);
    if (!d) {
        perror(path);
        return 2;
    }
    while ((e = readdir(d)) != NULL) {
        pid_t tid = (pid_t)atoi(e->d_name);
        int ws;
        long dr[8];

        if (tid <= 0)
            continue;
        if (ptrace(PTRACE_SEIZE, tid, NULL, NULL) != 0) {
            if (errno == ESRCH)
                continue; /* the thread ended meanwhile */
            fprintf(stderr, "tid %d: PTRACE_SEIZE: %s\n", tid, strerror(errno));
            status = 2;
            continue;
        }
        if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) != 0 || waitpid(tid, &ws, __WALL) != tid ||
            !WIFSTOPPED(ws)) {
            ptrace(PTRACE_DETACH, tid, NULL, NULL);
            continue; /* exited */
        }
        for (int n = 0; n < 8; n++)
            dr[n] = (n == 4 || n == 5) ? 0 : peek_dr(tid, n);
        printf("tid %d dr7 %#lx dr0 %#lx dr1 %#lx dr2 %#lx dr3 %#lx dr6 %#lx\n", tid, dr[7], dr[0],
               dr[1], dr[2], dr[3], dr[6]);
        if (dr[7] & 0xff) /* any local or global enable bit */
            status = status ? status : 1;
        ptrace(PTRACE_DETACH, tid, NULL, NULL);
    }
    closedir(d);
    return status;
}
