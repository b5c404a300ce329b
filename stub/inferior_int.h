/*
 * stub/inferior_int.h - the inside of struct inferior, shared by the files that implement
 * stub/inferior.h (inferior.c, lwp.c, breakpoints.c, memory.c, target_ops.c, vfile.c, procfs.c).
 * Nothing outside those files includes it: the loop and main.c see only inferior.h.
 *
 * The model (doc/internals/stub-core.md has the long version): one struct lwp per traced kernel
 * thread, each either stopped (in some ptrace-stop the stub knows about) or running. All-stop: the
 * stub reports a stop only when every lwp is stopped. Events that threads hit while the stub was
 * stopping them are kept per lwp (lwp->pending) and reported one per resume.
 */
#ifndef STUB_INFERIOR_INT_H
#define STUB_INFERIOR_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rsp/codec.h"
#include "rsp/stop.h"
#include "rsp/target.h"
#include "stub/hwdebug.h"
#include "stub/inferior.h"
#include "stub/regcache.h"

/* Drops a result on purpose (a cleanup path that goes on regardless); (void) does not silence
 * warn_unused_result in gcc. */
static inline void inf_ignore(long result)
{
    (void)result;
}

#define INF_MAX_TRAP 8 /* longest breakpoint instruction of any arch */

struct lwp {
    pid_t tid;
    bool running;          /* resumed by the stub and not seen stopping since */
    bool stop_requested;   /* the stub sent PTRACE_INTERRUPT and waits for this lwp to stop */
    bool stepping;         /* the last resume was PTRACE_SINGLESTEP */
    bool client_step;      /* ... and the client asked for it (not an internal step-over) */
    bool at_signal_stop;   /* in a signal-delivery-stop: a resume signal is injected by ptrace */
    int stop_sig;          /* the signal of that signal-delivery-stop */
    bool exiting;          /* stopped at PTRACE_EVENT_EXIT */
    bool new_thread;       /* seen through a clone event, initial stop not yet reaped */
    bool interrupt_stop;   /* its reported stop was the stub's interrupt (SIGINT never delivered) */
    uint64_t deliver_sigs; /* bit n: signal n to deliver (silently) on the next continue */
    int inject_sig;        /* a signal the stub queued with tgkill: pass it when it shows up */
    unsigned swallow_trap; /* queued SIGTRAPs already classified: drop them when dequeued */
    uint64_t stepped_gen;  /* the resume that already stepped it over a breakpoint */

    bool has_pending; /* an event not reported to the client yet */
    uint64_t pending_seq;
    struct rsp_stop pending;
    uint64_t pending_bp; /* swbreak: the breakpoint address (PC already moved back to it) */
    /* A breakpoint hit was dropped because the client removed the breakpoint before the thread was
     * resumed: its PC sits on the breakpoint address and it must re-execute from there (re-hitting
     * the breakpoint if it is back), not be stepped over it. */
    bool hit_dropped;

    struct rsp_stop last_stop; /* for thread_stop_info */
    struct regcache rc;
};

struct swbreak {
    uint64_t addr;
    unsigned len;
    uint8_t saved[INF_MAX_TRAP]; /* the original bytes under the trap */
};

struct inferior {
    pid_t pid;
    bool launched;
    bool allow_kill; /* --allow-kill: k kills an attached process too (inf_set_allow_kill) */
    bool exited;
    bool released;
    int mem_fd; /* /proc/PID/mem, opened once; -1 when unavailable */
    const struct arch_desc *arch;
    struct rsp_target ops; /* a copy of the table with arch filled in */

    struct lwp **lwps; /* lwps[0] is the thread group leader while it lives */
    size_t nlwps, cap_lwps;

    struct swbreak *bps;
    size_t nbps, cap_bps;
    struct hwdebug hw;
    bool hw_used; /* some debug register was ever set: clear them on release */

    inf_stop_fn stop_fn;
    void *stop_arg;

    bool resumed;       /* the client resumed and no stop was reported since */
    bool stopping;      /* lwp_stop_all is waiting: new threads stay stopped */
    bool releasing;     /* inf_release is running: threads stay stopped */
    bool stepping_over; /* one thread steps over a lifted breakpoint: everything else holds */
    uint64_t resume_gen;
    bool interrupting; /* the client asked for an interrupt: report SIGINT once all stopped */
    bool report_ready; /* a stop waits in report (delivered by inf_handle_events) */
    struct rsp_stop report;
    uint64_t seq;          /* orders pending events */
    int64_t last_stop_tid; /* the thread of the last reported stop */
    bool thread_events;    /* QThreadEvents */
    bool pass_set;         /* the client sent QPassSignals */
    bool pass[RSP_HOST_NSIG];
    bool program_set;
    bool program[RSP_HOST_NSIG];

    bool exit_pending; /* the process is gone and the client was not told yet */
    struct rsp_stop exit_report;
    /* QThreadEvents: thread exits to report ('w'), oldest first; the oldest is dropped when full.
     */
    struct rsp_stop thread_exits[32];
    size_t nthread_exits;
    int exit_code; /* W/X once exited */
    bool exit_signaled;
    int vfile_fds[16];
};

/* ---- lwp.c: threads and their wait statuses; allstop.c: stopping, reporting, resuming */
struct lwp *lwp_find(struct inferior *inf, pid_t tid);
struct lwp *lwp_add(struct inferior *inf, pid_t tid);
void lwp_remove(struct inferior *inf, pid_t tid);
/* PTRACE_INTERRUPTs every running lwp and waits (bounded) until all are stopped. */
void lwp_stop_all(struct inferior *inf);
/* Handles one wait status of tid (any tid: unknown ones are new clones). */
void lwp_handle_status(struct inferior *inf, pid_t tid, int status);
/* Before detach: makes threads dequeue the SIGTRAPs the stub caused (see lwp.c). */
void lwp_flush_traps(struct inferior *inf);
int lwp_resume(struct inferior *inf, const struct rsp_resume_action *acts, size_t n);
int lwp_interrupt(struct inferior *inf);
/* Calls the stop callback if a stop is due (stopping every thread first). */
void lwp_report_if_ready(struct inferior *inf);
/* Asks inf_handle_events to call the stop callback with st (used when the stop is known at once).
 */
void lwp_defer_report(struct inferior *inf, const struct rsp_stop *st);
int lwp_get_pc(struct inferior *inf, struct lwp *l, uint64_t *pc);
int lwp_set_pc(struct inferior *inf, struct lwp *l, uint64_t pc);
/* The signal to deliver when this lwp is detached (pending, unreported stop signals). */
int lwp_detach_signal(struct inferior *inf, struct lwp *l);
bool inf_signal_passes(const struct inferior *inf, int sig);
/* Resumes one stopped lwp (PTRACE_CONT or PTRACE_SINGLESTEP) delivering sig: injected from a
 * signal-delivery-stop, queued with tgkill from any other stop. */
int lwp_resume_one(struct inferior *inf, struct lwp *l, bool step, int sig);
void lwp_set_pending(struct inferior *inf, struct lwp *l, const struct rsp_stop *st);
void lwp_stop_init(const struct inferior *inf, const struct lwp *l, struct rsp_stop *st, int sig);
uint64_t lwp_now_ms(void);
void lwp_nap(void); /* a fraction of a millisecond, between polls of waitpid */

/* ---- breakpoints.c: the software breakpoint table */
struct swbreak *bp_find(struct inferior *inf, uint64_t addr);
int bp_insert(struct inferior *inf, uint64_t addr, unsigned kind);
int bp_remove(struct inferior *inf, uint64_t addr, unsigned kind);
/* Removes every breakpoint, restoring the original bytes where the trap is still in place. */
void bp_remove_all(struct inferior *inf);
/* Overlays saved bytes on buf (read of [addr, addr+len)). */
void bp_hide(const struct inferior *inf, uint64_t addr, uint8_t *buf, size_t len);
/* Copies buf's bytes that fall under breakpoints into their saved bytes and puts the trap bytes
 * into buf instead, so a write keeps the breakpoints in place. */
void bp_shadow_write(struct inferior *inf, uint64_t addr, uint8_t *buf, size_t len);
/* Temporarily takes a breakpoint out of memory / puts it back (step-over). */
int bp_lift(struct inferior *inf, struct swbreak *bp);
int bp_relay(struct inferior *inf, struct swbreak *bp);

/* ---- memory.c */
/* Raw memory, breakpoints not hidden. *nread as in rsp_target.read_mem. */
int mem_read_raw(struct inferior *inf, uint64_t addr, uint8_t *buf, size_t len, size_t *nread);
int mem_write_raw(struct inferior *inf, uint64_t addr, const uint8_t *buf, size_t len);

/* ---- procfs.c */
/* Reads a "Name:\tvalue" field of /proc/PID[/task/TID]/status into buf. 0 or -errno. */
int procfs_status_field(pid_t pid, pid_t tid, const char *field, char *buf, size_t len);
/* Lists /proc/PID/task. Returns the count (may exceed max) or -errno. */
long procfs_tasks(pid_t pid, pid_t *tids, size_t max);
int procfs_comm(pid_t pid, pid_t tid, char *buf, size_t len);
/* The state letter of /proc/PID/task/TID/stat, or 0 when the task is gone. */
char procfs_task_state(pid_t pid, pid_t tid);
/* Reads a whole small /proc file into buf (NUL-terminated). Returns bytes or -errno. */
long procfs_read_file(const char *path, char *buf, size_t len);
int procfs_region(pid_t pid, uint64_t addr, struct rsp_region *out);

/* ---- target_ops.c */
extern const struct rsp_target inf_target_template;

/* ---- vfile.c */
extern const struct rsp_vfile_ops inf_vfile_ops;
void vfile_close_all(struct inferior *inf);

#endif
