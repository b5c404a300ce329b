/*
 * rsp/server_data.c - the packets that read and write the stopped process: registers (g, G, p, P),
 * memory (m, M, X, x) and breakpoints and watchpoints (Z0-Z4, z0-z4). Every length from the client
 * is checked against the PacketSize we advertised before anything is read; the data passes through
 * the server's one scratch buffer.
 *
 * Not here: how the stub hides its breakpoints from reads (the target does that).
 */
#include <errno.h>
#include <string.h>

#include "rsp/server_internal.h"

/* E.text replies of a read-only session; "read-only: " first, whatever is refused. */
static const char read_only_msg[] = "read-only: gostub --read-only refuses to write memory";
static const char read_only_regs_msg[] = "read-only: gostub --read-only refuses to write registers";
static const char read_only_bp_msg[] =
    "read-only: gostub --read-only refuses breakpoints and watchpoints";

int srv_add_reg_hex(struct rsp_server *s, struct rsp_buf *b, int64_t tid, unsigned regno)
{
    const struct arch_reg *r = &s->tgt->arch->regs[regno];
    size_t len = r->size_bits / 8, i;
    int rc;

    rc = s->tgt->read_reg(s->ctx, tid, regno, s->scratch, len);
    if (rc == -ENOENT) {
        /* Unavailable: 'xx' per byte (GDB manual E.2, 'g' reply). */
        for (i = 0; i < len; i++) {
            rc = rsp_buf_adds(b, "xx");
            if (rc != 0)
                return rc;
        }
        return 0;
    }
    if (rc != 0)
        return rc;
    return rsp_buf_add_hex(b, s->scratch, len);
}

/* 'g': every register of the current thread, in target-description order. */
int srv_h_read_regs(struct rsp_server *s, struct rsp_cursor *a)
{
    const struct arch_desc *arch = s->tgt->arch;
    int64_t tid = srv_reg_tid(s);
    unsigned i;
    int rc;

    if (!rsp_cursor_eof(a))
        return -EINVAL;
    if (tid <= 0)
        return -ESRCH;
    for (i = 0; i < arch->nregs; i++) {
        rc = srv_add_reg_hex(s, &s->reply, tid, i);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* 'G XX...': registers covered completely by the data are written, in order. */
int srv_h_write_regs(struct rsp_server *s, struct rsp_cursor *a)
{
    const struct arch_desc *arch = s->tgt->arch;
    int64_t tid = srv_reg_tid(s);
    size_t n, off = 0;
    unsigned i;
    int rc;

    if (s->cfg && s->cfg->read_only)
        return srv_reply_error_text(s, read_only_regs_msg);
    if (tid <= 0)
        return -ESRCH;
    if (rsp_cursor_left(a) > 2 * (size_t)arch->g_len ||
        rsp_cursor_hex_bytes(a, s->scratch, arch->g_len, &n) != 0 || !rsp_cursor_eof(a))
        return -EINVAL;
    for (i = 0; i < arch->nregs; i++) {
        size_t len = arch->regs[i].size_bits / 8;

        off = arch->regs[i].g_off;
        if (off + len > n)
            break;
        rc = s->tgt->write_reg(s->ctx, tid, i, s->scratch + off, len);
        if (rc != 0 && rc != -ENOENT)
            return rc;
    }
    return srv_reply_str(s, "OK");
}

static int parse_regno(struct rsp_server *s, struct rsp_cursor *a, unsigned *regno)
{
    uint64_t n;

    if (rsp_cursor_hex_u64(a, &n) != 0 || n >= s->tgt->arch->nregs)
        return -EINVAL;
    *regno = (unsigned)n;
    return 0;
}

/* 'p n' */
int srv_h_read_reg(struct rsp_server *s, struct rsp_cursor *a)
{
    int64_t tid = srv_reg_tid(s);
    unsigned regno;

    if (parse_regno(s, a, &regno) != 0 || !rsp_cursor_eof(a))
        return -EINVAL;
    if (tid <= 0)
        return -ESRCH;
    return srv_add_reg_hex(s, &s->reply, tid, regno);
}

/* 'P n=r' */
int srv_h_write_reg(struct rsp_server *s, struct rsp_cursor *a)
{
    int64_t tid = srv_reg_tid(s);
    unsigned regno;
    size_t len, n;
    int rc;

    if (s->cfg && s->cfg->read_only)
        return srv_reply_error_text(s, read_only_regs_msg);
    if (parse_regno(s, a, &regno) != 0 || rsp_cursor_expect(a, '=') != 0)
        return -EINVAL;
    len = s->tgt->arch->regs[regno].size_bits / 8;
    if (rsp_cursor_left(a) != 2 * len || rsp_cursor_hex_bytes(a, s->scratch, len, &n) != 0 ||
        n != len)
        return -EINVAL;
    if (tid <= 0)
        return -ESRCH;
    rc = s->tgt->write_reg(s->ctx, tid, regno, s->scratch, len);
    return rc != 0 ? rc : srv_reply_str(s, "OK");
}

/* "ADDR,LEN" with LEN at most max. */
static int parse_addr_len(struct rsp_cursor *a, uint64_t *addr, uint64_t *len, uint64_t max)
{
    if (rsp_cursor_hex_u64(a, addr) != 0 || rsp_cursor_expect(a, ',') != 0 ||
        rsp_cursor_hex_u64(a, len) != 0 || *len > max)
        return -EINVAL;
    return 0;
}

/* Reads up to len bytes into the scratch buffer; *n gets how many. Fails only when none could be.
 */
static int read_some(struct rsp_server *s, uint64_t addr, size_t len, size_t *n)
{
    size_t nread = 0;
    int rc;

    rc = s->tgt->read_mem(s->ctx, addr, s->scratch, len, &nread);
    if (rc == RSP_FATAL)
        return rc;
    if (nread > len)
        nread = len; /* a target bug must not make us read past scratch */
    if (nread == 0)
        return rc != 0 ? rc : -EFAULT;
    /* A short read is sent as it is: gdb and lldb both accept fewer bytes than they asked for. */
    *n = nread;
    return 0;
}

/* 'm addr,len': hex, so at most PacketSize/2 bytes (gdb never asks for more). */
int srv_h_read_mem(struct rsp_server *s, struct rsp_cursor *a)
{
    uint64_t addr, len;
    size_t n;
    int rc;

    if (parse_addr_len(a, &addr, &len, RSP_SERVER_PACKET_SIZE / 2) != 0 || !rsp_cursor_eof(a))
        return -EINVAL;
    if (len == 0)
        return 0;
    rc = read_some(s, addr, (size_t)len, &n);
    return rc != 0 ? rc : rsp_buf_add_hex(&s->reply, s->scratch, n);
}

/* 'M addr,len:XX...' */
int srv_h_write_mem(struct rsp_server *s, struct rsp_cursor *a)
{
    uint64_t addr, len;
    size_t n = 0;
    int rc;

    if (parse_addr_len(a, &addr, &len, RSP_SERVER_PACKET_SIZE / 2) != 0 ||
        rsp_cursor_expect(a, ':') != 0 || rsp_cursor_left(a) != 2 * len)
        return -EINVAL;
    if (s->cfg && s->cfg->read_only)
        return srv_reply_error_text(s, read_only_msg);
    if (len > 0 && rsp_cursor_hex_bytes(a, s->scratch, (size_t)len, &n) != 0)
        return -EINVAL;
    if (n != len)
        return -EINVAL;
    if (len > 0) {
        rc = s->tgt->write_mem(s->ctx, addr, s->scratch, (size_t)len);
        if (rc != 0)
            return rc;
    }
    return srv_reply_str(s, "OK");
}

/* 'X addr,len:binary' (escaped). gdb probes with "X addr,0:" and expects OK if X is supported. */
int srv_h_write_mem_bin(struct rsp_server *s, struct rsp_cursor *a)
{
    uint64_t addr, len;
    size_t n;
    int rc;

    if (parse_addr_len(a, &addr, &len, RSP_SERVER_PACKET_SIZE) != 0 ||
        rsp_cursor_expect(a, ':') != 0)
        return -EINVAL;
    if (len == 0)
        return srv_reply_str(s, "OK");
    if (s->cfg && s->cfg->read_only)
        return srv_reply_error_text(s, read_only_msg);
    if (rsp_unescape(s->scratch, RSP_SERVER_PACKET_SIZE, (const uint8_t *)a->p, rsp_cursor_left(a),
                     &n) != 0 ||
        n != len)
        return -EINVAL;
    rc = s->tgt->write_mem(s->ctx, addr, s->scratch, n);
    return rc != 0 ? rc : srv_reply_str(s, "OK");
}

/* 'x addr,len': binary read. lldb's form (raw escaped bytes; "x0,0" answers OK as the capability
 * probe) unless the client offered binary-upload+, when it is gdb 16's "b<bytes>". */
int srv_h_read_mem_bin(struct rsp_server *s, struct rsp_cursor *a)
{
    uint64_t addr, len;
    size_t n;
    int rc;

    if (parse_addr_len(a, &addr, &len, RSP_SERVER_PACKET_SIZE) != 0 || !rsp_cursor_eof(a))
        return -EINVAL;
    if (len == 0)
        return srv_reply_str(s, s->cl.binary_upload ? "b" : "OK");
    rc = read_some(s, addr, (size_t)len, &n);
    if (rc != 0)
        return rc;
    if (s->cl.binary_upload && rsp_buf_addc(&s->reply, 'b') != 0)
        return -E2BIG;
    /* Escaping may double the size: what does not fit in PacketSize is left for the next read. */
    if (srv_add_escaped_bounded(&s->reply, s->scratch, n, RSP_SERVER_PACKET_SIZE - s->reply.len) ==
        0)
        return -E2BIG;
    return 0;
}

/* The Z/z rows are "Zt," so the type digit sits two characters before the arguments. */
static int z_common(struct rsp_server *s, struct rsp_cursor *a, bool insert)
{
    const struct rsp_target *t = s->tgt;
    int type = a->p[-2] - '0';
    uint64_t addr, kind;
    int rc;

    if (rsp_cursor_hex_u64(a, &addr) != 0 || rsp_cursor_expect(a, ',') != 0 ||
        rsp_cursor_hex_u64(a, &kind) != 0)
        return -EINVAL;
    /* Anything after ';' (target-side conditions, commands) is ignored: we never offered
     * ConditionalBreakpoints+ or BreakpointCommands+. */
    if (!rsp_cursor_eof(a) && !rsp_cursor_peek(a, ';'))
        return -EINVAL;
    if (insert && s->cfg && s->cfg->read_only)
        return srv_reply_error_text(s, read_only_bp_msg);
    if (type <= 1 && kind > 64)
        return -EINVAL;
    switch (type) {
    case 0:
        rc = insert ? t->breakpoints->insert(s->ctx, addr, (unsigned)kind)
                    : t->breakpoints->remove(s->ctx, addr, (unsigned)kind);
        break;
    case 1:
        rc = insert ? t->hw_breakpoints->insert(s->ctx, addr, (unsigned)kind)
                    : t->hw_breakpoints->remove(s->ctx, addr, (unsigned)kind);
        break;
    case 2:
    case 3:
    case 4:
        rc = insert ? t->watchpoints->insert(s->ctx, (enum rsp_watch_type)type, addr, kind)
                    : t->watchpoints->remove(s->ctx, (enum rsp_watch_type)type, addr, kind);
        break;
    default:
        return -EINVAL;
    }
    /* -ENOTSUP (e.g. Z3 on x86, which has no read-only watch) becomes the empty reply, as gdbserver
     * does: gdb then falls back to an access watchpoint. */
    return rc != 0 ? rc : srv_reply_str(s, "OK");
}

int srv_h_z_insert(struct rsp_server *s, struct rsp_cursor *a)
{
    return z_common(s, a, true);
}

int srv_h_z_remove(struct rsp_server *s, struct rsp_cursor *a)
{
    return z_common(s, a, false);
}
