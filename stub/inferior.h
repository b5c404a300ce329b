/*
 * stub/inferior.h - the debugged process as the stub's event loop sees it: attach or launch, the
 * rsp target table that serves it, the processing of wait statuses, and the paths that give the
 * process back (detach, release on any failure, kill). Everything about ptrace lives behind this
 * header; the loop (loop.c) and main.c know only these calls.
 *
 * All functions run on the loop's thread. None blocks for long: waits are for threads the stub
 * itself just stopped.
 */
#ifndef STUB_INFERIOR_H
#define STUB_INFERIOR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "rsp/stop.h"
#include "rsp/target.h"

struct inferior;

/* A person-readable reason for a failed attach or launch, e.g. "pid 123 is already traced by pid 99
 * (gdb)" or "permission denied: run as root, grant CAP_SYS_PTRACE, or lower
 * kernel.yama.ptrace_scope". */
struct inf_error {
    char msg[512];
};

/* Called when the process stops after a resume or an interrupt (all threads stopped by then), or
 * exits. */
typedef void (*inf_stop_fn)(void *arg, const struct rsp_stop *st);

/* Seizes every thread of pid (looping over /proc/PID/task until no new thread appears), stops them
 * all, follows new threads. On failure nothing stays attached. */
int inf_attach(pid_t pid, struct inferior **out, struct inf_error *err)
    __attribute__((warn_unused_result));
/* Launches argv[0] (PATH searched) stopped at its first instruction, traced. */
int inf_launch(char *const argv[], struct inferior **out, struct inf_error *err)
    __attribute__((warn_unused_result));
/* Frees the bookkeeping; call after inf_release/inf_kill or once the process is gone. NULL is a
 * no-op. */
void inf_free(struct inferior *inf);

void inf_set_stop_callback(struct inferior *inf, inf_stop_fn fn, void *arg);
/* The operation table to hand to rsp_server_new, with ctx = inf. Its arch matches the process (AVX
 * or not). Valid until inf_free. */
const struct rsp_target *inf_target(struct inferior *inf);

/* Reaps every pending wait status (waitpid(-1, __WALL | WNOHANG)) and acts on it; may call the stop
 * callback. The loop calls it when SIGCHLD arrives. */
void inf_handle_events(struct inferior *inf);

/* Gives the process back, whatever state it is in: stops it if running, removes every breakpoint
 * and watchpoint and restores the original bytes, clears debug registers, drops SIGTRAPs the stub
 * caused, detaches every thread with its pending signal delivered (SIGCONT for a SIGSTOP the stub
 * caused). Idempotent. Used for disconnects, timeouts, fatal errors and the stub's own termination.
 */
int inf_release(struct inferior *inf);
/* Added for issue 5: the last resort of a crashing stub (a SIGSEGV or SIGABRT handler), before the
 * kernel detaches it: puts the original bytes back wherever one of our traps still is, and zeroes
 * the debug registers of threads that are stopped. Async-signal-safe: no allocation, no locks, no
 * waiting, only system calls on what the tables say (a corrupt table is checked against memory: a
 * byte is restored only where the trap instruction is found). Never returns an error. */
void inf_emergency_restore(struct inferior *inf);
/* Kills the process (launched programs, or k when allowed) and reaps it. */
int inf_kill(struct inferior *inf);

/* Added for issue 5: whether the client's k/vKill may kill an attached process (--allow-kill).
 * Default false: k on an attached process releases it (it runs on); a launched one is killed. */
void inf_set_allow_kill(struct inferior *inf, bool allow);

pid_t inf_pid(const struct inferior *inf);
bool inf_launched(const struct inferior *inf);
bool inf_exited(const struct inferior *inf);  /* the process is gone */
bool inf_running(const struct inferior *inf); /* some thread is resumed */
size_t inf_thread_count(const struct inferior *inf);

#endif
