/*
 * rsp/server_lldb.c - the packets lldb (and Delve, which speaks lldb's dialect) uses to cut round
 * trips: qHostInfo, qProcessInfo, qRegisterInfoN, QThreadSuffixSupported, QListThreadsInStopReply,
 * qMemoryRegionInfo, jThreadsInfo and qThreadStopInfo (lldb/docs/resources/lldbgdbremote.md).
 *
 * Not here: the 'x' packet's lldb form (server_data.c) and the reason: field of stop replies
 * (rsp/stop.c).
 */
#include <errno.h>
#include <string.h>

#include "rsp/server_internal.h"

/* Thread lists inside one reply (stop replies, jThreadsInfo) stop here to stay within PacketSize.
 */
#define LIST_MAX_THREADS 2048

static int add_hex_string(struct rsp_buf *b, const char *key, const char *text)
{
    int rc = rsp_buf_adds(b, key);

    if (rc == 0)
        rc = rsp_buf_add_hex(b, text, strlen(text));
    if (rc == 0)
        rc = rsp_buf_addc(b, ';');
    return rc;
}

/* Both architectures gostub serves (x86_64, aarch64 Linux) are little-endian. */
static int add_arch_fields(struct rsp_server *s, struct rsp_buf *b)
{
    const struct arch_desc *arch = s->tgt->arch;
    int rc = add_hex_string(b, "triple:", arch->triple ? arch->triple : "");

    if (rc == 0)
        rc = rsp_buf_addf(b, "ptrsize:%u;endian:little;ostype:linux;", arch->ptr_size);
    return rc;
}

int srv_h_host_info(struct rsp_server *s, struct rsp_cursor *a)
{
    (void)a;
    return add_arch_fields(s, &s->reply);
}

int srv_h_process_info(struct rsp_server *s, struct rsp_cursor *a)
{
    int rc;

    (void)a;
    /* pid is hex here; the parent pid is left out because the target table does not know it. */
    rc = rsp_buf_addf(&s->reply, "pid:%llx;", (unsigned long long)s->tgt->pid(s->ctx));
    return rc != 0 ? rc : add_arch_fields(s, &s->reply);
}

static const char *encoding_name(enum arch_lldb_encoding e)
{
    switch (e) {
    case ARCH_ENC_SINT:
        return "sint";
    case ARCH_ENC_IEEE754:
        return "ieee754";
    case ARCH_ENC_VECTOR:
        return "vector";
    case ARCH_ENC_UINT:
        break;
    }
    return "uint";
}

static const char *format_name(enum arch_lldb_format f)
{
    switch (f) {
    case ARCH_FMT_DECIMAL:
        return "decimal";
    case ARCH_FMT_FLOAT:
        return "float";
    case ARCH_FMT_VECTOR_UINT8:
        return "vector-uint8";
    case ARCH_FMT_HEX:
        break;
    }
    return "hex";
}

/* qRegisterInfoN (N hex): one register's description; E45 past the last one, which is how lldb
 * learns the count. */
int srv_h_register_info(struct rsp_server *s, struct rsp_cursor *a)
{
    const struct arch_desc *arch = s->tgt->arch;
    const struct arch_reg *r;
    struct rsp_buf *b = &s->reply;
    uint64_t n;
    int rc;

    if (rsp_cursor_hex_u64(a, &n) != 0 || !rsp_cursor_eof(a))
        return -EINVAL;
    if (n >= arch->nregs)
        return srv_reply_str(s, "E45");
    r = &arch->regs[n];
    rc = rsp_buf_addf(b, "name:%s;", r->name);
    if (rc == 0 && r->alt_name)
        rc = rsp_buf_addf(b, "alt-name:%s;", r->alt_name);
    if (rc == 0)
        rc = rsp_buf_addf(b, "bitsize:%u;offset:%u;encoding:%s;format:%s;", r->size_bits, r->g_off,
                          encoding_name(r->encoding), format_name(r->format));
    if (rc == 0 && r->set)
        rc = rsp_buf_addf(b, "set:%s;", r->set);
    if (rc == 0 && r->ehframe_regno >= 0)
        rc = rsp_buf_addf(b, "gcc:%d;", r->ehframe_regno);
    if (rc == 0 && r->dwarf_regno >= 0)
        rc = rsp_buf_addf(b, "dwarf:%d;", r->dwarf_regno);
    if (rc == 0 && r->generic)
        rc = rsp_buf_addf(b, "generic:%s;", r->generic);
    return rc;
}

int srv_h_thread_suffix(struct rsp_server *s, struct rsp_cursor *a)
{
    (void)a;
    s->thread_suffix = true;
    return srv_reply_str(s, "OK");
}

int srv_h_list_threads_in_stop(struct rsp_server *s, struct rsp_cursor *a)
{
    (void)a;
    s->list_threads_in_stop = true;
    return srv_reply_str(s, "OK");
}

/* qMemoryRegionInfo:ADDR */
int srv_h_memory_region(struct rsp_server *s, struct rsp_cursor *a)
{
    struct rsp_region reg;
    struct rsp_buf *b = &s->reply;
    uint64_t addr;
    int rc;

    if (rsp_cursor_hex_u64(a, &addr) != 0 || !rsp_cursor_eof(a))
        return -EINVAL;
    memset(&reg, 0, sizeof(reg));
    rc = s->tgt->memory_regions->region_info(s->ctx, addr, &reg);
    if (rc != 0)
        return rc;
    rc = rsp_buf_addf(b, "start:%llx;size:%llx;", (unsigned long long)reg.start,
                      (unsigned long long)reg.size);
    if (rc == 0 && reg.mapped)
        rc = rsp_buf_addf(b, "permissions:%s%s%s;", reg.r ? "r" : "", reg.w ? "w" : "",
                          reg.x ? "x" : "");
    reg.name[sizeof(reg.name) - 1] = 0;
    if (rc == 0 && reg.mapped && reg.name[0])
        rc = add_hex_string(b, "name:", reg.name);
    return rc;
}

/* Little-endian register bytes as a number (thread-pcs: carries numbers, not bytes). */
static int read_pc(struct rsp_server *s, int64_t tid, uint64_t *pc)
{
    const struct arch_desc *arch = s->tgt->arch;
    uint8_t buf[8];
    unsigned len = arch->regs[arch->pc_regno].size_bits / 8, i;
    int rc;

    if (len > sizeof(buf))
        return -EINVAL;
    rc = s->tgt->read_reg(s->ctx, tid, (unsigned)arch->pc_regno, buf, len);
    if (rc != 0)
        return rc;
    *pc = 0;
    for (i = len; i-- > 0;)
        *pc = *pc << 8 | buf[i];
    return 0;
}

static size_t snapshot_threads(struct rsp_server *s)
{
    size_t n = s->tgt->list_threads(s->ctx, s->tids, SRV_MAX_THREADS);

    s->ntids = s->tid_pos = 0; /* shared with the qfThreadInfo snapshot */
    if (n > SRV_MAX_THREADS)
        n = SRV_MAX_THREADS;
    return n < LIST_MAX_THREADS ? n : LIST_MAX_THREADS;
}

int srv_add_thread_list(struct rsp_server *s, struct rsp_buf *b)
{
    size_t n = snapshot_threads(s), i, before;
    int rc;

    rc = rsp_buf_adds(b, "threads:");
    for (i = 0; rc == 0 && i < n; i++)
        rc = rsp_buf_addf(b, "%s%llx", i ? "," : "", (unsigned long long)s->tids[i]);
    if (rc == 0)
        rc = rsp_buf_addc(b, ';');
    before = b->len;
    if (rc == 0)
        rc = rsp_buf_adds(b, "thread-pcs:");
    for (i = 0; rc == 0 && i < n; i++) {
        uint64_t pc;

        if (read_pc(s, s->tids[i], &pc) != 0) {
            /* The two lists must line up: without every pc, leave thread-pcs out. */
            b->len = before;
            b->data[before] = 0;
            return 0;
        }
        rc = rsp_buf_addf(b, "%s%llx", i ? "," : "", (unsigned long long)pc);
    }
    if (rc == 0)
        rc = rsp_buf_addc(b, ';');
    return rc;
}

/* qThreadStopInfoTID: the stop reply as it would read if that thread had reported. */
int srv_h_thread_stop_info(struct rsp_server *s, struct rsp_cursor *a)
{
    struct rsp_stop st;
    int64_t tid;
    int rc;

    if (srv_parse_thread_id(a, &tid) != 0 || !rsp_cursor_eof(a) || tid <= 0)
        return -EINVAL;
    memset(&st, 0, sizeof(st));
    st.core = -1;
    rc = s->tgt->thread_stop_info(s->ctx, tid, &st);
    if (rc != 0)
        return rc;
    st.kind = st.kind == RSP_STOP_THREAD_EXIT ? st.kind : RSP_STOP_SIGNAL;
    st.tid = tid;
    return srv_encode_stop(s, &s->reply, &st);
}

static int add_json_string(struct rsp_buf *b, const char *text)
{
    int rc = rsp_buf_addc(b, '"');

    for (; rc == 0 && *text; text++) {
        unsigned char c = (unsigned char)*text;

        if (c == '"' || c == '\\')
            rc = rsp_buf_addf(b, "\\%c", c);
        else if (c < 0x20)
            rc = rsp_buf_addf(b, "\\u%04x", c);
        else
            rc = rsp_buf_addc(b, (char)c);
    }
    return rc != 0 ? rc : rsp_buf_addc(b, '"');
}

static const char *json_reason(const struct rsp_stop *st)
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
    case RSP_REASON_CREATE:
        break;
    }
    return st->signal ? "signal" : NULL;
}

/* One thread's object: tid, name, reason, signal and the expedited registers (decimal regno -> hex
 * bytes in target order), as lldb-server writes them. */
static int add_thread_json(struct rsp_server *s, struct rsp_buf *b, int64_t tid)
{
    const struct arch_desc *arch = s->tgt->arch;
    struct rsp_stop st;
    const char *reason;
    char name[64];
    bool first = true;
    int rc;

    rc = rsp_buf_addf(b, "{\"tid\":%lld", (long long)tid);
    name[0] = 0;
    if (rc == 0 && s->tgt->thread_name(s->ctx, tid, name, sizeof(name)) == 0 && name[0]) {
        name[sizeof(name) - 1] = 0;
        rc = rsp_buf_adds(b, ",\"name\":");
        if (rc == 0)
            rc = add_json_string(b, name);
    }
    memset(&st, 0, sizeof(st));
    if (rc == 0 && s->tgt->thread_stop_info(s->ctx, tid, &st) == 0) {
        reason = json_reason(&st);
        if (reason)
            rc = rsp_buf_addf(b, ",\"reason\":\"%s\"", reason);
        if (rc == 0)
            rc = rsp_buf_addf(b, ",\"signal\":%d", rsp_signal_to_gdb(st.signal));
    }
    if (rc == 0)
        rc = rsp_buf_adds(b, ",\"registers\":{");
    for (const int *e = arch->expedite; rc == 0 && e && *e >= 0; e++) {
        unsigned regno = (unsigned)*e, len;

        if (regno >= arch->nregs)
            continue;
        len = arch->regs[regno].size_bits / 8;
        if (s->tgt->read_reg(s->ctx, tid, regno, s->scratch, len) != 0)
            continue;
        rc = rsp_buf_addf(b, "%s\"%u\":\"", first ? "" : ",", regno);
        if (rc == 0)
            rc = rsp_buf_add_hex(b, s->scratch, len);
        if (rc == 0)
            rc = rsp_buf_addc(b, '"');
        first = false;
    }
    return rc != 0 ? rc : rsp_buf_adds(b, "}}");
}

/* jThreadsInfo: a JSON array, sent binary-escaped (its '}' is the escape character). */
int srv_h_jthreads_info(struct rsp_server *s, struct rsp_cursor *a)
{
    struct rsp_buf *json = &s->aux;
    size_t n = snapshot_threads(s), i;
    int rc;

    (void)a;
    rsp_buf_reset(json);
    rc = rsp_buf_addc(json, '[');
    for (i = 0; rc == 0 && i < n; i++) {
        if (i > 0)
            rc = rsp_buf_addc(json, ',');
        if (rc == 0)
            rc = add_thread_json(s, json, s->tids[i]);
        /* Escaping may double it: stop while the result surely fits one reply. */
        if (json->len > RSP_SERVER_PACKET_SIZE / 2 - 1024)
            break;
    }
    if (rc == 0)
        rc = rsp_buf_addc(json, ']');
    if (rc != 0)
        return rc;
    if (srv_add_escaped_bounded(&s->reply, json->data, json->len, RSP_SERVER_PACKET_SIZE) !=
        json->len)
        return -E2BIG;
    return 0;
}
