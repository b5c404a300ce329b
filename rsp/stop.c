/*
 * rsp/stop.c - stop reply packets (GDB manual E.3) to and from struct rsp_stop.
 *
 * The encoder writes what gdbserver writes, in gdbserver's order (remote-utils.cc
 * prepare_resume_reply): T<sig> [create:;] [watch|rwatch|awatch:<16 hex digits>;]
 * [swbreak:;|hwbreak:;] <regno>:<hex>;... thread:<ptid>; [core:<hex>;] followed, for lldb-style
 * clients, by reason:<breakpoint|watchpoint|trace|signal>;. The decoder accepts both gdbserver's
 * and lldb-server's replies and skips fields it does not know. Signals are converted between GDB
 * and host numbering here (rsp/signals.h). Not for 'O' console output (client.c).
 */
#include "rsp/stop.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "rsp/signals.h"

/* ------------------------------------------------------------------ encoding */

/* Thread ids as gdbserver's write_ptid prints them: hex, with '-' for negative values (-1 = all).
 */
static int add_id(struct rsp_buf *out, int64_t id)
{
    if (id < 0)
        return rsp_buf_addf(out, "-%" PRIx64, (uint64_t)0 - (uint64_t)id);
    return rsp_buf_addf(out, "%" PRIx64, (uint64_t)id);
}

static int add_ptid(struct rsp_buf *out, const struct rsp_stop *st, bool multiprocess)
{
    int rc = 0;
    if (multiprocess) {
        rc = rsp_buf_addc(out, 'p');
        if (rc == 0)
            rc = add_id(out, st->pid);
        if (rc == 0)
            rc = rsp_buf_addc(out, '.');
    }
    if (rc == 0)
        rc = add_id(out, st->tid);
    return rc;
}

static const char *watch_name(enum rsp_stop_reason r)
{
    switch (r) {
    case RSP_REASON_WATCH:
        return "watch";
    case RSP_REASON_RWATCH:
        return "rwatch";
    case RSP_REASON_AWATCH:
        return "awatch";
    default:
        return NULL;
    }
}

/* lldb's reason: field (lldb-server GDBRemoteCommunicationServerLLGS). */
static const char *lldb_reason(const struct rsp_stop *st)
{
    switch (st->reason) {
    case RSP_REASON_SWBREAK:
    case RSP_REASON_HWBREAK:
        return "breakpoint";
    case RSP_REASON_WATCH:
    case RSP_REASON_RWATCH:
    case RSP_REASON_AWATCH:
        return "watchpoint";
    case RSP_REASON_SINGLESTEP:
        return "trace";
    case RSP_REASON_NONE:
        return st->signal != 0 ? "signal" : NULL;
    case RSP_REASON_CREATE:
        return NULL;
    }
    return NULL;
}

static int encode_t(struct rsp_buf *out, const struct rsp_stop *st,
                    const struct rsp_stop_style *style)
{
    int rc = rsp_buf_addf(out, "T%02x", (unsigned)rsp_signal_to_gdb(st->signal));
    const char *watch = watch_name(st->reason);
    if (rc == 0 && st->reason == RSP_REASON_CREATE)
        rc = rsp_buf_adds(out, "create:;");
    if (rc == 0 && watch != NULL)
        rc = rsp_buf_addf(out, "%s:%016" PRIx64 ";", watch, st->watch_addr);
    /* swbreak:/hwbreak: only for clients that asked for them in qSupported (GDB manual E.3). */
    if (rc == 0 && st->reason == RSP_REASON_SWBREAK && style->swbreak)
        rc = rsp_buf_adds(out, "swbreak:;");
    if (rc == 0 && st->reason == RSP_REASON_HWBREAK && style->hwbreak)
        rc = rsp_buf_adds(out, "hwbreak:;");
    unsigned nregs = st->nregs < RSP_STOP_MAX_REGS ? st->nregs : RSP_STOP_MAX_REGS;
    for (unsigned i = 0; rc == 0 && i < nregs; i++) {
        unsigned len = st->regs[i].len <= sizeof(st->regs[i].value)
                           ? st->regs[i].len
                           : (unsigned)sizeof(st->regs[i].value);
        rc = rsp_buf_addf(out, "%02x:", st->regs[i].regno);
        if (rc == 0)
            rc = rsp_buf_add_hex(out, st->regs[i].value, len);
        if (rc == 0)
            rc = rsp_buf_addc(out, ';');
    }
    if (rc == 0 && st->tid != 0) {
        rc = rsp_buf_adds(out, "thread:");
        if (rc == 0)
            rc = add_ptid(out, st, style->multiprocess);
        if (rc == 0)
            rc = rsp_buf_addc(out, ';');
    }
    if (rc == 0 && st->core >= 0)
        rc = rsp_buf_addf(out, "core:%x;", (unsigned)st->core);
    if (rc == 0 && style->lldb) {
        const char *reason = lldb_reason(st);
        if (reason != NULL)
            rc = rsp_buf_addf(out, "reason:%s;", reason);
        /* lldb finds the watchpoint from description: hex of "<decimal address>" (it parses the
         * address, then an optional index and hit address). */
        if (rc == 0 && watch != NULL) {
            char text[24];
            int n = snprintf(text, sizeof(text), "%" PRIu64, st->watch_addr);
            rc = rsp_buf_adds(out, "description:");
            if (rc == 0)
                rc = rsp_buf_add_hex(out, text, (size_t)n);
            if (rc == 0)
                rc = rsp_buf_addc(out, ';');
        }
    }
    return rc;
}

int rsp_stop_encode(struct rsp_buf *out, const struct rsp_stop *st,
                    const struct rsp_stop_style *style)
{
    size_t start_len = out->len;
    int rc;
    switch (st->kind) {
    case RSP_STOP_SIGNAL:
        rc = encode_t(out, st, style);
        break;
    case RSP_STOP_EXITED:
    case RSP_STOP_KILLED:
        if (st->kind == RSP_STOP_EXITED)
            rc = rsp_buf_addf(out, "W%02x", (unsigned)st->exit_code & 0xffu);
        else
            rc = rsp_buf_addf(out, "X%02x", (unsigned)rsp_signal_to_gdb(st->signal));
        if (rc == 0 && style->multiprocess) {
            rc = rsp_buf_adds(out, ";process:");
            if (rc == 0)
                rc = add_id(out, st->pid);
        }
        break;
    case RSP_STOP_THREAD_EXIT:
        rc = rsp_buf_addf(out, "w%x;", (unsigned)st->exit_code);
        if (rc == 0)
            rc = add_ptid(out, st, style->multiprocess);
        break;
    case RSP_STOP_NO_RESUMED:
        rc = rsp_buf_addc(out, 'N');
        break;
    default:
        rc = -EINVAL;
        break;
    }
    if (rc < 0) {
        out->len = start_len;
        if (out->cap > 0)
            out->data[out->len] = 0;
    }
    return rc;
}

/* ------------------------------------------------------------------ decoding */

static bool tok_is(const char *tok, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(tok, word, len) == 0;
}

/* "p<pid>.<tid>", "p<pid>" (all threads of pid: tid -1) or "<tid>". */
static int parse_ptid(const char *s, size_t len, int64_t *pid, int64_t *tid)
{
    struct rsp_cursor c;
    rsp_cursor_init(&c, s, len);
    if (rsp_cursor_skip_prefix(&c, "p")) {
        if (rsp_cursor_hex_i64(&c, pid) < 0)
            return -EINVAL;
        if (rsp_cursor_eof(&c)) {
            *tid = -1;
            return 0;
        }
        if (rsp_cursor_expect(&c, '.') < 0)
            return -EINVAL;
    }
    if (rsp_cursor_hex_i64(&c, tid) < 0 || !rsp_cursor_eof(&c))
        return -EINVAL;
    return 0;
}

static int parse_hex_all(const char *s, size_t len, uint64_t *v)
{
    struct rsp_cursor c;
    rsp_cursor_init(&c, s, len);
    if (rsp_cursor_hex_u64(&c, v) < 0 || !rsp_cursor_eof(&c))
        return -EINVAL;
    return 0;
}

static bool all_hex(const char *s, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (rsp_hex_nibble((unsigned char)s[i]) < 0)
            return false;
    }
    return true;
}

static int host_signal(uint64_t gdb_sig)
{
    return gdb_sig > INT_MAX ? -1 : rsp_signal_from_gdb((int)gdb_sig);
}

/* An expedited register "NN:hex". Registers past the array, wider than 16 bytes, or unavailable
 * ("xx...") are dropped; bad hex is an error. */
static int parse_reg(struct rsp_stop *st, const char *name, size_t nlen, const char *val,
                     size_t vlen)
{
    uint64_t regno;
    if (parse_hex_all(name, nlen, &regno) < 0 || regno > UINT_MAX)
        return -EINVAL;
    if (vlen > 0 && val[0] == 'x')
        return 0;
    if (vlen % 2 != 0)
        return -EINVAL;
    uint8_t tmp[sizeof(st->regs[0].value)];
    if (vlen / 2 > sizeof(tmp)) {
        if (!all_hex(val, vlen))
            return -EINVAL;
        return 0;
    }
    if (rsp_hex_decode(tmp, vlen / 2, val, vlen) < 0)
        return -EINVAL;
    if (st->nregs >= RSP_STOP_MAX_REGS)
        return 0;
    st->regs[st->nregs].regno = (unsigned)regno;
    st->regs[st->nregs].len = (unsigned)(vlen / 2);
    memcpy(st->regs[st->nregs].value, tmp, vlen / 2);
    st->nregs++;
    return 0;
}

/* lldb's description: for watchpoints is hex-encoded text starting with the decimal address. */
static void parse_lldb_description(struct rsp_stop *st, const char *val, size_t vlen)
{
    uint8_t text[64];
    struct rsp_cursor c;
    size_t n;
    rsp_cursor_init(&c, val, vlen);
    if (rsp_cursor_hex_bytes(&c, text, sizeof(text), &n) < 0)
        return;
    rsp_cursor_init(&c, text, n);
    uint64_t addr;
    if (rsp_cursor_dec_u64(&c, &addr) == 0)
        st->watch_addr = addr;
}

static int parse_t_fields(struct rsp_stop *st, struct rsp_cursor *c)
{
    const char *lldb_reason_val = NULL, *desc = NULL;
    size_t lldb_reason_len = 0, desc_len = 0;
    while (!rsp_cursor_eof(c)) {
        const char *field;
        size_t flen;
        rsp_cursor_token(c, ';', &field, &flen);
        const char *colon = flen > 0 ? memchr(field, ':', flen) : NULL;
        if (colon == NULL)
            continue; /* not a name:value field: skipped like any unknown field */
        const char *name = field, *val = colon + 1;
        size_t nlen = (size_t)(colon - field), vlen = flen - nlen - 1;
        uint64_t v;
        if (tok_is(name, nlen, "thread")) {
            if (parse_ptid(val, vlen, &st->pid, &st->tid) < 0)
                return -EINVAL;
        } else if (tok_is(name, nlen, "core")) {
            if (parse_hex_all(val, vlen, &v) < 0 || v > INT_MAX)
                return -EINVAL;
            st->core = (int)v;
        } else if (tok_is(name, nlen, "watch") || tok_is(name, nlen, "rwatch") ||
                   tok_is(name, nlen, "awatch")) {
            if (parse_hex_all(val, vlen, &st->watch_addr) < 0)
                return -EINVAL;
            st->reason = name[0] == 'w'   ? RSP_REASON_WATCH
                         : name[0] == 'r' ? RSP_REASON_RWATCH
                                          : RSP_REASON_AWATCH;
        } else if (tok_is(name, nlen, "swbreak")) {
            st->reason = RSP_REASON_SWBREAK;
        } else if (tok_is(name, nlen, "hwbreak")) {
            st->reason = RSP_REASON_HWBREAK;
        } else if (tok_is(name, nlen, "create")) {
            st->reason = RSP_REASON_CREATE;
        } else if (tok_is(name, nlen, "reason")) {
            lldb_reason_val = val;
            lldb_reason_len = vlen;
        } else if (tok_is(name, nlen, "description")) {
            desc = val;
            desc_len = vlen;
        } else if (all_hex(name, nlen)) {
            if (parse_reg(st, name, nlen, val, vlen) < 0)
                return -EINVAL;
        }
        /* anything else (name:, threads:, thread-pcs:, library:, fork:, exec:...) is skipped */
    }
    /* lldb's reason: fills in what gdb-style fields did not say. */
    if (lldb_reason_val != NULL && st->reason == RSP_REASON_NONE) {
        if (tok_is(lldb_reason_val, lldb_reason_len, "breakpoint")) {
            st->reason = RSP_REASON_SWBREAK;
        } else if (tok_is(lldb_reason_val, lldb_reason_len, "trace")) {
            st->reason = RSP_REASON_SINGLESTEP;
        } else if (tok_is(lldb_reason_val, lldb_reason_len, "watchpoint")) {
            st->reason = RSP_REASON_WATCH;
            if (desc != NULL)
                parse_lldb_description(st, desc, desc_len);
        }
    }
    return 0;
}

int rsp_stop_decode(struct rsp_stop *st, const uint8_t *payload, size_t len)
{
    struct rsp_stop tmp;
    memset(&tmp, 0, sizeof(tmp));
    tmp.core = -1;
    struct rsp_cursor c;
    rsp_cursor_init(&c, payload, len);
    if (rsp_cursor_eof(&c))
        return -EINVAL;
    char kind = *c.p++;
    uint64_t v;
    const char *tok;
    size_t toklen;
    switch (kind) {
    case 'T':
    case 'S': {
        /* exactly two hex digits of signal, then (T only) fields */
        uint8_t sig;
        if (rsp_cursor_left(&c) < 2 || rsp_hex_decode(&sig, 1, c.p, 2) < 0)
            return -EINVAL;
        c.p += 2;
        tmp.kind = RSP_STOP_SIGNAL;
        tmp.signal = host_signal(sig);
        if (kind == 'T' && parse_t_fields(&tmp, &c) < 0)
            return -EINVAL;
        break;
    }
    case 'W':
    case 'X':
        if (rsp_cursor_hex_u64(&c, &v) < 0)
            return -EINVAL;
        if (kind == 'W') {
            tmp.kind = RSP_STOP_EXITED;
            if (v > INT_MAX)
                return -EINVAL;
            tmp.exit_code = (int)v;
        } else {
            tmp.kind = RSP_STOP_KILLED;
            tmp.signal = host_signal(v);
        }
        if (rsp_cursor_skip_prefix(&c, ";process:")) {
            if (rsp_cursor_hex_i64(&c, &tmp.pid) < 0)
                return -EINVAL;
        }
        break;
    case 'w':
        if (rsp_cursor_hex_u64(&c, &v) < 0 || v > INT_MAX || rsp_cursor_expect(&c, ';') < 0)
            return -EINVAL;
        tmp.kind = RSP_STOP_THREAD_EXIT;
        tmp.exit_code = (int)v;
        rsp_cursor_token(&c, ';', &tok, &toklen);
        if (parse_ptid(tok, toklen, &tmp.pid, &tmp.tid) < 0)
            return -EINVAL;
        break;
    case 'N':
        tmp.kind = RSP_STOP_NO_RESUMED;
        break;
    default:
        return -EINVAL;
    }
    *st = tmp;
    return 0;
}
