/*
 * frontend/target/rsp.c - the target operations over the GDB Remote Serial Protocol, for gostub,
 * stock gdbserver, lldb-server and QEMU alike: connection set-up, threads, registers ('g' cached
 * per thread per stop, expedited registers from the stop reply first), raw and pipelined memory
 * reads, breakpoints and watchpoints (Z/z), resume (vCont, or Hc with c/s) and stops, interrupt,
 * detach, kill.
 *
 * All-stop servers (gdbserver) report one thread's event per resume and keep the events of threads
 * that stopped at the same moment for later resumes. This file never assumes that a stop belongs to
 * the thread it resumed: every stop is attributed to the thread the reply names, and only threads
 * whose breakpoint hit was *reported* are stepped over their breakpoint; a thread whose event the
 * server still holds is left alone, so the server reports it (doc/internals/target.md).
 *
 * Not here: the byte transport (rsp_io.c), register layouts (rsp_tdesc.c), the memory cache
 * (target.c).
 */
#include "config.h"

#include "frontend/target/rsp_priv.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsp/signals.h"

/* What we tell qSupported. xmlRegisters=i386 is what makes x86 gdbserver send a full target.xml
 * (without it, it falls back to a fixed pre-XML layout). */
#define OUR_FEATURES "multiprocess+;swbreak+;hwbreak+;vContSupported+;no-resumed+;xmlRegisters=i386"
/* Memory requests in flight at once (a sliding window: read_pieces): ~20 bytes each, far below any
 * pipe or socket buffer, so the server can never block writing replies while we are still writing
 * requests. */
#define PIPELINE_WINDOW 1024
/* How long a step over a breakpoint may take before we interrupt it (a step into a blocking
 * syscall). */
#define STEP_OVER_TIMEOUT_MS 5000
#define MAX_THREADS_REPLIES 100000
/* hg_tid when we do not know which thread the server has selected (0 and -1 are real RSP ids). */
#define HG_UNKNOWN INT64_MIN

static const struct tgt_ops rsp_ops;

static struct tgt_rsp *R(struct tgt *t)
{
    return (struct tgt_rsp *)t;
}

int tgt_rsp_format_tid(const struct tgt_rsp *r, int64_t tid, char *out, size_t max)
{
    int n;
    if (r->multiprocess && r->base.pid > 0)
        n = tid < 0
                ? snprintf(out, max, "p%" PRIx64 ".-1", (uint64_t)r->base.pid)
                : snprintf(out, max, "p%" PRIx64 ".%" PRIx64, (uint64_t)r->base.pid, (uint64_t)tid);
    else
        n = tid < 0 ? snprintf(out, max, "-1") : snprintf(out, max, "%" PRIx64, (uint64_t)tid);
    return n > 0 && (size_t)n < max ? 0 : -E2BIG;
}

/* "p<pid>.<tid>" or "<tid>" */
static int parse_tid(struct rsp_cursor *c, int64_t *pid, int64_t *tid)
{
    *pid = 0;
    if (rsp_cursor_skip_prefix(c, "p")) {
        if (rsp_cursor_hex_i64(c, pid) < 0)
            return -EINVAL;
        if (!rsp_cursor_skip_prefix(c, ".")) {
            *tid = -1;
            return 0;
        }
    }
    return rsp_cursor_hex_i64(c, tid);
}

static bool reply_is(const struct rsp_buf *b, const char *s)
{
    return b->len == strlen(s) && memcmp(b->data, s, b->len) == 0;
}

/* 0 for "OK", -EOPNOTSUPP for an empty reply, the error for "Exx", -EPROTO otherwise. */
static int ok_reply(const struct rsp_buf *b)
{
    if (reply_is(b, "OK"))
        return 0;
    if (rsp_reply_unsupported(b))
        return -EOPNOTSUPP;
    int e = rsp_reply_error(b);
    return e != 0 ? -e : -EPROTO;
}

/* ------------------------------------------------------------------ caches */

static void drop_regcaches(struct tgt_rsp *r)
{
    for (size_t i = 0; i < r->nrc; i++) {
        free(r->rc[i].g);
        free(r->rc[i].avail);
    }
    r->nrc = 0;
}

static void invalidate_all(struct tgt_rsp *r)
{
    drop_regcaches(r);
    r->stop_regs_valid = false;
    tgt_invalidate(&r->base);
}

/* ------------------------------------------------------------------ threads */

static int rsp_threads(struct tgt *t, struct tgt_thread *out, size_t max, size_t *n)
{
    struct tgt_rsp *r = R(t);
    const char *req = "qfThreadInfo";
    *n = 0;
    for (int i = 0; i < MAX_THREADS_REPLIES; i++, req = "qsThreadInfo") {
        int rc = rsp_client_request(r->cli, req, strlen(req), &r->reply);
        if (rc < 0)
            return rc;
        if (rsp_reply_unsupported(&r->reply))
            return -EOPNOTSUPP;
        if (rsp_reply_error(&r->reply) != 0)
            return -EIO;
        if (r->reply.data[0] == 'l')
            return 0;
        if (r->reply.data[0] != 'm')
            return -EPROTO;
        struct rsp_cursor c;
        rsp_cursor_init(&c, r->reply.data + 1, r->reply.len - 1);
        while (!rsp_cursor_eof(&c)) {
            int64_t pid, tid;
            if (parse_tid(&c, &pid, &tid) < 0)
                return -EPROTO;
            if (!rsp_cursor_eof(&c) && rsp_cursor_expect(&c, ',') < 0)
                return -EPROTO;
            if (*n < max)
                out[*n] = (struct tgt_thread){.tid = tid};
            (*n)++;
        }
    }
    return -EPROTO; /* a server that never says 'l' */
}

/* ------------------------------------------------------------------ registers */

static int select_thread(struct tgt_rsp *r, int64_t tid)
{
    if (r->hg_tid == tid)
        return 0;
    char id[48];
    int rc = tgt_rsp_format_tid(r, tid, id, sizeof(id));
    if (rc == 0)
        rc = rsp_client_requestf(r->cli, &r->reply, "Hg%s", id);
    if (rc < 0)
        return rc;
    rc = ok_reply(&r->reply);
    if (rc < 0)
        return rc == -EOPNOTSUPP || rc == -EPROTO ? rc : -ESRCH;
    r->hg_tid = tid;
    return 0;
}

static struct tgt_rsp_regcache *find_regcache(struct tgt_rsp *r, int64_t tid)
{
    for (size_t i = 0; i < r->nrc; i++) {
        if (r->rc[i].tid == tid)
            return &r->rc[i];
    }
    return NULL;
}

/* 'g' for one thread into a new cache entry. Pairs of 'x' mark bytes the server has no value for.
 */
static int fetch_g(struct tgt_rsp *r, int64_t tid, struct tgt_rsp_regcache **out)
{
    int rc = select_thread(r, tid);
    if (rc == 0)
        rc = rsp_client_request(r->cli, "g", 1, &r->reply);
    if (rc < 0)
        return rc;
    if (rsp_reply_unsupported(&r->reply) || rsp_reply_error(&r->reply) != 0)
        return -EIO;
    size_t glen = r->desc.g_len;
    if (r->reply.len % 2 != 0)
        return -EPROTO;
    size_t got = r->reply.len / 2 < glen ? r->reply.len / 2 : glen;
    if (r->nrc == r->caprc) {
        size_t ncap = r->caprc ? r->caprc * 2 : 8;
        struct tgt_rsp_regcache *n = realloc(r->rc, ncap * sizeof(*n));
        if (n == NULL)
            return -ENOMEM;
        r->rc = n;
        r->caprc = ncap;
    }
    struct tgt_rsp_regcache e = {
        .tid = tid, .g = calloc(1, glen + 1), .avail = calloc(1, glen + 1), .g_len = got};
    if (e.g == NULL || e.avail == NULL) {
        free(e.g);
        free(e.avail);
        return -ENOMEM;
    }
    const char *p = (const char *)r->reply.data;
    for (size_t i = 0; i < got; i++) {
        if (p[2 * i] == 'x' && p[2 * i + 1] == 'x')
            continue;
        int hi = rsp_hex_nibble(p[2 * i]), lo = rsp_hex_nibble(p[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(e.g);
            free(e.avail);
            return -EPROTO;
        }
        e.g[i] = (uint8_t)(hi << 4 | lo);
        e.avail[i] = 1;
    }
    r->rc[r->nrc] = e;
    *out = &r->rc[r->nrc++];
    return 0;
}

/* 'p' for one register. */
static int fetch_p(struct tgt_rsp *r, int64_t tid, unsigned regno, uint8_t *buf, size_t len)
{
    int rc = 0;
    if (r->thread_suffix)
        rc =
            rsp_client_requestf(r->cli, &r->reply, "p%x;thread:%" PRIx64 ";", regno, (uint64_t)tid);
    else if ((rc = select_thread(r, tid)) == 0)
        rc = rsp_client_requestf(r->cli, &r->reply, "p%x", regno);
    if (rc < 0)
        return rc;
    if (rsp_reply_unsupported(&r->reply))
        return -EOPNOTSUPP;
    if (rsp_reply_error(&r->reply) != 0)
        return -EIO;
    if (r->reply.len >= 2 && r->reply.data[0] == 'x')
        return -ENODATA;
    if (r->reply.len != 2 * len)
        return -EPROTO;
    return rsp_hex_decode(buf, len, (const char *)r->reply.data, r->reply.len) < 0 ? -EPROTO : 0;
}

static int rsp_read_reg(struct tgt *t, int64_t tid, unsigned regno, uint8_t *buf, size_t len)
{
    struct tgt_rsp *r = R(t);
    if (regno >= r->desc.nregs || r->regs[regno].size_bits == 0 ||
        len != r->regs[regno].size_bits / 8)
        return -EINVAL;
    if (t->exited)
        return -ESRCH;
    if (t->running)
        return -EBUSY;
    const struct rsp_stop *st = &t->last_stop;
    if (r->stop_regs_valid && st->tid == tid) {
        for (unsigned i = 0; i < st->nregs && i < RSP_STOP_MAX_REGS; i++) {
            if (st->regs[i].regno == regno && st->regs[i].len == len) {
                memcpy(buf, st->regs[i].value, len);
                return 0;
            }
        }
    }
    const struct arch_reg *reg = &r->regs[regno];
    if (!r->lldb_regs && reg->g_off != UINT32_MAX) {
        struct tgt_rsp_regcache *e = find_regcache(r, tid);
        int rc = e != NULL ? 0 : fetch_g(r, tid, &e);
        if (rc < 0 && rc != -EIO)
            return rc;
        if (rc == 0 && reg->g_off + len <= e->g_len) {
            for (size_t i = 0; i < len; i++) {
                if (!e->avail[reg->g_off + i])
                    return -ENODATA;
            }
            memcpy(buf, e->g + reg->g_off, len);
            return 0;
        }
    }
    return fetch_p(r, tid, regno, buf, len);
}

/* Writes one register through 'G': the thread's whole 'g' block, fresh, with the register changed.
 */
static int write_reg_g(struct tgt_rsp *r, int64_t tid, unsigned regno, const uint8_t *buf,
                       size_t len)
{
    drop_regcaches(r);
    struct tgt_rsp_regcache *e;
    int rc = fetch_g(r, tid, &e);
    if (rc < 0)
        return rc;
    const struct arch_reg *reg = &r->regs[regno];
    if (reg->g_off + len > e->g_len)
        return -EOPNOTSUPP;
    memcpy(e->g + reg->g_off, buf, len);
    struct rsp_buf pkt;
    rsp_buf_init(&pkt, 2 * e->g_len + 2);
    rc = rsp_buf_addc(&pkt, 'G');
    if (rc == 0)
        rc = rsp_buf_add_hex(&pkt, e->g, e->g_len); /* bytes the server had no value for go as 0 */
    if (rc == 0)
        rc = rsp_client_request(r->cli, pkt.data, pkt.len, &r->reply);
    rsp_buf_fini(&pkt);
    return rc < 0 ? rc : ok_reply(&r->reply);
}

static int rsp_write_reg(struct tgt *t, int64_t tid, unsigned regno, const uint8_t *buf, size_t len)
{
    struct tgt_rsp *r = R(t);
    if (regno >= r->desc.nregs || len != r->regs[regno].size_bits / 8 || len == 0)
        return -EINVAL;
    if (t->running)
        return -EBUSY;
    int rc = r->thread_suffix ? 0 : select_thread(r, tid);
    if (rc < 0)
        return rc;
    char *hex = malloc(2 * len + 1);
    if (hex == NULL)
        return -ENOMEM;
    rsp_hex_encode(hex, buf, len);
    hex[2 * len] = '\0';
    if (r->thread_suffix)
        rc = rsp_client_requestf(r->cli, &r->reply, "P%x=%s;thread:%" PRIx64 ";", regno, hex,
                                 (uint64_t)tid);
    else
        rc = rsp_client_requestf(r->cli, &r->reply, "P%x=%s", regno, hex);
    free(hex);
    if (rc == 0 && rsp_reply_unsupported(&r->reply) && !r->lldb_regs &&
        r->regs[regno].g_off != UINT32_MAX)
        rc = write_reg_g(r, tid, regno, buf, len); /* no 'P' (x86 gdbserver): 'G' with the change */
    else if (rc == 0)
        rc = ok_reply(&r->reply);
    drop_regcaches(r);
    if (tid == t->last_stop.tid)
        r->stop_regs_valid = false;
    return rc;
}

/* ------------------------------------------------------------------ memory */

static int rsp_read_mem(struct tgt *t, uint64_t addr, uint8_t *buf, size_t len, size_t *nread)
{
    struct tgt_rsp *r = R(t);
    if (t->running)
        return -EBUSY;
    int rc = rsp_client_read_mem(r->cli, addr, buf, len, nread);
    if (rc < 0 && *nread > 0)
        return 0; /* the readable prefix */
    if (rc == -EOPNOTSUPP)
        return -EIO;
    return rc;
}

/* Bytes per 'm' request: what the server's buffer holds as hex, in whole cache lines when it can,
 * so a failed request costs whole lines only. */
static size_t m_chunk(const struct tgt_rsp *r)
{
    size_t n = (rsp_client_packet_size(r->cli) - 8) / 2;
    return n >= TGT_CACHE_LINE ? n - n % TGT_CACHE_LINE : n;
}

struct piece {
    size_t block;
    size_t off, len;
};

/* Sends the 'm' request for one piece. */
static int send_piece(struct tgt_rsp *r, const struct piece *p, const uint64_t *addr)
{
    char req[48];
    int len = snprintf(req, sizeof(req), "m%" PRIx64 ",%zx", addr[p->block] + p->off, p->len);
    return rsp_client_send(r->cli, req, (size_t)len);
}

/* Takes the reply for one piece. */
static int recv_piece(struct tgt_rsp *r, const struct piece *p, uint8_t *const *buf, size_t *nread,
                      bool *broken)
{
    int rc = rsp_client_recv(r->cli, &r->reply, r->timeout_ms);
    if (rc < 0)
        return rc; /* out of step with the server: nothing sensible can follow */
    size_t b = p->block;
    if (broken[b] || nread[b] != p->off)
        return 0;
    size_t got = r->reply.len / 2;
    if (rsp_reply_error(&r->reply) != 0 || r->reply.len % 2 != 0 || got > p->len ||
        rsp_hex_decode(buf[b] + p->off, got, (const char *)r->reply.data, r->reply.len) < 0) {
        broken[b] = true;
        return 0;
    }
    nread[b] += got;
    if (got < p->len)
        broken[b] = true;
    return 0;
}

/* Every piece through a sliding window: up to PIPELINE_WINDOW requests in flight, one more sent
 * as each reply comes in, so a batch of any size costs one round trip. The requests in flight
 * stay far below any socket buffer, so our writes never block while the server waits for us to
 * read its replies. */
static int read_pieces(struct tgt_rsp *r, const struct piece *pc, size_t n, const uint64_t *addr,
                       uint8_t *const *buf, size_t *nread, bool *broken)
{
    size_t sent = 0, got = 0;
    if (n > 0)
        r->extra_round_trips++;
    while (got < n) {
        while (sent < n && sent - got < PIPELINE_WINDOW) {
            int rc = send_piece(r, &pc[sent], addr);
            if (rc < 0)
                return rc;
            sent++;
        }
        int rc = recv_piece(r, &pc[got], buf, nread, broken);
        if (rc < 0)
            return rc;
        got++;
    }
    return 0;
}

static int rsp_read_blocks(struct tgt *t, const uint64_t *addr, const size_t *len,
                           uint8_t *const *buf, size_t n, size_t *nread)
{
    struct tgt_rsp *r = R(t);
    if (t->running)
        return -EBUSY;
    /* Pipelining needs no-ack mode: in ack mode the client holds one early reply only. */
    if (!rsp_client_noack(r->cli)) {
        for (size_t i = 0; i < n; i++) {
            int rc = rsp_read_mem(t, addr[i], buf[i], len[i], &nread[i]);
            if (rc < 0 && rc != -EIO && rc != -EFAULT)
                return rc;
            if (rc < 0)
                nread[i] = 0;
        }
        return 0;
    }
    size_t chunk = m_chunk(r);
    size_t np = 0;
    for (size_t b = 0; b < n; b++)
        np += len[b] / chunk + (len[b] % chunk != 0);
    struct piece *pc = malloc((np ? np : 1) * sizeof(*pc));
    bool *broken = calloc(n ? n : 1, sizeof(*broken));
    int rc = 0;
    if (pc == NULL || broken == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    np = 0;
    for (size_t b = 0; b < n; b++) {
        nread[b] = 0;
        for (size_t off = 0; off < len[b]; off += chunk)
            pc[np++] = (struct piece){
                .block = b, .off = off, .len = len[b] - off < chunk ? len[b] - off : chunk};
    }
    rc = read_pieces(r, pc, np, addr, buf, nread, broken);
out:
    free(pc);
    free(broken);
    return rc;
}

static int rsp_write_mem(struct tgt *t, uint64_t addr, const uint8_t *buf, size_t len)
{
    struct tgt_rsp *r = R(t);
    if (t->running)
        return -EBUSY;
    return rsp_client_write_mem(r->cli, addr, buf, len);
}

static void rsp_stats(const struct tgt *t, struct tgt_stats *out)
{
    const struct tgt_rsp *r = (const struct tgt_rsp *)t;
    struct rsp_client_stats cs;
    rsp_client_stats(r->cli, &cs);
    out->packets_sent = cs.packets_sent;
    out->round_trips = cs.round_trips + r->extra_round_trips;
    out->bytes_sent = cs.bytes_sent;
    out->bytes_received = cs.bytes_received;
    out->stale_stops = r->stale_stops;
}

/* ------------------------------------------------------------------ breakpoints */

static struct tgt_rsp_bp *find_bp(struct tgt_rsp *r, enum tgt_bp_type type, uint64_t addr)
{
    for (size_t i = 0; i < r->nbps; i++) {
        if (r->bps[i].type == type && r->bps[i].addr == addr)
            return &r->bps[i];
    }
    return NULL;
}

/* The execution breakpoint at addr, if we have one inserted. */
static struct tgt_rsp_bp *exec_bp_at(struct tgt_rsp *r, uint64_t addr)
{
    struct tgt_rsp_bp *b = find_bp(r, TGT_BP_SW, addr);
    return b != NULL ? b : find_bp(r, TGT_BP_HW, addr);
}

static int send_z(struct tgt_rsp *r, bool insert, enum tgt_bp_type type, uint64_t addr,
                  uint64_t len)
{
    /* Z0/Z1: kind is the breakpoint's instruction size (x86: 1); Z2-Z4: the watched length. */
    uint64_t kind = type == TGT_BP_SW || type == TGT_BP_HW ? r->desc.bp_kind : len;
    int rc = rsp_client_requestf(r->cli, &r->reply, "%c%d,%" PRIx64 ",%" PRIx64, insert ? 'Z' : 'z',
                                 (int)type, addr, kind);
    return rc < 0 ? rc : ok_reply(&r->reply);
}

static int rsp_set_bp(struct tgt *t, enum tgt_bp_type type, uint64_t addr, uint64_t len)
{
    struct tgt_rsp *r = R(t);
    if (t->running)
        return -EBUSY;
    if (t->exited)
        return -ESRCH;
    if ((unsigned)type > TGT_WATCH_ACCESS)
        return -EINVAL;
    if (find_bp(r, type, addr) != NULL)
        return 0;
    if (r->nbps == r->capbps) {
        size_t ncap = r->capbps ? r->capbps * 2 : 16;
        struct tgt_rsp_bp *n = realloc(r->bps, ncap * sizeof(*n));
        if (n == NULL)
            return -ENOMEM;
        r->bps = n;
        r->capbps = ncap;
    }
    int rc = send_z(r, true, type, addr, len);
    if (rc < 0)
        return rc;
    r->bps[r->nbps++] = (struct tgt_rsp_bp){.type = type, .addr = addr, .len = len};
    for (size_t i = 0; i < r->nmoribund; i++) {
        if (r->moribund[i].addr == addr)
            r->moribund[i--] = r->moribund[--r->nmoribund];
    }
    tgt_invalidate(t); /* the server hides its breakpoints from reads, but be safe */
    return 0;
}

/* Remembers a removed execution breakpoint: a hit on it the server held back can still be reported.
 */
static void add_moribund(struct tgt_rsp *r, uint64_t addr)
{
    size_t slot = r->nmoribund;
    for (size_t i = 0; i < r->nmoribund; i++) {
        if (r->moribund[i].addr == addr)
            slot = i;
    }
    if (slot == TGT_RSP_MAX_MORIBUND) { /* full: the oldest goes */
        slot = 0;
        for (size_t i = 1; i < r->nmoribund; i++) {
            if (r->moribund[i].age > r->moribund[slot].age)
                slot = i;
        }
    }
    if (slot == r->nmoribund)
        r->nmoribund++;
    r->moribund[slot] = (struct tgt_rsp_moribund){.addr = addr, .age = 0};
}

static int rsp_clear_bp(struct tgt *t, enum tgt_bp_type type, uint64_t addr, uint64_t len)
{
    struct tgt_rsp *r = R(t);
    (void)len;
    if (t->running)
        return -EBUSY;
    struct tgt_rsp_bp *b = find_bp(r, type, addr);
    if (b == NULL)
        return -ENOENT;
    int rc = send_z(r, false, type, addr, b->len);
    if (rc < 0 && rc != -ESRCH && !t->exited)
        return rc;
    if (type == TGT_BP_SW || type == TGT_BP_HW)
        add_moribund(r, addr);
    *b = r->bps[--r->nbps];
    tgt_invalidate(t);
    return 0;
}

/* ------------------------------------------------------------------ resume and stops */

static bool in_set(const int64_t *set, size_t n, int64_t tid)
{
    for (size_t i = 0; i < n; i++) {
        if (set[i] == tid)
            return true;
    }
    return false;
}

static void set_remove(int64_t *set, size_t *n, int64_t tid)
{
    for (size_t i = 0; i < *n; i++) {
        if (set[i] == tid) {
            set[i] = set[--*n];
            return;
        }
    }
}

static int set_add(struct tgt_rsp *r, int64_t tid)
{
    if (in_set(r->at_bp, r->nat_bp, tid))
        return 0;
    if (r->nat_bp == r->capat_bp) {
        size_t ncap = r->capat_bp ? r->capat_bp * 2 : 8;
        int64_t *n = realloc(r->at_bp, ncap * sizeof(*n));
        if (n == NULL)
            return -ENOMEM;
        r->at_bp = n;
        r->capat_bp = ncap;
    }
    r->at_bp[r->nat_bp++] = tid;
    return 0;
}

/* Signal numbers on the wire: GDB's (GDB manual, Appendix "Signals"), or the host's where the
 * server says native-signals+ (lldb-server sends Linux numbers: SIGSTOP 0x13, not GDB's 0x11). */
static int wire_signal(const struct tgt_rsp *r, int host_sig)
{
    return r->native_signals ? host_sig : rsp_signal_to_gdb(host_sig);
}

/* Decodes a stop reply; with native signals the number is taken as it stands. */
static int decode_stop(const struct tgt_rsp *r, struct rsp_stop *st)
{
    if (rsp_stop_decode(st, r->reply.data, r->reply.len) < 0)
        return -EPROTO;
    const uint8_t *d = r->reply.data;
    if (r->native_signals && r->reply.len >= 3 && (d[0] == 'T' || d[0] == 'S' || d[0] == 'X')) {
        int hi = rsp_hex_nibble((char)d[1]), lo = rsp_hex_nibble((char)d[2]);
        if (hi >= 0 && lo >= 0)
            st->signal = hi << 4 | lo;
    }
    return 0;
}

/* Sends the resume packet: step_tid steps (0: none), sig (host) goes to sig_tid, everyone else
 * continues unless others_stopped. */
static int send_resume(struct tgt_rsp *r, int64_t step_tid, bool others_stopped, int sig,
                       int64_t sig_tid)
{
    char id[48], pkt[160];
    size_t n = 0;
    int gsig = sig != 0 ? wire_signal(r, sig) : 0;
    int rc;
    if (r->vcont) {
        n = (size_t)snprintf(pkt, sizeof(pkt), "vCont");
        if (step_tid != 0) {
            if ((rc = tgt_rsp_format_tid(r, step_tid, id, sizeof(id))) < 0)
                return rc;
            if (gsig != 0 && sig_tid == step_tid)
                n += (size_t)snprintf(pkt + n, sizeof(pkt) - n, ";S%02x:%s", gsig, id);
            else
                n += (size_t)snprintf(pkt + n, sizeof(pkt) - n, ";s:%s", id);
        }
        if (gsig != 0 && sig_tid != 0 && sig_tid != step_tid &&
            !(step_tid != 0 && others_stopped)) {
            if ((rc = tgt_rsp_format_tid(r, sig_tid, id, sizeof(id))) < 0)
                return rc;
            n += (size_t)snprintf(pkt + n, sizeof(pkt) - n, ";C%02x:%s", gsig, id);
        }
        if (step_tid == 0 || !others_stopped)
            n += (size_t)snprintf(pkt + n, sizeof(pkt) - n, ";c");
    } else {
        /* No vCont: Hc names the thread to step (or to get the signal); what the others do is the
         * server's choice (GDB manual E.2, 's' and 'c'). */
        int64_t tid = step_tid != 0 ? step_tid : sig_tid;
        if (tid != 0) {
            if ((rc = tgt_rsp_format_tid(r, tid, id, sizeof(id))) < 0)
                return rc;
            rc = rsp_client_requestf(r->cli, &r->reply, "Hc%s", id);
            if (rc < 0)
                return rc;
            if ((rc = ok_reply(&r->reply)) < 0)
                return rc;
        }
        char op = step_tid != 0 ? 's' : 'c';
        if (gsig != 0 && (sig_tid == tid || tid == 0))
            n = (size_t)snprintf(pkt, sizeof(pkt), "%c%02x", op - 32, gsig);
        else
            n = (size_t)snprintf(pkt, sizeof(pkt), "%c", op);
    }
    if (n >= sizeof(pkt))
        return -E2BIG;
    invalidate_all(r);
    rc = rsp_client_send(r->cli, pkt, n);
    if (rc < 0)
        return rc;
    r->extra_round_trips++; /* the resume and its stop reply */
    r->base.running = true;
    return 0;
}

/* The next stop reply from the server. */
static int recv_stop(struct tgt_rsp *r, struct rsp_stop *st, int timeout_ms)
{
    /* A stop reply that came while we waited for something else (QEMU: one per trapping thread)
     * is the next event. */
    int rc = 0;
    if (!rsp_client_stray_stop(r->cli, &r->reply))
        rc = rsp_client_recv(r->cli, &r->reply, timeout_ms);
    if (rc == -ETIMEDOUT) {
        r->tio.timed_out = false; /* still running: no reply was due */
        return rc;
    }
    r->base.running = false;
    r->hg_tid = HG_UNKNOWN; /* a stop may move the server's general thread (see on_stop) */
    if (rc == -EPIPE)
        r->base.can_run = false; /* the server is gone */
    if (rc < 0)
        return rc;
    if (rsp_reply_error(&r->reply) != 0 || rsp_reply_unsupported(&r->reply))
        return -EIO; /* the server refused the resume */
    return decode_stop(r, st);
}

/* Takes a stop in as the current one: who stopped, where, and whether at one of our breakpoints. */
static int on_stop(struct tgt_rsp *r, struct rsp_stop *st)
{
    struct tgt *t = &r->base;
    invalidate_all(r);
    t->running = false;
    for (size_t i = 0; i < r->nmoribund; i++) {
        if (++r->moribund[i].age > TGT_RSP_MORIBUND_STOPS)
            r->moribund[i--] = r->moribund[--r->nmoribund];
    }
    for (size_t i = 0; i < r->nrehits; i++) {
        if (++r->rehits[i].age > TGT_RSP_MORIBUND_STOPS)
            r->rehits[i--] = r->rehits[--r->nrehits];
    }
    if (st->kind == RSP_STOP_EXITED || st->kind == RSP_STOP_KILLED) {
        t->exited = true;
        t->can_run = false;
        t->last_stop = *st;
        return 0;
    }
    if (st->kind != RSP_STOP_SIGNAL) {
        t->last_stop = *st;
        return 0;
    }
    if (r->reverse && st->signal == SIGKILL) {
        /* rr stops every replay with a synthetic SIGKILL just before the recorded exit (its tests
         * final_sigkill.py, run_end.py), whatever the exit really was; a continue from there gets
         * the W reply. Reported as the exit, as dlv does, but the replay is still there: reverse
         * commands (and a continue, which ends it) still work, so exited stays false. */
        st->kind = RSP_STOP_EXITED;
        st->exit_code = 0;
        t->last_stop = *st;
        r->hg_tid = HG_UNKNOWN;
        return 0;
    }
    if (st->pid > 0)
        t->pid = st->pid;
    if (st->tid == 0 || st->tid == -1) {
        /* No thread: field (old stubs, QEMU without multiprocess): ask which thread it was. */
        if (rsp_client_requestf(r->cli, &r->reply, "qC") == 0 && r->reply.len > 2 &&
            memcmp(r->reply.data, "QC", 2) == 0) {
            struct rsp_cursor c;
            int64_t pid, tid;
            rsp_cursor_init(&c, r->reply.data + 2, r->reply.len - 2);
            if (parse_tid(&c, &pid, &tid) == 0) {
                st->tid = tid;
                if (pid > 0)
                    t->pid = pid;
            }
        }
    }
    t->last_stop = *st;
    t->current_tid = st->tid;
    r->stop_regs_valid = true;
    /* Which thread the server now takes as the general one is its own business (gdbserver moves it
     * to the reporting thread, not every stub does): select explicitly before the next 'g'. One
     * round trip per stop is cheap next to reading the wrong thread's registers. */
    r->hg_tid = HG_UNKNOWN;
    uint64_t pc;
    if (st->signal == SIGTRAP && st->tid > 0 && tgt_read_pc(t, st->tid, &pc) == 0) {
        struct tgt_rsp_bp *b = exec_bp_at(r, pc);
        if (b != NULL) {
            if (st->reason == RSP_REASON_NONE)
                st->reason = b->type == TGT_BP_SW ? RSP_REASON_SWBREAK : RSP_REASON_HWBREAK;
            t->last_stop.reason = st->reason;
            return set_add(r, st->tid);
        }
    }
    return 0;
}

static int queue_stop(struct tgt_rsp *r, const struct rsp_stop *st)
{
    if (r->nqueued == TGT_RSP_MAX_QUEUED)
        return -EOVERFLOW;
    r->queued[r->nqueued++] = *st;
    return 0;
}

/* Waits for a stop that must come soon (a single step): interrupts it after the timeout. */
static int recv_stop_soon(struct tgt_rsp *r, struct rsp_stop *st)
{
    int rc = recv_stop(r, st, STEP_OVER_TIMEOUT_MS);
    if (rc != -ETIMEDOUT)
        return rc;
    rc = rsp_client_interrupt(r->cli);
    if (rc < 0)
        return rc;
    return recv_stop(r, st, r->timeout_ms);
}

/* After a step over the breakpoint at addr: one instruction moves the stack pointer by a few words
 * at most (a push, a call); a signal delivered with the step puts the thread at its handler's first
 * instruction, far down the stack or on the signal stack. The interrupted call then comes back to
 * the breakpoint: remember it so that this second hit is not reported (gdb uses a step-resume
 * breakpoint for the same case). */
static void note_handler_entry(struct tgt_rsp *r, int64_t tid, uint64_t addr, uint64_t sp_before)
{
    uint64_t sp;
    if (tgt_read_reg_u64(&r->base, tid, (unsigned)r->desc.sp_regno, &sp) < 0)
        return;
    uint64_t moved = sp > sp_before ? sp - sp_before : sp_before - sp;
    if (moved <= 256)
        return;
    size_t slot = r->nrehits < TGT_RSP_MAX_REHITS ? r->nrehits++ : 0;
    r->rehits[slot] = (struct tgt_rsp_rehit){.addr = addr, .sp = sp_before, .age = 0};
}

/* Steps tid, which was reported at one of our execution breakpoints, over it: remove it, step tid
 * alone, insert it again. Returns 1 when the step produced a stop to report (it is queued in
 * *step_stop's place: a stop of another kind, or of the process), 0 when the step finished normally
 * (*step_stop has its stop), -errno. */
static int step_over(struct tgt_rsp *r, int64_t tid, struct rsp_stop *step_stop)
{
    struct tgt *t = &r->base;
    uint64_t pc;
    int rc = tgt_read_pc(t, tid, &pc);
    if (rc < 0)
        return rc;
    struct tgt_rsp_bp *b = exec_bp_at(r, pc);
    if (b == NULL) {
        set_remove(r->at_bp, &r->nat_bp, tid); /* moved (its PC was written) or breakpoint gone */
        return 2;
    }
    struct tgt_rsp_bp bp = *b;
    uint64_t sp_before = 0;
    bool have_sp = r->desc.sp_regno >= 0 &&
                   tgt_read_reg_u64(t, tid, (unsigned)r->desc.sp_regno, &sp_before) == 0;
    rc = send_z(r, false, bp.type, bp.addr, bp.len);
    if (rc < 0)
        return rc;
    int sig = 0;
    bool queued = false;
    for (int attempt = 0; attempt < 3; attempt++) {
        rc = send_resume(r, tid, true, sig, tid);
        if (rc == 0)
            rc = recv_stop_soon(r, step_stop);
        if (rc < 0)
            return rc; /* the breakpoint stays out: the connection is gone or the server refused */
        if (step_stop->kind == RSP_STOP_SIGNAL && step_stop->tid == tid &&
            step_stop->signal == SIGTRAP) {
            set_remove(r->at_bp, &r->nat_bp, tid);
            if (have_sp)
                note_handler_entry(r, tid, bp.addr, sp_before);
            break;
        }
        if (step_stop->kind == RSP_STOP_SIGNAL && step_stop->tid == tid && attempt < 2) {
            /* A signal arrived before the step: deliver it with the next step. */
            sig = step_stop->signal;
            continue;
        }
        /* Anything else is an event of its own: report it, leave tid at its breakpoint. */
        rc = queue_stop(r, step_stop);
        if (rc < 0)
            return rc;
        queued = true;
        break;
    }
    if (!t->exited &&
        !(queued && (step_stop->kind == RSP_STOP_EXITED || step_stop->kind == RSP_STOP_KILLED))) {
        rc = send_z(r, true, bp.type, bp.addr, bp.len);
        if (rc < 0)
            return rc;
    }
    return queued ? 1 : 0;
}

static int rsp_resume(struct tgt *t, const struct tgt_resume *req)
{
    struct tgt_rsp *r = R(t);
    if (t->exited)
        return -ESRCH;
    if (t->running)
        return -EBUSY;
    if (r->nqueued > 0 || rsp_client_has_stray_stop(r->cli)) {
        /* A stop already happened (found while stepping over a breakpoint, or a second thread's
         * stop reply under QEMU): report it first. If
         * that stop is swallowed (stale), this request, signal included, is what gets sent. */
        r->last_req = *req;
        t->running = true;
        return 0;
    }
    r->last_req = *req;
    r->last_req.signal = 0; /* a re-send must not deliver the signal twice */
    bool only_step = req->step_tid != 0 && req->others_stopped;
    int sig = req->signal;
    /* Step every thread that will run and sits at a breakpoint we reported over it first. */
    int64_t pending[64];
    size_t np = 0;
    for (size_t i = 0; i < r->nat_bp && np < 64; i++) {
        if (!only_step || r->at_bp[i] == req->step_tid)
            pending[np++] = r->at_bp[i];
    }
    for (size_t i = 0; i < np; i++) {
        struct rsp_stop st;
        int rc = step_over(r, pending[i], &st);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            t->running = true;
            return 0;
        }
        if (rc == 0 && pending[i] == req->step_tid) {
            /* The step asked for is done. (A signal for this thread was not delivered: rare.) */
            rc = queue_stop(r, &st);
            if (rc < 0)
                return rc;
            t->running = true;
            return 0;
        }
    }
    int rc = send_resume(r, req->step_tid, req->others_stopped, sig, sig != 0 ? t->current_tid : 0);
    if (rc < 0)
        return rc;
    if (only_step)
        set_remove(r->at_bp, &r->nat_bp, req->step_tid);
    else
        r->nat_bp = 0;
    return 0;
}

/* A breakpoint hit the server held back (all-stop: it reports one thread per resume) for a
 * breakpoint we have removed since. The server backed the thread's PC up to the breakpoint, so the
 * thread simply runs the original instruction when resumed: the stop means nothing to the user.
 * gdbserver reports these (with SIGTRAP siginfo it does not re-check that the breakpoint is still
 * there). */
static bool stale_stop(struct tgt_rsp *r, const struct rsp_stop *st)
{
    uint64_t pc;
    if (st->kind != RSP_STOP_SIGNAL || st->signal != SIGTRAP || st->tid <= 0 || r->nmoribund == 0)
        return false;
    if (st->reason != RSP_REASON_SWBREAK && st->reason != RSP_REASON_HWBREAK &&
        st->tid == r->last_req.step_tid)
        return false; /* the step we asked for ended there */
    if (tgt_read_pc(&r->base, st->tid, &pc) < 0 || exec_bp_at(r, pc) != NULL)
        return false;
    for (size_t i = 0; i < r->nmoribund; i++) {
        if (r->moribund[i].addr == pc)
            return true;
    }
    return false;
}

/* The second hit of a call whose step over the breakpoint went into a signal handler (see
 * note_handler_entry): same breakpoint, same stack pointer. Consumes the expectation. */
static bool repeated_hit(struct tgt_rsp *r, const struct rsp_stop *st)
{
    uint64_t pc, sp;
    if (r->nrehits == 0 || st->kind != RSP_STOP_SIGNAL || st->signal != SIGTRAP || st->tid <= 0)
        return false;
    if (tgt_read_pc(&r->base, st->tid, &pc) < 0 || exec_bp_at(r, pc) == NULL ||
        tgt_read_reg_u64(&r->base, st->tid, (unsigned)r->desc.sp_regno, &sp) < 0)
        return false;
    for (size_t i = 0; i < r->nrehits; i++) {
        if (r->rehits[i].addr == pc && r->rehits[i].sp == sp) {
            r->rehits[i] = r->rehits[--r->nrehits];
            return true;
        }
    }
    return false;
}

static int rsp_wait(struct tgt *t, struct rsp_stop *out, int timeout_ms)
{
    struct tgt_rsp *r = R(t);
    struct rsp_stop st;
    int rc;
    for (int swallowed = 0;; swallowed++) {
        if (r->nqueued > 0) {
            st = r->queued[0];
            memmove(&r->queued[0], &r->queued[1], (r->nqueued - 1) * sizeof(r->queued[0]));
            r->nqueued--;
        } else {
            if (!t->running)
                return -ECHILD;
            rc = recv_stop(r, &st, timeout_ms);
            if (rc < 0)
                return rc;
        }
        rc = on_stop(r, &st);
        if (rc < 0)
            return rc;
        if (swallowed >= 1000 || (!stale_stop(r, &st) && !repeated_hit(r, &st)))
            break;
        /* Nothing moved when the server reported the held-back event: ask again for what we asked.
         */
        r->stale_stops++;
        struct tgt_resume again = r->last_req;
        rc = rsp_resume(t, &again);
        if (rc < 0)
            return rc;
    }
    *out = st;
    return 0;
}

static int rsp_interrupt(struct tgt *t)
{
    struct tgt_rsp *r = R(t);
    if (!t->running || r->nqueued > 0 || rsp_client_has_stray_stop(r->cli))
        return 0; /* nothing runs: the next wait returns at once */
    return rsp_client_interrupt(r->cli);
}

/* Brings a running target to a stop before a request that needs one (all-stop servers do not read
 * packets while the program runs). */
static void stop_quietly(struct tgt_rsp *r)
{
    struct rsp_stop st;
    if (r->base.running && r->nqueued == 0) {
        if (rsp_client_interrupt(r->cli) == 0 && recv_stop(r, &st, 2000) == 0)
            (void)on_stop(r, &st);
    }
    r->base.running = false;
    r->nqueued = 0;
}

static int rsp_detach(struct tgt *t)
{
    struct tgt_rsp *r = R(t);
    if (t->exited)
        return -ESRCH;
    stop_quietly(r);
    /* Our breakpoints come out first: a server might leave them in the program (gdb does the same).
     */
    while (r->nbps > 0) {
        struct tgt_rsp_bp b = r->bps[r->nbps - 1];
        (void)send_z(r, false, b.type, b.addr, b.len);
        r->nbps--;
    }
    int rc;
    if (r->multiprocess && t->pid > 0)
        rc = rsp_client_requestf(r->cli, &r->reply, "D;%" PRIx64, (uint64_t)t->pid);
    else
        rc = rsp_client_requestf(r->cli, &r->reply, "D");
    if (rc == 0)
        rc = ok_reply(&r->reply);
    if (rc == 0) {
        t->exited = true;
        t->can_run = false;
    }
    return rc;
}

static int rsp_kill(struct tgt *t)
{
    struct tgt_rsp *r = R(t);
    if (t->exited)
        return -ESRCH;
    stop_quietly(r);
    int rc;
    if (r->multiprocess && t->pid > 0) {
        rc = rsp_client_requestf(r->cli, &r->reply, "vKill;%" PRIx64, (uint64_t)t->pid);
        if (rc == 0)
            rc = ok_reply(&r->reply);
    } else {
        /* 'k' has no defined reply (GDB manual E.2); some servers send X09, some nothing. */
        rc = rsp_client_send(r->cli, "k", 1);
        if (rc == 0) {
            int w = rsp_client_recv(r->cli, &r->reply, 1000);
            if (w < 0 && w != -ETIMEDOUT && w != -EPIPE)
                rc = w;
        }
    }
    if (rc == 0) {
        t->exited = true;
        t->can_run = false;
    }
    return rc;
}

static void rsp_close(struct tgt *t)
{
    struct tgt_rsp *r = R(t);
    drop_regcaches(r);
    free(r->rc);
    free(r->bps);
    free(r->at_bp);
    rsp_client_free(r->cli);
    tgt_rsp_io_close(&r->tio);
    tgt_rsp_free_tdesc(r);
    rsp_buf_fini(&r->reply);
    tgt_fini_common(t);
    free(r);
}

static const struct tgt_ops rsp_ops = {
    .name = "rsp",
    .close = rsp_close,
    .threads = rsp_threads,
    .read_reg = rsp_read_reg,
    .write_reg = rsp_write_reg,
    .read_mem = rsp_read_mem,
    .read_blocks = rsp_read_blocks,
    .write_mem = rsp_write_mem,
    .stats = rsp_stats,
    .resume = rsp_resume,
    .wait = rsp_wait,
    .interrupt = rsp_interrupt,
    .set_bp = rsp_set_bp,
    .clear_bp = rsp_clear_bp,
    .detach = rsp_detach,
    .kill = rsp_kill,
};

/* ------------------------------------------------------------------ connecting */

/* Servers without multiprocess name no pid in their stop replies: lldb-server says it in
 * qProcessInfo ("pid:HEX;..."), gdbserver and QEMU leave t->pid 0 (then the CLI does without). */
static void query_pid(struct tgt_rsp *r)
{
    if (rsp_client_requestf(r->cli, &r->reply, "qProcessInfo") < 0 || r->reply.len < 4)
        return;
    struct rsp_cursor c;
    rsp_cursor_init(&c, r->reply.data, r->reply.len);
    while (!rsp_cursor_eof(&c)) {
        const char *tok;
        size_t tlen;
        rsp_cursor_token(&c, ';', &tok, &tlen);
        if (tlen > 4 && memcmp(tok, "pid:", 4) == 0) {
            struct rsp_cursor v;
            int64_t pid;
            rsp_cursor_init(&v, tok + 4, tlen - 4);
            if (rsp_cursor_hex_i64(&v, &pid) == 0 && rsp_cursor_eof(&v) && pid > 0)
                r->base.pid = pid;
            return;
        }
    }
}

static int setup(struct tgt_rsp *r, const char **why)
{
    struct tgt *t = &r->base;
    int rc = rsp_client_handshake(r->cli, OUR_FEATURES);
    if (rc < 0) {
        *why = rc == -ETIMEDOUT ? "the server did not answer qSupported in time"
                                : "the server did not answer qSupported (is this an RSP server?)";
        return rc;
    }
    r->multiprocess = rsp_client_has_feature(r->cli, "multiprocess");
    r->native_signals = rsp_client_has_feature(r->cli, "native-signals");
    r->reverse = rsp_client_has_feature(r->cli, "ReverseContinue") &&
                 rsp_client_has_feature(r->cli, "ReverseStep");
    /* In ack mode the client resends after a missing ack (timeouts are part of the protocol there).
     */
    r->tio.strict = rsp_client_noack(r->cli);
    /* QEMU (the ack-mode server we know) answers one continue with a stop reply for every thread
     * that traps, some of them while we wait for other answers: queue those as events. */
    rsp_client_set_stray_stops(r->cli, !rsp_client_noack(r->cli));
    /* Select "any thread" first, as gdb does: gdbserver answers qXfer:features from the selected
     * thread's process and has none selected right after the handshake (it asserts). The reply does
     * not matter. */
    rc = rsp_client_requestf(r->cli, &r->reply, r->multiprocess ? "Hgp0.0" : "Hg0");
    if (rc < 0) {
        *why = "the connection failed during set-up";
        return rc;
    }
    rc = tgt_rsp_read_tdesc(r, why);
    if (rc < 0)
        return rc;
    t->arch = &r->desc;
    /* lldb's QThreadSuffixSupported (lldb-gdb-remote.txt): p and P then carry ";thread:TID;",
     * which saves the Hg before each other thread's registers. Once on, the server wants the
     * suffix on g and G too: used only where registers go through p/P alone (lldb_regs). */
    if (r->lldb_regs && rsp_client_has_feature(r->cli, "QThreadSuffixSupported")) {
        rc = rsp_client_requestf(r->cli, &r->reply, "QThreadSuffixSupported");
        if (rc < 0) {
            *why = "the connection failed during set-up";
            return rc;
        }
        r->thread_suffix = reply_is(&r->reply, "OK");
    }

    rc = rsp_client_requestf(r->cli, &r->reply, "vCont?");
    if (rc < 0) {
        *why = "the connection failed during set-up";
        return rc;
    }
    /* "vCont;c;C;s;S[;t;r]": we need c and s */
    const char *v = (const char *)r->reply.data;
    r->vcont = strncmp(v, "vCont", 5) == 0 && strstr(v, ";c") != NULL && strstr(v, ";s") != NULL;

    rc = rsp_client_requestf(r->cli, &r->reply, "?");
    if (rc < 0) {
        *why = "the connection failed during set-up";
        return rc;
    }
    struct rsp_stop st;
    if (decode_stop(r, &st) < 0) {
        *why = "the server has no process to debug (its answer to '?' is not a stop)";
        return -ESRCH;
    }
    t->can_run = true;
    rc = on_stop(r, &st);
    if (rc < 0) {
        *why = "cannot read the initial stop";
        return rc;
    }
    if (t->exited) {
        *why = "the process has already exited";
        return -ESRCH;
    }
    if (t->pid <= 0)
        query_pid(r);
    return 0;
}

static int connect_common(struct tgt_rsp *r, int timeout_ms, struct tgt **out, const char **why)
{
    const char *dummy;
    if (why == NULL)
        why = &dummy;
    *why = "out of memory";
    r->base.ops = &rsp_ops;
    r->timeout_ms = timeout_ms;
    r->hg_tid = HG_UNKNOWN;
    rsp_buf_init(&r->reply, TGT_RSP_MAX_REPLY);
    r->io = tgt_rsp_io_ops;
    int rc = tgt_init_common(&r->base);
    if (rc == 0) {
        r->cli = rsp_client_new(&r->io, &r->tio);
        rc = r->cli != NULL ? 0 : -ENOMEM;
    }
    if (rc == 0) {
        rsp_client_set_timeout(r->cli, timeout_ms);
        rc = setup(r, why);
    }
    if (rc < 0) {
        rsp_close(&r->base);
        return rc;
    }
    *out = &r->base;
    return 0;
}

int tgt_rsp_connect(const char *host_port, int timeout_ms, struct tgt **out, const char **why)
{
    const char *dummy;
    if (why == NULL)
        why = &dummy;
    *out = NULL;
    struct tgt_rsp *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        *why = "out of memory";
        return -ENOMEM;
    }
    r->tio.read_fd = r->tio.write_fd = -1;
    int rc = tgt_rsp_io_tcp(&r->tio, host_port, why);
    if (rc < 0) {
        free(r);
        return rc;
    }
    return connect_common(r, timeout_ms, out, why);
}

int tgt_rsp_connect_fds(int read_fd, int write_fd, int timeout_ms, struct tgt **out,
                        const char **why)
{
    *out = NULL;
    struct tgt_rsp *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        if (why != NULL)
            *why = "out of memory";
        return -ENOMEM;
    }
    r->tio.read_fd = read_fd;
    r->tio.write_fd = write_fd;
    r->tio.socket = false;
    return connect_common(r, timeout_ms, out, why);
}

int tgt_rsp_pass_signals(struct tgt *t, const int *sigs, size_t n)
{
    struct tgt_rsp *r = R(t);
    if (t->running)
        return -EBUSY;
    char pkt[64 * 4 + 16];
    size_t len = (size_t)snprintf(pkt, sizeof(pkt), "QPassSignals:");
    for (size_t i = 0; i < n && i < 64; i++) {
        int g = wire_signal(r, sigs[i]);
        len += (size_t)snprintf(pkt + len, sizeof(pkt) - len, "%s%x", i ? ";" : "", g);
    }
    int rc = rsp_client_request(r->cli, pkt, len, &r->reply);
    return rc < 0 ? rc : ok_reply(&r->reply);
}

bool tgt_rsp_can_reverse(const struct tgt *t)
{
    return t->ops == &rsp_ops && ((const struct tgt_rsp *)t)->reverse && !t->exited;
}

int tgt_rsp_reverse(struct tgt *t, int64_t step_tid)
{
    if (!tgt_rsp_can_reverse(t))
        return -EOPNOTSUPP;
    struct tgt_rsp *r = R(t);
    if (t->running)
        return -EBUSY;
    if (r->nqueued > 0 || rsp_client_has_stray_stop(r->cli))
        return -EBUSY; /* a forward stop not reported yet: the caller waits for it first */
    int rc;
    if (step_tid != 0) {
        /* bs steps the thread Hc selected (GDB manual E.2 'bs'; rr takes it from there) */
        char id[48];
        if ((rc = tgt_rsp_format_tid(r, step_tid, id, sizeof(id))) < 0)
            return rc;
        rc = rsp_client_requestf(r->cli, &r->reply, "Hc%s", id);
        if (rc < 0)
            return rc;
        if ((rc = ok_reply(&r->reply)) < 0)
            return rc;
    }
    invalidate_all(r);
    rc = rsp_client_send(r->cli, step_tid != 0 ? "bs" : "bc", 2);
    if (rc < 0)
        return rc;
    r->extra_round_trips++;
    /* The server keeps its own breakpoints in place going backwards: nothing to step over, and a
     * thread reported at a breakpoint is not there any more after the move. */
    r->nat_bp = 0;
    r->last_req = (struct tgt_resume){.step_tid = step_tid, .others_stopped = true};
    t->running = true;
    return 0;
}

bool tgt_rsp_has_vcont(const struct tgt *t)
{
    return ((const struct tgt_rsp *)t)->vcont;
}

/* "start:HEX;size:HEX;permissions:rwx;name:HEXPATH;..." (lldb's gdb-remote protocol extensions,
 * qMemoryRegionInfo). No permissions field: addr lies in a gap. */
int tgt_rsp_memory_region(struct tgt *t, uint64_t addr, struct tgt_mem_region *out)
{
    struct tgt_rsp *r = R(t);
    memset(out, 0, sizeof(*out));
    if (t->running)
        return -EBUSY;
    int rc = rsp_client_requestf(r->cli, &r->reply, "qMemoryRegionInfo:%" PRIx64, addr);
    if (rc < 0)
        return rc;
    if (rsp_reply_unsupported(&r->reply))
        return -EOPNOTSUPP;
    if (rsp_reply_error(&r->reply) != 0)
        return -EIO;
    bool have_start = false, have_size = false;
    struct rsp_cursor c;
    rsp_cursor_init(&c, r->reply.data, r->reply.len);
    while (!rsp_cursor_eof(&c)) {
        const char *tok;
        size_t tlen;
        rsp_cursor_token(&c, ';', &tok, &tlen);
        const char *colon = memchr(tok, ':', tlen);
        if (colon == NULL)
            continue;
        size_t klen = (size_t)(colon - tok), vlen = tlen - klen - 1;
        struct rsp_cursor v;
        rsp_cursor_init(&v, colon + 1, vlen);
        if (klen == 5 && memcmp(tok, "start", 5) == 0) {
            have_start = rsp_cursor_hex_u64(&v, &out->start) == 0 && rsp_cursor_eof(&v);
        } else if (klen == 4 && memcmp(tok, "size", 4) == 0) {
            have_size = rsp_cursor_hex_u64(&v, &out->len) == 0 && rsp_cursor_eof(&v);
        } else if (klen == 11 && memcmp(tok, "permissions", 11) == 0) {
            out->mapped = vlen > 0; /* "permissions:;" is a gap too */
            out->read = memchr(colon + 1, 'r', vlen) != NULL;
            out->write = memchr(colon + 1, 'w', vlen) != NULL;
            out->exec = memchr(colon + 1, 'x', vlen) != NULL;
        } else if (klen == 4 && memcmp(tok, "name", 4) == 0 && vlen % 2 == 0 &&
                   vlen / 2 < sizeof(out->name)) {
            if (rsp_hex_decode((uint8_t *)out->name, vlen / 2, colon + 1, vlen) < 0 ||
                memchr(out->name, '\0', vlen / 2) != NULL)
                memset(out->name, 0, sizeof(out->name));
        }
    }
    if (!have_start || !have_size || out->len == 0 || addr < out->start ||
        addr - out->start >= out->len)
        return -EPROTO;
    return 0;
}
