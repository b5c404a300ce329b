/*
 * frontend/target/rsp_file.c - files of the server's machine through the RSP: which program the
 * process runs (qXfer:exec-file:read) and a copy of a file (vFile:open/pread/close, GDB manual E.16
 * "Host I/O Packets"), for `godbg connect` without a local binary. Also the console-output hook.
 * Not for symbols: what to do with the file is sym/'s business.
 */
#include "config.h"

#include "frontend/target/rsp_priv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void tgt_rsp_set_console(struct tgt *t, tgt_console_fn *fn, void *ctx)
{
    struct tgt_rsp *r = (struct tgt_rsp *)t;
    r->tio.console = fn;
    r->tio.console_ctx = ctx;
}

int tgt_rsp_exec_file(struct tgt *t, char *out, size_t max)
{
    struct tgt_rsp *r = (struct tgt_rsp *)t;
    if (t->running)
        return -EBUSY;
    if (!rsp_client_has_feature(r->cli, "qXfer:exec-file:read"))
        return -EOPNOTSUPP;
    char annex[24] = "";
    if (t->pid > 0)
        snprintf(annex, sizeof(annex), "%" PRIx64, (uint64_t)t->pid);
    struct rsp_buf b;
    rsp_buf_init(&b, 1 << 16);
    int rc = rsp_client_qxfer(r->cli, "exec-file", annex, &b);
    if (rc == 0 && (b.len == 0 || memchr(b.data, '\0', b.len) != NULL))
        rc = -EPROTO;
    if (rc == 0 && b.len >= max)
        rc = -ENAMETOOLONG;
    if (rc == 0) {
        memcpy(out, b.data, b.len);
        out[b.len] = '\0';
    }
    rsp_buf_fini(&b);
    return rc;
}

/* GDB's File-I/O errno numbers (GDB manual, "Errno Values") are Linux's for 1..30; 91 is
 * ENAMETOOLONG; 9999 is "unknown". */
static int fileio_errno(uint64_t e)
{
    if (e >= 1 && e <= 30)
        return (int)e;
    if (e == 91)
        return ENAMETOOLONG;
    return EIO;
}

/* "F<result>[,<errno>][;<attachment>]": the result (or -errno) and where the attachment starts. */
static int parse_f(const struct rsp_buf *reply, int64_t *result, size_t *att)
{
    struct rsp_cursor c;
    if (rsp_reply_unsupported(reply))
        return -EOPNOTSUPP;
    rsp_cursor_init(&c, reply->data, reply->len);
    if (rsp_cursor_expect(&c, 'F') < 0 || rsp_cursor_hex_i64(&c, result) < 0)
        return -EPROTO;
    if (*result < 0) {
        uint64_t e = 0;
        if (rsp_cursor_skip_prefix(&c, ",") && rsp_cursor_hex_u64(&c, &e) < 0)
            return -EPROTO;
        return -fileio_errno(e);
    }
    if (att != NULL) {
        if (rsp_cursor_expect(&c, ';') < 0)
            return -EPROTO;
        *att = (size_t)(c.p - (const char *)reply->data);
    }
    return 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -errno;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int tgt_rsp_fetch_file(struct tgt *t, const char *remote_path, int out_fd, uint64_t max_len,
                       uint64_t *len)
{
    struct tgt_rsp *r = (struct tgt_rsp *)t;
    *len = 0;
    if (t->running)
        return -EBUSY;
    size_t plen = strlen(remote_path);
    if (plen == 0 || plen > 4096)
        return -EINVAL;
    char *hex = malloc(2 * plen + 1);
    if (hex == NULL)
        return -ENOMEM;
    rsp_hex_encode(hex, remote_path, plen);
    hex[2 * plen] = '\0';
    /* flags 0 (O_RDONLY), mode 0 */
    int rc = rsp_client_requestf(r->cli, &r->reply, "vFile:open:%s,0,0", hex);
    free(hex);
    int64_t fd;
    if (rc == 0)
        rc = parse_f(&r->reply, &fd, NULL);
    if (rc < 0)
        return rc;
    /* Replies carry escaped binary: ask for what fits the server's packet even if nothing needs
     * escaping; a server sends less when it must, and we go on from what came. */
    size_t chunk = rsp_client_packet_size(r->cli) > 128 ? rsp_client_packet_size(r->cli) - 64 : 64;
    for (;;) {
        rc = rsp_client_requestf(r->cli, &r->reply, "vFile:pread:%" PRIx64 ",%zx,%" PRIx64,
                                 (uint64_t)fd, chunk, *len);
        int64_t n;
        size_t att;
        if (rc == 0)
            rc = parse_f(&r->reply, &n, &att);
        if (rc < 0)
            break;
        size_t got;
        uint8_t *data = r->reply.data + att;
        if (rsp_unescape(data, r->reply.len - att, data, r->reply.len - att, &got) < 0 ||
            got != (uint64_t)n || got > chunk) {
            rc = -EPROTO;
            break;
        }
        if (got == 0)
            break; /* end of file */
        if (*len + got > max_len) {
            rc = -EFBIG;
            break;
        }
        rc = write_all(out_fd, data, got);
        if (rc < 0)
            break;
        *len += got;
    }
    struct rsp_buf cl;
    rsp_buf_init(&cl, 256);
    if (rsp_client_requestf(r->cli, &cl, "vFile:close:%" PRIx64, (uint64_t)fd) < 0 && rc == 0)
        rc = -EIO;
    rsp_buf_fini(&cl);
    return rc;
}
