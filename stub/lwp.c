/*
 * stub/lwp.c - the threads of the traced process and what their wait statuses mean: the lwp list,
 * SIGTRAP classification (our breakpoint, a finished step, a debug-register hit, a ptrace event,
 * PTRACE_INTERRUPT, a trap left queued behind an interrupt), signals passed without a round trip
 * (SIGURG by default, QPassSignals; never in the middle of a step), new threads, exec and exits.
 * Each wait status turns into one of: resume silently, keep the thread stopped, or a pending event.
 *
 * Not here: stopping everything, reporting, resuming and stepping over breakpoints (allstop.c),
 * attach/launch/release (inferior.c), the rsp operations (target_ops.c).
 * doc/internals/stub-core.md explains the kernel facts this relies on.
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

#include "stub/guardian.h"
#include "stub/inferior_int.h"

#define SIGBIT(s) (1ull << (unsigned)(s))

uint64_t lwp_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void lwp_nap(void)
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
    if (l->has_pending && l->pending.kind == RSP_STOP_SIGNAL &&
        l->pending.reason == RSP_REASON_NONE && program_allows(inf, l->pending.signal))
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
int lwp_resume_one(struct inferior *inf, struct lwp *l, bool step, int sig)
{
    regcache_invalidate(&l->rc);
    if (sig && !l->at_signal_stop) {
        if (sys_tgkill(inf->pid, l->tid, sig) == 0)
            l->inject_sig = sig;
        sig = 0;
    }
    if (step && inf->pid == guardian_pid())
        guardian_note_step();
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
    (void)lwp_resume_one(inf, l, l->stepping, sig);
    l->client_step = client_step;
}

void lwp_set_pending(struct inferior *inf, struct lwp *l, const struct rsp_stop *st)
{
    l->pending = *st;
    l->has_pending = true;
    l->pending_seq = ++inf->seq;
}

void lwp_stop_init(const struct inferior *inf, const struct lwp *l, struct rsp_stop *st, int sig)
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
    lwp_stop_init(inf, l, st, SIGTRAP);
    if (code == SI_KERNEL || code == TRAP_BRKPT) {
        const struct arch_desc *a = inf->arch;
        if (lwp_get_pc(inf, l, &pc) < 0)
            return false;
        uint64_t bp_addr = a && a->pc_after_trap_advanced ? pc - a->trap_len : pc;
        if (bp_find(inf, bp_addr)) {
            /* x86 reports the PC past the int3: move it back so the client sees the breakpoint
             * address and the thread re-executes the original instruction. */
            if (bp_addr != pc)
                inf_ignore(lwp_set_pc(inf, l, bp_addr));
            st->reason = RSP_REASON_SWBREAK;
            l->pending_bp = bp_addr;
            return true;
        }
        if (code != TRAP_BRKPT)
            return false;
        if (hw_hit(inf, l, st))
            return true;
        /* x86 reports a single-step over a syscall instruction as TRAP_BRKPT (the syscall-exit
         * path's user_single_step_report), not TRAP_TRACE. */
        if (l->stepping) {
            st->reason = RSP_REASON_SINGLESTEP;
            return true;
        }
        return false;
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

/* A step the stub took for itself (a step-over) finishing outside step_over's own wait. */
static bool internal_step_done(struct inferior *inf, struct lwp *l, const struct rsp_stop *st)
{
    if (st->reason != RSP_REASON_SINGLESTEP || l->client_step || inf->stepping_over)
        return false;
    l->stepping = false;
    return true;
}

/* A thread held in a SIGTRAP signal-delivery-stop the stub caused (a breakpoint, a step, a
 * watchpoint) would, if gostub is killed, be resumed by the kernel's detach WITH that SIGTRAP (a
 * dead tracer never clears it), which kills a Go program however well the guardian repairs the
 * text. Move it into a PTRACE_EVENT_STOP instead: interrupt, then resume without the signal;
 * get_signal() takes the interrupt's trap before the thread runs one more instruction. Only with
 * a guardian (stub/guardian.h): without one the trap bytes stay anyway. */
static void park(struct inferior *inf, struct lwp *l)
{
    int status;
    pid_t r;

    if (inf->pid != guardian_pid() || ptrace(PTRACE_INTERRUPT, l->tid, NULL, NULL) < 0)
        return;
    if (ptrace(PTRACE_CONT, l->tid, NULL, NULL) < 0)
        return;
    l->at_signal_stop = false;
    while ((r = waitpid(l->tid, &status, __WALL)) < 0 && errno == EINTR)
        ;
    if (r != l->tid || (WIFSTOPPED(status) && (status >> 16) == PTRACE_EVENT_STOP))
        return;
    /* It died, or some other event came first: the ordinary path takes it (l may go). */
    lwp_handle_status(inf, l->tid, status);
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
        if (internal_step_done(inf, l, &st)) {
            /* A step-over that timed out finished late: no event, the thread just runs on. */
            if (l->stop_requested)
                l->stop_requested = false;
            else
                inf_ignore(lwp_resume_one(inf, l, false, 0));
            return;
        }
        l->stop_requested = false;
        lwp_set_pending(inf, l, &st);
        park(inf, l);
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
    memset(si, 0, sizeof si); /* for valgrind, which does not know what PEEKSIGINFO writes */
    long n = ptrace(PTRACE_PEEKSIGINFO, l->tid, &args, si);
    for (long i = 0; i < n && i < 8; i++) {
        if (si[i].si_signo != SIGTRAP || !kernel_trap_code(si[i].si_code))
            continue;
        struct rsp_stop st;
        if (!classify_trap(inf, l, si[i].si_code, &st))
            return false;
        l->swallow_trap++;
        if (internal_step_done(inf, l, &st))
            return false;
        lwp_set_pending(inf, l, &st);
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
    lwp_stop_init(inf, l, &st, sig);
    l->stop_requested = false;
    lwp_set_pending(inf, l, &st);
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
        inf_ignore(hwdebug_apply(&inf->hw, l->tid));
    if (!stub_holds_threads(inf))
        (void)lwp_resume_one(inf, l, false, 0);
}

static void exec_event(struct inferior *inf, struct lwp *l);

/* A forked child (PTRACE_O_TRACEFORK attached it, stopped) gets a copy of the parent's memory,
 * traps included: it would die of SIGTRAP at the first breakpoint it runs into. Its copies of the
 * original bytes are put back and it is let go; the stub follows only the process it serves.
 * (Debug registers are not inherited by fork.) */
static void fork_child_release(struct inferior *inf, pid_t child)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", (int)child);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    for (size_t i = 0; fd >= 0 && i < inf->nbps; i++) {
        const struct swbreak *bp = &inf->bps[i];
        uint8_t cur[INF_MAX_TRAP];
        if (bp->addr > (uint64_t)INT64_MAX ||
            pread(fd, cur, bp->len, (off_t)bp->addr) != (ssize_t)bp->len ||
            memcmp(cur, inf->arch->trap, bp->len) != 0)
            continue;
        inf_ignore(pwrite(fd, bp->saved, bp->len, (off_t)bp->addr));
    }
    if (fd >= 0)
        close(fd);
    (void)ptrace(PTRACE_DETACH, child, NULL, NULL);
}

/* Whether an unknown tid that stopped is a forked child (its own thread group), not our thread. */
static bool is_fork_child(const struct inferior *inf, pid_t tid)
{
    char v[32];
    if (procfs_status_field(tid, 0, "Tgid", v, sizeof v) < 0)
        return false;
    return (pid_t)atoi(v) != inf->pid;
}

/* After the parent's fork event: the child's first stop, if the loop has not reaped it yet. */
static void fork_child_wait(struct inferior *inf, pid_t child)
{
    uint64_t deadline = lwp_now_ms() + 1000;
    for (;;) {
        int status;
        pid_t t = waitpid(child, &status, __WALL | WNOHANG);
        if (t == child) {
            if (WIFSTOPPED(status))
                fork_child_release(inf, child);
            return;
        }
        if ((t < 0 && errno != EINTR) || lwp_now_ms() >= deadline)
            return; /* already released (its stop came first), or gone */
        lwp_nap();
    }
}

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
    case PTRACE_EVENT_FORK:
        if (ptrace(PTRACE_GETEVENTMSG, l->tid, NULL, &msg) == 0 && msg > 0)
            fork_child_wait(inf, (pid_t)msg);
        if (l->stop_requested)
            l->stop_requested = false;
        else
            resume_again(inf, l, 0);
        return;
    case PTRACE_EVENT_EXEC:
        exec_event(inf, l);
        return;
    case PTRACE_EVENT_EXIT:
        /* Let it go unless the stub is stopping everything: its exit status follows. */
        l->exiting = true;
        if (l->stop_requested) {
            l->stop_requested = false;
        } else {
            resume_again(inf, l, 0);
            l->exiting = true; /* running to its end: no stop will come, only the exit status */
        }
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
    lwp_stop_init(inf, nl, &st, SIGTRAP);
    lwp_set_pending(inf, nl, &st);
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
                size_t max = sizeof inf->thread_exits / sizeof inf->thread_exits[0];
                if (inf->nthread_exits == max) {
                    memmove(inf->thread_exits, inf->thread_exits + 1,
                            (max - 1) * sizeof inf->thread_exits[0]);
                    inf->nthread_exits--;
                }
                inf->thread_exits[inf->nthread_exits++] = st;
            }
        }
        return;
    }
    if (!WIFSTOPPED(status) || inf->exited)
        return;
    if (!l) {
        if (is_fork_child(inf, tid)) {
            fork_child_release(inf, tid);
            return;
        }
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
