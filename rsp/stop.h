/*
 * rsp/stop.h - stop replies (GDB manual E.3 "Stop Reply Packets") as a struct, encoded by the
 * server and decoded by the client. Signals in the struct are host numbers; the wire carries GDB
 * numbers. Covers gdb's T/S/W/X/w/N forms and lldb's extra T fields (reason:, thread-pcs:,
 * threads:, name:).
 */
#ifndef RSP_STOP_H
#define RSP_STOP_H

#include <stdbool.h>
#include <stdint.h>

#include "rsp/codec.h"

enum rsp_stop_kind {
    RSP_STOP_SIGNAL = 0, /* T: a thread stopped with a signal (SIGTRAP for breakpoints and steps) */
    RSP_STOP_EXITED,     /* W: the process exited, status in exit_code */
    RSP_STOP_KILLED,     /* X: the process was killed by signal */
    RSP_STOP_THREAD_EXIT, /* w: one thread exited (only with QThreadEvents) */
    RSP_STOP_NO_RESUMED,  /* N: nothing left to resume */
};

enum rsp_stop_reason {
    RSP_REASON_NONE = 0,   /* a signal, an interrupt, or a finished single-step */
    RSP_REASON_SWBREAK,    /* swbreak: */
    RSP_REASON_HWBREAK,    /* hwbreak: */
    RSP_REASON_WATCH,      /* watch:ADDR */
    RSP_REASON_RWATCH,     /* rwatch:ADDR */
    RSP_REASON_AWATCH,     /* awatch:ADDR */
    RSP_REASON_SINGLESTEP, /* a finished step (encoded as no reason for gdb, "trace" for lldb) */
    RSP_REASON_CREATE,     /* create: (a new thread, QThreadEvents) */
};

/* lldb-server expedites every general register (24 on x86-64, 34 on arm64: the PC among them), so
 * the bound is above that (raised from 8 for lldb-server). */
#define RSP_STOP_MAX_REGS 40

struct rsp_stop {
    enum rsp_stop_kind kind;
    int64_t pid;
    int64_t tid;   /* the thread that stopped; 0 when unknown */
    int signal;    /* host number; 0 for none */
    int exit_code; /* W */
    enum rsp_stop_reason reason;
    uint64_t watch_addr; /* watch/rwatch/awatch */
    int core;            /* -1 when unknown */
    /* Expedited registers, filled by the server from the target or by the client from the reply. */
    unsigned nregs;
    struct {
        unsigned regno; /* target description number */
        unsigned len;   /* bytes */
        uint8_t value[16];
    } regs[RSP_STOP_MAX_REGS];
};

/* How to write the thread: "thread:p<pid>.<tid>;" when multiprocess was negotiated. */
struct rsp_stop_style {
    bool multiprocess;
    bool swbreak; /* client sent swbreak+: emit swbreak: */
    bool hwbreak; /* client sent hwbreak+: emit hwbreak: */
    bool lldb;    /* add reason:breakpoint/watchpoint/trace/signal for lldb-style clients */
};

/* Appends the reply payload (unframed) for st to out. */
int rsp_stop_encode(struct rsp_buf *out, const struct rsp_stop *st,
                    const struct rsp_stop_style *style) RSP_MUST_CHECK;
/* Parses a stop reply payload. Unknown fields are skipped. Returns 0 or -EINVAL. Registers beyond
 * RSP_STOP_MAX_REGS are dropped. */
int rsp_stop_decode(struct rsp_stop *st, const uint8_t *payload, size_t len) RSP_MUST_CHECK;

#endif
