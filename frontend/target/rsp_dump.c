/*
 * frontend/target/rsp_dump.c - the two RSP queries a core dump needs beyond target.h: the auxiliary
 * vector (qXfer:auxv:read, GDB manual E.4 "General Query Packets") and lldb's qMemoryRegionInfo
 * (lldb-gdb-remote.txt), for servers without vFile access to /proc/PID/maps. Not for the dump
 * itself (dump.c).
 */
#include "config.h"

#include "frontend/target/dump.h"
#include "frontend/target/rsp_priv.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUXV_MAX (64u << 10)

int tgt_rsp_auxv(struct tgt *t, uint8_t **out, size_t *len)
{
    struct tgt_rsp *r = (struct tgt_rsp *)t;
    *out = NULL;
    *len = 0;
    if (t->running)
        return -EBUSY;
    if (!rsp_client_has_feature(r->cli, "qXfer:auxv:read"))
        return -EOPNOTSUPP;
    struct rsp_buf b;
    rsp_buf_init(&b, AUXV_MAX);
    int rc = rsp_client_qxfer(r->cli, "auxv", "", &b);
    if (rc == 0)
        *out = rsp_buf_take(&b, len);
    rsp_buf_fini(&b);
    return rc;
}

/* "key:value;" pairs; value is hex for start/size, a hex-encoded string for name. */
static bool next_pair(const char **p, const char *end, const char **k, size_t *klen, const char **v,
                      size_t *vlen)
{
    if (*p >= end)
        return false;
    const char *colon = memchr(*p, ':', (size_t)(end - *p));
    if (colon == NULL)
        return false;
    const char *semi = memchr(colon, ';', (size_t)(end - colon));
    if (semi == NULL)
        semi = end;
    *k = *p;
    *klen = (size_t)(colon - *p);
    *v = colon + 1;
    *vlen = (size_t)(semi - colon - 1);
    *p = semi < end ? semi + 1 : end;
    return true;
}

static int parse_hex(const char *s, size_t n, uint64_t *v)
{
    if (n == 0 || n > 16)
        return -EPROTO;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        int d = s[i] >= '0' && s[i] <= '9'   ? s[i] - '0'
                : s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10
                : s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10
                                             : -1;
        if (d < 0)
            return -EPROTO;
        x = x << 4 | (uint64_t)d;
    }
    *v = x;
    return 0;
}

int tgt_rsp_region_info(struct tgt *t, uint64_t addr, struct tgt_region *out)
{
    struct tgt_rsp *r = (struct tgt_rsp *)t;
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
    const char *p = (const char *)r->reply.data, *end = p + r->reply.len;
    const char *k, *v;
    size_t kl, vl;
    bool have_start = false, have_size = false;
    while (next_pair(&p, end, &k, &kl, &v, &vl)) {
        if (kl == 5 && memcmp(k, "start", 5) == 0) {
            if (parse_hex(v, vl, &out->start) < 0)
                return -EPROTO;
            have_start = true;
        } else if (kl == 4 && memcmp(k, "size", 4) == 0) {
            if (parse_hex(v, vl, &out->size) < 0)
                return -EPROTO;
            have_size = true;
        } else if (kl == 11 && memcmp(k, "permissions", 11) == 0) {
            out->r = memchr(v, 'r', vl) != NULL;
            out->w = memchr(v, 'w', vl) != NULL;
            out->x = memchr(v, 'x', vl) != NULL;
            out->mapped = out->r || out->w || out->x;
        } else if (kl == 4 && memcmp(k, "name", 4) == 0) {
            size_t n = vl / 2 < sizeof(out->name) - 1 ? vl / 2 : sizeof(out->name) - 1;
            if (rsp_hex_decode((uint8_t *)out->name, n, v, 2 * n) < 0)
                out->name[0] = '\0';
            else
                out->name[n] = '\0';
            if (strlen(out->name) < n)
                out->name[0] = '\0'; /* an embedded NUL: not a path */
        }
    }
    if (!have_start || !have_size || out->size == 0 || out->start > addr ||
        (out->start + out->size > out->start && out->start + out->size <= addr))
        return -EPROTO;
    return 0;
}

/* ------------------------------------------------------------------ binary bulk reads */

/* Requests in flight per round trip: ~30 bytes each, far below a socket buffer, so our writes never
 * block while the server waits for us to read its replies. */
#define BIN_WINDOW 512

int tgt_rsp_probe_binary_read(struct tgt *t)
{
    struct tgt_rsp *r = (struct tgt_rsp *)t;
    if (t->running)
        return -EBUSY;
    if (!rsp_client_noack(r->cli))
        return -EOPNOTSUPP; /* pipelining needs no-ack mode */
    /* lldb's convention (gostub and lldb-server answer it): "x0,0" is "OK" when 'x' is there. We
     * never offer binary-upload+, so no server answers with gdb 16's "b" prefix. */
    int rc = rsp_client_requestf(r->cli, &r->reply, "x0,0");
    if (rc < 0)
        return rc;
    if (r->reply.len == 2 && memcmp(r->reply.data, "OK", 2) == 0)
        return 0;
    return -EOPNOTSUPP;
}

struct bin_piece {
    size_t block, off, len;
};

static bool is_error_reply(const struct rsp_buf *b, size_t asked)
{
    /* "Exx" is also 3 bytes of data; only a request for more than 3 bytes can tell them apart, and
     * the dump asks for whole pages. */
    const char *p = (const char *)b->data;
    return asked > 3 && b->len == 3 && p[0] == 'E' && isxdigit((unsigned char)p[1]) &&
           isxdigit((unsigned char)p[2]);
}

static int bin_window(struct tgt_rsp *r, const struct bin_piece *pc, size_t n, const uint64_t *addr,
                      uint8_t *const *buf, size_t *nread, bool *broken)
{
    for (size_t i = 0; i < n; i++) {
        char req[48];
        int len = snprintf(req, sizeof(req), "x%" PRIx64 ",%zx", addr[pc[i].block] + pc[i].off,
                           pc[i].len);
        int rc = rsp_client_send(r->cli, req, (size_t)len);
        if (rc < 0)
            return rc;
    }
    r->extra_round_trips++;
    for (size_t i = 0; i < n; i++) {
        int rc = rsp_client_recv(r->cli, &r->reply, r->timeout_ms);
        if (rc < 0)
            return rc; /* out of step with the server: nothing sensible can follow */
        size_t b = pc[i].block;
        if (broken[b] || nread[b] != pc[i].off)
            continue;
        size_t got = 0;
        if (is_error_reply(&r->reply, pc[i].len) ||
            rsp_unescape(buf[b] + pc[i].off, pc[i].len, r->reply.data, r->reply.len, &got) < 0) {
            broken[b] = true;
            continue;
        }
        nread[b] += got;
        if (got < pc[i].len)
            broken[b] = true;
    }
    return 0;
}

int tgt_rsp_read_blocks_binary(struct tgt *t, const uint64_t *addr, const size_t *len,
                               uint8_t *const *buf, size_t n, size_t *nread)
{
    struct tgt_rsp *r = (struct tgt_rsp *)t;
    if (t->running)
        return -EBUSY;
    /* At most half a packet per reply: escaping may double the bytes, and a reply cut short by
     * the server would look like an unreadable page. */
    size_t chunk = (rsp_client_packet_size(r->cli) - 64) / 2;
    chunk = chunk >= TGT_CACHE_LINE ? chunk - chunk % TGT_CACHE_LINE : chunk;
    if (chunk == 0)
        return -EOPNOTSUPP;
    struct bin_piece *pc = malloc(BIN_WINDOW * sizeof(*pc));
    bool *broken = calloc(n ? n : 1, sizeof(*broken));
    int rc = 0;
    if (pc == NULL || broken == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    size_t np = 0;
    for (size_t b = 0; b < n && rc == 0; b++) {
        nread[b] = 0;
        for (size_t off = 0; off < len[b]; off += chunk) {
            pc[np++] = (struct bin_piece){
                .block = b, .off = off, .len = len[b] - off < chunk ? len[b] - off : chunk};
            if (np == BIN_WINDOW) {
                rc = bin_window(r, pc, np, addr, buf, nread, broken);
                np = 0;
                if (rc < 0)
                    break;
            }
        }
    }
    if (rc == 0 && np > 0)
        rc = bin_window(r, pc, np, addr, buf, nread, broken);
out:
    free(pc);
    free(broken);
    return rc;
}
