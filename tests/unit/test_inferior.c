/*
 * tests/unit/test_inferior.c - the stub's ptrace core against real processes, driving the
 * rsp_target table directly (no sockets). The C target is this same binary run as "test_inferior
 * target": four threads calling target_func() in a loop, one of them pelting the others with
 * SIGURG. The Go target is built from a tiny main.go when go is installed (the test is skipped
 * otherwise).
 *
 * Each test checks what a production user cares about: every thread stopped, memory reads hide the
 * traps, breakpoints hit and are stepped over, interrupts report SIGINT without delivering it, and
 * after release the process runs on untraced with its text byte-for-byte the binary's.
 */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rsp/codec.h"
#include "stub/inferior.h"

/* ------------------------------------------------------------------ the C target */

volatile uint64_t counter;
volatile uint64_t urg_count;
volatile uint64_t usr1_count;
volatile uint64_t forks, bad_children;
volatile uint8_t scratch[16] = "0123456789abcdef";
const char magic[] = "GOSTUB-MAGIC-1234";

__attribute__((noinline, used)) void target_func(void);
__attribute__((noinline, used)) void target_func(void)
{
    counter++;
    __asm__ volatile("" ::: "memory");
}

static void on_urg(int sig)
{
    (void)sig;
    urg_count++;
}

static void on_usr1(int sig)
{
    (void)sig;
    usr1_count++;
}

static pid_t main_tid;

static void *worker(void *arg)
{
    for (;;) {
        target_func();
        if (arg)
            syscall(SYS_tgkill, getpid(), main_tid, SIGURG);
        usleep(500);
    }
    return NULL;
}

static void *short_lived(void *arg)
{
    (void)arg;
    target_func();
    return NULL;
}

/* Threads that come and go: clone events, new threads inheriting debug registers, exits. */
static void *churner(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_t t;
        if (pthread_create(&t, NULL, short_lived, NULL) == 0)
            pthread_join(t, NULL);
        usleep(1000);
    }
    return NULL;
}

/* Forks children that run target_func and exit; counts those that die of a signal. */
static void *forker(void *arg)
{
    (void)arg;
    for (;;) {
        pid_t c = fork();
        if (c == 0) {
            target_func();
            _exit(0);
        }
        if (c > 0) {
            int st;
            while (waitpid(c, &st, 0) < 0 && errno == EINTR)
                ;
            forks++;
            if (!WIFEXITED(st))
                bad_children++;
        }
        usleep(2000);
    }
    return NULL;
}

static int target_main(bool churn, bool fork_children)
{
    signal(SIGURG, on_urg);
    signal(SIGUSR1, on_usr1);
    main_tid = (pid_t)syscall(SYS_gettid);
    printf("%" PRIxPTR " %" PRIxPTR " %" PRIxPTR " %" PRIxPTR " %" PRIxPTR " %" PRIxPTR " %" PRIxPTR
           " %" PRIxPTR "\n",
           (uintptr_t)target_func, (uintptr_t)&counter, (uintptr_t)scratch, (uintptr_t)magic,
           (uintptr_t)&urg_count, (uintptr_t)&usr1_count, (uintptr_t)&forks,
           (uintptr_t)&bad_children);
    fflush(stdout);
    pthread_t t;
    for (int i = 0; i < 3; i++)
        pthread_create(&t, NULL, worker, i == 0 ? (void *)1 : NULL);
    if (churn)
        pthread_create(&t, NULL, churner, NULL);
    if (fork_children)
        pthread_create(&t, NULL, forker, NULL);
    for (;;) {
        target_func();
        usleep(500);
    }
    return 0;
}

/* ------------------------------------------------------------------ helpers */

struct target {
    pid_t pid;
    uint64_t func, counter, scratch, magic, urg, usr1, forks, bad;
};

static char self_exe[4096];

static void start_target_mode(struct target *t, const char *mode)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execl(self_exe, self_exe, mode, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    char line[256] = "";
    FILE *f = fdopen(p[0], "r");
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    fclose(f);
    t->pid = pid;
    ck_assert_int_eq(sscanf(line,
                            "%" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64
                            " %" SCNx64 " %" SCNx64,
                            &t->func, &t->counter, &t->scratch, &t->magic, &t->urg, &t->usr1,
                            &t->forks, &t->bad),
                     8);
    /* Let the threads start. */
    for (int i = 0; i < 200; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/task", pid);
        int n = 0;
        FILE *ls;
        char cmd[128];
        snprintf(cmd, sizeof cmd, "ls %s | wc -l", path);
        ls = popen(cmd, "r");
        if (ls) {
            if (fscanf(ls, "%d", &n) != 1)
                n = 0;
            pclose(ls);
        }
        if (n >= 4)
            break;
        usleep(10000);
    }
}

static void start_target(struct target *t)
{
    start_target_mode(t, "target");
}

static void stop_target(struct target *t)
{
    kill(t->pid, SIGKILL);
    int st;
    waitpid(t->pid, &st, __WALL);
}

static struct rsp_stop last;
static int nstops;

static void on_stop(void *arg, const struct rsp_stop *st)
{
    (void)arg;
    last = *st;
    nstops++;
}

static bool wait_stop(struct inferior *inf, int ms)
{
    int before = nstops;
    for (int i = 0; i < ms; i++) {
        inf_handle_events(inf);
        if (nstops != before) {
            if (getenv("TEST_VERBOSE"))
                fprintf(stderr, "stop: kind %d tid %d sig %d reason %d\n", (int)last.kind,
                        (int)last.tid, last.signal, (int)last.reason);
            return true;
        }
        usleep(1000);
    }
    return false;
}

static struct inferior *attach(pid_t pid)
{
    struct inferior *inf = NULL;
    struct inf_error err = {""};
    int rc = inf_attach(pid, &inf, &err);
    ck_assert_msg(rc == 0, "attach: %d %s", rc, err.msg);
    inf_set_stop_callback(inf, on_stop, NULL);
    return inf;
}

static uint64_t read_u64(struct inferior *inf, uint64_t addr)
{
    const struct rsp_target *t = inf_target(inf);
    uint64_t v = 0;
    size_t n = 0;
    ck_assert_int_eq(t->read_mem(inf, addr, (uint8_t *)&v, sizeof v, &n), 0);
    ck_assert_uint_eq(n, sizeof v);
    return v;
}

static uint64_t read_pc(struct inferior *inf, int64_t tid)
{
    const struct rsp_target *t = inf_target(inf);
    uint64_t pc = 0;
    ck_assert_int_eq(t->read_reg(inf, tid, (unsigned)t->arch->pc_regno, (uint8_t *)&pc, 8), 0);
    return pc;
}

/* Bytes as the kernel sees them, through a fresh /proc/PID/mem (root reads it without tracing). */
static void raw_read(pid_t pid, uint64_t addr, uint8_t *buf, size_t len)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", pid);
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pread(fd, buf, len, (off_t)addr), (ssize_t)len);
    close(fd);
}

static long status_num(pid_t pid, const char *field)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    long v = -1;
    if (!f)
        return -1;
    size_t fl = strlen(field);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, fl) == 0 && line[fl] == ':')
            v = strtol(line + fl + 1, NULL, 10);
    fclose(f);
    return v;
}

static char task_state(pid_t pid, pid_t tid)
{
    char path[96], buf[512];
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    return p ? p[2] : 0;
}

/* After release: untraced, running, and the text of target_func is the binary's (which is also our
 * own copy of it: same executable). */
static void check_released(const struct target *t)
{
    ck_assert_int_eq(status_num(t->pid, "TracerPid"), 0);
    uint8_t theirs[32];
    raw_read(t->pid, t->func, theirs, sizeof theirs);
    ck_assert_mem_eq(theirs, (const void *)(uintptr_t)target_func, sizeof theirs);
    uint64_t c1, c2;
    raw_read(t->pid, t->counter, (uint8_t *)&c1, 8);
    usleep(50000);
    raw_read(t->pid, t->counter, (uint8_t *)&c2, 8);
    ck_assert_msg(c2 > c1, "the process does not run on after release (%" PRIu64 ")", c1);
    for (int i = 0; i < 20 && task_state(t->pid, t->pid) == 't'; i++)
        usleep(10000);
    ck_assert_int_ne(task_state(t->pid, t->pid), 't');
}

static const struct rsp_resume_action cont_all = {.tid = -1, .action = 'c', .signal = 0};

/* ------------------------------------------------------------------ attach errors */

START_TEST(attach_no_such_pid)
{
    struct inferior *inf = NULL;
    struct inf_error err = {""};
    pid_t pid = 4000000; /* above pid_max's ceiling of 2^22 */
    ck_assert_int_eq(inf_attach(pid, &inf, &err), -ESRCH);
    ck_assert_ptr_null(inf);
    ck_assert_str_eq(err.msg, "no such process: pid 4000000");
}
END_TEST

START_TEST(attach_already_traced)
{
    struct target t;
    start_target(&t);
    struct inferior *inf = attach(t.pid);
    struct inferior *inf2 = NULL;
    struct inf_error err = {""};
    ck_assert_int_lt(inf_attach(t.pid, &inf2, &err), 0);
    ck_assert_ptr_null(inf2);
    char want[256];
    snprintf(want, sizeof want, "pid %d is already traced by pid %d (test_inferior)", t.pid,
             getpid());
    ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "got \"%s\"", err.msg);
    ck_assert_int_eq(inf_release(inf), 0);
    inf_free(inf);
    check_released(&t);
    stop_target(&t);
}
END_TEST

/* Without privileges: the error says what is missing. */
START_TEST(attach_permission_denied)
{
    struct target t;
    start_target(&t);
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    pid_t child = fork();
    if (child == 0) {
        close(p[0]);
        struct inferior *inf = NULL;
        struct inf_error err = {""};
        if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
            setresuid(65534, 65534, 65534) < 0)
            _exit(2);
        int rc = inf_attach(t.pid, &inf, &err);
        ssize_t w = write(p[1], err.msg, strlen(err.msg) + 1);
        (void)w;
        _exit(rc == -EPERM ? 0 : 1);
    }
    close(p[1]);
    char msg[512] = "";
    ssize_t n = read(p[0], msg, sizeof msg - 1);
    close(p[0]);
    int st;
    waitpid(child, &st, 0);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d: %s", st, msg);
    ck_assert_int_gt(n, 0);
    char want[128];
    snprintf(want, sizeof want, "permission denied attaching to pid %d: run as root", t.pid);
    ck_assert_msg(strncmp(msg, want, strlen(want)) == 0, "got \"%s\"", msg);
    ck_assert_ptr_nonnull(strstr(msg, "CAP_SYS_PTRACE"));
    ck_assert_int_eq(status_num(t.pid, "TracerPid"), 0);
    stop_target(&t);
}
END_TEST

START_TEST(attach_zombie)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    usleep(100000);
    struct inferior *inf = NULL;
    struct inf_error err = {""};
    ck_assert_int_lt(inf_attach(pid, &inf, &err), 0);
    char want[64];
    snprintf(want, sizeof want, "pid %d is a zombie", pid);
    ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "got \"%s\"", err.msg);
    waitpid(pid, NULL, 0);
}
END_TEST

/* ------------------------------------------------------------------ attach, inspect, release */

START_TEST(attach_threads_memory_release)
{
    struct target t;
    start_target(&t);
    struct inferior *inf = attach(t.pid);
    const struct rsp_target *ops = inf_target(inf);

    ck_assert_ptr_nonnull(ops->arch);
    ck_assert_int_eq(ops->pid(inf), t.pid);
    ck_assert(ops->attached(inf));
    ck_assert(!inf_running(inf));
    int64_t tids[16];
    size_t n = ops->list_threads(inf, tids, 16);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(tids[0], t.pid);
    for (size_t i = 0; i < n; i++) {
        ck_assert(ops->thread_alive(inf, tids[i]));
        ck_assert_int_eq(task_state(t.pid, (pid_t)tids[i]), 't');
        char name[32];
        ck_assert_int_eq(ops->thread_name(inf, tids[i], name, sizeof name), 0);
        ck_assert_str_eq(name, "test_inferior");
        uint64_t pc = read_pc(inf, tids[i]);
        ck_assert_uint_ne(pc, 0);
        struct rsp_stop st;
        ck_assert_int_eq(ops->thread_stop_info(inf, tids[i], &st), 0);
        ck_assert_int_eq(st.tid, tids[i]);
    }
    char buf[sizeof magic];
    size_t got = 0;
    ck_assert_int_eq(ops->read_mem(inf, t.magic, (uint8_t *)buf, sizeof buf, &got), 0);
    ck_assert_uint_eq(got, sizeof buf);
    ck_assert_str_eq(buf, magic);
    /* A read running off the end of a mapping returns the readable prefix. */
    struct rsp_region reg;
    ck_assert_int_eq(ops->memory_regions->region_info(inf, t.magic, &reg), 0);
    uint64_t end = reg.start + reg.size;
    for (int k = 0; k < 8 && ops->memory_regions->region_info(inf, end, &reg) == 0 && reg.mapped;
         k++)
        end = reg.start + reg.size;
    if (!reg.mapped) {
        uint8_t tail[64];
        ck_assert_int_eq(ops->read_mem(inf, end - 16, tail, sizeof tail, &got), 0);
        ck_assert_uint_eq(got, 16);
    }
    /* An unmapped address: an error, never a crash. */
    ck_assert_int_ne(ops->read_mem(inf, 8, (uint8_t *)buf, 8, &got), 0);
    ck_assert_uint_eq(got, 0);
    /* The counter does not move while stopped. */
    uint64_t c1 = read_u64(inf, t.counter);
    usleep(20000);
    ck_assert_uint_eq(read_u64(inf, t.counter), c1);

    char exe[4096];
    ck_assert_int_eq(ops->exec_file(inf, exe, sizeof exe), 0);
    ck_assert_str_eq(exe, self_exe);
    uint8_t auxv[64];
    ck_assert_int_gt(ops->read_auxv(inf, 0, auxv, sizeof auxv), 0);

    struct rsp_region r;
    ck_assert_int_eq(ops->memory_regions->region_info(inf, t.func, &r), 0);
    ck_assert(r.mapped && r.r && r.x && !r.w);
    ck_assert_str_eq(r.name, self_exe);
    ck_assert_int_eq(ops->memory_regions->region_info(inf, 8, &r), 0);
    ck_assert(!r.mapped);

    struct rsp_buf out;
    rsp_buf_init(&out, 1 << 16);
    ck_assert_int_eq(ops->monitor->command(inf, "threads", &out), 0);
    ck_assert_ptr_nonnull(strstr((char *)out.data, "test_inferior"));
    ck_assert_ptr_nonnull(strstr((char *)out.data, "stopped"));
    rsp_buf_reset(&out);
    ck_assert_int_eq(ops->monitor->command(inf, "help", &out), 0);
    ck_assert_ptr_nonnull(strstr((char *)out.data, "threads"));
    rsp_buf_fini(&out);

    /* k on an attached process gives it back instead of killing it (lldb sends k on quit). */
    ck_assert_int_eq(ops->kill(inf), 0);
    ck_assert(!inf_exited(inf));
    ck_assert_int_eq(inf_release(inf), 0);
    ck_assert_int_eq(inf_release(inf), 0); /* idempotent */
    inf_free(inf);
    check_released(&t);
    stop_target(&t);
}
END_TEST

/* ------------------------------------------------------------------ breakpoints */

START_TEST(breakpoint_hit_step_continue)
{
    struct target t;
    start_target(&t);
    struct inferior *inf = attach(t.pid);
    const struct rsp_target *ops = inf_target(inf);
    unsigned kind = ops->arch->bp_kind;

    uint8_t orig[16], seen[16], raw[16];
    memcpy(orig, (const void *)(uintptr_t)target_func, sizeof orig);
    ck_assert_int_eq(ops->breakpoints->insert(inf, t.func, kind), 0);
    ck_assert_int_eq(ops->breakpoints->insert(inf, t.func, kind), 0); /* gdb repeats Z0 */
    size_t got;
    ck_assert_int_eq(ops->read_mem(inf, t.func - 4, seen, sizeof seen, &got), 0);
    ck_assert_mem_eq(seen + 4, orig, sizeof seen - 4);
    raw_read(t.pid, t.func, raw, 1);
    ck_assert_uint_eq(raw[0], ops->arch->trap[0]);

    uint64_t hits_before = read_u64(inf, t.counter);
    for (int round = 0; round < 6; round++) {
        nstops = 0;
        ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
        ck_assert(wait_stop(inf, 5000));
        ck_assert_int_eq(last.kind, RSP_STOP_SIGNAL);
        ck_assert_int_eq(last.signal, SIGTRAP);
        ck_assert_int_eq(last.reason, RSP_REASON_SWBREAK);
        ck_assert(ops->thread_alive(inf, last.tid));
        ck_assert_uint_eq(read_pc(inf, last.tid), t.func);
        ck_assert(!inf_running(inf));
        int64_t tids[16];
        size_t n = ops->list_threads(inf, tids, 16);
        for (size_t i = 0; i < n; i++)
            ck_assert_int_eq(task_state(t.pid, (pid_t)tids[i]), 't');
        /* Reads still hide the trap at the stop. */
        ck_assert_int_eq(ops->read_mem(inf, t.func, seen, sizeof seen, &got), 0);
        ck_assert_mem_eq(seen, orig, sizeof seen);
    }
    ck_assert_uint_gt(read_u64(inf, t.counter), hits_before);

    uint8_t si[128];
    ck_assert_int_eq(ops->read_siginfo(inf, last.tid, 0, si, sizeof si), 128);
    ck_assert_int_eq(((siginfo_t *)(void *)si)->si_signo, SIGTRAP);
    ck_assert_int_eq(ops->read_siginfo(inf, last.tid, 128, si, sizeof si), 0);

    /* Step the thread that hit: the stub steps it over its breakpoint; the trap stays. */
    int64_t tid = last.tid;
    struct rsp_resume_action step = {.tid = tid, .action = 's', .signal = 0};
    nstops = 0;
    ck_assert_int_eq(ops->resume(inf, &step, 1), 0);
    ck_assert(wait_stop(inf, 5000));
    ck_assert_int_eq(last.tid, tid);
    ck_assert_int_eq(last.signal, SIGTRAP);
    ck_assert_int_eq(last.reason, RSP_REASON_SINGLESTEP);
    uint64_t pc = read_pc(inf, tid);
    ck_assert_uint_gt(pc, t.func);
    ck_assert_uint_lt(pc, t.func + 16);
    raw_read(t.pid, t.func, raw, 1);
    ck_assert_uint_eq(raw[0], ops->arch->trap[0]);

    /* Remove it: pending hits of other threads are dropped, nothing reports a stale breakpoint. */
    ck_assert_int_eq(ops->breakpoints->remove(inf, t.func, kind), 0);
    raw_read(t.pid, t.func, raw, sizeof raw);
    ck_assert_mem_eq(raw, orig, sizeof raw);
    nstops = 0;
    ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
    ck_assert(!wait_stop(inf, 50));
    ck_assert_int_eq(ops->interrupt(inf), 0);
    ck_assert(wait_stop(inf, 5000));
    ck_assert_int_eq(last.signal, SIGINT);
    ck_assert_int_eq(last.reason, RSP_REASON_NONE);

    ck_assert_int_eq(inf_release(inf), 0);
    inf_free(inf);
    check_released(&t);
    stop_target(&t);
}
END_TEST

/* Release with breakpoints inserted while the threads run into them: nothing stays behind. */
START_TEST(release_while_running_with_breakpoint)
{
    struct target t;
    start_target(&t);
    struct inferior *inf = attach(t.pid);
    const struct rsp_target *ops = inf_target(inf);
    ck_assert_int_eq(ops->breakpoints->insert(inf, t.func, ops->arch->bp_kind), 0);
    ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
    usleep(20000); /* several threads hit it meanwhile; their events stay unreported */
    ck_assert_int_eq(inf_release(inf), 0);
    inf_free(inf);
    check_released(&t);
    /* Still alive a while later: no stray SIGTRAP reached it. */
    usleep(100000);
    ck_assert_int_eq(kill(t.pid, 0), 0);
    ck_assert_int_eq(waitpid(t.pid, NULL, WNOHANG), 0);
    stop_target(&t);
}
END_TEST

/* The same, many times over: the interrupt races the int3 traps of four busy threads, and a trap
 * left queued would kill the program with SIGTRAP after detach. */
START_TEST(release_race_stress)
{
    struct target t;
    start_target(&t);
    for (int i = 0; i < 15; i++) {
        struct inferior *inf = attach(t.pid);
        const struct rsp_target *ops = inf_target(inf);
        ck_assert_int_eq(ops->breakpoints->insert(inf, t.func, ops->arch->bp_kind), 0);
        nstops = 0;
        ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
        if (i % 3 == 1) {
            (void)wait_stop(inf, 1000);
        } else if (i % 3 == 2 && wait_stop(inf, 1000)) {
            /* Release in the middle of a step over the breakpoint's neighbourhood. */
            struct rsp_resume_action st = {.tid = last.tid, .action = 's'};
            struct rsp_resume_action acts[2] = {st, cont_all};
            ck_assert_int_eq(ops->resume(inf, acts, 2), 0);
        } else {
            usleep(2000);
        }
        ck_assert_int_eq(inf_release(inf), 0);
        inf_free(inf);
        ck_assert_int_eq(status_num(t.pid, "TracerPid"), 0);
    }
    usleep(100000);
    ck_assert_int_eq(waitpid(t.pid, NULL, WNOHANG), 0);
    check_released(&t);
    stop_target(&t);
}
END_TEST

START_TEST(memory_write_over_breakpoint)
{
    struct target t;
    start_target(&t);
    struct inferior *inf = attach(t.pid);
    const struct rsp_target *ops = inf_target(inf);
    unsigned kind = ops->arch->bp_kind;
    /* A breakpoint in data (never executed) to see the shadow logic byte by byte. */
    ck_assert_int_eq(ops->breakpoints->insert(inf, t.scratch + 4, kind), 0);
    uint8_t raw[8], seen[8];
    raw_read(t.pid, t.scratch + 4, raw, 1);
    ck_assert_uint_eq(raw[0], ops->arch->trap[0]);
    ck_assert_int_eq(ops->write_mem(inf, t.scratch, (const uint8_t *)"ABCDEFGH", 8), 0);
    size_t got;
    ck_assert_int_eq(ops->read_mem(inf, t.scratch, seen, 8, &got), 0);
    ck_assert_mem_eq(seen, "ABCDEFGH", 8);
    raw_read(t.pid, t.scratch, raw, 8);
    ck_assert_mem_eq(raw, "ABCD", 4);
    ck_assert_uint_eq(raw[4], ops->arch->trap[0]);
    ck_assert_mem_eq(raw + 5, "FGH", 3);
    ck_assert_int_eq(ops->breakpoints->remove(inf, t.scratch + 4, kind), 0);
    raw_read(t.pid, t.scratch, raw, 8);
    ck_assert_mem_eq(raw, "ABCDEFGH", 8);
    /* Writing text (read-only pages) goes through /proc/PID/mem. */
    uint8_t code[4];
    ck_assert_int_eq(ops->read_mem(inf, t.func, code, 4, &got), 0);
    ck_assert_int_eq(ops->write_mem(inf, t.func, code, 4), 0);
    ck_assert_int_eq(inf_release(inf), 0);
    inf_free(inf);
    check_released(&t);
    stop_target(&t);
}
END_TEST

/* ------------------------------------------------------------------ interrupt and signals */

START_TEST(interrupt_and_sigurg)
{
    struct target t;
    start_target(&t);
    struct inferior *inf = attach(t.pid);
    const struct rsp_target *ops = inf_target(inf);
    uint64_t urg0 = read_u64(inf, t.urg);
    for (int round = 0; round < 3; round++) {
        nstops = 0;
        ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
        /* SIGURG storms never reach the client. */
        ck_assert(!wait_stop(inf, 100));
        ck_assert(inf_running(inf));
        ck_assert_int_eq(ops->interrupt(inf), 0);
        ck_assert(wait_stop(inf, 5000));
        ck_assert_int_eq(last.kind, RSP_STOP_SIGNAL);
        ck_assert_int_eq(last.signal, SIGINT);
        ck_assert(!inf_running(inf));
        ck_assert_int_eq(task_state(t.pid, t.pid), 't');
    }
    /* The program got its SIGURGs (passed through by the stub). */
    ck_assert_uint_gt(read_u64(inf, t.urg), urg0);
    /* Resuming from the interrupt with SIGINT delivers nothing: the target has no handler and
     * would die. */
    struct rsp_resume_action c = {.tid = -1, .action = 'c', .signal = SIGINT};
    nstops = 0;
    ck_assert_int_eq(ops->resume(inf, &c, 1), 0);
    ck_assert(!wait_stop(inf, 100));
    ck_assert_int_eq(ops->interrupt(inf), 0);
    ck_assert(wait_stop(inf, 5000));
    ck_assert_int_eq(last.signal, SIGINT);
    ck_assert(!inf_exited(inf));

    /* QPassSignals without SIGURG: now it is reported. */
    bool pass[RSP_HOST_NSIG] = {false};
    ops->set_pass_signals(inf, pass);
    nstops = 0;
    ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
    ck_assert(wait_stop(inf, 5000));
    ck_assert_int_eq(last.signal, SIGURG);
    ck_assert_int_eq(last.tid, t.pid);
    pass[SIGURG] = true;
    ops->set_pass_signals(inf, pass);

    ck_assert_int_eq(inf_release(inf), 0);
    inf_free(inf);
    check_released(&t);
    stop_target(&t);
}
END_TEST

/* gdb's "step" with the other threads running: the stepped thread (the main thread, the SIGURG
 * target) gets SIGURGs in the middle of its steps; they wait for the next continue, so the steps
 * never land in the handler. */
START_TEST(step_defers_sigurg)
{
    struct target t;
    start_target(&t);
    struct inferior *inf = attach(t.pid);
    const struct rsp_target *ops = inf_target(inf);
    uint64_t urg0 = read_u64(inf, t.urg);
    for (int i = 0; i < 40; i++) {
        struct rsp_resume_action acts[2] = {{.tid = t.pid, .action = 's'},
                                            {.tid = -1, .action = 'c'}};
        nstops = 0;
        ck_assert_int_eq(ops->resume(inf, acts, 2), 0);
        ck_assert(wait_stop(inf, 5000));
        ck_assert_int_eq(last.tid, t.pid);
        ck_assert_int_eq(last.signal, SIGTRAP);
        ck_assert_int_eq(last.reason, RSP_REASON_SINGLESTEP);
        usleep(1000); /* more SIGURGs queue up for the stopped main thread */
    }
    ck_assert_uint_eq(read_u64(inf, t.urg), urg0);
    nstops = 0;
    ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
    ck_assert(!wait_stop(inf, 50));
    ck_assert_int_eq(ops->interrupt(inf), 0);
    ck_assert(wait_stop(inf, 5000));
    ck_assert_uint_gt(read_u64(inf, t.urg), urg0);
    ck_assert_int_eq(inf_release(inf), 0);
    inf_free(inf);
    check_released(&t);
    stop_target(&t);
}
END_TEST

/* A signal reported to the client but never resumed with is delivered at detach (the program's
 * own business, gdbserver's rule); the stub's SIGTRAPs and the interrupt's SIGINT never are. */
START_TEST(detach_delivers_reported_signal)
{
    struct target t;
    start_target(&t);
    struct inferior *inf = attach(t.pid);
    const struct rsp_target *ops = inf_target(inf);
    nstops = 0;
    ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
    kill(t.pid, SIGUSR1);
    ck_assert(wait_stop(inf, 5000));
    ck_assert_int_eq(last.signal, SIGUSR1);
    ck_assert_uint_eq(read_u64(inf, t.usr1), 0);
    ck_assert_int_eq(inf_release(inf), 0);
    inf_free(inf);
    check_released(&t);
    uint64_t n = 0;
    raw_read(t.pid, t.usr1, (uint8_t *)&n, 8);
    ck_assert_uint_eq(n, 1);
    stop_target(&t);
}
END_TEST

/* The process killed from outside while running: X with the signal, nothing hangs. */
START_TEST(killed_while_running)
{
    struct target t;
    start_target(&t);
    struct inferior *inf = attach(t.pid);
    const struct rsp_target *ops = inf_target(inf);
    ck_assert_int_eq(ops->breakpoints->insert(inf, t.func, ops->arch->bp_kind), 0);
    nstops = 0;
    ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
    ck_assert(wait_stop(inf, 5000)); /* a breakpoint hit */
    nstops = 0;
    ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
    kill(t.pid, SIGKILL);
    ck_assert(wait_stop(inf, 5000));
    while (last.kind == RSP_STOP_SIGNAL) { /* hits that raced the kill */
        nstops = 0;
        int rc = ops->resume(inf, &cont_all, 1);
        if (rc != 0) {
            struct rsp_buf out;
            rsp_buf_init(&out, 1 << 16);
            ck_assert_int_eq(ops->monitor->command(inf, "threads", &out), 0);
            char cmd[128];
            snprintf(cmd, sizeof cmd, "grep . /proc/%d/task/*/stat /proc/%d/task/*/wchan >&2",
                     t.pid, t.pid);
            if (system(cmd)) {
            }
            ck_assert_msg(rc == 0, "resume after a racing stop: %d\n%s", rc, (char *)out.data);
        }
        ck_assert(wait_stop(inf, 5000));
    }
    ck_assert_int_eq(last.kind, RSP_STOP_KILLED);
    ck_assert_int_eq(last.signal, SIGKILL);
    ck_assert(inf_exited(inf));
    ck_assert_uint_eq(ops->list_threads(inf, NULL, 0), 0);
    ck_assert_int_eq(inf_release(inf), 0);
    inf_free(inf);
}
END_TEST

/* Forked children get the parent's memory with the traps in it: the stub takes them out of each
 * child, which must never die of SIGTRAP, while the parent keeps hitting the breakpoint. */
START_TEST(fork_children_without_traps)
{
    struct target t;
    start_target_mode(&t, "forker");
    struct inferior *inf = attach(t.pid);
    const struct rsp_target *ops = inf_target(inf);
    uint64_t forks0 = read_u64(inf, t.forks);
    /* As gdb sends it: SIGCHLD and SIGURG pass without stopping. */
    bool pass[RSP_HOST_NSIG] = {false};
    pass[SIGCHLD] = pass[SIGURG] = true;
    ops->set_pass_signals(inf, pass);
    ck_assert_int_eq(ops->breakpoints->insert(inf, t.func, ops->arch->bp_kind), 0);
    for (int round = 0; round < 40; round++) {
        nstops = 0;
        ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
        ck_assert(wait_stop(inf, 5000));
        ck_assert_msg(last.reason == RSP_REASON_SWBREAK,
                      "round %d: kind %d sig %d reason %d tid %d", round, (int)last.kind,
                      last.signal, (int)last.reason, (int)last.tid);
        ck_assert_int_eq(last.pid, t.pid);
        ck_assert(ops->thread_alive(inf, last.tid));
    }
    ck_assert_uint_gt(read_u64(inf, t.forks), forks0);
    ck_assert_uint_eq(read_u64(inf, t.bad), 0);
    ck_assert_int_eq(inf_release(inf), 0);
    inf_free(inf);
    check_released(&t);
    uint64_t bad = 1;
    raw_read(t.pid, t.bad, (uint8_t *)&bad, 8);
    ck_assert_uint_eq(bad, 0);
    stop_target(&t);
}
END_TEST

/* ------------------------------------------------------------------ hardware watchpoints */

START_TEST(watchpoint_write)
{
    struct target t;
    start_target(&t);
    struct inferior *inf = attach(t.pid);
    const struct rsp_target *ops = inf_target(inf);
    ck_assert_int_eq(ops->watchpoints->insert(inf, RSP_WATCH_READ, t.counter, 8), -ENOTSUP);
    int rc = ops->watchpoints->insert(inf, RSP_WATCH_WRITE, t.counter, 8);
    if (rc == -ENOTSUP) {
        inf_release(inf);
        inf_free(inf);
        stop_target(&t);
        return;
    }
    ck_assert_int_eq(rc, 0);
    for (int i = 0; i < 2; i++) {
        nstops = 0;
        ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
        ck_assert(wait_stop(inf, 5000));
        ck_assert_int_eq(last.signal, SIGTRAP);
        ck_assert_int_eq(last.reason, RSP_REASON_WATCH);
        ck_assert_uint_eq(last.watch_addr, t.counter);
    }
    ck_assert_int_eq(ops->watchpoints->remove(inf, RSP_WATCH_WRITE, t.counter, 8), 0);
    /* A hardware breakpoint: hit with the PC on it, and continuing does not re-trigger at once. */
    ck_assert_int_eq(ops->hw_breakpoints->insert(inf, t.func, 1), 0);
    uint64_t c0 = read_u64(inf, t.counter);
    /* The first hits may all be events that several threads took at once (reported one per
     * resume without running anything): go on until the counter shows the threads got past. */
    for (int i = 0; i < 12 && (i < 3 || read_u64(inf, t.counter) == c0); i++) {
        nstops = 0;
        ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
        ck_assert(wait_stop(inf, 5000));
        ck_assert_int_eq(last.reason, RSP_REASON_HWBREAK);
        ck_assert_uint_eq(read_pc(inf, last.tid), t.func);
    }
    ck_assert_uint_gt(read_u64(inf, t.counter), c0);
    ck_assert_int_eq(ops->hw_breakpoints->remove(inf, t.func, 1), 0);
    ck_assert_int_eq(inf_release(inf), 0);
    inf_free(inf);
    check_released(&t);
    stop_target(&t);
}
END_TEST

/* ------------------------------------------------------------------ launch */

START_TEST(launch_stops_at_first_instruction)
{
    char *argv[] = {self_exe, "target", NULL};
    struct inferior *inf = NULL;
    struct inf_error err = {""};
    ck_assert_int_eq(inf_launch(argv, &inf, &err), 0);
    inf_set_stop_callback(inf, on_stop, NULL);
    const struct rsp_target *ops = inf_target(inf);
    ck_assert(!ops->attached(inf));
    ck_assert(inf_launched(inf));
    pid_t pid = inf_pid(inf);
    ck_assert_uint_eq(inf_thread_count(inf), 1);
    /* The dynamic loader's entry: AT_BASE + its e_entry, i.e. inside ld.so's mapping. */
    uint64_t pc = read_pc(inf, pid);
    struct rsp_region r;
    ck_assert_int_eq(ops->memory_regions->region_info(inf, pc, &r), 0);
    ck_assert_msg(strstr(r.name, "ld-") != NULL, "pc %" PRIx64 " in %s", pc, r.name);
    uint64_t auxv[64] = {0};
    ck_assert_int_gt(ops->read_auxv(inf, 0, (uint8_t *)auxv, sizeof auxv), 0);
    for (int i = 0; i + 1 < 64 && auxv[i]; i += 2)
        if (auxv[i] == 7) /* AT_BASE */
            ck_assert_uint_ge(pc, auxv[i + 1]);
    ck_assert_int_eq(inf_kill(inf), 0);
    ck_assert(inf_exited(inf));
    inf_free(inf);
    ck_assert_int_eq(kill(pid, 0), -1);
}
END_TEST

/* Launch, put a breakpoint in the program (its load address from AT_ENTRY: same binary as this
 * test), run to it. */
START_TEST(launch_run_to_breakpoint)
{
    char *argv[] = {self_exe, "target", NULL};
    struct inferior *inf = NULL;
    struct inf_error err = {""};
    ck_assert_int_eq(inf_launch(argv, &inf, &err), 0);
    inf_set_stop_callback(inf, on_stop, NULL);
    const struct rsp_target *ops = inf_target(inf);
    uint64_t auxv[128] = {0}, entry = 0;
    ck_assert_int_gt(ops->read_auxv(inf, 0, (uint8_t *)auxv, sizeof auxv), 0);
    for (int i = 0; i + 1 < 128 && auxv[i]; i += 2)
        if (auxv[i] == AT_ENTRY)
            entry = auxv[i + 1];
    ck_assert_uint_ne(entry, 0);
    uint64_t func = entry + ((uintptr_t)target_func - getauxval(AT_ENTRY));
    ck_assert_int_eq(ops->breakpoints->insert(inf, func, ops->arch->bp_kind), 0);
    nstops = 0;
    ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
    ck_assert(wait_stop(inf, 5000));
    ck_assert_int_eq(last.reason, RSP_REASON_SWBREAK);
    ck_assert_uint_eq(read_pc(inf, last.tid), func);
    ck_assert_int_eq(inf_kill(inf), 0);
    inf_free(inf);
}
END_TEST

static const struct {
    const char *script;
    enum rsp_stop_kind kind;
    int code;
} exits[] = {
    {"exit 3", RSP_STOP_EXITED, 3},
    {"exit 0", RSP_STOP_EXITED, 0},
    {"kill -9 $$", RSP_STOP_KILLED, SIGKILL},
};

START_TEST(launch_exit_status)
{
    char *argv[] = {"/bin/sh", "-c", (char *)exits[_i].script, NULL};
    struct inferior *inf = NULL;
    struct inf_error err = {""};
    ck_assert_int_eq(inf_launch(argv, &inf, &err), 0);
    inf_set_stop_callback(inf, on_stop, NULL);
    const struct rsp_target *ops = inf_target(inf);
    nstops = 0;
    ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
    ck_assert(wait_stop(inf, 5000));
    ck_assert_int_eq(last.kind, exits[_i].kind);
    if (exits[_i].kind == RSP_STOP_EXITED)
        ck_assert_int_eq(last.exit_code, exits[_i].code);
    else
        ck_assert_int_eq(last.signal, exits[_i].code);
    ck_assert(inf_exited(inf));
    /* A resume after the exit is answered with the exit again. */
    nstops = 0;
    ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
    ck_assert(wait_stop(inf, 1000));
    ck_assert_int_eq(last.kind, exits[_i].kind);
    ck_assert_int_eq(inf_release(inf), 0);
    ck_assert_int_eq(ops->resume(inf, &cont_all, 1), -ESRCH);
    inf_free(inf);
}
END_TEST

/* Threads created and exiting all the time, with a breakpoint and a watchpoint in the code they
 * run: hits come from new threads (debug registers copied to them), nothing hangs. */
START_TEST(thread_churn)
{
    struct target t;
    start_target_mode(&t, "churn");
    struct inferior *inf = attach(t.pid);
    const struct rsp_target *ops = inf_target(inf);
    /* Attached to threads that come and go: every task in /proc is ours and stopped. */
    pid_t tasks[64];
    int ntasks = 0;
    char dir[64];
    snprintf(dir, sizeof dir, "/proc/%d/task", t.pid);
    FILE *ls;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "ls %s", dir);
    ck_assert_ptr_nonnull(ls = popen(cmd, "r"));
    while (ntasks < 64 && fscanf(ls, "%d", &tasks[ntasks]) == 1)
        ntasks++;
    pclose(ls);
    int64_t listed[64];
    size_t nlisted = ops->list_threads(inf, listed, 64);
    ck_assert_uint_eq(nlisted, (size_t)ntasks);
    for (int i = 0; i < ntasks; i++) {
        char path[96], v[256] = "";
        snprintf(path, sizeof path, "/proc/%d/task/%d/status", t.pid, tasks[i]);
        FILE *f = fopen(path, "r");
        ck_assert_ptr_nonnull(f);
        char line[240];
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "TracerPid:", 10) == 0)
                snprintf(v, sizeof v, "%s", line + 10);
        fclose(f);
        ck_assert_int_eq(atoi(v), getpid());
        ck_assert_int_eq(task_state(t.pid, tasks[i]), 't');
    }
    ck_assert_int_eq(ops->breakpoints->insert(inf, t.func, ops->arch->bp_kind), 0);
    int64_t first[16];
    size_t nfirst = ops->list_threads(inf, first, 16);
    bool new_thread_hit = false;
    for (int round = 0; round < 30; round++) {
        nstops = 0;
        ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
        ck_assert(wait_stop(inf, 5000));
        ck_assert_int_eq(last.reason, RSP_REASON_SWBREAK);
        bool known = false;
        for (size_t i = 0; i < nfirst; i++)
            known |= first[i] == last.tid;
        new_thread_hit |= !known;
    }
    ck_assert(new_thread_hit);
    ck_assert_int_eq(ops->breakpoints->remove(inf, t.func, ops->arch->bp_kind), 0);
    int rc = ops->watchpoints->insert(inf, RSP_WATCH_WRITE, t.counter, 8);
    ck_assert(rc == 0 || rc == -ENOTSUP);
    for (int round = 0; rc == 0 && round < 20; round++) {
        nstops = 0;
        ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
        ck_assert(wait_stop(inf, 5000));
        ck_assert_int_eq(last.reason, RSP_REASON_WATCH);
        ck_assert_uint_eq(last.watch_addr, t.counter);
    }
    /* Thread exits reported when asked for (QThreadEvents). */
    ck_assert_int_eq(ops->watchpoints->remove(inf, RSP_WATCH_WRITE, t.counter, 8), 0);
    ops->set_thread_events(inf, true);
    nstops = 0;
    ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
    ck_assert(wait_stop(inf, 5000));
    ck_assert_msg(last.kind == RSP_STOP_THREAD_EXIT, "stop kind %d sig %d reason %d tid %d",
                  (int)last.kind, last.signal, (int)last.reason, (int)last.tid);
    ck_assert(!ops->thread_alive(inf, last.tid));
    ops->set_thread_events(inf, false);
    nstops = 0;
    ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
    ck_assert(!wait_stop(inf, 50));
    ck_assert_int_eq(ops->interrupt(inf), 0);
    ck_assert(wait_stop(inf, 5000));
    ck_assert_int_eq(last.signal, SIGINT);
    ck_assert_int_eq(inf_release(inf), 0);
    inf_free(inf);
    check_released(&t);
    stop_target(&t);
}
END_TEST

START_TEST(launch_missing_program)
{
    char *argv[] = {"/nonexistent/prog", NULL};
    struct inferior *inf = NULL;
    struct inf_error err = {""};
    ck_assert_int_eq(inf_launch(argv, &inf, &err), -ENOENT);
    ck_assert_ptr_null(inf);
    ck_assert_str_eq(err.msg, "cannot run /nonexistent/prog: No such file or directory");
    ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1); /* the child was reaped */
}
END_TEST

/* ------------------------------------------------------------------ vfile */

START_TEST(vfile_confined)
{
    struct target t;
    start_target(&t);
    struct inferior *inf = attach(t.pid);
    const struct rsp_vfile_ops *vf = inf_target(inf)->vfile;
    int fd = vf->open(inf, self_exe, O_RDONLY, 0);
    ck_assert_int_ge(fd, 0);
    uint8_t hdr[4];
    ck_assert_int_eq(vf->pread(inf, fd, hdr, 4, 0), 4);
    ck_assert_mem_eq(hdr, "\177ELF", 4);
    uint8_t st[64];
    ck_assert_int_eq(vf->fstat(inf, fd, st), 0);
    ck_assert_int_eq(vf->close(inf, fd), 0);
    ck_assert_int_eq(vf->open(inf, self_exe, O_RDWR, 0), -EACCES);
    ck_assert_int_eq(vf->open(inf, "/etc/shadow", O_RDONLY, 0), -EACCES);
    ck_assert_int_eq(vf->open(inf, "/nonexistent", O_RDONLY, 0), -EACCES);
    /* The loader under the name the program asked for, not the one in maps. */
    fd = vf->open(inf, "/lib64/ld-linux-x86-64.so.2", O_RDONLY, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(vf->close(inf, fd), 0);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/maps", t.pid);
    fd = vf->open(inf, path, O_RDONLY, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(vf->close(inf, fd), 0);
    snprintf(path, sizeof path, "/proc/%d/../1/environ", t.pid);
    ck_assert_int_eq(vf->open(inf, path, O_RDONLY, 0), -EACCES);
    ck_assert_int_eq(inf_release(inf), 0);
    inf_free(inf);
    stop_target(&t);
}
END_TEST

/* ------------------------------------------------------------------ a Go program */

static const char go_src[] = "package main\n"
                             "\n"
                             "import (\n"
                             "\t\"fmt\"\n"
                             "\t\"os\"\n"
                             "\t\"time\"\n"
                             ")\n"
                             "\n"
                             "var counter uint64\n"
                             "\n"
                             "//go:noinline\n"
                             "func work(n uint64) uint64 {\n"
                             "\tcounter += n\n"
                             "\treturn counter\n"
                             "}\n"
                             "\n"
                             "func spin() {\n"
                             "\tx := uint64(0)\n"
                             "\tfor {\n"
                             "\t\tx = x*31 + 7\n"
                             "\t}\n"
                             "}\n"
                             "\n"
                             "func main() {\n"
                             "\tgo spin()\n"
                             "\tgo spin()\n"
                             "\tfmt.Fprintln(os.Stdout, \"ready\")\n"
                             "\tfor {\n"
                             "\t\twork(1)\n"
                             "\t\ttime.Sleep(time.Millisecond)\n"
                             "\t}\n"
                             "}\n";

static bool build_go(char *bin, size_t len)
{
    if (system("command -v go >/dev/null 2>&1") != 0)
        return false;
    char dir[4096];
    const char *top = getenv("top_builddir");
    snprintf(dir, sizeof dir, "%s/tests/unit/inferior_go", top ? top : ".");
    mkdir(dir, 0755);
    char src[4200];
    snprintf(src, sizeof src, "%s/main.go", dir);
    FILE *f = fopen(src, "w");
    if (!f)
        return false;
    fputs(go_src, f);
    fclose(f);
    snprintf(bin, len, "%s/gotarget", dir);
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && GOCACHE=\"$PWD/.gocache\" GOPROXY=off GO111MODULE=off GOFLAGS= "
             "CGO_ENABLED=0 go build -o gotarget main.go",
             dir);
    return system(cmd) == 0;
}

static uint64_t go_symbol(const char *bin, const char *name)
{
    char cmd[4400], line[512];
    snprintf(cmd, sizeof cmd, "go tool nm '%s'", bin);
    FILE *p = popen(cmd, "r");
    uint64_t addr = 0;
    if (!p)
        return 0;
    while (fgets(line, sizeof line, p)) {
        char sym[256], type[8];
        uint64_t a;
        if (sscanf(line, "%" SCNx64 " %7s %255s", &a, type, sym) == 3 && strcmp(sym, name) == 0)
            addr = a;
    }
    pclose(p);
    return addr;
}

START_TEST(go_program)
{
    char bin[4200];
    if (!build_go(bin, sizeof bin)) {
        fprintf(stderr, "go_program: go is not installed here, skipped\n");
        return;
    }
    uint64_t work = go_symbol(bin, "main.work");
    uint64_t counter_addr = go_symbol(bin, "main.counter");
    ck_assert_uint_ne(work, 0);
    ck_assert_uint_ne(counter_addr, 0);
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execl(bin, bin, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    char line[64] = "";
    ck_assert_int_gt(read(p[0], line, sizeof line - 1), 0);
    close(p[0]);
    usleep(100000);

    struct inferior *inf = attach(pid);
    const struct rsp_target *ops = inf_target(inf);
    int64_t tids[64];
    size_t n = ops->list_threads(inf, tids, 64);
    ck_assert_uint_ge(n, 3);
    uint8_t orig[16], seen[16], raw[16];
    size_t got;
    ck_assert_int_eq(ops->read_mem(inf, work, orig, sizeof orig, &got), 0);
    ck_assert_int_eq(ops->breakpoints->insert(inf, work, ops->arch->bp_kind), 0);
    for (int round = 0; round < 4; round++) {
        nstops = 0;
        ck_assert_int_eq(ops->resume(inf, &cont_all, 1), 0);
        ck_assert(wait_stop(inf, 10000));
        /* CPU-bound goroutines get SIGURG constantly; none of it may surface. */
        ck_assert_int_eq(last.signal, SIGTRAP);
        ck_assert_int_eq(last.reason, RSP_REASON_SWBREAK);
        ck_assert_uint_eq(read_pc(inf, last.tid), work);
        ck_assert_int_eq(ops->read_mem(inf, work, seen, sizeof seen, &got), 0);
        ck_assert_mem_eq(seen, orig, sizeof seen);
    }
    uint64_t c1 = read_u64(inf, counter_addr);
    /* Launch mode on a static Go binary: the first instruction is the ELF entry (_rt0_amd64_linux).
     */
    {
        char *argv[] = {bin, NULL};
        struct inferior *li = NULL;
        struct inf_error err = {""};
        ck_assert_int_eq(inf_launch(argv, &li, &err), 0);
        uint64_t auxv[128] = {0}, entry = 0;
        ck_assert_int_gt(inf_target(li)->read_auxv(li, 0, (uint8_t *)auxv, sizeof auxv), 0);
        for (int i = 0; i + 1 < 128 && auxv[i]; i += 2)
            if (auxv[i] == AT_ENTRY)
                entry = auxv[i + 1];
        ck_assert_uint_eq(read_pc(li, inf_pid(li)), entry);
        ck_assert_uint_eq(entry, go_symbol(bin, "_rt0_amd64_linux"));
        ck_assert_int_eq(inf_kill(li), 0);
        inf_free(li);
    }
    ck_assert_int_eq(inf_release(inf), 0);
    inf_free(inf);
    ck_assert_int_eq(status_num(pid, "TracerPid"), 0);
    raw_read(pid, work, raw, sizeof raw);
    ck_assert_mem_eq(raw, orig, sizeof raw);
    usleep(100000);
    uint64_t c2;
    raw_read(pid, counter_addr, (uint8_t *)&c2, 8);
    ck_assert_uint_gt(c2, c1);
    ck_assert_int_eq(waitpid(pid, NULL, WNOHANG), 0);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}
END_TEST

static Suite *inferior_suite(void)
{
    Suite *s = suite_create("inferior");
    TCase *tc = tcase_create("ptrace");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, attach_no_such_pid);
    tcase_add_test(tc, attach_already_traced);
    tcase_add_test(tc, attach_permission_denied);
    tcase_add_test(tc, attach_zombie);
    tcase_add_test(tc, attach_threads_memory_release);
    tcase_add_test(tc, breakpoint_hit_step_continue);
    tcase_add_test(tc, release_while_running_with_breakpoint);
    tcase_add_test(tc, release_race_stress);
    tcase_add_test(tc, memory_write_over_breakpoint);
    tcase_add_test(tc, interrupt_and_sigurg);
    tcase_add_test(tc, step_defers_sigurg);
    tcase_add_test(tc, detach_delivers_reported_signal);
    tcase_add_test(tc, watchpoint_write);
    tcase_add_test(tc, launch_stops_at_first_instruction);
    tcase_add_test(tc, launch_run_to_breakpoint);
    tcase_add_loop_test(tc, launch_exit_status, 0, sizeof exits / sizeof exits[0]);
    tcase_add_test(tc, thread_churn);
    tcase_add_test(tc, fork_children_without_traps);
    tcase_add_test(tc, launch_missing_program);
    tcase_add_test(tc, vfile_confined);
    tcase_add_test(tc, go_program);
    suite_add_tcase(s, tc);
    TCase *kill_tc = tcase_create("kill");
    tcase_set_timeout(kill_tc, 60);
    tcase_add_loop_test(kill_tc, killed_while_running, 0, 3);
    suite_add_tcase(s, kill_tc);
    return s;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "target") == 0)
        return target_main(false, false);
    if (argc > 1 && strcmp(argv[1], "churn") == 0)
        return target_main(true, false);
    if (argc > 1 && strcmp(argv[1], "forker") == 0)
        return target_main(false, true);
    ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    if (n <= 0)
        return 99;
    self_exe[n] = '\0';
    SRunner *sr = srunner_create(inferior_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
