/*
 * stub/guardian.c - the guardian (see guardian.h and doc/internals/guardian.md). Two halves: the
 * hooks gostub calls (plain stores into the shared area, no system call, so the sandbox's
 * allow-list is unchanged), and the guardian process, which reads the area only once gostub is
 * dead, so the only ordering that matters is gostub's own program order: an entry is complete
 * before its `used` flag is set, and set before the trap is written; it is cleared only after the
 * original bytes are back.
 */
#include <config.h>

#include <stdbool.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stub/guardian.h"

#define G_TRAP_MAX 8
#define G_SLOTS 2000 /* about 64 KiB; more breakpoints than this go unguarded */

struct gslot {
    uint64_t addr;
    uint8_t saved[G_TRAP_MAX];
    uint8_t trap[G_TRAP_MAX];
    uint32_t len;
    uint32_t used; /* set last, cleared first */
};

struct gshared {
    int32_t pid;   /* the guarded process */
    uint32_t hw;   /* debug registers set in some thread since the last complete release */
    uint32_t step; /* a thread single-stepped since then */
    uint32_t done; /* gostub ends normally: touch nothing */
    uint32_t lost; /* a breakpoint did not fit in the table */
    struct gslot slot[G_SLOTS];
};

static struct gshared *g; /* NULL: no guardian */

static void set_u32(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

static struct gslot *find(uint64_t addr)
{
    for (size_t i = 0; i < G_SLOTS; i++)
        if (g->slot[i].used && g->slot[i].addr == addr)
            return &g->slot[i];
    return NULL;
}

void guardian_bp_add(uint64_t addr, const uint8_t *saved, const uint8_t *trap, unsigned len)
{
    if (!g || len == 0 || len > G_TRAP_MAX)
        return;
    struct gslot *s = find(addr);
    if (!s)
        for (size_t i = 0; i < G_SLOTS && !s; i++)
            if (!g->slot[i].used)
                s = &g->slot[i];
    if (!s) {
        set_u32(&g->lost, 1);
        return;
    }
    set_u32(&s->used, 0);
    s->addr = addr;
    memcpy(s->saved, saved, len);
    memcpy(s->trap, trap, len);
    s->len = len;
    set_u32(&s->used, 1);
}

void guardian_bp_update(uint64_t addr, const uint8_t *saved, unsigned len)
{
    struct gslot *s = g ? find(addr) : NULL;
    if (!s || len != s->len)
        return;
    /* Byte by byte: a half-updated entry holds bytes the program had at one time or another. */
    for (unsigned k = 0; k < len; k++)
        __atomic_store_n(&s->saved[k], saved[k], __ATOMIC_SEQ_CST);
}

void guardian_bp_del(uint64_t addr)
{
    struct gslot *s = g ? find(addr) : NULL;
    if (s)
        set_u32(&s->used, 0);
}

void guardian_note_hw(void)
{
    if (g)
        set_u32(&g->hw, 1);
}

void guardian_note_step(void)
{
    if (g)
        set_u32(&g->step, 1);
}

void guardian_clear(void)
{
    if (!g)
        return;
    for (size_t i = 0; i < G_SLOTS; i++)
        set_u32(&g->slot[i].used, 0);
    set_u32(&g->hw, 0);
    set_u32(&g->step, 0);
    set_u32(&g->lost, 0);
}

pid_t guardian_pid(void)
{
    return g ? (pid_t)g->pid : 0;
}

void guardian_done(void)
{
    if (g)
        set_u32(&g->done, 1);
}

/* ------------------------------------------------------------------ the guardian process */

static void say(const char *msg)
{
    ssize_t w = write(2, msg, strlen(msg));
    (void)w;
}

static void nap_ms(long ms)
{
    struct timespec ts = {.tv_sec = 0, .tv_nsec = ms * 1000000L};
    nanosleep(&ts, NULL);
}

static int open_mem(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
    return open(path, O_RDWR | O_CLOEXEC);
}

/* The original bytes, where the trap still is (MEM_FD: /proc/PID/mem, opened in advance: the
 * threads the dying stub held run again within microseconds). Returns how many were put back. */
static long restore_bytes(pid_t pid, int mem_fd)
{
    long n = 0;
    int fd = mem_fd >= 0 ? mem_fd : open_mem(pid);
    if (fd < 0)
        return -errno;
    for (size_t i = 0; i < G_SLOTS; i++) {
        const struct gslot *s = &g->slot[i];
        uint8_t cur[G_TRAP_MAX];
        if (!s->used || s->len == 0 || s->len > G_TRAP_MAX)
            continue;
        if (pread(fd, cur, s->len, (off_t)s->addr) != (ssize_t)s->len ||
            memcmp(cur, s->trap, s->len) != 0)
            continue; /* not ours any more (restored, or the program rewrote it) */
        if (pwrite(fd, s->saved, s->len, (off_t)s->addr) == (ssize_t)s->len)
            n++;
    }
    if (fd != mem_fd)
        close(fd);
    return n;
}

static bool is_trap_addr(uint64_t pc, uint64_t *start)
{
    for (size_t i = 0; i < G_SLOTS; i++) {
        const struct gslot *s = &g->slot[i];
        if (s->used && pc >= s->addr && pc - s->addr <= s->len) {
            *start = s->addr;
            return true;
        }
    }
    return false;
}

#if defined(__x86_64__)
#define G_DR_OFFSET(i) (offsetof(struct user, u_debugreg) + (size_t)(i) * sizeof(unsigned long))

/* One thread: seize it once the dead stub's detach lets us, stop it, clear what we left, drop a
 * SIGTRAP our traps caused, detach. 1 if fixed, 0 if gone, -errno. */
static int fix_thread(pid_t tid, bool hw)
{
    int tries = 0;
    while (ptrace(PTRACE_SEIZE, tid, NULL, NULL) == -1) {
        if (errno != EPERM || ++tries > 3000) /* EPERM: still traced by the dying stub */
            return errno == ESRCH ? 0 : -errno;
        nap_ms(1);
    }
    if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) == -1 && errno == ESRCH)
        return 0;
    int st;
    if (waitpid(tid, &st, __WALL) != tid || !WIFSTOPPED(st))
        return 0;
    long deliver = 0;
    if ((st >> 16) == 0) { /* a signal-delivery-stop: the signal was on its way already */
        siginfo_t si;
        deliver = WSTOPSIG(st);
        if (deliver == SIGTRAP && ptrace(PTRACE_GETSIGINFO, tid, NULL, &si) == 0) {
            struct user_regs_struct r;
            uint64_t start;
            if (si.si_code == 4 /* TRAP_HWBKPT */ || si.si_code == 2 /* TRAP_TRACE */) {
                deliver = 0;
            } else if ((si.si_code == 0x80 /* SI_KERNEL: int3 */ || si.si_code == 1) &&
                       ptrace(PTRACE_GETREGS, tid, NULL, &r) == 0 && r.rip > 0 &&
                       is_trap_addr(r.rip - 1, &start)) {
                r.rip = start; /* the original instruction is back: run it */
                if (ptrace(PTRACE_SETREGS, tid, NULL, &r) == 0)
                    deliver = 0;
            }
        }
    }
    if (hw) {
        ptrace(PTRACE_POKEUSER, tid, (void *)G_DR_OFFSET(7), NULL);
        for (int i = 0; i < 4; i++)
            ptrace(PTRACE_POKEUSER, tid, (void *)G_DR_OFFSET(i), NULL);
    }
    /* PTRACE_DETACH also clears a TF the kernel set for a single-step (TIF_FORCED_TF). */
    ptrace(PTRACE_DETACH, tid, NULL, (void *)deliver);
    return 1;
}

static long fix_threads(pid_t pid, bool hw)
{
    char path[64];
    long fixed = 0;
    /* Twice: a thread created during the first pass is seen by the second. */
    for (int pass = 0; pass < 2; pass++) {
        snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
        DIR *d = opendir(path);
        if (!d)
            return fixed;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            pid_t tid = (pid_t)atoi(e->d_name);
            if (tid > 0 && fix_thread(tid, hw) > 0 && pass == 0)
                fixed++;
        }
        closedir(d);
    }
    return fixed;
}
#else
static long fix_threads(pid_t pid, bool hw)
{
    (void)pid, (void)hw;
    return 0;
}
#endif

static bool anything_recorded(void)
{
    if (g->hw || g->step)
        return true;
    for (size_t i = 0; i < G_SLOTS; i++)
        if (g->slot[i].used)
            return true;
    return false;
}

static void guardian_main(int rfd)
{
    pid_t pid = g->pid;
    struct pollfd p = {.fd = rfd, .events = POLLIN};
    char c;

    prctl(PR_SET_NAME, "gostub-guard", 0, 0, 0);
    /* The race to win: between gostub's files closing (our EOF) and the kernel resuming the threads
     * it held (exit_ptrace, a few microseconds later in do_exit). Open the memory now, and be
     * real-time so the wake-up preempts the dying stub; the guardian only ever blocks, then works
     * for a bounded time (alarm below), so it cannot hog a CPU. Both are best effort. */
    int mem_fd = open_mem(pid);
    struct sched_param sp = {.sched_priority = 1};
    (void)sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp);
    for (;;) {
        int r = poll(&p, 1, 1000);
        if (r == 0) {
            if (kill(pid, 0) < 0 && errno == ESRCH)
                _exit(0); /* the process is gone: nothing left to guard */
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        ssize_t n = read(rfd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* EOF: gostub is gone (or a read error: act as if) */
    }
    if (g->done || !anything_recorded())
        _exit(0);
    alarm(20); /* bounded: the default SIGALRM action ends us; the kernel then detaches */
    long restored = restore_bytes(pid, mem_fd);
    long fixed = fix_threads(pid, g->hw != 0);
    /* Once more: a thread of the first pass may have raced a byte we had not restored yet. */
    (void)restore_bytes(pid, mem_fd);
    char msg[160];
    snprintf(msg, sizeof(msg),
             "gostub-guardian: gostub ended without a release: %ld breakpoint(s) "
             "restored, %ld thread(s) checked\n",
             restored, fixed);
    say(msg);
    if (g->lost)
        say("gostub-guardian: more breakpoints than the table holds: some were not restored\n");
    _exit(0);
}

int guardian_start(pid_t pid)
{
    int p[2];
    void *m = mmap(NULL, sizeof(struct gshared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                   -1, 0);
    if (m == MAP_FAILED)
        return -errno;
    if (pipe2(p, O_CLOEXEC) < 0) {
        int e = errno;
        munmap(m, sizeof(struct gshared));
        return -e;
    }
    struct gshared *sh = m;
    sh->pid = (int32_t)pid;
    pid_t child = fork();
    if (child < 0) {
        int e = errno;
        close(p[0]);
        close(p[1]);
        munmap(m, sizeof(struct gshared));
        return -e;
    }
    if (child == 0) {
        g = sh;
        for (int fd = 3; fd < 1024; fd++)
            if (fd != p[0])
                close(fd);
        guardian_main(p[0]);
    }
    close(p[0]); /* p[1] stays open, close-on-exec, until gostub ends */
    g = sh;
    return 0;
}
