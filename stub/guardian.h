/*
 * stub/guardian.h - what survives a SIGKILL of gostub. Before the sandbox, gostub forks a small
 * guardian (not a tracer, not traced) that shares one anonymous MAP_SHARED area with it and waits
 * on a pipe whose write end only gostub holds. gostub keeps in that area, at every moment, the
 * software breakpoints it has in the process (address, original bytes, trap) and whether it ever
 * set debug registers or single-stepped since the last release. When gostub dies without saying
 * it is done, the pipe ends, and the guardian puts the original bytes back (only where the trap
 * still is) through /proc/PID/mem, then, if debug registers or steps were in use, seizes each
 * thread once the kernel has detached it, clears DR0-3/DR7, drops a SIGTRAP that gostub's traps
 * caused, and detaches (which also clears a TF the kernel set for a step). See
 * doc/internals/guardian.md for what it cannot cover.
 *
 * Every function is a no-op before guardian_start (the unit tests never start one).
 */
#ifndef GOSTUB_STUB_GUARDIAN_H
#define GOSTUB_STUB_GUARDIAN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Forks the guardian for process PID. 0, or -errno (gostub then runs unguarded, and says so). */
int guardian_start(pid_t pid);

/* Records a trap about to be written at ADDR over SAVED (LEN bytes, TRAP the trap's bytes). Call
 * BEFORE writing the trap. A full table is not an error: the address goes unguarded. */
void guardian_bp_add(uint64_t addr, const uint8_t *saved, const uint8_t *trap, unsigned len);
/* The original bytes under ADDR's trap changed (a memory write over it). */
void guardian_bp_update(uint64_t addr, const uint8_t *saved, unsigned len);
/* Forgets ADDR. Call AFTER its original bytes are back. */
void guardian_bp_del(uint64_t addr);
/* Debug registers are about to be set in some thread, or a thread is about to single-step. */
void guardian_note_hw(void);
void guardian_note_step(void);
/* Everything was given back (a complete release): forget the table and the flags. */
void guardian_clear(void);
/* The guarded process (0: no guardian). Hooks are only for its breakpoints and threads. */
pid_t guardian_pid(void);
/* gostub ends normally: the guardian leaves without touching the process. */
void guardian_done(void);

#endif
