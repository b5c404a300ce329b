/*
 * stub/allstop.c - all-stop run control on top of lwp.c: stopping every thread before a stop is
 * reported, choosing the one event to report when several threads stopped for their own reasons
 * (the others stay pending and are reported on the next resumes without running anything, as
 * gdbserver does), resuming per the client's actions with a transparent step over the breakpoint a
 * thread sits on, interrupts (reported as SIGINT, never delivered), and the trap flush before
 * detach.
 */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stub/inferior_int.h"

#define SIGBIT(s) (1ull << (unsigned)(s))
/* How long the stub waits for threads it stopped itself before giving up on them. */
#define STOP_ALL_TIMEOUT_MS 3000
#define STEP_OVER_TIMEOUT_MS 1000

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
    uint64_t deadline = lwp_now_ms() + timeout_ms, next_check = lwp_now_ms() + 20;
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
        uint64_t now = lwp_now_ms();
        if (now >= next_check) {
            drop_vanished(inf);
            next_check = now + 20;
        }
        if (now >= deadline)
            break;
        lwp_nap();
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
    /* A thread that did not stop in time keeps stop_requested: its next wait status is taken as
     * its stop, whatever it is. */
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

static bool still_valid(const struct inferior *inf, const struct lwp *l);

/* The pending event to report next; events whose breakpoint or watchpoint the client has removed
 * since are skipped (they are kept until their thread resumes: the client may insert the
 * breakpoint again first, as gdb does around a step-over of another thread). */
static struct lwp *pick_pending(struct inferior *inf)
{
    struct lwp *best = NULL;
    for (size_t i = 0; i < inf->nlwps; i++) {
        struct lwp *l = inf->lwps[i];
        if (!l->has_pending || !still_valid(inf, l))
            continue;
        /* A finished client step first (gdb is waiting for exactly that), then the oldest event. */
        bool step = l->client_step && l->pending.reason == RSP_REASON_SINGLESTEP;
        bool best_step = best && best->client_step && best->pending.reason == RSP_REASON_SINGLESTEP;
        if (!best || (step && !best_step) ||
            (step == best_step && l->pending_seq < best->pending_seq))
            best = l;
    }
    return best;
}

/* Turns l's pending event into the reported stop; every other thread's last stop becomes "stopped
 * by the stub" (signal 0), unless it keeps an event of its own. */
static void take_pending(struct inferior *inf, struct lwp *l, struct rsp_stop *out)
{
    *out = l->pending;
    l->has_pending = false;
    l->last_stop = *out;
    for (size_t i = 0; i < inf->nlwps; i++) {
        struct lwp *o = inf->lwps[i];
        o->interrupt_stop = false;
        if (o != l && !o->has_pending) {
            lwp_stop_init(inf, o, &o->last_stop, 0);
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

/* Drops the stale events of the threads this resume starts (acts NULL: every thread). A thread
 * that is not resumed keeps its event: the breakpoint may be back before it runs. */
static void discard_stale(struct inferior *inf, const struct rsp_resume_action *acts, size_t n);

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
    bool want = inf->interrupting || inf->nthread_exits > 0 || pick_pending(inf) != NULL;
    if (!want)
        return;
    lwp_stop_all(inf);
    if (inf->exited) {
        lwp_report_if_ready(inf);
        return;
    }
    struct lwp *l = pick_pending(inf);
    if (l) {
        take_pending(inf, l, &st);
    } else if (inf->nthread_exits > 0) {
        st = inf->thread_exits[0];
        memmove(inf->thread_exits, inf->thread_exits + 1,
                (--inf->nthread_exits) * sizeof inf->thread_exits[0]);
    } else if (inf->interrupting) {
        l = lwp_find(inf, (pid_t)inf->last_stop_tid);
        if (!l && inf->nlwps > 0)
            l = inf->lwps[0];
        if (!l)
            return;
        lwp_stop_init(inf, l, &st, SIGINT);
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

static void discard_stale(struct inferior *inf, const struct rsp_resume_action *acts, size_t n)
{
    for (size_t i = 0; i < inf->nlwps; i++) {
        struct lwp *l = inf->lwps[i];
        if (acts && !resumes(action_for(acts, n, l->tid)))
            continue;
        if (l->has_pending && !still_valid(inf, l)) {
            l->has_pending = false;
            if (l->pending.reason == RSP_REASON_SWBREAK)
                l->hit_dropped = true;
        }
    }
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
    rc = lwp_resume_one(inf, l, true, 0);
    l->client_step = false;
    uint64_t deadline = lwp_now_ms() + STEP_OVER_TIMEOUT_MS;
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
        if (lwp_now_ms() >= deadline) {
            if (interrupted) {
                break;
            }
            /* A step over a blocking syscall instruction: stop it where it waits. */
            if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) == 0)
                l->stop_requested = true;
            interrupted = true;
            deadline = lwp_now_ms() + STEP_OVER_TIMEOUT_MS;
        }
        lwp_nap();
    }
    inf->stepping_over = false;
    l = lwp_find(inf, tid);
    if (l && l->has_pending && l->pending.reason == RSP_REASON_SINGLESTEP)
        l->has_pending = false; /* our own step: nothing to report */
    /* A thread still stuck in its step keeps stepping set: when the step ends, lwp.c sees an
     * internal step (client_step false) and lets it run on without an event. */
    if (l && !l->running)
        l->stepping = false;
    struct swbreak *again = bp_find(inf, bp_addr);
    if (again && !inf->exited)
        (void)bp_relay(inf, again);
    return rc;
}

int lwp_resume(struct inferior *inf, const struct rsp_resume_action *acts, size_t n)
{
    if (inf->exited && !inf->released) {
        /* It died while stopped (SIGKILL from outside), perhaps while nobody listened for the
         * exit: whatever the client resumes, the answer is its W/X. */
        inf->resumed = true;
        inf->exit_pending = true;
        kill(getpid(), SIGCHLD);
        return 0;
    }
    if (inf->exited)
        return -ESRCH;
    if (inf->released)
        return -ESRCH;
    /* Threads let go at their exit event count as gone: only their exit status is to come. */
    for (size_t i = 0; i < inf->nlwps; i++)
        if ((inf->lwps[i]->running && !inf->lwps[i]->exiting) || inf->lwps[i]->new_thread)
            return -EBUSY;
    inf->interrupting = false;
    inf->report_ready = false;

    /* 1. An event kept from the last stop is reported now, nothing runs (gdbserver's way). A
     * finished step the client no longer asks for is dropped: reported after a 'c' it would look
     * like a random SIGTRAP to gdb. */
    discard_stale(inf, acts, n);
    for (size_t i = 0; i < inf->nlwps; i++) {
        struct lwp *l = inf->lwps[i];
        const struct rsp_resume_action *a = action_for(acts, n, l->tid);
        if (l->has_pending && l->pending.reason == RSP_REASON_SINGLESTEP &&
            (!a || a->action != 's'))
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

    if (inf->nthread_exits > 0) {
        struct rsp_stop st = inf->thread_exits[0];
        memmove(inf->thread_exits, inf->thread_exits + 1,
                (--inf->nthread_exits) * sizeof inf->thread_exits[0]);
        inf->resumed = true;
        lwp_defer_report(inf, &st);
        return 0;
    }

    /* 2. Threads sitting on one of our breakpoints step over it first, one at a time. */
    uint64_t gen = ++inf->resume_gen;
    for (size_t i = 0; i < inf->nlwps; i++) {
        struct lwp *l = inf->lwps[i];
        const struct rsp_resume_action *a = action_for(acts, n, l->tid);
        uint64_t pc = 0;
        struct swbreak *bp = NULL;
        if (!resumes(a) || l->exiting || l->new_thread || l->stepped_gen == gen || l->hit_dropped ||
            lwp_get_pc(inf, l, &pc) < 0 || !(bp = bp_find(inf, pc)))
            continue;
        l->stepped_gen = gen;
        pid_t tid = l->tid;
        bool client_step = a->action == 's';
        int sig = a->signal;
        if (step_over(inf, l, bp) < 0)
            continue;
        if (inf->exited) {
            /* The exit is reported by inf_handle_events, never from inside an operation. */
            inf->resumed = true;
            kill(getpid(), SIGCHLD);
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
                lwp_stop_init(inf, l, &st, SIGTRAP);
                st.reason = RSP_REASON_SINGLESTEP;
                lwp_set_pending(inf, l, &st);
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
    size_t resumed = 0, dying = 0;
    for (size_t i = 0; i < inf->nlwps; i++) {
        struct lwp *l = inf->lwps[i];
        const struct rsp_resume_action *a = action_for(acts, n, l->tid);
        if (l->running && l->exiting)
            dying++;
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
        int rc = lwp_resume_one(inf, l, step, sig);
        if (rc == 0) {
            l->hit_dropped = false;
            l->client_step = step;
            resumed++;
        } else if (rc == -ESRCH) {
            dying++;
        }
    }
    inf->resumed = true;
    /* Threads that could not be resumed because they are dying (a SIGKILL from outside): their
     * exit statuses are on the way, and the process's W/X is the stop to report, not N. */
    if (resumed == 0 && dying == 0) {
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
            if (lwp_resume_one(inf, l, false, 0) < 0) {
                l->stop_requested = false;
                break;
            }
            uint64_t deadline = lwp_now_ms() + 500;
            while ((l = lwp_find(inf, tid)) != NULL && l->running && lwp_now_ms() < deadline) {
                int status;
                pid_t t = waitpid(tid, &status, __WALL | WNOHANG);
                if (t == tid)
                    lwp_handle_status(inf, t, status);
                else if (t < 0 && errno != EINTR)
                    break;
                else
                    lwp_nap();
            }
            if (l && l->running) {
                (void)ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
                wait_stopped(inf, 500);
            }
        }
    }
}
