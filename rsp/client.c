/*
 * rsp/client.c - the client half of the GDB Remote Serial Protocol (what gdb does in remote.c), for
 * godbg's target layer: sending requests with acks and retransmission, receiving replies (RLE, 'O'
 * console output, '%' notifications), qSupported and no-ack negotiation, pipelined memory reads
 * with the binary 'x' form, and qXfer loops.
 *
 * Bytes move through the owner's io callbacks; this file makes no system calls and never blocks
 * except inside io->read. Everything the server sends is hostile: replies are bounded
 * (RSP_CLIENT_MAX_REPLY) and parsed with the cursor. Not for interpreting stop replies (stop.c) or
 * register layouts (arch/).
 */
#include "rsp/client.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest reply accepted (after RLE expansion). lldb-server's jThreadsInfo for a big Go program is
 * the largest thing we expect; memory is only committed as replies grow. */
#define RSP_CLIENT_MAX_REPLY (16u << 20)
/* Largest request we frame. */
#define RSP_CLIENT_MAX_REQUEST (1u << 20)
/* Default PacketSize when the server does not say (GDB manual E.4 qSupported: "PacketSize" is
 * mandatory for stubs, but an old stub may send nothing): gdb's own default is 400 bytes. */
#define DEFAULT_PACKET_SIZE 400
#define MIN_PACKET_SIZE 64
/* Sends in ack mode: one try plus retransmissions after '-' or a missing ack. */
#define SEND_ATTEMPTS 4
#define ACK_TIMEOUT_MS 2000
/* Requests in flight during a pipelined memory read. Requests are ~20 bytes, so even a window this
 * size never fills the server's receive buffer while it is blocked writing replies. */
#define PIPELINE_WINDOW 64
/* Notifications kept until the owner asks for them. */
#define MAX_NOTIF_BYTES 65536

enum x_mode {
    X_UNKNOWN = 0, /* not probed yet */
    X_NONE,        /* server has no 'x': use 'm' */
    X_GDB,         /* GDB >= 16 style: reply is 'b' + escaped binary (binary-upload+) */
    X_LLDB,        /* lldb style: reply is escaped binary, no prefix (x0,0 -> OK probe) */
};

enum x_write {
    XW_UNKNOWN = 0,
    XW_BINARY, /* 'X' works */
    XW_HEX,    /* 'X' not supported: 'M' */
};

struct feature {
    char *name;
    char *value; /* NULL for +/- features */
    bool plus;
};

struct rsp_client {
    const struct rsp_client_io *io;
    void *io_ctx;
    struct rsp_decoder *dec;
    bool noack;
    int timeout_ms;
    size_t packet_size;
    struct feature *features;
    size_t nfeatures;
    enum x_mode x_mode;
    enum x_write x_write;
    size_t x_chunk;         /* bytes per 'x' request; halved after the server truncates one */
    struct rsp_buf frame;   /* outgoing framed packet (kept for retransmission) */
    struct rsp_buf pending; /* a packet that arrived while waiting for an ack */
    bool have_pending;
    struct rsp_buf notif; /* queued notifications, each payload followed by a NUL */
    bool stray_stops;     /* queue stop replies that come as replies to other requests */
    struct rsp_buf stray; /* those stop replies, each followed by a NUL */
    struct rsp_buf tmp;   /* scratch for console text and requests */
    struct rsp_client_stats stats;
};

/* ------------------------------------------------------------------ lifecycle */

struct rsp_client *rsp_client_new(const struct rsp_client_io *io, void *io_ctx)
{
    struct rsp_client *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    c->dec = rsp_decoder_new(RSP_CLIENT_MAX_REPLY);
    if (c->dec == NULL) {
        free(c);
        return NULL;
    }
    c->io = io;
    c->io_ctx = io_ctx;
    c->timeout_ms = -1;
    c->packet_size = DEFAULT_PACKET_SIZE;
    rsp_buf_init(&c->frame, RSP_CLIENT_MAX_REQUEST + 16);
    rsp_buf_init(&c->pending, RSP_CLIENT_MAX_REPLY);
    rsp_buf_init(&c->notif, MAX_NOTIF_BYTES);
    rsp_buf_init(&c->stray, MAX_NOTIF_BYTES);
    rsp_buf_init(&c->tmp, RSP_CLIENT_MAX_REQUEST);
    return c;
}

static void free_features(struct rsp_client *c)
{
    for (size_t i = 0; i < c->nfeatures; i++) {
        free(c->features[i].name);
        free(c->features[i].value);
    }
    free(c->features);
    c->features = NULL;
    c->nfeatures = 0;
}

void rsp_client_free(struct rsp_client *c)
{
    if (c == NULL)
        return;
    free_features(c);
    rsp_decoder_free(c->dec);
    rsp_buf_fini(&c->frame);
    rsp_buf_fini(&c->pending);
    rsp_buf_fini(&c->notif);
    rsp_buf_fini(&c->stray);
    rsp_buf_fini(&c->tmp);
    free(c);
}

void rsp_client_set_timeout(struct rsp_client *c, int timeout_ms)
{
    c->timeout_ms = timeout_ms;
}

bool rsp_client_noack(const struct rsp_client *c)
{
    return c->noack;
}

size_t rsp_client_packet_size(const struct rsp_client *c)
{
    return c->packet_size;
}

void rsp_client_stats(const struct rsp_client *c, struct rsp_client_stats *out)
{
    *out = c->stats;
}

/* ------------------------------------------------------------------ bytes in and out */

static int write_raw(struct rsp_client *c, const uint8_t *data, size_t len)
{
    int rc = c->io->write(c->io_ctx, data, len);
    if (rc == 0)
        c->stats.bytes_sent += len;
    return rc;
}

/* The next decoder event, reading more bytes as needed. The timeout applies to each wait for bytes.
 */
static int next_event(struct rsp_client *c, int timeout_ms, struct rsp_event *ev)
{
    uint8_t in[4096];
    while (!rsp_decoder_next(c->dec, ev)) {
        ssize_t n = c->io->read(c->io_ctx, in, sizeof(in), timeout_ms);
        if (n == 0)
            return -EPIPE;
        if (n < 0)
            return (int)n;
        if ((size_t)n > sizeof(in))
            return -EIO;
        c->stats.bytes_received += (uint64_t)n;
        /* _next drained the queue before returning false, so this push always fits. */
        int rc = rsp_decoder_push(c->dec, in, (size_t)n);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int queue_notification(struct rsp_client *c, const struct rsp_event *ev)
{
    /* A notification that does not fit is dropped: the owner polls with vStopped anyway. */
    if (c->notif.len + ev->len + 1 > c->notif.max)
        return 0;
    int rc = rsp_buf_add(&c->notif, ev->payload, ev->len);
    if (rc == 0)
        rc = rsp_buf_addc(&c->notif, '\0');
    return rc;
}

bool rsp_client_notification(struct rsp_client *c, struct rsp_buf *out)
{
    if (c->notif.len == 0)
        return false;
    size_t n = strlen((const char *)c->notif.data);
    rsp_buf_reset(out);
    if (rsp_buf_add(out, c->notif.data, n) < 0)
        return false;
    rsp_buf_consume(&c->notif, n + 1);
    return true;
}

/* 'O' followed by hex text (and not "OK"): console output from the inferior or from qRcmd. */
static bool is_console(const uint8_t *p, size_t len)
{
    if (len < 3 || p[0] != 'O' || (len - 1) % 2 != 0)
        return false;
    for (size_t i = 1; i < len; i++) {
        if (rsp_hex_nibble(p[i]) < 0)
            return false;
    }
    return true;
}

static void deliver_console(struct rsp_client *c, const uint8_t *p, size_t len)
{
    if (c->io->console == NULL)
        return;
    size_t n = (len - 1) / 2;
    rsp_buf_reset(&c->tmp);
    if (rsp_buf_reserve(&c->tmp, n) < 0)
        return;
    if (rsp_hex_decode(c->tmp.data, n, (const char *)p + 1, len - 1) < 0)
        return;
    c->io->console(c->io_ctx, (const char *)c->tmp.data, n);
}

static int ack(struct rsp_client *c, char ch)
{
    if (c->noack)
        return 0;
    uint8_t b = (uint8_t)ch;
    return write_raw(c, &b, 1);
}

/* Next packet into reply. With console, 'O' packets go to io->console instead. */
static int recv_packet(struct rsp_client *c, struct rsp_buf *reply, int timeout_ms, bool console)
{
    struct rsp_event ev;
    int rc;
    if (c->have_pending) {
        c->have_pending = false;
        rsp_buf_reset(reply);
        rc = rsp_buf_add(reply, c->pending.data, c->pending.len);
        if (rc < 0 || !console || !is_console(reply->data, reply->len))
            return rc;
        deliver_console(c, reply->data, reply->len);
    }
    for (;;) {
        rc = next_event(c, timeout_ms, &ev);
        if (rc < 0)
            return rc;
        switch (ev.kind) {
        case RSP_EV_PACKET:
            rc = ack(c, '+');
            if (rc < 0)
                return rc;
            if (console && is_console(ev.payload, ev.len)) {
                deliver_console(c, ev.payload, ev.len);
                break;
            }
            rsp_buf_reset(reply);
            return rsp_buf_add(reply, ev.payload, ev.len);
        case RSP_EV_NOTIFICATION:
            /* Notifications are never acked (GDB manual E.9). */
            rc = queue_notification(c, &ev);
            if (rc < 0)
                return rc;
            break;
        case RSP_EV_BAD_CHECKSUM:
        case RSP_EV_BAD_PACKET:
            rc = ack(c, '-'); /* the server resends */
            if (rc < 0)
                return rc;
            break;
        case RSP_EV_OVERSIZED:
            /* Acked so that the server does not resend what we cannot take. */
            rc = ack(c, '+');
            return rc < 0 ? rc : -EMSGSIZE;
        case RSP_EV_ACK:
        case RSP_EV_NAK:
        case RSP_EV_INTERRUPT:
        case RSP_EV_NONE:
            break; /* stray: a late ack, or noise */
        }
    }
}

int rsp_client_recv(struct rsp_client *c, struct rsp_buf *reply, int timeout_ms)
{
    return recv_packet(c, reply, timeout_ms, true);
}

/* In ack mode: wait for '+', resending the frame on '-' or silence (GDB manual E.11). */
static int wait_ack(struct rsp_client *c)
{
    struct rsp_event ev;
    for (int attempt = 1;; attempt++) {
        for (;;) {
            int rc = next_event(c, ACK_TIMEOUT_MS, &ev);
            if (rc == -ETIMEDOUT)
                break;
            if (rc < 0)
                return rc;
            if (ev.kind == RSP_EV_ACK)
                return 0;
            if (ev.kind == RSP_EV_NAK)
                break;
            if (ev.kind == RSP_EV_NOTIFICATION) {
                rc = queue_notification(c, &ev);
                if (rc < 0)
                    return rc;
            } else if (ev.kind == RSP_EV_PACKET) {
                /* A packet before our ack (a stop reply racing a request): keep it for recv. */
                rc = ack(c, '+');
                if (rc < 0)
                    return rc;
                rsp_buf_reset(&c->pending);
                rc = rsp_buf_add(&c->pending, ev.payload, ev.len);
                if (rc < 0)
                    return rc;
                c->have_pending = true;
            }
        }
        if (attempt >= SEND_ATTEMPTS)
            return -ETIMEDOUT;
        int rc = write_raw(c, c->frame.data, c->frame.len);
        if (rc < 0)
            return rc;
    }
}

int rsp_client_send(struct rsp_client *c, const void *payload, size_t len)
{
    rsp_buf_reset(&c->frame);
    /* Requests are never RLE-compressed: gdb does not, and not every server decodes it. */
    int rc = rsp_frame(&c->frame, '$', payload, len, false);
    if (rc < 0)
        return rc;
    rc = write_raw(c, c->frame.data, c->frame.len);
    if (rc < 0)
        return rc;
    c->stats.packets_sent++;
    if (c->noack)
        return 0;
    return wait_ack(c);
}

/* ------------------------------------------------------------------ stray stop replies */

void rsp_client_set_stray_stops(struct rsp_client *c, bool on)
{
    c->stray_stops = on;
}

bool rsp_client_has_stray_stop(const struct rsp_client *c)
{
    return c->stray.len > 0;
}

bool rsp_client_stray_stop(struct rsp_client *c, struct rsp_buf *out)
{
    if (c->stray.len == 0)
        return false;
    size_t n = strlen((const char *)c->stray.data);
    rsp_buf_reset(out);
    if (rsp_buf_add(out, c->stray.data, n) < 0)
        return false;
    rsp_buf_consume(&c->stray, n + 1);
    return true;
}

/* "T" and two hex digits: no reply to a request other than a resume or '?' looks so ('m' and 'g'
 * replies are hex, 'p' too, the rest are "OK", "Exx", "m...", "l...", "QC..."). */
static bool is_t_stop(const struct rsp_buf *b)
{
    return b->len >= 3 && b->data[0] == 'T' && rsp_hex_nibble((char)b->data[1]) >= 0 &&
           rsp_hex_nibble((char)b->data[2]) >= 0;
}

/* Requests whose answer is a stop reply. */
static bool wants_stop(const uint8_t *p, size_t len)
{
    if (len == 0 || p[0] == '\0')
        return false;
    if (strchr("?cCsS", p[0]) != NULL)
        return true;
    return len >= 5 &&
           (memcmp(p, "vCont", 5) == 0 || memcmp(p, "vAtta", 5) == 0 || memcmp(p, "vRun;", 5) == 0);
}

/* Keeps a stop reply that came in place of the answer to a request, when stray stops are on.
 * true: it was kept (the caller reads the next packet). */
static bool keep_stray(struct rsp_client *c, const struct rsp_buf *reply)
{
    if (!c->stray_stops || !is_t_stop(reply) || c->stray.len + reply->len + 1 > c->stray.max)
        return false;
    if (rsp_buf_add(&c->stray, reply->data, reply->len) < 0)
        return false;
    if (rsp_buf_addc(&c->stray, '\0') < 0) {
        c->stray.len -= reply->len;
        return false;
    }
    return true;
}

int rsp_client_request(struct rsp_client *c, const void *payload, size_t len, struct rsp_buf *reply)
{
    int rc = rsp_client_send(c, payload, len);
    if (rc < 0)
        return rc;
    c->stats.round_trips++;
    bool stop_ok = wants_stop(payload, len);
    for (int i = 0; i < 64; i++) {
        rc = rsp_client_recv(c, reply, c->timeout_ms);
        if (rc < 0 || stop_ok || !keep_stray(c, reply))
            return rc;
    }
    return -EPROTO; /* nothing but stop replies */
}

__attribute__((format(printf, 3, 0))) static int
vrequestf(struct rsp_client *c, struct rsp_buf *reply, const char *fmt, va_list ap)
{
    char small[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof(small), fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return -EINVAL;
    if ((size_t)n < sizeof(small))
        return rsp_client_request(c, small, (size_t)n, reply);
    if ((size_t)n > RSP_CLIENT_MAX_REQUEST)
        return -E2BIG;
    char *big = malloc((size_t)n + 1);
    if (big == NULL)
        return -ENOMEM;
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    int rc = rsp_client_request(c, big, (size_t)n, reply);
    free(big);
    return rc;
}

int rsp_client_requestf(struct rsp_client *c, struct rsp_buf *reply, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vrequestf(c, reply, fmt, ap);
    va_end(ap);
    return rc;
}

int rsp_client_interrupt(struct rsp_client *c)
{
    static const uint8_t ctrl_c = 0x03;
    return write_raw(c, &ctrl_c, 1);
}

/* ------------------------------------------------------------------ replies */

int rsp_reply_error(const struct rsp_buf *reply)
{
    const uint8_t *p = reply->data;
    if (reply->len < 1 || p[0] != 'E')
        return 0;
    if (reply->len >= 2 && p[1] == '.')
        return EIO; /* "E.text" (GDB manual E.1, error-message feature) */
    if (reply->len == 3 && rsp_hex_nibble(p[1]) >= 0 && rsp_hex_nibble(p[2]) >= 0) {
        int e = rsp_hex_nibble(p[1]) << 4 | rsp_hex_nibble(p[2]);
        return e != 0 ? e : EIO;
    }
    return 0;
}

bool rsp_reply_unsupported(const struct rsp_buf *reply)
{
    return reply->len == 0;
}

/* ------------------------------------------------------------------ qSupported */

static char *dup_span(const char *s, size_t len)
{
    char *p = malloc(len + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, len);
    p[len] = 0;
    return p;
}

/* "name+", "name-", "name=value" separated by ';' (GDB manual E.4, qSupported). */
static int parse_features(struct rsp_client *c, const struct rsp_buf *reply)
{
    struct rsp_cursor cur;
    size_t count = 1;
    for (size_t i = 0; i < reply->len; i++)
        count += reply->data[i] == ';';
    free_features(c);
    c->features = calloc(count, sizeof(*c->features));
    if (c->features == NULL)
        return -ENOMEM;
    rsp_cursor_init(&cur, reply->data, reply->len);
    while (!rsp_cursor_eof(&cur)) {
        const char *tok;
        size_t len;
        rsp_cursor_token(&cur, ';', &tok, &len);
        if (len == 0)
            continue;
        struct feature *f = &c->features[c->nfeatures];
        const char *eq = memchr(tok, '=', len);
        if (eq != NULL) {
            f->name = dup_span(tok, (size_t)(eq - tok));
            f->value = dup_span(eq + 1, len - (size_t)(eq - tok) - 1);
            if (f->name == NULL || f->value == NULL) {
                free(f->name);
                free(f->value);
                return -ENOMEM;
            }
        } else if (tok[len - 1] == '+' || tok[len - 1] == '-') {
            f->name = dup_span(tok, len - 1);
            if (f->name == NULL)
                return -ENOMEM;
            f->plus = tok[len - 1] == '+';
        } else {
            continue; /* malformed: ignored, like gdb ("unrecognized item") */
        }
        c->nfeatures++;
    }
    return 0;
}

static const struct feature *find_feature(const struct rsp_client *c, const char *name)
{
    for (size_t i = 0; i < c->nfeatures; i++) {
        if (strcmp(c->features[i].name, name) == 0)
            return &c->features[i];
    }
    return NULL;
}

bool rsp_client_has_feature(const struct rsp_client *c, const char *name)
{
    const struct feature *f = find_feature(c, name);
    return f != NULL && f->plus;
}

const char *rsp_client_feature_value(const struct rsp_client *c, const char *name)
{
    const struct feature *f = find_feature(c, name);
    return f != NULL ? f->value : NULL;
}

static void set_packet_size(struct rsp_client *c)
{
    const char *v = rsp_client_feature_value(c, "PacketSize");
    uint64_t size;
    struct rsp_cursor cur;
    c->packet_size = DEFAULT_PACKET_SIZE;
    if (v == NULL)
        return;
    rsp_cursor_init(&cur, v, strlen(v));
    if (rsp_cursor_hex_u64(&cur, &size) < 0 || !rsp_cursor_eof(&cur))
        return;
    /* Bounded both ways: tiny sizes would make every read a thousand packets, huge ones would let
     * the server make us allocate without limit. */
    if (size < MIN_PACKET_SIZE)
        size = MIN_PACKET_SIZE;
    if (size > RSP_CLIENT_MAX_REQUEST)
        size = RSP_CLIENT_MAX_REQUEST;
    c->packet_size = (size_t)size;
}

int rsp_client_handshake(struct rsp_client *c, const char *our_features)
{
    struct rsp_buf reply;
    rsp_buf_init(&reply, RSP_CLIENT_MAX_REPLY);
    /* gdb starts with a lone '+' to ack anything the server sent before we connected. */
    static const uint8_t plus = '+';
    int rc = c->noack ? 0 : write_raw(c, &plus, 1);
    if (rc < 0)
        goto out;
    if (our_features != NULL && our_features[0] != '\0')
        rc = rsp_client_requestf(c, &reply, "qSupported:%s", our_features);
    else
        rc = rsp_client_requestf(c, &reply, "qSupported");
    if (rc < 0)
        goto out;
    if (rsp_reply_error(&reply) != 0) {
        rc = -EPROTO;
        goto out;
    }
    rc = parse_features(c, &reply); /* empty reply: an old server, no features */
    if (rc < 0)
        goto out;
    set_packet_size(c);
    /* x chunk: the escaped reply must fit the server's buffer; start optimistic, halve on
     * truncation */
    c->x_chunk = c->packet_size > 128 ? c->packet_size - 64 : c->packet_size / 2;
    c->x_mode = rsp_client_has_feature(c, "binary-upload") ? X_GDB : X_UNKNOWN;
    if (rsp_client_has_feature(c, "QStartNoAckMode") && !c->noack) {
        rc = rsp_client_requestf(c, &reply, "QStartNoAckMode");
        if (rc < 0)
            goto out;
        /* The OK was acked by recv above; from here on neither side acks (GDB manual E.11). */
        if (reply.len == 2 && memcmp(reply.data, "OK", 2) == 0) {
            c->noack = true;
            rsp_decoder_set_noack(c->dec, true);
        }
    }
out:
    rsp_buf_fini(&reply);
    return rc;
}

/* ------------------------------------------------------------------ memory */

static size_t m_chunk(const struct rsp_client *c)
{
    /* hex: two characters per byte, and a little room for framing */
    return (c->packet_size - 8) / 2;
}

/* Probes the lldb-style 'x' (x0,0 -> OK) once, when qSupported did not offer binary-upload. */
static int probe_x(struct rsp_client *c)
{
    struct rsp_buf reply;
    rsp_buf_init(&reply, 256);
    int rc = rsp_client_requestf(c, &reply, "x0,0");
    if (rc == 0)
        c->x_mode = reply.len == 2 && memcmp(reply.data, "OK", 2) == 0 ? X_LLDB : X_NONE;
    rsp_buf_fini(&reply);
    return rc;
}

/* Parses one memory read reply into out[want]. Returns bytes (may be short), -EIO for an error
 * reply, -EOPNOTSUPP for an empty one, -EPROTO for nonsense. */
static ssize_t parse_mem_reply(struct rsp_client *c, bool binary, const struct rsp_buf *reply,
                               uint8_t *out, size_t want)
{
    if (rsp_reply_unsupported(reply))
        return -EOPNOTSUPP;
    if (rsp_reply_error(reply) != 0)
        return -EIO;
    if (!binary) {
        if (reply->len % 2 != 0 || reply->len / 2 > want)
            return -EPROTO;
        if (rsp_hex_decode(out, reply->len / 2, (const char *)reply->data, reply->len) < 0)
            return -EPROTO;
        return (ssize_t)(reply->len / 2);
    }
    const uint8_t *p = reply->data;
    size_t len = reply->len;
    if (c->x_mode == X_GDB) {
        if (p[0] != 'b')
            return -EPROTO;
        p++;
        len--;
    }
    size_t n;
    if (rsp_unescape(out, want, p, len, &n) < 0)
        return -EPROTO;
    return (ssize_t)n;
}

static int send_read_request(struct rsp_client *c, char op, uint64_t addr, size_t len)
{
    char req[48];
    int n = snprintf(req, sizeof(req), "%c%" PRIx64 ",%zx", op, addr, len);
    return rsp_client_send(c, req, (size_t)n);
}

/* One pipelined batch of requests starting at addr. Returns the bytes read contiguously from addr
 * (the batch stops being useful at the first short or failed piece), or -errno when not even the
 * first byte could be read. */
static ssize_t read_batch(struct rsp_client *c, uint64_t addr, uint8_t *buf, size_t len)
{
    bool binary = c->x_mode == X_GDB || c->x_mode == X_LLDB;
    size_t chunk = binary ? c->x_chunk : m_chunk(c);
    size_t window = c->noack ? PIPELINE_WINDOW : 1; /* in ack mode each send waits anyway */
    size_t nreq = 0, off = 0;
    int rc = 0;
    while (off < len && nreq < window) {
        size_t want = len - off < chunk ? len - off : chunk;
        rc = send_read_request(c, binary ? 'x' : 'm', addr + off, want);
        if (rc < 0)
            return rc;
        nreq++;
        off += want;
    }
    c->stats.round_trips++;

    struct rsp_buf reply;
    rsp_buf_init(&reply, RSP_CLIENT_MAX_REPLY);
    size_t done = 0;
    bool broken = false;
    ssize_t result = 0;
    off = 0;
    for (size_t i = 0; i < nreq; i++) {
        size_t want = len - off < chunk ? len - off : chunk;
        rc = recv_packet(c, &reply, c->timeout_ms, false);
        for (int k = 0; rc == 0 && !binary && k < 64 && keep_stray(c, &reply); k++)
            rc = recv_packet(c, &reply, c->timeout_ms, false);
        if (rc < 0) {
            /* The stream is out of step now; nothing sensible can follow. */
            result = rc;
            goto out;
        }
        if (!broken) {
            ssize_t n = parse_mem_reply(c, binary, &reply, buf + off, want);
            if (n == -EOPNOTSUPP && binary) {
                c->x_mode = X_NONE; /* fall back to 'm' for the rest, keep draining */
                broken = true;
            } else if (n < 0) {
                if (done == 0)
                    result = n;
                broken = true;
            } else {
                done += (size_t)n;
                if ((size_t)n < want) {
                    /* A server that truncates escaped replies to its buffer: ask for less. */
                    if (binary && n > 0 && c->x_chunk > m_chunk(c))
                        c->x_chunk = m_chunk(c);
                    broken = true;
                }
            }
        }
        off += want;
    }
    result = done > 0 ? (ssize_t)done : result;
out:
    rsp_buf_fini(&reply);
    return result;
}

int rsp_client_read_mem(struct rsp_client *c, uint64_t addr, uint8_t *buf, size_t len,
                        size_t *nread)
{
    *nread = 0;
    if (c->x_mode == X_UNKNOWN) {
        int rc = probe_x(c);
        if (rc < 0)
            return rc;
    }
    while (*nread < len) {
        enum x_mode before = c->x_mode;
        ssize_t n = read_batch(c, addr + *nread, buf + *nread, len - *nread);
        if (n == 0 && c->x_mode != before)
            continue; /* 'x' turned out unsupported: retry the same range with 'm' */
        if (n < 0)
            return (int)n;
        if (n == 0)
            return -EIO;
        *nread += (size_t)n;
    }
    return 0;
}

static int write_chunk(struct rsp_client *c, uint64_t addr, const uint8_t *buf, size_t len,
                       bool binary, struct rsp_buf *reply)
{
    rsp_buf_reset(&c->tmp);
    int rc = rsp_buf_addf(&c->tmp, "%c%" PRIx64 ",%zx:", binary ? 'X' : 'M', addr, len);
    if (rc == 0)
        rc = binary ? rsp_buf_add_escaped(&c->tmp, buf, len) : rsp_buf_add_hex(&c->tmp, buf, len);
    if (rc < 0)
        return rc;
    return rsp_client_request(c, c->tmp.data, c->tmp.len, reply);
}

int rsp_client_write_mem(struct rsp_client *c, uint64_t addr, const uint8_t *buf, size_t len)
{
    struct rsp_buf reply;
    rsp_buf_init(&reply, 4096);
    size_t chunk = m_chunk(c) > 32 ? m_chunk(c) - 16 : m_chunk(c);
    size_t off = 0;
    int rc = 0;
    while (off < len) {
        size_t n = len - off < chunk ? len - off : chunk;
        bool binary = c->x_write != XW_HEX;
        rc = write_chunk(c, addr + off, buf + off, n, binary, &reply);
        if (rc < 0)
            break;
        if (binary && c->x_write == XW_UNKNOWN) {
            if (rsp_reply_unsupported(&reply)) {
                c->x_write = XW_HEX; /* GDB manual: 'X' unsupported -> use 'M' */
                continue;
            }
            c->x_write = XW_BINARY;
        }
        if (rsp_reply_error(&reply) != 0) {
            rc = -EIO;
            break;
        }
        if (reply.len != 2 || memcmp(reply.data, "OK", 2) != 0) {
            rc = -EPROTO;
            break;
        }
        off += n;
    }
    rsp_buf_fini(&reply);
    return rc;
}

/* ------------------------------------------------------------------ qXfer */

int rsp_client_qxfer(struct rsp_client *c, const char *object, const char *annex,
                     struct rsp_buf *out)
{
    struct rsp_buf reply;
    rsp_buf_init(&reply, RSP_CLIENT_MAX_REPLY);
    size_t chunk = c->packet_size > 128 ? c->packet_size - 64 : c->packet_size / 2;
    uint64_t offset = 0;
    int rc;
    rsp_buf_reset(out);
    for (;;) {
        rc = rsp_client_requestf(c, &reply, "qXfer:%s:read:%s:%" PRIx64 ",%zx", object, annex,
                                 offset, chunk);
        if (rc < 0)
            break;
        if (rsp_reply_unsupported(&reply)) {
            rc = -EOPNOTSUPP;
            break;
        }
        if (rsp_reply_error(&reply) != 0) {
            rc = -EIO;
            break;
        }
        uint8_t kind = reply.data[0];
        if (kind != 'm' && kind != 'l') {
            rc = -EPROTO;
            break;
        }
        /* Data is binary-escaped (GDB manual E.4, qXfer); unescape in place, then append. */
        size_t n;
        rc = rsp_unescape(reply.data + 1, reply.len - 1, reply.data + 1, reply.len - 1, &n);
        if (rc < 0) {
            rc = -EPROTO;
            break;
        }
        rc = rsp_buf_add(out, reply.data + 1, n);
        if (rc < 0)
            break;
        if (kind == 'l')
            break;
        if (n == 0) {
            rc = -EPROTO; /* 'm' with no data would loop forever */
            break;
        }
        offset += n;
    }
    rsp_buf_fini(&reply);
    return rc;
}
