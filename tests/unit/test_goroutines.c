/*
 * tests/unit/test_goroutines.c - goruntime/goroutines and goruntime/unwind against a real stopped
 * Go process (tests/targets/grtest, built by its build.sh into the build tree: -N -l and
 * optimized), compared with what `dlv attach` prints for the same process when dlv is installed,
 * plus the read counts for 1k and 10k goroutines and hostile memory through a fake reader.
 *
 * The process is stopped the way a debugger stops it: every thread PTRACE_SEIZEd and
 * PTRACE_INTERRUPTed; memory from /proc/PID/mem, registers from PTRACE_GETREGS; detached at the end
 * of each test so that dlv can attach between tests.
 */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "frontend/goruntime/goroutines.h"
#include "frontend/goruntime/unwind.h"
#include "frontend/sym/cfi.h"
#include "frontend/sym/func.h"
#include "frontend/sym/type.h"

static char bin_dir[4096];

/* ------------------------------------------------------------------ a stopped process */

struct proc {
    pid_t pid;
    int memfd;
    int64_t tids[256];
    size_t ntids;
    uint64_t reads, batches, regions; /* read_mem calls, read_many calls, regions in batches */
};

static int proc_read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
    struct proc *p = ctx;
    p->reads++;
    ssize_t n = pread(p->memfd, buf, len, (off_t)addr);
    return n == (ssize_t)len ? 0 : -EIO;
}

static int proc_read_many(void *ctx, size_t n, const uint64_t *addrs, const size_t *lens,
                          void *const *bufs, int *errs)
{
    struct proc *p = ctx;
    p->batches++;
    p->regions += n;
    for (size_t i = 0; i < n; i++) {
        ssize_t r = pread(p->memfd, bufs[i], lens[i], (off_t)addrs[i]);
        errs[i] = r == (ssize_t)lens[i] ? 0 : -EIO;
    }
    return 0;
}

static int proc_read_reg(void *ctx, int64_t tid, unsigned regno, uint64_t *v)
{
    (void)ctx;
    struct user_regs_struct r;
    if (ptrace(PTRACE_GETREGS, (pid_t)tid, NULL, &r) < 0)
        return -ESRCH;
    switch (regno) {
    case 6:
        *v = r.rbp;
        return 0;
    case 7:
        *v = r.rsp;
        return 0;
    case 16:
        *v = r.rip;
        return 0;
    case 58:
        *v = r.fs_base;
        return 0;
    default:
        return -ENODATA;
    }
}

static const struct gomem_ops proc_ops = {proc_read_mem, proc_read_many, proc_read_reg};

static bool attached(const struct proc *p, int64_t tid)
{
    for (size_t i = 0; i < p->ntids; i++)
        if (p->tids[i] == tid)
            return true;
    return false;
}

static bool traced_by_us(pid_t tid)
{
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
    FILE *f = fopen(path, "r");
    bool ours = false;
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "TracerPid:", 10) == 0)
            ours = strtol(line + 10, NULL, 10) == getpid();
    if (f)
        fclose(f);
    return ours;
}

/* Seizes and interrupts every thread, until a pass over /proc/PID/task finds no new one. */
static void proc_attach(struct proc *p, pid_t pid)
{
    memset(p, 0, sizeof(*p));
    p->pid = pid;
    for (bool more = true; more;) {
        more = false;
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/task", pid);
        DIR *d = opendir(path);
        ck_assert_msg(d, "no %s", path);
        struct dirent *e;
        while ((e = readdir(d))) {
            long tid = strtol(e->d_name, NULL, 10);
            if (tid <= 0 || attached(p, tid) || p->ntids == 256)
                continue;
            /* EPERM: still ours from a detach that found the thread running (see proc_detach). */
            if (ptrace(PTRACE_SEIZE, (pid_t)tid, NULL, NULL) != 0)
                ck_assert_msg(errno == EPERM && traced_by_us((pid_t)tid), "seize %ld: %s", tid,
                              strerror(errno));
            ck_assert(ptrace(PTRACE_INTERRUPT, (pid_t)tid, NULL, NULL) == 0);
            int st;
            ck_assert(waitpid((pid_t)tid, &st, __WALL) == (pid_t)tid);
            p->tids[p->ntids++] = tid;
            more = true;
        }
        closedir(d);
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/mem", pid);
    p->memfd = open(path, O_RDONLY);
    ck_assert(p->memfd >= 0);
}

static void proc_detach(struct proc *p)
{
    /* A thread that left its stop (a signal reported after the interrupt was consumed) refuses
     * PTRACE_DETACH with ESRCH until it is stopped again. */
    for (size_t i = 0; i < p->ntids; i++) {
        for (int tries = 0; tries < 5; tries++) {
            if (ptrace(PTRACE_DETACH, (pid_t)p->tids[i], NULL, NULL) == 0 || errno != ESRCH)
                break;
            if (ptrace(PTRACE_INTERRUPT, (pid_t)p->tids[i], NULL, NULL) == 0)
                waitpid((pid_t)p->tids[i], NULL, __WALL);
        }
    }
    close(p->memfd);
}

/* The threads with the g their TLS names, as the library finds it (gort_thread_g). */
static size_t proc_threads(struct proc *p, struct gort *rt, struct gort_thread *th)
{
    for (size_t i = 0; i < p->ntids; i++) {
        th[i].tid = p->tids[i];
        ck_assert_int_eq(gort_thread_g(rt, th[i].tid, &th[i].tls_g), 0);
    }
    return p->ntids;
}

static bool preempt_mode; /* start_target: a second CPU loop, one P, preemption signals on */

/* Starts BIN ARGS and waits for its "READY" line. */
static pid_t start_target(const char *bin, const char *arg1, const char *arg2)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork(); /* no ck_assert here: main() calls this before any test runs */
    if (pid < 0)
        return -1;
    if (pid == 0) {
        /* Dies with the test (a failed check ends the test's process). */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        /* No periodic GC: its worker goroutines would appear between dlv's look and ours. */
        setenv("GOGC", "off", 1);
        /* No preemption signals: the CPU loop is then never caught inside the signal handler or
         * asyncPreempt, whose frames would differ between dlv's look and ours (the unwinder does
         * not follow signal frames yet: doc/internals/goroutines.md). */
        setenv("GODEBUG", "asyncpreemptoff=1", 1);
        if (preempt_mode) {
            setenv("GODEBUG", "asyncpreemptoff=0", 1);
            setenv("GOMAXPROCS", "1", 1);
            setenv("GRTEST_SPIN2", "1", 1);
        }
        dup2(fds[1], 1);
        close(fds[0]);
        execl(bin, bin, arg1, arg2, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    char line[128] = "";
    if (!fgets(line, sizeof(line), f) || strncmp(line, "READY", 5) != 0) {
        fprintf(stderr, "%s did not start: '%s' (%s)\n", bin, line, strerror(errno));
        kill(pid, SIGKILL);
        pid = -1;
    }
    fclose(f);
    /* main prints READY, then parks in a chan receive: give it time to get there (and the write
     * to finish) even on a loaded machine. */
    if (pid > 0)
        usleep(300 * 1000);
    return pid;
}

static void stop_target(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* ------------------------------------------------------------------ one snapshot */

struct snap {
    struct proc p;
    struct sym_image *img;
    struct gort *rt;
    struct gort_thread th[256];
    size_t nth;
    struct gort_g *gs;
    size_t n;
    struct gort_loc *cur, *user;
};

static void snap_take(struct snap *s, const char *bin, pid_t pid)
{
    memset(s, 0, sizeof(*s));
    ck_assert_int_eq(sym_image_open(bin, &s->img), 0);
    proc_attach(&s->p, pid);
    struct gomem mem = {&proc_ops, &s->p};
    const char *why = NULL;
    ck_assert_int_eq(gort_new(s->img, &mem, &s->rt, &why), 0);
    s->nth = proc_threads(&s->p, s->rt, s->th);
    ck_assert_int_eq(gort_goroutines(s->rt, s->th, s->nth, &s->gs, &s->n), 0);
    s->cur = calloc(s->n, sizeof(*s->cur));
    s->user = calloc(s->n, sizeof(*s->user));
    ck_assert_int_eq(gort_user_locs(s->rt, s->gs, s->n, s->cur, s->user), 0);
}

static void snap_free(struct snap *s)
{
    proc_detach(&s->p);
    free(s->gs);
    free(s->cur);
    free(s->user);
    gort_free(s->rt);
    sym_image_free(s->img);
}

static const struct gort_g *by_user(const struct snap *s, const char *func, size_t *idx)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->user[i].func && strcmp(s->user[i].func, func) == 0) {
            if (idx)
                *idx = i;
            return &s->gs[i];
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------ the -N -l target */

static pid_t dbg_pid;
static char dbg_bin[4200];

struct expect {
    const char *user; /* the user function dlv names */
    const char *reason;
    enum gort_status status;
};
static const struct expect expects[] = {
    {"main.main", "chan receive", GORT_WAITING},
    {"main.chanSend", "chan send", GORT_WAITING},
    {"main.chanRecv", "chan receive", GORT_WAITING},
    {"main.selectWait", "select", GORT_WAITING},
    {"sync.runtime_SemacquireMutex", "semacquire", GORT_WAITING},
    {"sync.runtime_notifyListWait", "sync.Cond.Wait", GORT_WAITING},
    {"time.Sleep", "sleep", GORT_WAITING},
    {"net.(*netFD).accept", "IO wait", GORT_WAITING},
    {"syscall.RawSyscall6", NULL, GORT_SYSCALL},
    {"main.spin", NULL, GORT_RUNNING},
    {"main.recurse", "chan receive", GORT_WAITING},
    {"main.panicking.func1", "chan receive", GORT_WAITING},
    {"main.labelled.func1", "chan receive", GORT_WAITING},
    {"main.(*Waiter).Wait", "chan receive", GORT_WAITING},
};

START_TEST(test_states)
{
    const struct expect *e = &expects[_i];
    struct snap s;
    snap_take(&s, dbg_bin, dbg_pid);
    size_t i;
    const struct gort_g *g = by_user(&s, e->user, &i);
    ck_assert_msg(g, "no goroutine with user frame %s", e->user);
    char buf[64];
    ck_assert_msg(gort_status_is(s.rt, g->status, e->status), "%s: status %s", e->user,
                  gort_status_name(s.rt, g->status, buf, sizeof(buf)));
    if (e->reason)
        ck_assert_str_eq(gort_wait_reason(s.rt, g->waitreason), e->reason);
    if (e->status == GORT_RUNNING || e->status == GORT_SYSCALL)
        ck_assert_msg(g->thread != 0, "%s has no thread", e->user);
    else
        ck_assert_int_eq(g->thread, 0);
    ck_assert(s.user[i].file && s.user[i].line > 0);
    if (strcmp(e->user, "main.labelled.func1") == 0)
        ck_assert(g->labels != 0);
    /* Every live goroutine's stack ends at goexit, whatever stack it started on. */
    struct gort_frame fr[128];
    size_t nf;
    enum gort_stack_end end;
    ck_assert_int_eq(gort_stack(s.rt, g, fr, 128, &nf, &end), 0);
    ck_assert_msg(end == GORT_END_GOEXIT, "%s ends with %s", e->user, gort_stack_end_name(end));
    ck_assert_str_eq(fr[nf - 1].func, "runtime.goexit");
    for (size_t f = 1; f < nf; f++)
        ck_assert(fr[f].sp >= fr[f - 1].sp);
    snap_free(&s);
}
END_TEST

START_TEST(test_list_basics)
{
    struct snap s;
    snap_take(&s, dbg_bin, dbg_pid);
    ck_assert_uint_ge(s.n, 19);
    ck_assert_int_eq(s.gs[0].goid, 1);
    size_t live = 0, on_thread = 0;
    for (size_t i = 0; i < s.n; i++) {
        ck_assert(!(s.gs[i].flags & GORT_G_UNREADABLE));
        if (gort_status_is(s.rt, s.gs[i].status, GORT_DEAD))
            continue;
        live++;
        on_thread += s.gs[i].thread != 0;
        ck_assert(s.gs[i].stack_lo < s.gs[i].stack_hi);
        struct gort_loc st;
        gort_start_loc(s.rt, &s.gs[i], &st);
        ck_assert_msg(st.func != NULL, "goroutine %lld start", (long long)s.gs[i].goid);
    }
    ck_assert_uint_eq(live, 19);
    ck_assert_uint_eq(on_thread, 2); /* the spinning goroutine and the one in read(2) */
    /* Recursion: 11 frames of main.recurse; and the go-statement wrapper is seen through. */
    const struct gort_g *g = by_user(&s, "main.recurse", NULL);
    struct gort_frame fr[64];
    size_t nf, nrec = 0;
    ck_assert_int_eq(gort_stack(s.rt, g, fr, 64, &nf, NULL), 0);
    for (size_t f = 0; f < nf; f++)
        nrec += strcmp(fr[f].func, "main.recurse") == 0;
    ck_assert_uint_eq(nrec, 11);
    struct gort_loc st;
    gort_start_loc(s.rt, by_user(&s, "main.chanSend", NULL), &st);
    ck_assert_str_eq(st.func, "main.chanSend");
    gort_start_loc(s.rt, by_user(&s, "main.(*Waiter).Wait", NULL), &st);
    ck_assert_str_eq(st.func, "main.main.func1"); /* a real closure stays itself */
    /* sigpanic: the frame above it is the faulting instruction, looked up without the -1. */
    g = by_user(&s, "main.panicking.func1", NULL);
    ck_assert_int_eq(gort_stack(s.rt, g, fr, 64, &nf, NULL), 0);
    bool seen = false;
    for (size_t f = 0; f + 1 < nf; f++) {
        if (strcmp(fr[f].func, "runtime.sigpanic") == 0) {
            ck_assert_str_eq(fr[f + 1].func, "main.panicking");
            ck_assert_uint_eq(fr[f + 1].lookup_pc, fr[f + 1].pc);
            seen = true;
        }
    }
    ck_assert(seen);
    /* Wait reasons from the binary's array agree with the Go 1.19 table. */
    size_t nt;
    const char *const *t = gort_wait_reasons_go1_19(&nt);
    for (unsigned r = 1; r < nt; r++)
        ck_assert_str_eq(gort_wait_reason(s.rt, r), t[r]);
    char line[512];
    size_t im = 0;
    ck_assert_ptr_nonnull(by_user(&s, "main.main", &im));
    gort_format_goroutine(s.rt, &s.gs[im], "User", &s.user[im], false, line, sizeof(line));
    ck_assert_msg(strstr(line, "  Goroutine 1 - User: ") == line &&
                      strstr(line, " main.main (0x") && strstr(line, ") [chan receive]"),
                  "%s", line);
    snap_free(&s);
}
END_TEST

/* gort_stacks (lockstep) gives every goroutine the frames gort_stack gives it alone, in a number of
 * batches bounded by the depth, not by the number of goroutines. */
START_TEST(test_stacks_batch)
{
    struct snap s;
    snap_take(&s, dbg_bin, dbg_pid);
    const size_t max = 64;
    struct gort_frame *all = calloc(s.n * max, sizeof(*all)), one[64];
    size_t *counts = calloc(s.n, sizeof(*counts)), nf;
    enum gort_stack_end *ends = calloc(s.n, sizeof(*ends)), end;
    uint64_t before = s.p.reads + s.p.batches;
    ck_assert_int_eq(gort_stacks(s.rt, s.gs, s.n, max, all, counts, ends), 0);
    uint64_t used = s.p.reads + s.p.batches - before;
    ck_assert_uint_le(used, max + 1);
    size_t compared = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (gort_status_is(s.rt, s.gs[i].status, GORT_DEAD))
            continue;
        bool spin = s.user[i].func && strcmp(s.user[i].func, "main.spin") == 0;
        ck_assert_int_eq(gort_stack(s.rt, &s.gs[i], one, max, &nf, &end), 0);
        ck_assert_uint_eq(counts[i], nf);
        ck_assert_int_eq(ends[i], end);
        for (size_t f = spin ? 1 : 0; f < nf; f++) {
            const struct gort_frame *a = &all[i * max + f];
            ck_assert_uint_eq(a->pc, one[f].pc);
            ck_assert_uint_eq(a->sp, one[f].sp);
            ck_assert_str_eq(a->func, one[f].func);
            ck_assert_uint_eq(a->line, one[f].line);
            compared++;
        }
    }
    ck_assert_uint_gt(compared, 100);
    free(all);
    free(counts);
    free(ends);
    snap_free(&s);
}
END_TEST

/* ------------------------------------------------------------------ comparison with dlv */

struct dlv_g {
    long long id;
    char user[512], start[512], go[512];
    char frames[64][1024];
    size_t nframes;
};

/* The part of a dlv goroutine line after "User: " with the thread and reason: "FILE:LINE FUNC (PC)
 * (thread N) [reason]" */
static void line_tail(const char *line, const char *kind, char *out, size_t len)
{
    const char *p = strstr(line, kind);
    snprintf(out, len, "%s", p ? p + strlen(kind) : "");
    out[strcspn(out, "\n")] = '\0';
}

/* Runs dlv attach on PID: goroutines (user, -s, -g) and each goroutine's stack. */
static size_t run_dlv(pid_t pid, struct dlv_g *dg, size_t max)
{
    char init[4300], out[4300], cmd[9000];
    snprintf(init, sizeof(init), "%s/dlv-init.txt", bin_dir);
    snprintf(out, sizeof(out), "%s/dlv-out.txt", bin_dir);
    FILE *f = fopen(init, "w");
    ck_assert(f);
    fprintf(f, "goroutines\ngoroutines -s\ngoroutines -g\n");
    for (int id = 1; id <= 40; id++)
        fprintf(f, "goroutine %d\nstack 60\n", id);
    fprintf(f, "exit\n");
    fclose(f);
    /* On EOF at its "kill the process?" question, dlv detaches and leaves the process running. */
    snprintf(cmd, sizeof(cmd),
             "timeout 120 dlv attach %d --init '%s' --allow-non-terminal-interactive=true "
             "</dev/null >'%s' 2>&1",
             (int)pid, init, out);
    int rc = system(cmd);
    (void)rc;
    f = fopen(out, "r");
    ck_assert(f);
    char line[1024];
    size_t n = 0, section = 0;
    struct dlv_g *cur = NULL;
    char pending[400] = "";
    while (fgets(line, sizeof(line), f)) {
        long long id;
        if (strncmp(line, "[", 1) == 0 && strstr(line, " goroutines]")) {
            section++;
            continue;
        }
        if (sscanf(line + 2, "Goroutine %lld -", &id) == 1 && section < 3) {
            struct dlv_g *g = NULL;
            for (size_t i = 0; i < n; i++)
                if (dg[i].id == id)
                    g = &dg[i];
            if (!g && n < max) {
                g = &dg[n++];
                memset(g, 0, sizeof(*g));
                g->id = id;
            }
            if (g && section == 0)
                line_tail(line, "User: ", g->user, sizeof(g->user));
            if (g && section == 1)
                line_tail(line, "Start: ", g->start, sizeof(g->start));
            if (g && section == 2)
                line_tail(line, "Go: ", g->go, sizeof(g->go));
            continue;
        }
        long long from, to;
        if (sscanf(line, "Switched from %lld to %lld", &from, &to) == 2) {
            cur = NULL;
            for (size_t i = 0; i < n; i++)
                if (dg[i].id == to)
                    cur = &dg[i];
            continue;
        }
        if (strstr(line, "unknown goroutine") || strstr(line, "Command failed")) {
            cur = NULL;
            continue;
        }
        unsigned long long pc;
        char fn[256], loc[512];
        int idx;
        if (sscanf(line, " %d 0x%llx in %255s", &idx, &pc, fn) == 3) {
            snprintf(pending, sizeof(pending), "%#llx %s", pc, fn);
            continue;
        }
        if (pending[0] && sscanf(line, " at %511s", loc) == 1) {
            if (cur && cur->nframes < 64)
                snprintf(cur->frames[cur->nframes++], sizeof(cur->frames[0]), "%s %s", pending,
                         loc);
            pending[0] = '\0';
        }
    }
    fclose(f);
    return n;
}

static void fmt_frame(const struct gort_frame *f, char *out, size_t len)
{
    snprintf(out, len, "%#llx %s %s:%u", (unsigned long long)f->pc, f->func ? f->func : "?",
             f->file ? f->file : "?", f->line);
}

/* Compares with dlv on BIN (running as PID): ids, user locations, reasons, threads, start and go
 * locations, and every frame of every stack. The spinning goroutine's pc moves between the two
 * looks: only its function is compared. */
static void compare_with_dlv(const char *bin, pid_t pid)
{
    if (system("command -v dlv >/dev/null 2>&1") != 0) {
        fprintf(stderr, "dlv not installed: comparison skipped\n");
        return;
    }
    static struct dlv_g dg[64];
    size_t nd = run_dlv(pid, dg, 64);
    ck_assert_uint_ge(nd, 19);
    struct snap s;
    snap_take(&s, bin, pid);
    size_t live = 0;
    for (size_t i = 0; i < s.n; i++) {
        const struct gort_g *g = &s.gs[i];
        if (gort_status_is(s.rt, g->status, GORT_DEAD))
            continue;
        live++;
        struct dlv_g *d = NULL;
        for (size_t j = 0; j < nd; j++)
            if (dg[j].id == g->goid)
                d = &dg[j];
        ck_assert_msg(d, "goroutine %lld not listed by dlv", (long long)g->goid);
        bool spin = s.user[i].func && strcmp(s.user[i].func, "main.spin") == 0;
        char line[1024], ours[1024];
        gort_format_goroutine(s.rt, g, "User", &s.user[i], false, line, sizeof(line));
        line_tail(line, "User: ", ours, sizeof(ours));
        if (spin)
            ck_assert_msg(strstr(d->user, " main.spin (0x"), "dlv: %s", d->user);
        else
            ck_assert_msg(strcmp(ours, d->user) == 0, "goroutine %lld\n ours: %s\n dlv:  %s",
                          (long long)g->goid, ours, d->user);
        struct gort_loc l;
        gort_start_loc(s.rt, g, &l);
        gort_format_goroutine(s.rt, g, "Start", &l, false, line, sizeof(line));
        line_tail(line, "Start: ", ours, sizeof(ours));
        ck_assert_msg(strcmp(ours, d->start) == 0, "start of %lld\n ours: %s\n dlv:  %s",
                      (long long)g->goid, ours, d->start);
        gort_go_loc(s.rt, g, &l);
        gort_format_goroutine(s.rt, g, "Go", &l, false, line, sizeof(line));
        line_tail(line, "Go: ", ours, sizeof(ours));
        ck_assert_msg(strcmp(ours, d->go) == 0, "go of %lld\n ours: %s\n dlv:  %s",
                      (long long)g->goid, ours, d->go);
        struct gort_frame fr[64];
        size_t nf;
        ck_assert_int_eq(gort_stack(s.rt, g, fr, 61, &nf, NULL), 0);
        ck_assert_msg(nf == d->nframes, "goroutine %lld: %zu frames, dlv %zu", (long long)g->goid,
                      nf, d->nframes);
        for (size_t f = spin ? 1 : 0; f < nf; f++) {
            char fs[512];
            fmt_frame(&fr[f], fs, sizeof(fs));
            ck_assert_msg(strcmp(fs, d->frames[f]) == 0,
                          "goroutine %lld frame %zu\n ours: %s\n dlv:  %s", (long long)g->goid, f,
                          fs, d->frames[f]);
        }
    }
    ck_assert_uint_eq(live, nd);
    snap_free(&s);
}

START_TEST(test_dlv_dbg)
{
    compare_with_dlv(dbg_bin, dbg_pid);
}
END_TEST

/* The optimized build, and the cgo build linked by the C linker. */
START_TEST(test_dlv_other)
{
    char bin[4300];
    snprintf(bin, sizeof(bin), "%s/%s", bin_dir, _i == 0 ? "grtest-opt" : "grtest-ext");
    if (access(bin, X_OK) != 0) {
        fprintf(stderr, "%s not built (no cgo): skipped\n", bin);
        return;
    }
    pid_t pid = start_target(bin, NULL, NULL);
    ck_assert_int_gt(pid, 0);
    compare_with_dlv(bin, pid);
    stop_target(pid);
}
END_TEST

/* ------------------------------------------------------------------ read counts */

START_TEST(test_read_counts)
{
    static const char *const ns[] = {"1000", "10000"};
    long extra = strtol(ns[_i], NULL, 10);
    pid_t pid = start_target(dbg_bin, "-n", ns[_i]);
    ck_assert_int_gt(pid, 0);
    struct snap s;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    snap_take(&s, dbg_bin, pid);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    size_t parked = 0;
    for (size_t i = 0; i < s.n; i++)
        parked += s.user[i].func && strcmp(s.user[i].func, "main.parked") == 0;
    ck_assert_uint_eq(parked, (size_t)extra);
    uint64_t rt = s.p.reads + s.p.batches;
    fprintf(stderr,
            "%ld extra goroutines (%zu in allgs): %llu reads + %llu batches (%llu regions), "
            "%.0f ms from attach to user frames\n",
            extra, s.n, (unsigned long long)s.p.reads, (unsigned long long)s.p.batches,
            (unsigned long long)s.p.regions,
            (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    /* 2 header reads, the pointer array, one g batch per 1024, and per 1024 goroutines one batch
     * per frame up to the user frame (main.parked is the 4th), plus the wait reasons and threads.
     */
    uint64_t blocks = ((uint64_t)s.n + 1023) / 1024;
    ck_assert_uint_le(rt, 16 + blocks * 8);
    snap_free(&s);
    stop_target(pid);
}
END_TEST

/* Two CPU loops on one P: the one not running was preempted by a signal, so its stack is
 * ... asyncPreempt2 <- runtime.asyncPreempt <- main.spinN, where main.spinN's pc is the interrupted
 * instruction (looked up as is, like the frame above sigpanic). Checked without dlv: the process
 * moves between two looks. */
START_TEST(test_async_preempt)
{
    preempt_mode = true;
    pid_t pid = start_target(dbg_bin, NULL, NULL);
    preempt_mode = false;
    ck_assert_int_gt(pid, 0);
    bool seen = false;
    for (int attempt = 0; attempt < 20 && !seen; attempt++) {
        struct snap s;
        snap_take(&s, dbg_bin, pid);
        for (size_t i = 0; i < s.n; i++) {
            const struct gort_g *g = &s.gs[i];
            if (g->thread || gort_status_is(s.rt, g->status, GORT_DEAD))
                continue;
            struct gort_frame fr[64];
            size_t nf;
            enum gort_stack_end end;
            ck_assert_int_eq(gort_stack(s.rt, g, fr, 64, &nf, &end), 0);
            for (size_t f = 0; f + 1 < nf; f++) {
                if (strcmp(fr[f].func, "runtime.asyncPreempt") != 0)
                    continue;
                ck_assert_msg(strncmp(fr[f + 1].func, "main.spin", 9) == 0, "%s", fr[f + 1].func);
                ck_assert_uint_eq(fr[f + 1].lookup_pc, fr[f + 1].pc);
                ck_assert_int_eq(end, GORT_END_GOEXIT);
                ck_assert_str_eq(s.user[i].func, fr[f + 1].func);
                seen = true;
            }
        }
        snap_free(&s);
        if (!seen)
            usleep(50 * 1000);
    }
    stop_target(pid);
    ck_assert_msg(seen, "no goroutine stopped in runtime.asyncPreempt in 20 looks");
}
END_TEST

/* The g in each thread's TLS, from fs_base and the offset the binary implies: -8 for Go's linker,
 * runtime.tlsg in the TLS block for the C linker. The two goroutines on threads are found. */
START_TEST(test_thread_g)
{
    char bin[4300];
    snprintf(bin, sizeof(bin), "%s/%s", bin_dir, _i == 0 ? "grtest" : "grtest-ext");
    if (access(bin, X_OK) != 0) {
        fprintf(stderr, "%s not built (no cgo): skipped\n", bin);
        return;
    }
    pid_t pid = start_target(bin, NULL, NULL);
    ck_assert_int_gt(pid, 0);
    struct snap s;
    snap_take(&s, bin, pid);
    int64_t off;
    ck_assert_int_eq(gort_tls_g_offset(s.rt, &off), 0);
    ck_assert_int_lt(off, 0);
    size_t found = 0;
    for (size_t i = 0; i < s.n; i++) {
        const struct gort_g *g = &s.gs[i];
        if (!g->thread)
            continue;
        for (size_t t = 0; t < s.nth; t++)
            if (s.th[t].tid == g->thread)
                ck_assert_uint_eq(s.th[t].tls_g, g->addr);
        found++;
    }
    ck_assert_uint_eq(found, 2);
    const struct gort_g *spin = by_user(&s, "main.spin", NULL);
    ck_assert_ptr_nonnull(spin);
    ck_assert(spin->thread != 0);
    snap_free(&s);
    stop_target(pid);
}
END_TEST

/* ------------------------------------------------------------------ hostile memory */

/* Fake memory: a few regions; everything else unreadable. */
struct fake {
    struct {
        uint64_t addr;
        uint8_t *bytes;
        size_t len;
    } r[8];
    size_t nr;
    uint64_t calls;
};

static int fake_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    struct fake *f = ctx;
    f->calls++;
    for (size_t i = 0; i < f->nr; i++)
        if (addr >= f->r[i].addr && addr - f->r[i].addr <= f->r[i].len &&
            len <= f->r[i].len - (addr - f->r[i].addr)) {
            memcpy(buf, f->r[i].bytes + (addr - f->r[i].addr), len);
            return 0;
        }
    return -EIO;
}

static uint64_t fake_regs[64]; /* thread 2's registers by DWARF number; others are garbage */

static int fake_reg(void *ctx, int64_t tid, unsigned regno, uint64_t *v)
{
    (void)ctx;
    *v = tid == 2 && regno < 64 ? fake_regs[regno] : (uint64_t)tid * 0x1000 + regno;
    return 0;
}

static const struct gomem_ops fake_ops = {fake_read, NULL, fake_reg};

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

START_TEST(test_hostile)
{
    struct sym_image *img;
    ck_assert_int_eq(sym_image_open(dbg_bin, &img), 0);
    struct sym_global allgs, allglen;
    ck_assert_int_eq(sym_global_by_name(img, "runtime.allgs", &allgs), 0);
    ck_assert_int_eq(sym_global_by_name(img, "runtime.allglen", &allglen), 0);
    static uint8_t hdr[24], len8[8], heap[1 << 16], stack[1 << 14];
    const uint64_t heap_addr = 0xc000000000, stack_addr = 0xc000100000;
    struct fake f = {.nr = 4};
    f.r[0].addr = allgs.addr, f.r[0].bytes = hdr, f.r[0].len = sizeof(hdr);
    f.r[1].addr = allglen.addr, f.r[1].bytes = len8, f.r[1].len = sizeof(len8);
    f.r[2].addr = heap_addr, f.r[2].bytes = heap, f.r[2].len = sizeof(heap);
    f.r[3].addr = stack_addr, f.r[3].bytes = stack, f.r[3].len = sizeof(stack);
    struct gomem mem = {&fake_ops, &f};
    struct gort *rt;
    ck_assert_int_eq(gort_new(img, &mem, &rt, NULL), 0);
    struct gort_g *gs;
    size_t n;

    /* allglen = 2^40: refused before anything is allocated. */
    put64(hdr, heap_addr), put64(hdr + 8, (uint64_t)1 << 40), put64(len8, (uint64_t)1 << 40);
    ck_assert_int_eq(gort_goroutines(rt, NULL, 0, &gs, &n), -E2BIG);
    /* allglen beyond len(allgs) */
    put64(hdr + 8, 4), put64(len8, 5);
    ck_assert_int_eq(gort_goroutines(rt, NULL, 0, &gs, &n), -E2BIG);
    /* the pointer array itself unreadable */
    put64(hdr, 0xdead0000), put64(hdr + 8, 4), put64(len8, 4);
    ck_assert_int_eq(gort_goroutines(rt, NULL, 0, &gs, &n), -EIO);

    /* Pointers to garbage, nil, and one g whose stack is a cycle of return addresses into a
     * function: unwinding stops at the stack's top, not in a loop. */
    uint64_t g_addr = heap_addr + 0x1000;
    put64(hdr, heap_addr), put64(hdr + 8, 4), put64(len8, 4);
    put64(heap, 0xffffffffffff0000), put64(heap + 8, 0), put64(heap + 16, g_addr),
        put64(heap + 24, heap_addr + sizeof(heap) - 8);
    uint64_t off;
    const struct sym_func *fn;
    ck_assert_int_eq(sym_func_by_name(img, "main.recurse", &fn), 0);
    uint64_t ra = fn->lowpc + 0x40; /* inside the function: any pc there has a CFA rule */
    struct {
        const char *path;
        uint64_t v;
    } fields[] = {{"goid", 7},
                  {"atomicstatus", 4},
                  {"sched.pc", ra},
                  {"sched.sp", stack_addr + 64},
                  {"sched.bp", stack_addr + 64},
                  {"stack.lo", stack_addr},
                  {"stack.hi", stack_addr + sizeof(stack)},
                  {"waitreason", 200}};
    memset(heap + 0x1000, 0, 0x800);
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        const struct sym_type *t;
        ck_assert_int_eq(sym_field_offset(img, "runtime.g", fields[i].path, &off, &t), 0);
        uint8_t v[8];
        put64(v, fields[i].v);
        memcpy(heap + 0x1000 + off, v, t->size <= 8 ? t->size : 8);
    }
    for (size_t i = 0; i + 8 <= sizeof(stack); i += 8)
        put64(stack + i, ra);
    ck_assert_int_eq(gort_goroutines(rt, NULL, 0, &gs, &n), 0);
    ck_assert_uint_eq(n, 4);
    ck_assert(gs[0].flags & GORT_G_UNREADABLE);
    ck_assert(gs[1].flags & GORT_G_UNREADABLE);
    ck_assert(!(gs[2].flags & GORT_G_UNREADABLE));
    ck_assert(gs[3].flags & GORT_G_UNREADABLE); /* runs off the end of readable memory */
    ck_assert_int_eq(gs[2].goid, 7);
    struct gort_frame fr[4096];
    size_t nf;
    enum gort_stack_end end;
    f.calls = 0;
    ck_assert_int_eq(gort_stack(rt, &gs[2], fr, 4096, &nf, &end), 0);
    ck_assert_msg(end == GORT_END_BAD_SP || end == GORT_END_UNREADABLE, "end %s",
                  gort_stack_end_name(end));
    ck_assert_uint_lt(nf, 4096);
    ck_assert_uint_le(f.calls, nf + 1);
    ck_assert_int_eq(gort_stack(rt, &gs[0], fr, 16, &nf, &end), -EIO);
    struct gort_loc cur[4], user[4];
    ck_assert_int_eq(gort_user_locs(rt, gs, n, cur, user), 0);
    ck_assert_str_eq(user[2].func, "main.recurse");
    ck_assert_ptr_null(user[0].func);
    char line[256];
    gort_format_goroutine(rt, &gs[2], "User", &user[2], true, line, sizeof(line));
    ck_assert_msg(strstr(line, "[unknown wait reason 200]"), "%s", line);
    /* runtime.waitReasonStrings is unreadable here: the Go 1.19 table (the binary's version) */
    ck_assert_str_eq(gort_wait_reason(rt, 2), "IO wait");
    ck_assert_str_eq(gort_wait_reason(rt, 20), "sync.Cond.Wait");
    ck_assert_ptr_null(gort_wait_reason(rt, 27));
    /* A thread with garbage registers running it: no crash, bounded. */
    gs[2].thread = 5;
    ck_assert_int_eq(gort_stack(rt, &gs[2], fr, 4096, &nf, &end), 0);
    free(gs);

    /* Random bytes everywhere, pointers aimed back into the regions. */
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (int round = 0; round < 300; round++) {
        for (size_t i = 0; i < sizeof(heap); i += 8) {
            uint64_t v = rnd(&seed);
            switch (v % 4) {
            case 0:
                v = heap_addr + (v >> 8) % sizeof(heap);
                break;
            case 1:
                v = stack_addr + (v >> 8) % sizeof(stack);
                break;
            case 2:
                v = fn->lowpc + (v >> 8) % 0x4000;
                break;
            }
            put64(heap + i, v);
        }
        memcpy(stack, heap, sizeof(stack));
        put64(hdr, heap_addr), put64(hdr + 8, 64), put64(len8, rnd(&seed) % 65);
        if (gort_goroutines(rt, NULL, 0, &gs, &n) != 0)
            continue;
        for (size_t i = 0; i < n; i++)
            gs[i].thread = i % 3 == 0 ? 1 : 0; /* some on a thread with garbage registers */
        ck_assert_int_eq(gort_user_locs(rt, gs, n, NULL, NULL), 0);
        static struct gort_frame many[64 * 32];
        size_t counts[64];
        ck_assert_int_eq(gort_stacks(rt, gs, n, 32, many, counts, NULL), 0);
        for (size_t i = 0; i < n; i++)
            ck_assert_uint_le(counts[i], 32);
        for (size_t i = 0; i < n; i++) {
            if (gort_stack(rt, &gs[i], fr, 256, &nf, &end) == 0)
                ck_assert_uint_le(nf, 256);
            gort_format_goroutine(rt, &gs[i], "User", &cur[0], false, line, sizeof(line));
        }
        free(gs);
    }
    gort_free(rt);
    sym_image_free(img);
}
END_TEST

/* A thread stopped on the system stack inside runtime.systemstack, mcall or morestack: the unwinder
 * shows that frame, then continues on the goroutine's stack from g.sched, and ends at goexit. */
static const char *const switchers[] = {"runtime.systemstack", "runtime.mcall",
                                        "runtime.morestack"};

START_TEST(test_switch)
{
    struct sym_image *img;
    ck_assert_int_eq(sym_image_open(dbg_bin, &img), 0);
    static uint8_t g0stack[4096], gstack[4096];
    const uint64_t g0_addr = 0x7f0000000000, gs_addr = 0xc000200000;
    struct fake f = {.nr = 2};
    f.r[0].addr = g0_addr, f.r[0].bytes = g0stack, f.r[0].len = sizeof(g0stack);
    f.r[1].addr = gs_addr, f.r[1].bytes = gstack, f.r[1].len = sizeof(gstack);
    struct gomem mem = {&fake_ops, &f};
    struct gort *rt;
    ck_assert_int_eq(gort_new(img, &mem, &rt, NULL), 0);
    const struct sym_func *sw, *rec, *goexit;
    ck_assert_int_eq(sym_func_by_name(img, switchers[_i], &sw), 0);
    ck_assert_int_eq(sym_func_by_name(img, "main.recurse", &rec), 0);
    ck_assert_int_eq(sym_func_by_name(img, "runtime.goexit", &goexit), 0);
    /* The goroutine: parked in main.recurse, whose caller is goexit. */
    uint64_t ra = rec->lowpc + 0x40;
    struct sym_cfi_row row;
    ck_assert_int_eq(sym_cfi_at(img, ra - 1, &row), 0);
    ck_assert_int_eq(row.cfa.kind, SYM_CFI_CFA_REG);
    uint64_t sp = gs_addr + 1024, cfa = sp + (uint64_t)row.cfa.offset;
    put64(gstack + (cfa - 8 - gs_addr), goexit->lowpc + 1);
    struct gort_g g = {.addr = 0xc000001000,
                       .goid = 9,
                       .pc = ra,
                       .sp = sp,
                       .bp = 0,
                       .stack_lo = gs_addr,
                       .stack_hi = gs_addr + sizeof(gstack),
                       .thread = 2};
    memset(fake_regs, 0, sizeof(fake_regs));
    fake_regs[16] = sw->lowpc + 1;
    fake_regs[7] = g0_addr + 512; /* outside the goroutine's stack: on g0 */
    fake_regs[6] = g0_addr + 600;
    struct gort_frame fr[16];
    size_t nf;
    enum gort_stack_end end;
    ck_assert_int_eq(gort_stack(rt, &g, fr, 16, &nf, &end), 0);
    ck_assert_uint_eq(nf, 3);
    ck_assert_str_eq(fr[0].func, switchers[_i]);
    ck_assert(fr[0].flags & GORT_FRAME_SYSTEM);
    ck_assert_str_eq(fr[1].func, "main.recurse");
    ck_assert_uint_eq(fr[1].pc, ra);
    /* after systemstack and mcall, g.sched.pc is looked up as a parked goroutine's frame 0 */
    ck_assert_uint_eq(fr[1].lookup_pc, _i == 2 ? ra - 1 : ra);
    ck_assert(!(fr[1].flags & GORT_FRAME_SYSTEM));
    ck_assert_str_eq(fr[2].func, "runtime.goexit");
    ck_assert_int_eq(end, GORT_END_GOEXIT);
    struct gort_loc cur, user;
    ck_assert_int_eq(gort_user_locs(rt, &g, 1, &cur, &user), 0);
    ck_assert_str_eq(cur.func, switchers[_i]);
    ck_assert_str_eq(user.func, "main.recurse");
    /* The same thread on the goroutine's own stack: no switch, CFI from runtime.systemstack. */
    g.thread = 0;
    ck_assert_int_eq(gort_stack(rt, &g, fr, 16, &nf, &end), 0);
    ck_assert_str_eq(fr[0].func, "main.recurse");
    gort_free(rt);
    sym_image_free(img);
}
END_TEST

/* A thread stopped inside the signal handler (on the gsignal stack): at runtime.sigtramp the
 * unwinder takes the interrupted registers from the ucontext_t (sigtramp's ctx argument at
 * sp + 16) and continues in the interrupted function, whose pc is not a return address. */
START_TEST(test_signal_frame)
{
    struct sym_image *img;
    ck_assert_int_eq(sym_image_open(dbg_bin, &img), 0);
    static uint8_t sigstack[4096], gstack[4096];
    const uint64_t sig_addr = 0x7f0000100000, gs_addr = 0xc000300000;
    struct fake f = {.nr = 2};
    f.r[0].addr = sig_addr, f.r[0].bytes = sigstack, f.r[0].len = sizeof(sigstack);
    f.r[1].addr = gs_addr, f.r[1].bytes = gstack, f.r[1].len = sizeof(gstack);
    struct gomem mem = {&fake_ops, &f};
    struct gort *rt;
    ck_assert_int_eq(gort_new(img, &mem, &rt, NULL), 0);
    const struct sym_func *tramp, *spin, *goexit;
    ck_assert_int_eq(sym_func_by_name(img, "runtime.sigtramp", &tramp), 0);
    ck_assert_int_eq(sym_func_by_name(img, "main.spin", &spin), 0);
    ck_assert_int_eq(sym_func_by_name(img, "runtime.goexit", &goexit), 0);
    uint64_t pc = spin->lowpc + 0x20; /* inside the loop, past the prologue */
    struct sym_cfi_row row;
    ck_assert_int_eq(sym_cfi_at(img, pc, &row), 0);
    uint64_t sp = gs_addr + 2048, cfa = sp + (uint64_t)row.cfa.offset;
    memset(gstack, 0, sizeof(gstack));
    put64(gstack + (cfa - 8 - gs_addr), goexit->lowpc + 1);
    uint64_t tsp = sig_addr + 256, ctx = sig_addr + 1024;
    put64(sigstack + 256 + 16, ctx);
    put64(sigstack + 1024 + 40 + 8 * 10, sp + 16); /* rbp */
    put64(sigstack + 1024 + 40 + 8 * 15, sp);      /* rsp */
    put64(sigstack + 1024 + 40 + 8 * 16, pc);      /* rip */
    struct gort_g g = {.addr = 0xc000001000,
                       .goid = 14,
                       .pc = 0x1234,
                       .sp = gs_addr + 8,
                       .stack_lo = gs_addr,
                       .stack_hi = gs_addr + sizeof(gstack),
                       .thread = 2};
    memset(fake_regs, 0, sizeof(fake_regs));
    fake_regs[16] = tramp->lowpc + 1;
    fake_regs[7] = tsp;
    struct gort_frame fr[16];
    size_t nf;
    enum gort_stack_end end;
    ck_assert_int_eq(gort_stack(rt, &g, fr, 16, &nf, &end), 0);
    ck_assert_uint_eq(nf, 3);
    ck_assert_str_eq(fr[0].func, "runtime.sigtramp");
    ck_assert(fr[0].flags & GORT_FRAME_SYSTEM);
    ck_assert_str_eq(fr[1].func, "main.spin");
    ck_assert_uint_eq(fr[1].pc, pc);
    ck_assert_uint_eq(fr[1].lookup_pc, pc);
    ck_assert_str_eq(fr[2].func, "runtime.goexit");
    ck_assert_int_eq(end, GORT_END_GOEXIT);
    struct gort_loc cur, user;
    ck_assert_int_eq(gort_user_locs(rt, &g, 1, &cur, &user), 0);
    ck_assert_str_eq(user.func, "main.spin");
    /* A ctx pointing nowhere ends the stack there. */
    put64(sigstack + 256 + 16, 0xdead000);
    ck_assert_int_eq(gort_stack(rt, &g, fr, 16, &nf, &end), 0);
    ck_assert_uint_eq(nf, 1);
    ck_assert_int_eq(end, GORT_END_UNREADABLE);
    gort_free(rt);
    sym_image_free(img);
}
END_TEST

/* arm64 (grtest-arm64's DWARF and CFI, fake memory): a parked frame whose return address is saved
 * at [SP] (CFA = SP + frame), and a thread stopped at a function's entry, where CFA = SP and the
 * return address is still in LR (x30); both end at goexit. */
START_TEST(test_arm64)
{
    char bin[4300];
    snprintf(bin, sizeof(bin), "%s/grtest-arm64", bin_dir);
    struct sym_image *img;
    ck_assert_int_eq(sym_image_open(bin, &img), 0);
    static uint8_t gstack[4096];
    const uint64_t gs_addr = 0x4000200000;
    struct fake f = {.nr = 1};
    f.r[0].addr = gs_addr, f.r[0].bytes = gstack, f.r[0].len = sizeof(gstack);
    struct gomem mem = {&fake_ops, &f};
    struct gort *rt;
    ck_assert_int_eq(gort_new(img, &mem, &rt, NULL), 0);
    const struct sym_func *rec, *goexit;
    ck_assert_int_eq(sym_func_by_name(img, "main.recurse", &rec), 0);
    ck_assert_int_eq(sym_func_by_name(img, "runtime.goexit", &goexit), 0);
    /* a pc in the body: after the prologue's str x30, [sp, #-frame]! */
    uint64_t pc = rec->lowpc + 0x40;
    struct sym_cfi_row row;
    ck_assert_int_eq(sym_cfi_at(img, pc, &row), 0);
    ck_assert_int_eq(row.cfa.kind, SYM_CFI_CFA_REG);
    ck_assert_uint_eq(row.cfa.regno, 31);
    ck_assert_int_eq(row.ra.kind, SYM_CFI_OFFSET);
    uint64_t sp = gs_addr + 1024, cfa = sp + (uint64_t)row.cfa.offset;
    memset(gstack, 0, sizeof(gstack));
    put64(gstack + (cfa + (uint64_t)row.ra.offset - gs_addr), goexit->lowpc + 4);
    struct gort_g g = {.addr = 0x4000001000,
                       .goid = 5,
                       .pc = pc,
                       .sp = sp,
                       .stack_lo = gs_addr,
                       .stack_hi = gs_addr + sizeof(gstack)};
    struct gort_frame fr[8];
    size_t nf;
    enum gort_stack_end end;
    ck_assert_int_eq(gort_stack(rt, &g, fr, 8, &nf, &end), 0);
    ck_assert_uint_eq(nf, 2);
    ck_assert_str_eq(fr[0].func, "main.recurse");
    ck_assert_str_eq(fr[1].func, "runtime.goexit");
    ck_assert_int_eq(end, GORT_END_GOEXIT);
    /* On a thread, at the entry: pc 32, sp 31, fp 29, lr 30 (DWARF for the Arm 64-bit arch). */
    memset(fake_regs, 0, sizeof(fake_regs));
    fake_regs[32] = rec->lowpc;
    fake_regs[31] = sp;
    fake_regs[30] = goexit->lowpc + 4;
    g.thread = 2;
    ck_assert_int_eq(gort_stack(rt, &g, fr, 8, &nf, &end), 0);
    ck_assert_uint_eq(nf, 2);
    ck_assert_str_eq(fr[0].func, "main.recurse");
    ck_assert_uint_eq(fr[0].cfa, sp);
    ck_assert_str_eq(fr[1].func, "runtime.goexit");
    struct gort_loc cur, user;
    ck_assert_int_eq(gort_user_locs(rt, &g, 1, &cur, &user), 0);
    ck_assert_str_eq(user.func, "main.recurse");
    /* g lives in x28 */
    fake_regs[28] = 0x4000001000;
    uint64_t gp;
    ck_assert_int_eq(gort_thread_g(rt, 2, &gp), 0);
    ck_assert_uint_eq(gp, 0x4000001000);
    int64_t off;
    ck_assert_int_eq(gort_tls_g_offset(rt, &off), -ENOTSUP);
    gort_free(rt);
    sym_image_free(img);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("goroutines");
    TCase *tc = tcase_create("process");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_states, 0, (int)(sizeof(expects) / sizeof(expects[0])));
    tcase_add_test(tc, test_list_basics);
    tcase_add_test(tc, test_stacks_batch);
    tcase_add_test(tc, test_dlv_dbg);
    tcase_add_loop_test(tc, test_dlv_other, 0, 2);
    tcase_add_loop_test(tc, test_read_counts, 0, 2);
    tcase_add_test(tc, test_async_preempt);
    tcase_add_loop_test(tc, test_thread_g, 0, 2);
    suite_add_tcase(s, tc);
    TCase *th = tcase_create("hostile");
    tcase_set_timeout(th, 120);
    tcase_add_test(th, test_hostile);
    tcase_add_loop_test(th, test_switch, 0, 3);
    tcase_add_test(th, test_signal_frame);
    tcase_add_test(th, test_arm64);
    suite_add_tcase(s, th);
    return s;
}

int main(void)
{
    const char *src = getenv("top_srcdir"), *build = getenv("top_builddir");
    char cmd[9000];
    if (!src || !build) {
        fprintf(stderr, "top_srcdir/top_builddir not set (run through make check)\n");
        return 77;
    }
    snprintf(bin_dir, sizeof(bin_dir), "%s/tests/targets/grtest", build);
    snprintf(cmd, sizeof(cmd), "sh '%s/tests/targets/grtest/build.sh' '%s' >&2", src, bin_dir);
    int rc = system(cmd);
    if (WIFEXITED(rc) && WEXITSTATUS(rc) == 77)
        return 77;
    if (rc != 0) {
        fprintf(stderr, "building grtest failed\n");
        return 1;
    }
    snprintf(dbg_bin, sizeof(dbg_bin), "%s/grtest", bin_dir);
    dbg_pid = start_target(dbg_bin, NULL, NULL);
    if (dbg_pid < 0)
        return 1;
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    stop_target(dbg_pid);
    return failed ? 1 : 0;
}
