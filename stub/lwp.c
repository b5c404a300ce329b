/*
 * stub/lwp.c - the threads of the traced process and what their wait statuses mean: the all-stop
 * machinery (stop every thread before reporting one stop), SIGTRAP classification (our breakpoint,
 * a finished step, a debug-register hit, a ptrace event, PTRACE_INTERRUPT), signals passed without a
 * round trip (SIGURG by default, QPassSignals), per-thread pending events reported one per resume,
 * the transparent step over a breakpoint, and interrupts.
 *
 * Not here: attach/launch/release (inferior.c), the breakpoint table (breakpoints.c), the rsp
 * operations (target_ops.c). doc/internals/stub-core.md explains the kernel facts this relies on.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <elf.h>

#include "stub/inferior_int.h"

#define SIGBIT(s) (1ull << (unsigned)(s))
/* How long the stub waits for threads it stopped itself before giving up on them. */
#define STOP_ALL_TIMEOUT_MS 3000
#define STEP_OVER_TIMEOUT_MS 1000

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void nap(void)
{
    struct timespec ts = {0, 200 * 1000};
    nanosleep(&ts, NULL);
}

static int sys_tgkill(pid_t pid, pid_t tid, int sig)
{
    return (int)syscall(SYS_tgkill, pid, tid, sig);
}

/* ------------------------------------------------------------------ the lwp list */

struct lwp *lwp_find(struct inferior *inf, pid_t tid)
{
    for (size_t i = 0; i < inf->nlwps; i++)
        if (inf->lwps[i]->tid == tid)
            return inf->lwps[i];
    return NULL;
}

struct lwp *lwp_add(struct inferior *inf, pid_t tid)
{
    if (inf->nlwps == inf->cap_lwps) {
        size_t cap = inf->cap_lwps ? inf->cap_lwps * 2 : 16;
        struct lwp **n = realloc(inf->lwps, cap * sizeof *n);
        if (!n)
            return NULL;
        inf->lwps = n;
        inf->cap_lwps = cap;
    }
    struct lwp *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->tid = tid;
    l->last_stop.kind = RSP_STOP_SIGNAL;
    l->last_stop.pid = inf->pid;
    l->last_stop.tid = tid;
    l->last_stop.core = -1;
    if (inf->arch)
        regcache_init(&l->rc, tid, inf->arch);
    /* The leader stays first: list_threads promises the main thread first. */
    if (tid == inf->pid) {
        memmove(inf->lwps + 1, inf->lwps, inf->nlwps * sizeof *inf->lwps);
        inf->lwps[0] = l;
    } else {
        inf->lwps[inf->nlwps] = l;
    }
    inf->nlwps++;
    return l;
}

void lwp_remove(struct inferior *inf, pid_t tid)
{
    for (size_t i = 0; i < inf->nlwps; i++) {
        if (inf->lwps[i]->tid != tid)
            continue;
        free(inf->lwps[i]);
        memmove(inf->lwps + i, inf->lwps + i + 1, (inf->nlwps - i - 1) * sizeof *inf->lwps);
        inf->nlwps--;
        return;
    }
}

/* ------------------------------------------------------------------ PC access */

/* The PC goes straight through ptrace (one word) rather than through the regcache: classification
 * needs it for every SIGTRAP, and writing it must not wait for a full register set. The regcache is
 * invalidated after a write so the client never sees a stale value. */
int lwp_get_pc(struct inferior *inf, struct lwp *l, uint64_t *pc)
{
    (void)inf;
#if defined(__x86_64__)
    errno = 0;
    long v = ptrace(PTRACE_PEEKUSER, l->tid, (void *)offsetof(struct user_regs_struct, rip), NULL);
    if (v == -1 && errno)
        return -errno;
    *pc = (uint64_t)v;
    return 0;
#elif defined(__aarch64__)
    struct user_pt_regs regs;
    struct iovec iov = {.iov_base = &regs, .iov_len = sizeof regs};
    if (ptrace(PTRACE_GETREGSET, l->tid, (void *)NT_PRSTATUS, &iov) < 0)
        return -errno;
    *pc = regs.pc;
    return 0;
#else
    (void)l;
    (void)pc;
    return -ENOTSUP;
#endif
}

int lwp_set_pc(struct inferior *inf, struct lwp *l, uint64_t pc)
{
    (void)inf;
    regcache_invalidate(&l->rc);
#if defined(__x86_64__)
    if (ptrace(PTRACE_POKEUSER, l->tid, (void *)offsetof(struct user_regs_struct, rip),
               (void *)(uintptr_t)pc) < 0)
        return -errno;
    return 0;
#elif defined(__aarch64__)
    struct user_pt_regs regs;
    struct iovec iov = {.iov_base = &regs, .iov_len = sizeof regs};
    if (ptrace(PTRACE_GETREGSET, l->tid, (void *)NT_PRSTATUS, &iov) < 0)
        return -errno;
    regs.pc = pc;
    if (ptrace(PTRACE_SETREGSET, l->tid, (void *)NT_PRSTATUS, &iov) < 0)
        return -errno;
    return 0;
#else
    (void)l;
    (void)pc;
    return -ENOTSUP;
#endif
}

/* ------------------------------------------------------------------ signals policy */

bool inf_signal_passes(const struct inferior *inf, int sig)
{
    if (sig <= 0 || sig >= RSP_HOST_NSIG)
        return false;
    if (inf->pass_set)
        return inf->pass[sig];
    /* Go's asynchronous preemption (SIGURG) must never cost a round trip to the client, even for a
     * client that never sends QPassSignals (lldb). */
    return sig == SIGURG;
}

static bool program_allows(const struct inferior *inf, int sig)
{
    if (sig <= 0 || sig >= RSP_HOST_NSIG)
        return false;
    if (inf->program_set)
        return inf->program[sig];
    /* gdb's defaults without QProgramSignals: SIGTRAP and SIGINT belong to the debugger. */
    return sig != SIGTRAP && sig != SIGINT;
}

int lwp_detach_signal(struct inferior *inf, struct lwp *l)
{
    if (l->has_pending && l->pending.kind == RSP_STOP_SIGNAL && l->pending.reason == RSP_REASON_NONE &&
        program_allows(inf, l->pending.signal))
        return l->pending.signal;
    if (!l->has_pending && l->at_signal_stop && !l->interrupt_stop && l->stop_sig != SIGTRAP &&
        program_allows(inf, l->stop_sig))
        return l->stop_sig;
    for (int s = 1; s < RSP_HOST_NSIG && s < 64; s++)
        if (l->deliver_sigs & SIGBIT(s))
            return s;
    return 0;
}

/* ------------------------------------------------------------------ resuming one lwp */

/* ptrace injects a signal only when resuming from a signal-delivery-stop; from any other stop the
 * signal is queued with tgkill and passed through when it shows up. */
static int resume_lwp(struct inferior *inf, struct lwp *l, bool step, int sig)
{
    regcache_invalidate(&l->rc);
    if (sig && !l->at_signal_stop) {
        if (sys_tgkill(inf->pid, l->tid, sig) == 0)
            l->inject_sig = sig;
        sig = 0;
    }
    long r = ptrace(step ? PTRACE_SINGLESTEP : PTRACE_CONT, l->tid, NULL, (void *)(long)sig);
    if (r < 0)
        return -errno; /* ESRCH: it died meanwhile; its exit status will tell */
    l->running = true;
    l->stepping = step;
    l->at_signal_stop = false;
    l->exiting = false;
    return 0;
}

/* Resume as before after a stop the client must not see. */
static void resume_again(struct inferior *inf, struct lwp *l, int sig)
{
    bool client_step = l->client_step;
    (void)resume_lwp(inf, l, l->stepping, sig);
    l->client_step = client_step;
}

static void set_pending(struct inferior *inf, struct lwp *l, const struct rsp_stop *st)
{
    l->pending = *st;
    l->has_pending = true;
    l->pending_seq = ++inf->seq;
}

static void stop_init(const struct inferior *inf, const struct lwp *l, struct rsp_stop *st, int sig)
{
    memset(st, 0, sizeof *st);
    st->kind = RSP_STOP_SIGNAL;
    st->pid = inf->pid;
    st->tid = l->tid;
    st->signal = sig;
    st->core = -1;
}

/* ------------------------------------------------------------------ classification */

static bool hw_hit(struct inferior *inf, struct lwp *l, struct rsp_stop *st)
{
    if (!inf->hw_used)
        return false;
    enum hwdebug_kind kind = 0;
    uint64_t addr = 0;
    if (hwdebug_check_hit(&inf->hw, l->tid, &kind, &addr) < 0 || kind == 0)
        return false;
    l->pending_bp = addr;
    switch (kind) {
    case HWDEBUG_EXEC:
        st->reason = RSP_REASON_HWBREAK;
        break;
    case HWDEBUG_WRITE:
        st->reason = RSP_REASON_WATCH;
        st->watch_addr = addr;
        break;
    case HWDEBUG_READ:
        st->reason = RSP_REASON_RWATCH;
        st->watch_addr = addr;
        break;
    case HWDEBUG_ACCESS:
        st->reason = RSP_REASON_AWATCH;
        st->watch_addr = addr;
        break;
    }
    return true;
}

static void signal_stop(struct inferior *inf, struct lwp *l, int sig);

/* Whether a SIGTRAP with this si_code came from the stub's breakpoints, steps or debug registers;
 * fills st and moves the PC back for a software breakpoint. */
static bool classify_trap(struct inferior *inf, struct lwp *l, int code, struct rsp_stop *st)
{
    uint64_t pc = 0;
    stop_init(inf, l, st, SIGTRAP);
    if (code == SI_KERNEL || code == TRAP_BRKPT) {
        const struct arch_desc *a = inf->arch;
        if (lwp_get_pc(inf, l, &pc) < 0)
            return false;
        uint64_t bp_addr = a && a->pc_after_trap_advanced ? pc - a->trap_len : pc;
        if (bp_find(inf, bp_addr)) {
            /* x86 reports the PC past the int3: move it back so the client sees the breakpoint
             * address and the thread re-executes the original instruction. */
            if (bp_addr != pc)
                INF_IGNORE(lwp_set_pc(inf, l, bp_addr));
            st->reason = RSP_REASON_SWBREAK;
            l->pending_bp = bp_addr;
            return true;
        }
        return code == TRAP_BRKPT && hw_hit(inf, l, st);
    }
    if (code == TRAP_HWBKPT || code == TRAP_TRACE) {
        if (hw_hit(inf, l, st))
            return true;
        if (l->stepping) {
            st->reason = RSP_REASON_SINGLESTEP;
            return true;
        }
    }
    return false;
}

static bool kernel_trap_code(int code)
{
    return code == SI_KERNEL || code == TRAP_BRKPT || code == TRAP_TRACE || code == TRAP_HWBKPT;
}

/* A SIGTRAP signal-delivery-stop (no ptrace event). Decides whose it is. */
static void trap_stop(struct inferior *inf, struct lwp *l)
{
    siginfo_t si;
    struct rsp_stop st;

    if (ptrace(PTRACE_GETSIGINFO, l->tid, NULL, &si) < 0)
        return; /* gone: its exit status follows */
    if (l->swallow_trap > 0 && kernel_trap_code(si.si_code)) {
        /* Already classified while it was still queued (see queued_trap): drop it. */
        l->swallow_trap--;
        l->at_signal_stop = false; /* never deliver it, even on detach */
        if (l->stop_requested || inf->releasing)
            l->stop_requested = false;
        else
            resume_again(inf, l, 0);
        return;
    }
    if (kernel_trap_code(si.si_code) && classify_trap(inf, l, si.si_code, &st)) {
        l->stop_requested = false;
        set_pending(inf, l, &st);
        return;
    }
    /* Not ours: the program's own trap instruction, or someone's kill -TRAP. A real signal. */
    signal_stop(inf, l, SIGTRAP);
}

/* PTRACE_INTERRUPT can win the race against a trap the thread just took: the kernel runs the
 * interrupt's stop before dequeuing the SIGTRAP, which then stays queued with the PC past the int3.
 * Classify such a trap now (so it is reported, and the PC moved back), and swallow it when the
 * thread dequeues it on its next resume. Left alone it would be reported as a foreign SIGTRAP, or
 * kill the program after detach. */
static bool queued_trap(struct inferior *inf, struct lwp *l)
{
    struct __ptrace_peeksiginfo_args args = {.off = 0, .flags = 0, .nr = 8};
    siginfo_t si[8];
    long n = ptrace(PTRACE_PEEKSIGINFO, l->tid, &args, si);
    for (long i = 0; i < n && i < 8; i++) {
        if (si[i].si_signo != SIGTRAP || !kernel_trap_code(si[i].si_code))
            continue;
        struct rsp_stop st;
        if (!classify_trap(inf, l, si[i].si_code, &st))
            return false;
        l->swallow_trap++;
        set_pending(inf, l, &st);
        return true;
    }
    return false;
}

/* A signal-delivery-stop for sig that the stub did not cause. */
static void signal_stop(struct inferior *inf, struct lwp *l, int sig)
{
    if (l->inject_sig == sig) {
        l->inject_sig = 0;
        if (l->stop_requested) {
            l->stop_requested = false;
            l->deliver_sigs |= SIGBIT(sig);
        } else {
            resume_again(inf, l, sig);
        }
        return;
    }
    if (inf_signal_passes(inf, sig)) {
        if (l->stop_requested) {
            /* Stopping for the stub: keep the signal for the next continue. */
            l->stop_requested = false;
            l->deliver_sigs |= SIGBIT(sig);
        } else if (l->stepping) {
            /* Never deliver a passed signal in the middle of a single-step: the step would land in
             * the handler (runtime.sigtramp for Go's SIGURG). Go retries preemption anyway. */
            l->deliver_sigs |= SIGBIT(sig);
            resume_again(inf, l, 0);
        } else {
            resume_again(inf, l, sig);
        }
        return;
    }
    struct rsp_stop st;
    stop_init(inf, l, &st, sig);
    l->stop_requested = false;
    set_pending(inf, l, &st);
}

static bool stub_holds_threads(const struct inferior *inf)
{
    return !inf->resumed || inf->stopping || inf->stepping_over;
}

/* The first stop of a thread the kernel attached for us (PTRACE_O_TRACECLONE). */
static void new_thread_stopped(struct inferior *inf, struct lwp *l)
{
    l->new_thread = false;
    l->running = false;
    l->stop_requested = false;
    if (inf->arch)
        regcache_init(&l->rc, l->tid, inf->arch);
    if (!hwdebug_empty(&inf->hw))
        INF_IGNORE(hwdebug_apply(&inf->hw, l->tid));
    if (!stub_holds_threads(inf))
        (void)resume_lwp(inf, l, false, 0);
}

static void exec_event(struct inferior *inf, struct lwp *l);

static void event_stop(struct inferior *inf, struct lwp *l, int event, int sig)
{
    unsigned long msg = 0;
    switch (event) {
    case PTRACE_EVENT_STOP:
        /* PTRACE_INTERRUPT, a group-stop, or an interrupt the stub sent earlier that the kernel
         * kept pending across another stop (the "any trap clears STOP trap" race). */
        (void)sig;
        if (queued_trap(inf, l)) {
            l->stop_requested = false;
            return;
        }
        if (l->stop_requested)
            l->stop_requested = false;
        else
            resume_again(inf, l, 0);
        return;
    case PTRACE_EVENT_CLONE: {
        if (ptrace(PTRACE_GETEVENTMSG, l->tid, NULL, &msg) == 0 && msg > 0) {
            pid_t child = (pid_t)msg;
            if (!lwp_find(inf, child)) {
                struct lwp *nl = lwp_add(inf, child);
                if (nl) {
                    nl->new_thread = true;
                    nl->running = true;
                }
            }
        }
        if (l->stop_requested)
            l->stop_requested = false;
        else
            resume_again(inf, l, 0);
        return;
    }
    case PTRACE_EVENT_EXEC:
        exec_event(inf, l);
        return;
    case PTRACE_EVENT_EXIT:
        /* Let it go unless the stub is stopping everything: its exit status follows. */
        l->exiting = true;
        if (l->stop_requested)
            l->stop_requested = false;
        else
            resume_again(inf, l, 0);
        return;
    default:
        resume_again(inf, l, 0);
        return;
    }
}

/* exec replaced the whole image: the other threads are gone, the breakpoints with the old text, the
 * debug registers are reset by the kernel, and /proc/PID/mem points at the old mm. */
static void exec_event(struct inferior *inf, struct lwp *l)
{
    pid_t pid = inf->pid;
    while (inf->nlwps > 0)
        lwp_remove(inf, inf->lwps[inf->nlwps - 1]->tid);
    (void)l; /* freed above; the thread is the leader now */
    inf->nbps = 0;
    hwdebug_init(&inf->hw);
    if (inf->mem_fd >= 0)
        close(inf->mem_fd);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
    inf->mem_fd = open(path, O_RDWR | O_CLOEXEC);
    const struct arch_desc *a = regcache_host_arch(pid);
    if (a)
        inf->arch = a;
    inf->ops.arch = inf->arch;
    struct lwp *nl = lwp_add(inf, pid);
    if (!nl)
        return;
    struct rsp_stop st;
    stop_init(inf, nl, &st, SIGTRAP);
    set_pending(inf, nl, &st);
}

static void process_exit(struct inferior *inf, int status)
{
    inf->exited = true;
    inf->exit_signaled = WIFSIGNALED(status);
    inf->exit_code = WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status);
    while (inf->nlwps > 0)
        lwp_remove(inf, inf->lwps[inf->nlwps - 1]->tid);
    if (inf->mem_fd >= 0) {
        close(inf->mem_fd);
        inf->mem_fd = -1;
    }
    struct rsp_stop st = {.kind = inf->exit_signaled ? RSP_STOP_KILLED : RSP_STOP_EXITED,
                          .pid = inf->pid,
                          .core = -1};
    if (inf->exit_signaled)
        st.signal = inf->exit_code;
    else
        st.exit_code = inf->exit_code;
    inf->exit_report = st;
    inf->exit_pending = true;
}

void lwp_handle_status(struct inferior *inf, pid_t tid, int status)
{
    struct lwp *l = lwp_find(inf, tid);

    if (WIFEXITED(status) || WIFSIGNALED(status)) {
        if (tid == inf->pid) {
            process_exit(inf, status);
        } else if (l) {
            lwp_remove(inf, tid);
            if (inf->thread_events && inf->resumed && !inf->released) {
                struct rsp_stop st = {.kind = RSP_STOP_THREAD_EXIT,
                                      .pid = inf->pid,
                                      .tid = tid,
                                      .exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 0,
                                      .core = -1};
                if (!inf->thread_exit_pending) {
                    inf->thread_exit_report = st;
                    inf->thread_exit_pending = true;
                }
            }
        }
        return;
    }
    if (!WIFSTOPPED(status) || inf->exited)
        return;
    if (!l) {
        /* A clone's first stop can be reaped before its parent's clone event. */
        l = lwp_add(inf, tid);
        if (!l) {
            (void)ptrace(PTRACE_DETACH, tid, NULL, NULL);
            return;
        }
        new_thread_stopped(inf, l);
        return;
    }
    if (l->new_thread) {
        new_thread_stopped(inf, l);
        return;
    }

    int event = (int)((unsigned)status >> 16);
    int sig = WSTOPSIG(status);
    l->running = false;
    l->at_signal_stop = false;
    l->exiting = false;
    regcache_invalidate(&l->rc);

    if (event != 0) {
        event_stop(inf, l, event, sig);
        return;
    }
    l->at_signal_stop = true;
    l->stop_sig = sig;
    if (sig == SIGTRAP)
        trap_stop(inf, l);
    else
        signal_stop(inf, l, sig);
}

/* ------------------------------------------------------------------ stopping everything */

static bool any_running(const struct inferior *inf)
{
    for (size_t i = 0; i < inf->nlwps; i++)
        if (inf->lwps[i]->running || inf->lwps[i]->new_thread)
            return true;
    return false;
}

/* Threads that died without a wait status the stub can reap now: a zombie leader waits for the
 * whole group, and a thread can vanish between listing and seizing. */
static void drop_vanished(struct inferior *inf)
{
    for (size_t i = 0; i < inf->nlwps; i++) {
        struct lwp *l = inf->lwps[i];
        if (!l->running && !l->new_thread)
            continue;
        char s = procfs_task_state(inf->pid, l->tid);
        if (s == 0 || s == 'Z' || s == 'X') {
            if (l->tid == inf->pid) {
                l->running = false;
                l->new_thread = false;
                l->exiting = true;
            } else {
                lwp_remove(inf, l->tid);
                i--;
            }
        }
    }
}

static void wait_stopped(struct inferior *inf, uint64_t timeout_ms)
{
    uint64_t deadline = now_ms() + timeout_ms, next_check = now_ms() + 20;
    while (any_running(inf) && !inf->exited) {
        int status;
        pid_t t = waitpid(-1, &status, __WALL | WNOHANG);
        if (t > 0) {
            lwp_handle_status(inf, t, status);
            continue;
        }
        if (t < 0 && errno == EINTR)
            continue;
        if (t < 0 && errno == ECHILD) {
            drop_vanished(inf);
            if (any_running(inf))
                break;
            continue;
        }
        uint64_t now = now_ms();
        if (now >= next_check) {
            drop_vanished(inf);
            next_check = now + 20;
        }
        if (now >= deadline)
            break;
        nap();
    }
}

void lwp_stop_all(struct inferior *inf)
{
    inf->stopping = true;
    for (size_t i = 0; i < inf->nlwps; i++) {
        struct lwp *l = inf->lwps[i];
        if (!l->running)
            continue;
        /* Always send it, even if one is outstanding: a stop in between may have eaten it. */
        if (ptrace(PTRACE_INTERRUPT, l->tid, NULL, NULL) == 0)
            l->stop_requested = true;
    }
    wait_stopped(inf, STOP_ALL_TIMEOUT_MS);
    /* Whatever still runs after the timeout is marked stopped-for-us so that the next wait status
     * of it is taken as the stop. */
    inf->stopping = false;
}

/* ------------------------------------------------------------------ reporting */

void lwp_defer_report(struct inferior *inf, const struct rsp_stop *st)
{
    inf->report = *st;
    inf->report_ready = true;
    /* The loop calls inf_handle_events on SIGCHLD; this stop has no wait status to wake it. */
    kill(getpid(), SIGCHLD);
}

static struct lwp *pick_pending(struct inferior *inf)
{
    struct lwp *best = NULL;
    for (size_t i = 0; i < inf->nlwps; i++) {
        struct lwp *l = inf->lwps[i];
        if (!l->has_pending)
            continue;
        /* A finished client step first (gdb is waiting for exactly that), then the oldest event. */
        bool step = l->client_step && l->pending.reason == RSP_REASON_SINGLESTEP;
        bool best_step = best && best->client_step && best->pending.reason == RSP_REASON_SINGLESTEP;
        if (!best || (step && !best_step) || (step == best_step && l->pending_seq < best->pending_seq))
            best = l;
    }
    return best;
}

/* Turns l's pending event into the reported stop; every other thread's last stop becomes "stopped by
 * the stub" (signal 0), unless it keeps an event of its own. */
static void take_pending(struct inferior *inf, struct lwp *l, struct rsp_stop *out)
{
    *out = l->pending;
    l->has_pending = false;
    l->last_stop = *out;
    for (size_t i = 0; i < inf->nlwps; i++) {
        struct lwp *o = inf->lwps[i];
        o->interrupt_stop = false;
        if (o != l && !o->has_pending) {
            stop_init(inf, o, &o->last_stop, 0);
        }
    }
}

static bool hw_inserted(const struct inferior *inf, enum hwdebug_kind kind, uint64_t addr)
{
    for (unsigned i = 0; i < ARCH_X86_DR_SLOTS; i++)
        if (inf->hw.slot_req[i].refs > 0 && inf->hw.slot_req[i].kind == kind &&
            inf->hw.slot_req[i].addr == addr)
            return true;
    return false;
}

/* Whether a pending event still means something: breakpoint and watchpoint events whose
 * breakpoint the client removed after the stop are dropped (as gdbserver does). For a software
 * breakpoint the PC was moved back already, so the thread just re-executes the original
 * instruction; a watchpoint's access has happened and is simply not reported. */
static bool still_valid(const struct inferior *inf, const struct lwp *l)
{
    switch (l->pending.reason) {
    case RSP_REASON_SWBREAK:
        return bp_find((struct inferior *)inf, l->pending_bp) != NULL;
    case RSP_REASON_HWBREAK:
        return hw_inserted(inf, HWDEBUG_EXEC, l->pending_bp);
    case RSP_REASON_WATCH:
        return hw_inserted(inf, HWDEBUG_WRITE, l->pending_bp);
    case RSP_REASON_RWATCH:
        return hw_inserted(inf, HWDEBUG_READ, l->pending_bp);
    case RSP_REASON_AWATCH:
        return hw_inserted(inf, HWDEBUG_ACCESS, l->pending_bp);
    default:
        return true;
    }
}

static void discard_stale(struct inferior *inf)
{
    for (size_t i = 0; i < inf->nlwps; i++) {
        struct lwp *l = inf->lwps[i];
        if (l->has_pending && !still_valid(inf, l))
            l->has_pending = false;
    }
}

void lwp_report_if_ready(struct inferior *inf)
{
    struct rsp_stop st;
    if (inf->exit_pending) {
        inf->exit_pending = false;
        inf->resumed = false;
        inf->report_ready = false;
        if (inf->stop_fn)
            inf->stop_fn(inf->stop_arg, &inf->exit_report);
        return;
    }
    if (inf->report_ready) {
        inf->report_ready = false;
        inf->resumed = false;
        st = inf->report;
        if (inf->stop_fn)
            inf->stop_fn(inf->stop_arg, &st);
        return;
    }
    if (!inf->resumed || inf->released)
        return;
    discard_stale(inf);
    bool want = inf->interrupting || inf->thread_exit_pending;
    for (size_t i = 0; i < inf->nlwps && !want; i++)
        want = inf->lwps[i]->has_pending;
    if (!want)
        return;
    lwp_stop_all(inf);
    if (inf->exited) {
        lwp_report_if_ready(inf);
        return;
    }
    discard_stale(inf);
    struct lwp *l = pick_pending(inf);
    if (l) {
        take_pending(inf, l, &st);
    } else if (inf->thread_exit_pending) {
        st = inf->thread_exit_report;
        inf->thread_exit_pending = false;
    } else if (inf->interrupting) {
        l = lwp_find(inf, (pid_t)inf->last_stop_tid);
        if (!l && inf->nlwps > 0)
            l = inf->lwps[0];
        if (!l)
            return;
        stop_init(inf, l, &st, SIGINT);
        l->pending = st;
        l->has_pending = true;
        take_pending(inf, l, &st);
        /* Every thread was stopped by the interrupt: a SIGINT "passed back" to any of them was
         * never raised and must not be delivered. */
        for (size_t i = 0; i < inf->nlwps; i++)
            inf->lwps[i]->interrupt_stop = true;
    } else {
        return;
    }
    inf->interrupting = false;
    inf->resumed = false;
    if (st.kind == RSP_STOP_SIGNAL)
        inf->last_stop_tid = st.tid;
    if (inf->stop_fn)
        inf->stop_fn(inf->stop_arg, &st);
}

/* ------------------------------------------------------------------ resume */

static const struct rsp_resume_action *action_for(const struct rsp_resume_action *acts, size_t n,
                                                  pid_t tid)
{
    const struct rsp_resume_action *dflt = NULL;
    for (size_t i = 0; i < n; i++) {
        if (acts[i].tid == tid)
            return &acts[i];
        if (acts[i].tid == -1 && !dflt)
            dflt = &acts[i];
    }
    return dflt;
}

static bool resumes(const struct rsp_resume_action *a)
{
    return a && (a->action == 'c' || a->action == 's');
}

/* Single-steps l alone with the breakpoint under its PC taken out, then puts the breakpoint back.
 * Every other thread is stopped (all-stop), so none can run through the lifted trap. */
static int step_over(struct inferior *inf, struct lwp *l, struct swbreak *bp)
{
    uint64_t bp_addr = bp->addr;
    int rc = bp_lift(inf, bp);
    if (rc < 0)
        return rc;
    inf->stepping_over = true;
    rc = resume_lwp(inf, l, true, 0);
    l->client_step = false;
    uint64_t deadline = now_ms() + STEP_OVER_TIMEOUT_MS;
    bool interrupted = false;
    pid_t tid = l->tid;
    while (rc == 0 && (l = lwp_find(inf, tid)) != NULL && l->running && !inf->exited) {
        int status;
        pid_t t = waitpid(tid, &status, __WALL | WNOHANG);
        if (t == tid) {
            lwp_handle_status(inf, t, status);
            continue;
        }
        if (t < 0 && errno != EINTR) {
            drop_vanished(inf);
            break;
        }
        if (now_ms() >= deadline) {
            if (interrupted) {
                break;
            }
            /* A step over a blocking syscall instruction: stop it where it waits. */
            if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) == 0)
                l->stop_requested = true;
            interrupted = true;
            deadline = now_ms() + STEP_OVER_TIMEOUT_MS;
        }
        nap();
    }
    inf->stepping_over = false;
    l = lwp_find(inf, tid);
    if (l && l->has_pending && l->pending.reason == RSP_REASON_SINGLESTEP)
        l->has_pending = false; /* our own step: nothing to report */
    if (l)
        l->stepping = false;
    struct swbreak *again = bp_find(inf, bp_addr);
    if (again && !inf->exited)
        (void)bp_relay(inf, again);
    return rc;
}

int lwp_resume(struct inferior *inf, const struct rsp_resume_action *acts, size_t n)
{
    if (inf->exited)
        return -ESRCH;
    if (inf->released)
        return -ESRCH;
    if (any_running(inf))
        return -EBUSY;
    inf->interrupting = false;
    inf->report_ready = false;

    /* 1. An event kept from the last stop is reported now, nothing runs (gdbserver's way). A
     * finished step the client no longer asks for is dropped: reported after a 'c' it would look
     * like a random SIGTRAP to gdb. */
    discard_stale(inf);
    for (size_t i = 0; i < inf->nlwps; i++) {
        struct lwp *l = inf->lwps[i];
        const struct rsp_resume_action *a = action_for(acts, n, l->tid);
        if (l->has_pending && l->pending.reason == RSP_REASON_SINGLESTEP && (!a || a->action != 's'))
            l->has_pending = false;
    }
    for (size_t i = 0; i < inf->nlwps; i++) {
        struct lwp *l = inf->lwps[i];
        if (l->has_pending && resumes(action_for(acts, n, l->tid))) {
            struct rsp_stop st;
            l = pick_pending(inf);
            take_pending(inf, l, &st);
            inf->last_stop_tid = st.tid;
            inf->resumed = true;
            lwp_defer_report(inf, &st);
            return 0;
        }
    }

    /* 2. Threads sitting on one of our breakpoints step over it first, one at a time. */
    uint64_t gen = ++inf->resume_gen;
    for (size_t i = 0; i < inf->nlwps; i++) {
        struct lwp *l = inf->lwps[i];
        const struct rsp_resume_action *a = action_for(acts, n, l->tid);
        uint64_t pc = 0;
        struct swbreak *bp = NULL;
        if (!resumes(a) || l->exiting || l->new_thread || l->stepped_gen == gen ||
            lwp_get_pc(inf, l, &pc) < 0 || !(bp = bp_find(inf, pc)))
            continue;
        l->stepped_gen = gen;
        pid_t tid = l->tid;
        bool client_step = a->action == 's';
        int sig = a->signal;
        if (step_over(inf, l, bp) < 0)
            continue;
        if (inf->exited) {
            inf->resumed = true;
            lwp_report_if_ready(inf);
            return 0;
        }
        l = lwp_find(inf, tid);
        if (!l)
            continue;
        if (sig && !(l->interrupt_stop && sig == SIGINT))
            l->deliver_sigs |= SIGBIT(sig); /* the client's signal goes with the real resume */
        if (l->has_pending || client_step) {
            struct rsp_stop st;
            if (!l->has_pending) {
                stop_init(inf, l, &st, SIGTRAP);
                st.reason = RSP_REASON_SINGLESTEP;
                set_pending(inf, l, &st);
                l->client_step = true;
            }
            l = pick_pending(inf);
            take_pending(inf, l, &st);
            inf->last_stop_tid = st.tid;
            inf->resumed = true;
            lwp_defer_report(inf, &st);
            return 0;
        }
        i = (size_t)-1; /* the list may have changed (clones, exits): look again from the start */
    }

    /* 3. Resume as asked. */
    size_t resumed = 0;
    for (size_t i = 0; i < inf->nlwps; i++) {
        struct lwp *l = inf->lwps[i];
        const struct rsp_resume_action *a = action_for(acts, n, l->tid);
        if (!resumes(a) || l->running || l->new_thread)
            continue;
        bool step = a->action == 's';
        int sig = a->signal;
        /* The SIGINT of an interrupt was never raised: nothing to deliver. */
        if (l->interrupt_stop && sig == SIGINT)
            sig = 0;
        l->interrupt_stop = false;
        if (sig == 0 && !step) {
            for (int s = 1; s < 64 && s < RSP_HOST_NSIG; s++) {
                if (l->deliver_sigs & SIGBIT(s)) {
                    l->deliver_sigs &= ~SIGBIT(s);
                    sig = s;
                    break;
                }
            }
        } else if (sig && (l->deliver_sigs & SIGBIT(sig))) {
            l->deliver_sigs &= ~SIGBIT(sig);
        }
        if (resume_lwp(inf, l, step, sig) == 0) {
            l->client_step = step;
            resumed++;
        }
    }
    inf->resumed = true;
    if (resumed == 0) {
        struct rsp_stop st = {.kind = RSP_STOP_NO_RESUMED, .pid = inf->pid, .core = -1};
        lwp_defer_report(inf, &st);
    }
    return 0;
}

int lwp_interrupt(struct inferior *inf)
{
    if (inf->exited)
        return -ESRCH;
    if (!inf->resumed)
        return 0;
    inf->interrupting = true;
    for (size_t i = 0; i < inf->nlwps; i++) {
        struct lwp *l = inf->lwps[i];
        if (l->running && ptrace(PTRACE_INTERRUPT, l->tid, NULL, NULL) == 0)
            l->stop_requested = true;
    }
    kill(getpid(), SIGCHLD);
    return 0;
}

/* Before detach: threads holding a SIGTRAP the stub already classified (queued_trap) run just far
 * enough to dequeue it (they stop at once with it, the stub drops it), so that it can never be
 * delivered to the program after detach. The breakpoints are out of memory by then. */
void lwp_flush_traps(struct inferior *inf)
{
    inf->releasing = true;
    for (size_t i = 0; i < inf->nlwps; i++) {
        struct lwp *l = inf->lwps[i];
        pid_t tid = l->tid;
        for (int tries = 0; tries < 3 && l && l->swallow_trap > 0 && !l->running; tries++) {
            l->stop_requested = true;
            if (resume_lwp(inf, l, false, 0) < 0) {
                l->stop_requested = false;
                break;
            }
            uint64_t deadline = now_ms() + 500;
            while ((l = lwp_find(inf, tid)) != NULL && l->running && now_ms() < deadline) {
                int status;
                pid_t t = waitpid(tid, &status, __WALL | WNOHANG);
                if (t == tid)
                    lwp_handle_status(inf, t, status);
                else if (t < 0 && errno != EINTR)
                    break;
                else
                    nap();
            }
            if (l && l->running) {
                (void)ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
                wait_stopped(inf, 500);
            }
        }
    }
}
