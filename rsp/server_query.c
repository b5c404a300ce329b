/*
 * rsp/server_query.c - the general queries and settings gdb sends: threads (qC, qfThreadInfo,
 * qsThreadInfo, qThreadExtraInfo, T, H), qAttached, the qXfer objects (target.xml, threads, auxv,
 * exec-file, siginfo), signal policy (QPassSignals, QProgramSignals), QThreadEvents, QNonStop and
 * the monitor (qRcmd). GDB manual E.4 "General Query Packets".
 *
 * Not here: lldb's own queries (server_lldb.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rsp/server_internal.h"

/* ------------------------------------------------------------------ threads */

int srv_h_attached(struct rsp_server *s, struct rsp_cursor *a)
{
    uint64_t pid;

    if (rsp_cursor_skip_prefix(a, ":") && rsp_cursor_hex_u64(a, &pid) != 0)
        return -EINVAL;
    if (!rsp_cursor_eof(a))
        return -EINVAL;
    return srv_reply_str(s, s->tgt->attached(s->ctx) ? "1" : "0");
}

int srv_h_current_thread(struct rsp_server *s, struct rsp_cursor *a)
{
    int64_t tid = srv_current_tid(s);

    (void)a;
    if (tid <= 0)
        return -ESRCH;
    if (srv_reply_str(s, "QC") != 0)
        return -E2BIG;
    return srv_add_thread_id(s, &s->reply, tid);
}

/* Sends the next part of the snapshot: "m id,id,..." or "l" at the end. */
static int thread_info_chunk(struct rsp_server *s)
{
    int rc;

    if (s->tid_pos >= s->ntids)
        return srv_reply_str(s, "l");
    rc = srv_reply_str(s, "m");
    while (rc == 0 && s->tid_pos < s->ntids && s->reply.len < RSP_SERVER_PACKET_SIZE - 64) {
        if (s->reply.len > 1)
            rc = rsp_buf_addc(&s->reply, ',');
        if (rc == 0)
            rc = srv_add_thread_id(s, &s->reply, s->tids[s->tid_pos++]);
    }
    return rc;
}

int srv_h_thread_info_first(struct rsp_server *s, struct rsp_cursor *a)
{
    size_t n;

    (void)a;
    n = s->tgt->list_threads(s->ctx, s->tids, SRV_MAX_THREADS);
    s->ntids = n < SRV_MAX_THREADS ? n : SRV_MAX_THREADS;
    s->tid_pos = 0;
    return thread_info_chunk(s);
}

int srv_h_thread_info_next(struct rsp_server *s, struct rsp_cursor *a)
{
    (void)a;
    return thread_info_chunk(s);
}

/* qThreadExtraInfo,ID: shown by gdb's "info threads" in parentheses; we give the thread's name. */
int srv_h_thread_extra_info(struct rsp_server *s, struct rsp_cursor *a)
{
    char name[64];
    int64_t tid;
    int rc;

    if (srv_parse_thread_id(a, &tid) != 0 || !rsp_cursor_eof(a) || tid <= 0)
        return -EINVAL;
    name[0] = 0;
    rc = s->tgt->thread_name(s->ctx, tid, name, sizeof(name));
    if (rc != 0)
        return rc;
    name[sizeof(name) - 1] = 0;
    return rsp_buf_add_hex(&s->reply, name, strlen(name));
}

/* T ID: is the thread alive? */
int srv_h_thread_alive(struct rsp_server *s, struct rsp_cursor *a)
{
    int64_t tid;

    if (srv_parse_thread_id(a, &tid) != 0 || !rsp_cursor_eof(a) || tid <= 0)
        return -EINVAL;
    if (!s->tgt->thread_alive(s->ctx, tid))
        return -ESRCH;
    return srv_reply_str(s, "OK");
}

/* Hg ID / Hc ID: the thread later g/p/m (Hg) and legacy c/s (Hc) apply to. */
int srv_h_set_thread(struct rsp_server *s, struct rsp_cursor *a)
{
    int64_t tid;
    char op;

    if (rsp_cursor_eof(a))
        return -EINVAL;
    op = *a->p++;
    if ((op != 'g' && op != 'c') || srv_parse_thread_id(a, &tid) != 0 || !rsp_cursor_eof(a))
        return -EINVAL;
    if (tid > 0 && !s->tgt->thread_alive(s->ctx, tid))
        return -ESRCH;
    if (op == 'g')
        s->g_tid = tid;
    else
        s->c_tid = tid;
    return srv_reply_str(s, "OK");
}

/* ------------------------------------------------------------------ qXfer */

/* "ANNEX:OFFSET,LENGTH" after "qXfer:OBJECT:read:". annex points into the packet. */
static int parse_xfer(struct rsp_cursor *a, const char **annex, size_t *annex_len, uint64_t *off,
                      uint64_t *len)
{
    rsp_cursor_token(a, ':', annex, annex_len);
    if (rsp_cursor_hex_u64(a, off) != 0 || rsp_cursor_expect(a, ',') != 0 ||
        rsp_cursor_hex_u64(a, len) != 0 || !rsp_cursor_eof(a))
        return -EINVAL;
    /* rsp_cursor_token accepts a missing ':'; then the annex swallowed everything. */
    if (*annex + *annex_len == a->end)
        return -EINVAL;
    return 0;
}

/* Reply "m<data>" (more follows) or "l<data>" (last) from an object held in memory. */
static int xfer_from_memory(struct rsp_server *s, const uint8_t *obj, size_t total, uint64_t off,
                            uint64_t len)
{
    size_t take, used;

    if (off >= total || len == 0)
        return srv_reply_str(s, "l");
    take = total - (size_t)off;
    if (take > len)
        take = (size_t)len;
    if (rsp_buf_addc(&s->reply, 'l') != 0)
        return -E2BIG;
    used = srv_add_escaped_bounded(&s->reply, obj + off, take, RSP_SERVER_PACKET_SIZE - 1);
    if (off + used < total)
        s->reply.data[0] = 'm';
    return 0;
}

/* Reply from a reader that copies up to n bytes at an offset: we ask for one byte more than we send
 * so that the last chunk is known without another round trip (gdbserver does the same). */
static int xfer_from_reader(struct rsp_server *s, int64_t got, size_t asked)
{
    size_t n, used;

    if (got < 0)
        return (int)got;
    n = (size_t)got < asked ? (size_t)got : asked;
    if (rsp_buf_addc(&s->reply, 'l') != 0)
        return -E2BIG;
    used = srv_add_escaped_bounded(&s->reply, s->scratch, n, RSP_SERVER_PACKET_SIZE - 1);
    if ((size_t)got > asked || used < n)
        s->reply.data[0] = 'm';
    return 0;
}

static size_t xfer_ask(uint64_t len)
{
    /* Escaping can double the data: half the PacketSize always fits. */
    return len < RSP_SERVER_PACKET_SIZE / 2 ? (size_t)len : RSP_SERVER_PACKET_SIZE / 2;
}

int srv_h_xfer_features(struct rsp_server *s, struct rsp_cursor *a)
{
    const char *annex, *xml = s->tgt->arch->target_xml;
    size_t annex_len;
    uint64_t off, len;

    if (parse_xfer(a, &annex, &annex_len, &off, &len) != 0)
        return -EINVAL;
    /* The description is one self-contained document, so no other annex exists. */
    if (annex_len != 10 || memcmp(annex, "target.xml", 10) != 0 || !xml)
        return -ENOENT;
    return xfer_from_memory(s, (const uint8_t *)xml, strlen(xml), off, len);
}

static int add_xml_escaped(struct rsp_buf *b, const char *text)
{
    int rc = 0;

    for (; rc == 0 && *text; text++) {
        switch (*text) {
        case '<':
            rc = rsp_buf_adds(b, "&lt;");
            break;
        case '>':
            rc = rsp_buf_adds(b, "&gt;");
            break;
        case '&':
            rc = rsp_buf_adds(b, "&amp;");
            break;
        case '"':
            rc = rsp_buf_adds(b, "&quot;");
            break;
        case '\'':
            rc = rsp_buf_adds(b, "&apos;");
            break;
        default:
            /* Control characters have no place in an attribute; comm may hold anything. */
            rc = rsp_buf_addc(b, (unsigned char)*text < 0x20 ? '?' : *text);
        }
    }
    return rc;
}

/* GDB manual E.21 "Thread List Format". */
static int build_threads_xml(struct rsp_server *s)
{
    struct rsp_buf *b = &s->xfer;
    size_t n, i;
    int rc;

    rsp_buf_reset(b);
    n = s->tgt->list_threads(s->ctx, s->tids, SRV_MAX_THREADS);
    if (n > SRV_MAX_THREADS)
        n = SRV_MAX_THREADS;
    s->ntids = s->tid_pos = 0; /* the qfThreadInfo snapshot shared s->tids */
    rc = rsp_buf_adds(b, "<?xml version=\"1.0\"?>\n<threads>\n");
    for (i = 0; rc == 0 && i < n; i++) {
        struct rsp_stop st;
        char name[64];

        rc = rsp_buf_adds(b, "<thread id=\"");
        if (rc == 0)
            rc = srv_add_thread_id(s, b, s->tids[i]);
        if (rc == 0)
            rc = rsp_buf_adds(b, "\"");
        memset(&st, 0, sizeof(st));
        st.core = -1;
        if (rc == 0 && s->tgt->thread_stop_info(s->ctx, s->tids[i], &st) == 0 && st.core >= 0)
            rc = rsp_buf_addf(b, " core=\"%x\"", (unsigned)st.core);
        name[0] = 0;
        if (rc == 0 && s->tgt->thread_name(s->ctx, s->tids[i], name, sizeof(name)) == 0 &&
            name[0]) {
            name[sizeof(name) - 1] = 0;
            rc = rsp_buf_adds(b, " name=\"");
            if (rc == 0)
                rc = add_xml_escaped(b, name);
            if (rc == 0)
                rc = rsp_buf_adds(b, "\"");
        }
        if (rc == 0)
            rc = rsp_buf_adds(b, "/>\n");
    }
    if (rc == 0)
        rc = rsp_buf_adds(b, "</threads>\n");
    return rc;
}

int srv_h_xfer_threads(struct rsp_server *s, struct rsp_cursor *a)
{
    const char *annex;
    size_t annex_len;
    uint64_t off, len;
    int rc;

    if (parse_xfer(a, &annex, &annex_len, &off, &len) != 0 || annex_len != 0)
        return -EINVAL;
    /* Built at offset 0 and kept, so a document read in several chunks stays consistent. */
    if (off == 0 || s->xfer.len == 0) {
        rc = build_threads_xml(s);
        if (rc != 0)
            return rc;
    }
    return xfer_from_memory(s, s->xfer.data, s->xfer.len, off, len);
}

int srv_h_xfer_auxv(struct rsp_server *s, struct rsp_cursor *a)
{
    const char *annex;
    size_t annex_len, ask;
    uint64_t off, len;

    if (parse_xfer(a, &annex, &annex_len, &off, &len) != 0 || annex_len != 0)
        return -EINVAL;
    ask = xfer_ask(len);
    if (ask == 0)
        return srv_reply_str(s, "l");
    return xfer_from_reader(s, s->tgt->read_auxv(s->ctx, off, s->scratch, ask + 1), ask);
}

int srv_h_xfer_siginfo(struct rsp_server *s, struct rsp_cursor *a)
{
    const char *annex;
    size_t annex_len, ask;
    uint64_t off, len;
    int64_t tid = srv_current_tid(s);

    if (parse_xfer(a, &annex, &annex_len, &off, &len) != 0 || annex_len != 0)
        return -EINVAL;
    if (tid <= 0)
        return -ESRCH;
    ask = xfer_ask(len);
    if (ask == 0)
        return srv_reply_str(s, "l");
    return xfer_from_reader(s, s->tgt->read_siginfo(s->ctx, tid, off, s->scratch, ask + 1), ask);
}

/* The annex is the pid (hex) or empty for the current process. */
int srv_h_xfer_exec_file(struct rsp_server *s, struct rsp_cursor *a)
{
    const char *annex;
    size_t annex_len;
    uint64_t off, len;
    char *path = (char *)s->scratch;
    int rc;

    if (parse_xfer(a, &annex, &annex_len, &off, &len) != 0)
        return -EINVAL;
    if (annex_len > 0) {
        struct rsp_cursor c;
        uint64_t pid;

        rsp_cursor_init(&c, annex, annex_len);
        if (rsp_cursor_hex_u64(&c, &pid) != 0 || !rsp_cursor_eof(&c))
            return -EINVAL;
        if ((int64_t)pid != s->tgt->pid(s->ctx))
            return -ESRCH;
    }
    path[0] = 0;
    rc = s->tgt->exec_file(s->ctx, path, RSP_SERVER_PACKET_SIZE);
    if (rc != 0)
        return rc;
    s->scratch[RSP_SERVER_PACKET_SIZE] = 0;
    return xfer_from_memory(s, s->scratch, strlen(path), off, len);
}

/* ------------------------------------------------------------------ settings */

/* "XX;YY;..." of GDB signal numbers into a host-numbered table. */
static int parse_signal_list(struct rsp_cursor *a, bool set[RSP_HOST_NSIG])
{
    memset(set, 0, RSP_HOST_NSIG * sizeof(bool));
    while (!rsp_cursor_eof(a)) {
        uint64_t g;
        int h;

        if (rsp_cursor_hex_u64(a, &g) != 0)
            return -EINVAL;
        if (!rsp_cursor_eof(a) && rsp_cursor_expect(a, ';') != 0)
            return -EINVAL;
        if (g >= RSP_GDB_SIGNAL_LAST)
            continue; /* a number newer than our table: nothing on this host can match it */
        h = rsp_signal_from_gdb((int)g);
        if (h > 0 && h < RSP_HOST_NSIG)
            set[h] = true;
    }
    return 0;
}

int srv_h_pass_signals(struct rsp_server *s, struct rsp_cursor *a)
{
    bool set[RSP_HOST_NSIG];

    if (parse_signal_list(a, set) != 0)
        return -EINVAL;
    s->tgt->set_pass_signals(s->ctx, set);
    return srv_reply_str(s, "OK");
}

int srv_h_program_signals(struct rsp_server *s, struct rsp_cursor *a)
{
    bool set[RSP_HOST_NSIG];

    if (parse_signal_list(a, set) != 0)
        return -EINVAL;
    s->tgt->set_program_signals(s->ctx, set);
    return srv_reply_str(s, "OK");
}

int srv_h_thread_events(struct rsp_server *s, struct rsp_cursor *a)
{
    bool on;

    if (rsp_cursor_skip_prefix(a, "1"))
        on = true;
    else if (rsp_cursor_skip_prefix(a, "0"))
        on = false;
    else
        return -EINVAL;
    if (!rsp_cursor_eof(a))
        return -EINVAL;
    s->tgt->set_thread_events(s->ctx, on);
    return srv_reply_str(s, "OK");
}

int srv_h_non_stop(struct rsp_server *s, struct rsp_cursor *a)
{
    if (rsp_cursor_skip_prefix(a, "0") && rsp_cursor_eof(a))
        return srv_reply_str(s, "OK");
    if (rsp_cursor_skip_prefix(a, "1") && rsp_cursor_eof(a))
        return srv_reply_error_text(s, "non-stop mode is not supported by gostub");
    return -EINVAL;
}

/* ------------------------------------------------------------------ monitor */

static const char monitor_help[] = "gostub monitor commands:\n"
                                   "  help -- list the monitor commands\n";

/* qRcmd,HEX: output goes out as 'O' packets, then OK (GDB manual E.4 "qRcmd"). */
int srv_h_rcmd(struct rsp_server *s, struct rsp_cursor *a)
{
    struct rsp_buf out;
    char *cmd = (char *)s->scratch;
    size_t n;
    int rc;

    if (rsp_cursor_left(a) > RSP_SERVER_PACKET_SIZE / 2 ||
        rsp_cursor_hex_bytes(a, s->scratch, RSP_SERVER_PACKET_SIZE / 2, &n) != 0 ||
        !rsp_cursor_eof(a))
        return -EINVAL;
    s->scratch[n] = 0;
    rsp_buf_init(&out, 1u << 20);
    s->in_rcmd = true; /* the target may also call rsp_server_console while it runs the command */
    rc = s->tgt->monitor->command(s->ctx, cmd, &out);
    if (strcmp(cmd, "help") == 0 && (rc != 0 || out.len == 0)) {
        /* "help" always answers: the target's own list when it has one, else ours. */
        rsp_buf_reset(&out);
        rc = rsp_buf_adds(&out, monitor_help);
    }
    if (out.len > 0)
        rsp_server_console(s, (const char *)out.data);
    s->in_rcmd = false;
    rsp_buf_fini(&out);
    if (rc == RSP_FATAL)
        return rc;
    if (rc != 0)
        return rc;
    return srv_reply_str(s, "OK");
}
