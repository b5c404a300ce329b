/*
 * rsp/server.c - the server's session: bytes in (acks, naks, 0x03, packets), the command table that
 * maps a packet onto its handler, qSupported built from that same table, reply framing and the
 * bounded output queue. The handlers live in the other rsp/server_*.c files, one per feature group.
 *
 * Not here: any I/O (the owner writes what rsp_server_pending returns) and any knowledge of ptrace
 * (the target table does that).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsp/server_internal.h"

enum srv_group {
    GRP_BASE = 0, /* required operations: always served */
    GRP_SWBREAK,  /* target->breakpoints */
    GRP_HWBREAK,  /* target->hw_breakpoints */
    GRP_WATCH,    /* target->watchpoints */
    GRP_VFILE,    /* target->vfile */
    GRP_REGIONS,  /* target->memory_regions */
    GRP_MONITOR,  /* target->monitor */
};

enum srv_match { EXACT, PREFIX };

struct srv_command {
    const char *name;
    enum srv_match match;
    enum srv_group group;
    srv_handler_fn handler;
    const char *feature; /* qSupported token this row contributes, or NULL */
    bool while_running;  /* handled even while a resume is outstanding */
};

/* Session-level handlers, defined below the table. */
static int handle_qsupported(struct rsp_server *s, struct rsp_cursor *args);
static int handle_start_noack(struct rsp_server *s, struct rsp_cursor *args);
static int handle_ok(struct rsp_server *s, struct rsp_cursor *args);
static int handle_empty(struct rsp_server *s, struct rsp_cursor *args);

/*
 * The command table. Columns: the packet's name (matched EXACT, or as a PREFIX with the rest handed
 * to the handler as arguments); the feature group whose target operations serve it (a row whose
 * group the target left NULL is neither dispatched - the client gets the empty "unsupported" reply
 * - nor advertised); the handler; the token the row adds to our qSupported reply; whether it may
 * run while the target runs (everything else waits for the stop, as gdbserver's all-stop loop
 * does). The first matching row wins, so longer names come before their prefixes.
 */
// clang-format off
static const struct srv_command commands[] = {
    /* name                        match   group        handler                       qSupported token            running */
    { "QStartNoAckMode",           EXACT,  GRP_BASE,    handle_start_noack,           "QStartNoAckMode+",         false },
    { "qSupported",                PREFIX, GRP_BASE,    handle_qsupported,            NULL,                       false },
    { "qXfer:features:read:",      PREFIX, GRP_BASE,    srv_h_xfer_features,          "qXfer:features:read+",     false },
    { "qXfer:threads:read:",       PREFIX, GRP_BASE,    srv_h_xfer_threads,           "qXfer:threads:read+",      false },
    { "qXfer:auxv:read:",          PREFIX, GRP_BASE,    srv_h_xfer_auxv,              "qXfer:auxv:read+",         false },
    { "qXfer:exec-file:read:",     PREFIX, GRP_BASE,    srv_h_xfer_exec_file,         "qXfer:exec-file:read+",    false },
    { "qXfer:siginfo:read:",       PREFIX, GRP_BASE,    srv_h_xfer_siginfo,           "qXfer:siginfo:read+",      false },
    { "Z0,",                       PREFIX, GRP_SWBREAK, srv_h_z_insert,               "swbreak+",                 false },
    { "z0,",                       PREFIX, GRP_SWBREAK, srv_h_z_remove,               NULL,                       false },
    { "Z1,",                       PREFIX, GRP_HWBREAK, srv_h_z_insert,               "hwbreak+",                 false },
    { "z1,",                       PREFIX, GRP_HWBREAK, srv_h_z_remove,               NULL,                       false },
    { "Z2,",                       PREFIX, GRP_WATCH,   srv_h_z_insert,               NULL,                       false },
    { "z2,",                       PREFIX, GRP_WATCH,   srv_h_z_remove,               NULL,                       false },
    { "Z3,",                       PREFIX, GRP_WATCH,   srv_h_z_insert,               NULL,                       false },
    { "z3,",                       PREFIX, GRP_WATCH,   srv_h_z_remove,               NULL,                       false },
    { "Z4,",                       PREFIX, GRP_WATCH,   srv_h_z_insert,               NULL,                       false },
    { "z4,",                       PREFIX, GRP_WATCH,   srv_h_z_remove,               NULL,                       false },
    { "vCont?",                    EXACT,  GRP_BASE,    srv_h_vcont_query,            "vContSupported+",          false },
    { "vCont;",                    PREFIX, GRP_BASE,    srv_h_vcont,                  "no-resumed+",              false },
    { "QPassSignals:",             PREFIX, GRP_BASE,    srv_h_pass_signals,           "QPassSignals+",            false },
    { "QProgramSignals:",          PREFIX, GRP_BASE,    srv_h_program_signals,        "QProgramSignals+",         false },
    { "vKill;",                    PREFIX, GRP_BASE,    srv_h_vkill,                  "multiprocess+",            false },
    { "vAttach;",                  PREFIX, GRP_BASE,    srv_h_vother,                 NULL,                       false },
    { "vRun;",                     PREFIX, GRP_BASE,    srv_h_vother,                 NULL,                       false },
    { "QThreadEvents:",            PREFIX, GRP_BASE,    srv_h_thread_events,          "QThreadEvents+",           false },
    { "vMustReplyEmpty",           EXACT,  GRP_BASE,    handle_empty,                 NULL,                       false },
    { "QThreadSuffixSupported",    EXACT,  GRP_BASE,    srv_h_thread_suffix,          "QThreadSuffixSupported+",  false },
    { "QListThreadsInStopReply",   EXACT,  GRP_BASE,    srv_h_list_threads_in_stop,   "QListThreadsInStopReply+", false },
    { "QNonStop:",                 PREFIX, GRP_BASE,    srv_h_non_stop,               NULL,                       false },
    { "QSetDetachOnError:",        PREFIX, GRP_BASE,    handle_ok,                    NULL,                       false },
    { "qAttached",                 PREFIX, GRP_BASE,    srv_h_attached,               NULL,                       false },
    { "qC",                        EXACT,  GRP_BASE,    srv_h_current_thread,         NULL,                       false },
    { "qfThreadInfo",              EXACT,  GRP_BASE,    srv_h_thread_info_first,      NULL,                       false },
    { "qsThreadInfo",              EXACT,  GRP_BASE,    srv_h_thread_info_next,       NULL,                       false },
    { "qThreadExtraInfo,",         PREFIX, GRP_BASE,    srv_h_thread_extra_info,      NULL,                       false },
    { "qRcmd,",                    PREFIX, GRP_MONITOR, srv_h_rcmd,                   NULL,                       false },
    { "qHostInfo",                 EXACT,  GRP_BASE,    srv_h_host_info,              NULL,                       false },
    { "qProcessInfo",              EXACT,  GRP_BASE,    srv_h_process_info,           NULL,                       false },
    { "qRegisterInfo",             PREFIX, GRP_BASE,    srv_h_register_info,          NULL,                       false },
    { "qMemoryRegionInfo:",        PREFIX, GRP_REGIONS, srv_h_memory_region,          NULL,                       false },
    { "jThreadsInfo",              EXACT,  GRP_BASE,    srv_h_jthreads_info,          NULL,                       false },
    { "qThreadStopInfo",           PREFIX, GRP_BASE,    srv_h_thread_stop_info,       NULL,                       false },
    { "vFile:open:",               PREFIX, GRP_VFILE,   srv_h_vfile_open,             NULL,                       false },
    { "vFile:pread:",              PREFIX, GRP_VFILE,   srv_h_vfile_pread,            NULL,                       false },
    { "vFile:close:",              PREFIX, GRP_VFILE,   srv_h_vfile_close,            NULL,                       false },
    { "vFile:fstat:",              PREFIX, GRP_VFILE,   srv_h_vfile_fstat,            NULL,                       false },
    { "vFile:readlink:",           PREFIX, GRP_VFILE,   srv_h_vfile_readlink,         NULL,                       false },
    { "vFile:setfs:",              PREFIX, GRP_VFILE,   srv_h_vfile_setfs,            NULL,                       false },
    { "?",                         EXACT,  GRP_BASE,    srv_h_status,                 NULL,                       false },
    { "H",                         PREFIX, GRP_BASE,    srv_h_set_thread,             NULL,                       false },
    { "T",                         PREFIX, GRP_BASE,    srv_h_thread_alive,           NULL,                       false },
    { "g",                         PREFIX, GRP_BASE,    srv_h_read_regs,              NULL,                       false },
    { "G",                         PREFIX, GRP_BASE,    srv_h_write_regs,             NULL,                       false },
    { "p",                         PREFIX, GRP_BASE,    srv_h_read_reg,               NULL,                       false },
    { "P",                         PREFIX, GRP_BASE,    srv_h_write_reg,              NULL,                       false },
    { "m",                         PREFIX, GRP_BASE,    srv_h_read_mem,               NULL,                       false },
    { "M",                         PREFIX, GRP_BASE,    srv_h_write_mem,              NULL,                       false },
    { "X",                         PREFIX, GRP_BASE,    srv_h_write_mem_bin,          NULL,                       false },
    { "x",                         PREFIX, GRP_BASE,    srv_h_read_mem_bin,           "binary-upload+",           false },
    { "c",                         PREFIX, GRP_BASE,    srv_h_continue,               NULL,                       false },
    { "C",                         PREFIX, GRP_BASE,    srv_h_continue_sig,           NULL,                       false },
    { "s",                         PREFIX, GRP_BASE,    srv_h_step,                   NULL,                       false },
    { "S",                         PREFIX, GRP_BASE,    srv_h_step_sig,               NULL,                       false },
    { "D",                         PREFIX, GRP_BASE,    srv_h_detach,                 NULL,                       false },
    { "k",                         EXACT,  GRP_BASE,    srv_h_kill,                   NULL,                       true  },
};
// clang-format on

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* ------------------------------------------------------------------ small helpers */

void srv_log(struct rsp_server *s, const char *fmt, ...)
{
    char line[256];
    va_list ap;

    if (!s->cfg || !s->cfg->log)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    s->cfg->log(s->cfg->log_ctx, "%s", line);
}

bool srv_group_present(const struct rsp_server *s, int group)
{
    const struct rsp_target *t = s->tgt;

    switch ((enum srv_group)group) {
    case GRP_BASE:
        return true;
    case GRP_SWBREAK:
        return t->breakpoints != NULL;
    case GRP_HWBREAK:
        return t->hw_breakpoints != NULL;
    case GRP_WATCH:
        return t->watchpoints != NULL;
    case GRP_VFILE:
        return t->vfile != NULL;
    case GRP_REGIONS:
        return t->memory_regions != NULL;
    case GRP_MONITOR:
        return t->monitor != NULL;
    }
    return false;
}

static void queue_out(struct rsp_server *s, const void *data, size_t len)
{
    if (rsp_buf_add(&s->out, data, len) != 0) {
        /* The owner kept feeding us while not draining: drop rather than grow past the bound. */
        s->overflow = true;
        srv_log(s, "output queue full: %zu bytes dropped", len);
        return;
    }
    s->stats.bytes_out += len;
}

/* Run-length encodes a reply payload into s->rle. rsp_rle_encode keeps escape pairs whole, which
 * lldb needs: it expands runs and escapes in one pass (GDBRemoteCommunication::ExpandRLE), so a run
 * starting on an escaped byte would repeat the decoded byte. */
static int rle_payload(struct rsp_server *s, const uint8_t *payload, size_t len)
{
    rsp_buf_reset(&s->rle);
    return rsp_rle_encode(&s->rle, payload, len);
}

/* Frames straight into the output queue. */
static void queue_frame(struct rsp_server *s, const uint8_t *payload, size_t len)
{
    size_t before = s->out.len;

    if (rle_payload(s, payload, len) != 0 ||
        rsp_frame(&s->out, '$', s->rle.data, s->rle.len, false) != 0) {
        s->out.len = before; /* drop whatever part of the frame went in */
        if (s->out.data)
            s->out.data[before] = 0;
        s->overflow = true;
        srv_log(s, "output queue full: a %zu byte packet dropped", len);
        return;
    }
    s->stats.bytes_out += s->out.len - before;
}

void srv_send_packet(struct rsp_server *s, const uint8_t *payload, size_t len)
{
    rsp_buf_reset(&s->last);
    if (rle_payload(s, payload, len) != 0 ||
        rsp_frame(&s->last, '$', s->rle.data, s->rle.len, false) != 0) {
        /* Only a reply larger than SRV_REPLY_MAX gets here; handlers bound theirs below that. */
        static const uint8_t err[] = "$E01#a6";
        srv_log(s, "reply of %zu bytes too large to frame", len);
        rsp_buf_reset(&s->last);
        if (rsp_buf_add(&s->last, err, sizeof(err) - 1) != 0)
            return;
    }
    queue_out(s, s->last.data, s->last.len);
}

int srv_reply_str(struct rsp_server *s, const char *text)
{
    return rsp_buf_adds(&s->reply, text);
}

int srv_reply_error_text(struct rsp_server *s, const char *text)
{
    /* GDB manual E.2 "Standard Replies": 'E.errtext' carries a textual error message. */
    rsp_buf_reset(&s->reply);
    return rsp_buf_addf(&s->reply, "E.%s", text);
}

int srv_add_thread_id(struct rsp_server *s, struct rsp_buf *b, int64_t tid)
{
    int64_t pid;

    if (tid == -1)
        return s->cl.multiprocess ? rsp_buf_adds(b, "p-1.-1") : rsp_buf_adds(b, "-1");
    if (!s->cl.multiprocess)
        return rsp_buf_addf(b, "%llx", (unsigned long long)tid);
    pid = s->tgt->pid(s->ctx);
    return rsp_buf_addf(b, "p%llx.%llx", (unsigned long long)pid, (unsigned long long)tid);
}

int srv_parse_thread_id(struct rsp_cursor *c, int64_t *tid)
{
    struct rsp_cursor save = *c;
    int64_t pid, t;

    if (rsp_cursor_skip_prefix(c, "p")) {
        if (rsp_cursor_hex_i64(c, &pid) != 0)
            goto bad;
        if (pid < -1)
            goto bad;
        if (!rsp_cursor_skip_prefix(c, ".")) {
            *tid = -1; /* "pPID": every thread of the process */
            return 0;
        }
    }
    if (rsp_cursor_hex_i64(c, &t) != 0 || t < -1)
        goto bad;
    *tid = t;
    return 0;
bad:
    *c = save;
    return -EINVAL;
}

int64_t srv_current_tid(struct rsp_server *s)
{
    int64_t first = 0;

    if (s->g_tid > 0)
        return s->g_tid;
    if (s->have_stop && s->last_stop.kind == RSP_STOP_SIGNAL && s->last_stop.tid > 0)
        return s->last_stop.tid;
    if (s->tgt->list_threads(s->ctx, &first, 1) == 0)
        return 0;
    return first;
}

int64_t srv_reg_tid(struct rsp_server *s)
{
    return s->suffix_tid > 0 ? s->suffix_tid : srv_current_tid(s);
}

size_t srv_add_escaped_bounded(struct rsp_buf *b, const uint8_t *data, size_t len, size_t budget)
{
    size_t room = b->len < b->max ? b->max - b->len : 0;
    size_t i, used = 0;
    uint8_t *out;

    /* Every byte of an 'x' read passes here: reserve once, as much as the buffer may still take
     * (rsp_buf_reserve refuses len + extra == SIZE_MAX), then write in place. */
    if (room > 0 && b->len + room == SIZE_MAX)
        room--;
    if (budget > room)
        budget = room;
    if (len == 0 || budget == 0 || rsp_buf_reserve(b, budget) != 0)
        return 0;
    out = b->data + b->len;
    for (i = 0; i < len; i++) {
        uint8_t c = data[i];

        if (rsp_needs_escape(c)) {
            if (used + 2 > budget)
                break;
            out[used++] = '}';
            out[used++] = (uint8_t)(c ^ 0x20);
        } else {
            if (used + 1 > budget)
                break;
            out[used++] = c;
        }
    }
    b->len += used;
    b->data[b->len] = 0;
    return i;
}

int srv_fileio_errno(int host_errno)
{
    /* GDB manual E.13.9 "Errno Values": the protocol's numbers equal Linux's except ENAMETOOLONG.
     */
    switch (host_errno) {
    case EPERM:
    case ENOENT:
    case EINTR:
    case EBADF:
    case EACCES:
    case EFAULT:
    case EBUSY:
    case EEXIST:
    case ENODEV:
    case ENOTDIR:
    case EISDIR:
    case EINVAL:
    case ENFILE:
    case EMFILE:
    case EFBIG:
    case ENOSPC:
    case ESPIPE:
    case EROFS:
        return host_errno;
    case ENAMETOOLONG:
        return 91;
    default:
        return 9999; /* EUNKNOWN */
    }
}

/* ------------------------------------------------------------------ qSupported */

static bool feature_is(const char *tok, size_t len, const char *name)
{
    size_t n = strlen(name);
    return len == n && memcmp(tok, name, n) == 0;
}

static int handle_qsupported(struct rsp_server *s, struct rsp_cursor *args)
{
    const char *tok;
    size_t len, i;
    int rc;

    /* The client's features follow "qSupported:" separated by ';' (GDB manual E.4). */
    memset(&s->cl, 0, sizeof(s->cl));
    (void)rsp_cursor_skip_prefix(args, ":");
    while (!rsp_cursor_eof(args)) {
        rsp_cursor_token(args, ';', &tok, &len);
        if (feature_is(tok, len, "multiprocess+"))
            s->cl.multiprocess = true;
        else if (feature_is(tok, len, "swbreak+"))
            s->cl.swbreak = true;
        else if (feature_is(tok, len, "hwbreak+"))
            s->cl.hwbreak = true;
        else if (feature_is(tok, len, "binary-upload+"))
            s->cl.binary_upload = true;
        else if (len >= 13 && memcmp(tok, "xmlRegisters=", 13) == 0)
            s->cl.xml_registers = true;
        else if (feature_is(tok, len, "vContSupported+"))
            s->cl.vcont_supported = true;
        else if (feature_is(tok, len, "QThreadEvents+"))
            s->cl.thread_events = true;
        else if (feature_is(tok, len, "no-resumed+"))
            s->cl.no_resumed = true;
    }

    /* PacketSize is hex and must come first in practice (gdb reads it anywhere, lldb too). */
    rc = rsp_buf_addf(&s->reply, "PacketSize=%x", (unsigned)RSP_SERVER_PACKET_SIZE);
    for (i = 0; rc == 0 && i < NCOMMANDS; i++) {
        const struct srv_command *c = &commands[i];

        if (!c->feature || !srv_group_present(s, c->group))
            continue;
        /* gdb 16 reads 'x' replies as "b<data>" only after it offered binary-upload+ itself; lldb
         * (which never offers it) reads them raw. Advertise it only to a client that asked. */
        if (strcmp(c->feature, "binary-upload+") == 0 && !s->cl.binary_upload)
            continue;
        rc = rsp_buf_addf(&s->reply, ";%s", c->feature);
    }
    return rc;
}

/* QStartNoAckMode: the OK still goes out in ack mode; dispatch switches modes after sending it. */
static int handle_start_noack(struct rsp_server *s, struct rsp_cursor *args)
{
    int rc = srv_reply_str(s, "OK");

    (void)args;
    s->noack_after_reply = rc == 0;
    return rc;
}

/* QSetDetachOnError: accepted; gostub always gives the process back when the link is lost. */
static int handle_ok(struct rsp_server *s, struct rsp_cursor *args)
{
    (void)args;
    return srv_reply_str(s, "OK");
}

/* vMustReplyEmpty: the reply must be empty (GDB manual E.8), which is also what unknown packets
 * get. */
static int handle_empty(struct rsp_server *s, struct rsp_cursor *args)
{
    (void)s;
    (void)args;
    return 0;
}

/* ------------------------------------------------------------------ dispatch */

static const struct srv_command *find_command(const uint8_t *p, size_t len)
{
    size_t i;

    for (i = 0; i < NCOMMANDS; i++) {
        size_t n = strlen(commands[i].name);

        if (commands[i].match == EXACT ? (len == n && memcmp(p, commands[i].name, n) == 0)
                                       : (len >= n && memcmp(p, commands[i].name, n) == 0))
            return &commands[i];
    }
    return NULL;
}

/* lldb's QThreadSuffixSupported: register packets end in ";thread:TID;" (lldbgdbremote.md). */
static size_t strip_thread_suffix(struct rsp_server *s, const uint8_t *p, size_t len)
{
    static const char key[] = ";thread:";
    size_t k = sizeof(key) - 1, i;
    struct rsp_cursor c;
    int64_t tid;

    s->suffix_tid = 0;
    if (!s->thread_suffix || len == 0 || !strchr("gGpP", p[0]))
        return len;
    for (i = len; i-- > 0;) {
        if (i + k > len || memcmp(p + i, key, k) != 0)
            continue;
        rsp_cursor_init(&c, p + i + k, len - i - k);
        if (srv_parse_thread_id(&c, &tid) != 0 || tid <= 0)
            return len;
        (void)rsp_cursor_skip_prefix(&c, ";");
        if (!rsp_cursor_eof(&c))
            return len;
        s->suffix_tid = tid;
        return i;
    }
    return len;
}

static void send_error_code(struct rsp_server *s, int err)
{
    char text[8];
    unsigned code = err < 0 && err > -256 ? (unsigned)-err : 1u;

    snprintf(text, sizeof(text), "E%02x", code);
    srv_send_packet(s, (const uint8_t *)text, strlen(text));
}

static void dispatch(struct rsp_server *s, const uint8_t *p, size_t len)
{
    const struct srv_command *c;
    struct rsp_cursor args;
    int rc = 0;

    s->stats.packets_in++;
    rsp_buf_reset(&s->reply);
    s->no_reply = false;
    len = strip_thread_suffix(s, p, len);
    c = find_command(p, len);
    if (!c || !srv_group_present(s, c->group)) {
        /* Unknown or not offered: the empty reply (GDB manual E.2). */
        srv_send_packet(s, NULL, 0);
        return;
    }
    rsp_cursor_init(&args, p + strlen(c->name), len - strlen(c->name));
    rc = c->handler(s, &args);

    if (rc == RSP_FATAL) {
        srv_log(s, "fatal error in %s", c->name);
        send_error_code(s, -1);
        s->state = RSP_SESSION_ENDED;
        s->end = RSP_END_FATAL;
        return;
    }
    if (s->no_reply)
        return;
    if (rc == -ENOTSUP)
        srv_send_packet(s, NULL, 0);
    else if (rc < 0)
        send_error_code(s, rc);
    else
        srv_send_packet(s, s->reply.data, s->reply.len);
    if (s->noack_after_reply) {
        /* GDB manual E.11: after the OK both sides stop acknowledging. */
        s->noack_after_reply = false;
        s->noack = true;
        rsp_decoder_set_noack(s->dec, true);
    }
}

static void defer_packet(struct rsp_server *s, const uint8_t *p, size_t len)
{
    if (s->have_deferred) {
        srv_log(s, "packet while running dropped (one is already waiting)");
        return;
    }
    memcpy(s->deferred, p, len);
    s->deferred_len = len;
    s->have_deferred = true;
}

void rsp_server_given_back(struct rsp_server *s, const char *text)
{
    size_t n = strlen(text);

    if (n > 250)
        n = 250;
    memcpy(s->given_back_text, text, n);
    s->given_back_text[n] = '\0';
    s->given_back = true;
    s->have_deferred = false;
}

/* After rsp_server_given_back: nothing reaches the target any more. */
static void dispatch_given_back(struct rsp_server *s, const uint8_t *p, size_t len)
{
    s->stats.packets_in++;
    if (len > 0 && (p[0] == 'D' || p[0] == 'k' || (len >= 6 && memcmp(p, "vKill;", 6) == 0))) {
        s->state = RSP_SESSION_ENDED;
        s->end = RSP_END_DETACHED;
        if (p[0] != 'k')
            srv_send_packet(s, (const uint8_t *)"OK", 2);
        return;
    }
    rsp_buf_reset(&s->reply);
    if (srv_reply_error_text(s, s->given_back_text) != 0)
        send_error_code(s, -1);
    else
        srv_send_packet(s, s->reply.data, s->reply.len);
}

static void handle_packet(struct rsp_server *s, const uint8_t *p, size_t len)
{
    if (!s->noack)
        queue_out(s, "+", 1);
    if (s->state == RSP_SESSION_ENDED)
        return;
    if (s->given_back) {
        dispatch_given_back(s, p, len);
        return;
    }
    if (s->state == RSP_SESSION_RUNNING) {
        const struct srv_command *c = find_command(p, len);

        if (!c || !c->while_running) {
            defer_packet(s, p, len);
            return;
        }
    }
    dispatch(s, p, len);
}

static void handle_event(struct rsp_server *s, const struct rsp_event *ev)
{
    switch (ev->kind) {
    case RSP_EV_PACKET:
        handle_packet(s, ev->payload, ev->len);
        break;
    case RSP_EV_ACK:
    case RSP_EV_NOTIFICATION:
    case RSP_EV_NONE:
        break;
    case RSP_EV_NAK:
        s->stats.naks++;
        if (!s->noack && s->last.len > 0)
            queue_out(s, s->last.data, s->last.len);
        break;
    case RSP_EV_INTERRUPT:
        if (s->state != RSP_SESSION_RUNNING) {
            srv_log(s, "0x03 while stopped: ignored");
            break;
        }
        if (s->tgt->interrupt(s->ctx) == RSP_FATAL) {
            s->state = RSP_SESSION_ENDED;
            s->end = RSP_END_FATAL;
        }
        break;
    case RSP_EV_BAD_CHECKSUM:
        s->stats.bad_checksums++;
        if (!s->noack)
            queue_out(s, "-", 1);
        break;
    case RSP_EV_OVERSIZED:
        /* Longer than the PacketSize we advertised: acknowledge it and answer with an error so the
         * client does not wait forever; the session goes on. */
        s->stats.oversized++;
        if (!s->noack)
            queue_out(s, "+", 1);
        if (s->state == RSP_SESSION_STOPPED)
            send_error_code(s, -1);
        break;
    case RSP_EV_BAD_PACKET:
        if (!s->noack)
            queue_out(s, "-", 1);
        break;
    }
}

static void drain_events(struct rsp_server *s)
{
    struct rsp_event ev;

    while (rsp_decoder_next(s->dec, &ev))
        handle_event(s, &ev);
}

int rsp_server_feed(struct rsp_server *s, const uint8_t *data, size_t len)
{
    size_t chunk = 4096;

    s->stats.bytes_in += len;
    while (len > 0) {
        size_t n = len < chunk ? len : chunk;

        if (rsp_decoder_push(s->dec, data, n) != 0) {
            /* The decoder's queue is full: take events out, then retry with a smaller piece. */
            drain_events(s);
            if (rsp_decoder_push(s->dec, data, n) != 0) {
                if (chunk == 1)
                    return -ENOMEM;
                chunk /= 2;
                continue;
            }
        }
        data += n;
        len -= n;
        drain_events(s);
    }
    if (s->overflow) {
        s->overflow = false;
        return -ENOMEM;
    }
    return 0;
}

/* ------------------------------------------------------------------ stops and console */

void rsp_server_report_stop(struct rsp_server *s, const struct rsp_stop *st)
{
    s->last_stop = *st;
    if (s->last_stop.pid == 0)
        s->last_stop.pid = s->tgt->pid(s->ctx);
    s->have_stop = true;
    if (st->kind == RSP_STOP_SIGNAL && st->tid > 0)
        s->g_tid = st->tid; /* gdbserver makes the event thread the general thread */
    if (s->state != RSP_SESSION_RUNNING)
        return;
    s->state = RSP_SESSION_STOPPED;
    rsp_buf_reset(&s->aux);
    if (srv_encode_stop(s, &s->aux, &s->last_stop) != 0) {
        srv_log(s, "stop reply too large; sending S%02x", rsp_signal_to_gdb(st->signal));
        rsp_buf_reset(&s->aux);
        if (rsp_buf_addf(&s->aux, "S%02x", rsp_signal_to_gdb(st->signal)) != 0)
            return;
    }
    srv_send_packet(s, s->aux.data, s->aux.len);
    if (s->have_deferred) {
        s->have_deferred = false;
        dispatch(s, s->deferred, s->deferred_len);
    }
}

void rsp_server_console(struct rsp_server *s, const char *text)
{
    size_t len = strlen(text);

    /* GDB manual E.3: 'O' output is allowed while the target runs, and inside a qRcmd reply. */
    if (s->state != RSP_SESSION_RUNNING && !s->in_rcmd)
        return;
    while (len > 0) {
        size_t n = len < 4096 ? len : 4096;

        rsp_buf_reset(&s->aux);
        if (rsp_buf_addc(&s->aux, 'O') != 0 || rsp_buf_add_hex(&s->aux, text, n) != 0)
            return;
        /* An O packet is not a reply: keep the last reply for retransmission. */
        queue_frame(s, s->aux.data, s->aux.len);
        text += n;
        len -= n;
    }
}

/* ------------------------------------------------------------------ life cycle and accessors */

struct rsp_server *rsp_server_new(const struct rsp_target *tgt, void *ctx,
                                  const struct rsp_server_config *cfg)
{
    struct rsp_server *s = calloc(1, sizeof(*s));

    if (!s)
        return NULL;
    s->tgt = tgt;
    s->ctx = ctx;
    s->cfg = cfg;
    rsp_buf_init(&s->out, RSP_SERVER_OUTPUT_MAX);
    rsp_buf_init(&s->reply, SRV_REPLY_MAX);
    rsp_buf_init(&s->last, SRV_REPLY_MAX + 8);
    rsp_buf_init(&s->aux, SRV_REPLY_MAX);
    rsp_buf_init(&s->rle, SRV_REPLY_MAX);
    rsp_buf_init(&s->xfer, SRV_XFER_MAX);
    s->dec = rsp_decoder_new(RSP_SERVER_PACKET_SIZE);
    s->scratch = malloc(RSP_SERVER_PACKET_SIZE + 1);
    s->tids = malloc(SRV_MAX_THREADS * sizeof(*s->tids));
    s->deferred = malloc(RSP_SERVER_PACKET_SIZE);
    /* Everything a session needs is allocated here, sized to the PacketSize we advertise. */
    if (!s->dec || !s->scratch || !s->tids || !s->deferred ||
        rsp_buf_reserve(&s->reply, SRV_REPLY_MAX) != 0 ||
        rsp_buf_reserve(&s->last, SRV_REPLY_MAX + 8) != 0 ||
        rsp_buf_reserve(&s->aux, SRV_REPLY_MAX) != 0 ||
        rsp_buf_reserve(&s->rle, SRV_REPLY_MAX) != 0 ||
        rsp_buf_reserve(&s->out, 2 * SRV_REPLY_MAX) != 0) {
        rsp_server_free(s);
        return NULL;
    }
    s->state = RSP_SESSION_STOPPED;
    return s;
}

void rsp_server_free(struct rsp_server *s)
{
    if (!s)
        return;
    rsp_decoder_free(s->dec);
    rsp_buf_fini(&s->out);
    rsp_buf_fini(&s->reply);
    rsp_buf_fini(&s->last);
    rsp_buf_fini(&s->aux);
    rsp_buf_fini(&s->rle);
    rsp_buf_fini(&s->xfer);
    free(s->scratch);
    free(s->tids);
    free(s->deferred);
    free(s);
}

size_t rsp_server_pending(const struct rsp_server *s, const uint8_t **data)
{
    *data = s->out.data;
    return s->out.len;
}

void rsp_server_consume(struct rsp_server *s, size_t n)
{
    rsp_buf_consume(&s->out, n);
}

enum rsp_session_state rsp_server_state(const struct rsp_server *s)
{
    return s->state;
}

enum rsp_end_reason rsp_server_end_reason(const struct rsp_server *s)
{
    return s->end;
}

bool rsp_server_noack(const struct rsp_server *s)
{
    return s->noack;
}

void rsp_server_stats(const struct rsp_server *s, struct rsp_server_stats *out)
{
    *out = s->stats;
}
