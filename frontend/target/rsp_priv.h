/*
 * frontend/target/rsp_priv.h - the state the RSP target's files share (rsp.c: operations and run
 * control, rsp_tdesc.c: target descriptions, rsp_io.c: transports). Not for the layers above: they
 * see target.h.
 */
#ifndef FRONTEND_TARGET_RSP_PRIV_H
#define FRONTEND_TARGET_RSP_PRIV_H

#include "frontend/target/target.h"
#include "rsp/client.h"

/* Replies we accept (a big target.xml or qXfer:threads fits easily). */
#define TGT_RSP_MAX_REPLY (8u << 20)

/* The transport: a socket (read_fd == write_fd) or a pipe pair. */
struct tgt_rsp_io {
    int read_fd, write_fd;
    bool socket;
    tgt_console_fn *console; /* 'O' text goes here; NULL: dropped */
    void *console_ctx;
    /* A wait for a reply timed out: a late reply could be taken for the answer to the next request,
     * so in no-ack mode (strict) nothing more is sent: every later request fails with -EPIPE. A
     * wait for a stop that times out is no such case (recv_stop clears the flag). */
    bool timed_out, strict;
};

/* One thread's registers as the 'g' reply gave them, for the current stop. */
struct tgt_rsp_regcache {
    int64_t tid;
    uint8_t *g;     /* arch->g_len bytes */
    uint8_t *avail; /* per register: 1 when the reply carried its value */
    size_t g_len;   /* bytes the reply carried */
};

struct tgt_rsp_bp {
    enum tgt_bp_type type;
    uint64_t addr, len;
};

#define TGT_RSP_MAX_QUEUED 16
/* Breakpoints removed lately: a hit the server held back may still come out for them. */
#define TGT_RSP_MAX_MORIBUND 64
#define TGT_RSP_MORIBUND_STOPS 64 /* forgotten after this many stops */

struct tgt_rsp_moribund {
    uint64_t addr;
    unsigned age; /* stops since removal */
};

/* A step over a breakpoint that ended in a signal handler: the thread (or, for Go's asynchronous
 * preemption, its goroutine on whatever thread runs it next) comes back to the breakpoint with this
 * stack pointer and would hit it a second time for the same call. */
#define TGT_RSP_MAX_REHITS 16
struct tgt_rsp_rehit {
    uint64_t addr, sp;
    unsigned age;
};

struct tgt_rsp {
    struct tgt base; /* first: a struct tgt * is a struct tgt_rsp * */
    struct tgt_rsp_io tio;
    struct rsp_client_io io;
    struct rsp_client *cli;
    int timeout_ms;
    bool multiprocess, vcont, lldb_regs;
    bool native_signals; /* lldb-server: signals on the wire are Linux numbers, not GDB's */
    bool reverse;        /* ReverseContinue+ and ReverseStep+ (rr): bc and bs work */
    bool thread_suffix;  /* QThreadSuffixSupported: p/P name their thread, no Hg needed */
    int64_t hg_tid;      /* thread selected with Hg since the last stop; HG_UNKNOWN (rsp.c) */
    uint64_t extra_round_trips;
    struct rsp_buf reply;

    /* the description built from the server's (rsp_tdesc.c) */
    struct arch_desc desc;
    struct arch_reg *regs;
    int expedite_none[1];
    char *xml;

    struct tgt_rsp_regcache *rc;
    size_t nrc, caprc;
    bool stop_regs_valid; /* last_stop.regs still describe the current stop */

    struct tgt_rsp_bp *bps;
    size_t nbps, capbps;
    /* Threads reported stopped at one of our breakpoints and not resumed since: resume steps them
     * over it. Only reported threads: a thread the server has not reported yet keeps its event. */
    int64_t *at_bp;
    size_t nat_bp, capat_bp;
    struct tgt_rsp_moribund moribund[TGT_RSP_MAX_MORIBUND];
    size_t nmoribund;
    struct tgt_resume
        last_req;         /* re-sent after a stale (held-back, breakpoint since removed) stop */
    uint64_t stale_stops; /* such stops swallowed, and repeated hits after a signal handler */
    struct tgt_rsp_rehit rehits[TGT_RSP_MAX_REHITS];
    size_t nrehits;
    /* Stops that happened during a step-over, handed out by the next waits. */
    struct rsp_stop queued[TGT_RSP_MAX_QUEUED];
    size_t nqueued;
};

/* rsp_tdesc.c: fills r->desc/r->regs from qXfer:features:read:target.xml (following xi:include),
 * else from qRegisterInfo. -ENOTSUP (with *why) when the server offers neither or names an unknown
 * architecture. */
int tgt_rsp_read_tdesc(struct tgt_rsp *r, const char **why) TGT_MUST_CHECK;
void tgt_rsp_free_tdesc(struct tgt_rsp *r);

/* rsp_io.c */
int tgt_rsp_io_tcp(struct tgt_rsp_io *io, const char *host_port, const char **why) TGT_MUST_CHECK;
void tgt_rsp_io_close(struct tgt_rsp_io *io);
extern const struct rsp_client_io tgt_rsp_io_ops;

/* rsp.c: the thread-id form the server wants ("p<pid>.<tid>" with multiprocess). */
int tgt_rsp_format_tid(const struct tgt_rsp *r, int64_t tid, char *out, size_t max);

#endif
