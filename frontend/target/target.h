/*
 * frontend/target/target.h - what godbg debugs, behind one operations table: a live process through any RSP
 * server (gostub, gdbserver, lldb-server, QEMU's gdbstub, rr) or a core file. The layers above (goruntime/,
 * cli/) see only this header. Run-control slots are NULL where a target cannot do them (a core file cannot
 * resume), and the caller says so to the user.
 *
 * Every fallible call returns 0 or -errno. Thread ids are the server's (kernel tids for gostub/gdbserver).
 * Registers are in the target's arch_desc numbering (arch/arch.h).
 */
#ifndef FRONTEND_TARGET_H
#define FRONTEND_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "rsp/stop.h"

struct tgt;

enum tgt_bp_type { TGT_BP_SW = 0, TGT_BP_HW = 1, TGT_WATCH_WRITE = 2, TGT_WATCH_READ = 3, TGT_WATCH_ACCESS = 4 };

struct tgt_thread {
    int64_t tid;
    char name[32];
};

/* One resume request: every thread continues, except that step_tid (if non-zero) single-steps while the
 * others stay stopped (only_step_tid) or continue. */
struct tgt_resume {
    int64_t step_tid;     /* 0: no step */
    bool others_stopped;  /* with step_tid: keep the other threads stopped */
    int signal;           /* host signal to deliver to the thread that stopped last, 0 for none */
};

struct tgt_ops {
    const char *name; /* "rsp", "core" */
    void (*close)(struct tgt *t);
    /* Threads as the target lists them. Returns the count (may exceed max). */
    int (*threads)(struct tgt *t, struct tgt_thread *out, size_t max, size_t *n);
    int (*read_reg)(struct tgt *t, int64_t tid, unsigned regno, uint8_t *buf, size_t len);
    int (*write_reg)(struct tgt *t, int64_t tid, unsigned regno, const uint8_t *buf, size_t len);
    /* Partial reads: *nread bytes from addr on were readable. */
    int (*read_mem)(struct tgt *t, uint64_t addr, uint8_t *buf, size_t len, size_t *nread);
    int (*write_mem)(struct tgt *t, uint64_t addr, const uint8_t *buf, size_t len);
    /* ---- run control: NULL where impossible (core files) */
    int (*resume)(struct tgt *t, const struct tgt_resume *r);
    /* Waits for the next stop (timeout_ms -1: forever). Events the server reports later for threads that
     * stopped at the same time are never lost: they come out of later waits (or are queued by the target). */
    int (*wait)(struct tgt *t, struct rsp_stop *out, int timeout_ms);
    int (*interrupt)(struct tgt *t);
    int (*set_bp)(struct tgt *t, enum tgt_bp_type type, uint64_t addr, uint64_t len);
    int (*clear_bp)(struct tgt *t, enum tgt_bp_type type, uint64_t addr, uint64_t len);
    int (*detach)(struct tgt *t);
    int (*kill)(struct tgt *t);
};

struct tgt {
    const struct tgt_ops *ops;
    const struct arch_desc *arch;
    int64_t pid;
    int64_t current_tid;         /* the thread of the last stop */
    struct rsp_stop last_stop;
    bool can_run;                /* resume/wait/breakpoints available */
};

/* Memory cache: reads go through a per-stop cache of large aligned blocks; any resume or write drops it. */
int tgt_read_mem(struct tgt *t, uint64_t addr, void *buf, size_t len) __attribute__((warn_unused_result));
int tgt_read_u64(struct tgt *t, uint64_t addr, uint64_t *v) __attribute__((warn_unused_result));
int tgt_write_mem(struct tgt *t, uint64_t addr, const void *buf, size_t len)
    __attribute__((warn_unused_result));
int tgt_read_reg_u64(struct tgt *t, int64_t tid, unsigned regno, uint64_t *v)
    __attribute__((warn_unused_result));
void tgt_invalidate(struct tgt *t);
void tgt_close(struct tgt *t); /* NULL is a no-op */

#endif
