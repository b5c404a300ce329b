/*
 * rsp/codec.c - the byte-level pieces of the GDB Remote Serial Protocol: the bounded buffer, hex,
 * binary escaping, run-length encoding, checksums and framing, the stream decoder and the field
 * cursor.
 *
 * No I/O and no knowledge of what a packet means (server.c and client.c do that). Every input may
 * come from a hostile peer: all loops are bounded by the input length, all output by a maximum. GDB
 * manual, "Overview" (E.1) and "Packets" (E.2); see doc/internals/rsp-codec.md.
 */
#include "rsp/codec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ bounded buffer */

/* An empty buffer points here so that data is always a valid NUL-terminated string. Never written:
 * every writer first reserves, which allocates real memory. */
static uint8_t empty_string[1];

void rsp_buf_init(struct rsp_buf *b, size_t max)
{
    b->data = empty_string;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void rsp_buf_fini(struct rsp_buf *b)
{
    if (b->cap > 0)
        free(b->data);
    b->data = empty_string;
    b->len = 0;
    b->cap = 0;
}

void rsp_buf_reset(struct rsp_buf *b)
{
    b->len = 0;
    if (b->cap > 0)
        b->data[0] = 0;
}

int rsp_buf_reserve(struct rsp_buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra || b->len + extra == SIZE_MAX)
        return -E2BIG;
    size_t need = b->len + extra + 1; /* + the NUL */
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap < 64 ? 64 : b->cap;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    size_t limit = b->max == SIZE_MAX ? SIZE_MAX : b->max + 1; /* need <= limit, checked above */
    if (cap > limit)
        cap = limit;
    uint8_t *p = realloc(b->cap > 0 ? b->data : NULL, cap);
    if (p == NULL)
        return -ENOMEM;
    if (b->cap == 0)
        p[0] = 0;
    b->data = p;
    b->cap = cap;
    return 0;
}

int rsp_buf_add(struct rsp_buf *b, const void *data, size_t len)
{
    int rc = rsp_buf_reserve(b, len);
    if (rc < 0)
        return rc;
    if (len > 0)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = 0;
    return 0;
}

int rsp_buf_addc(struct rsp_buf *b, char c)
{
    return rsp_buf_add(b, &c, 1);
}

int rsp_buf_adds(struct rsp_buf *b, const char *s)
{
    return rsp_buf_add(b, s, strlen(s));
}

int rsp_buf_addf(struct rsp_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -EINVAL;
    int rc = rsp_buf_reserve(b, (size_t)n);
    if (rc < 0)
        return rc;
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

int rsp_buf_add_hex(struct rsp_buf *b, const void *data, size_t len)
{
    if (len > SIZE_MAX / 2)
        return -E2BIG;
    int rc = rsp_buf_reserve(b, 2 * len);
    if (rc < 0)
        return rc;
    rsp_hex_encode((char *)b->data + b->len, data, len);
    b->len += 2 * len;
    b->data[b->len] = 0;
    return 0;
}

int rsp_buf_add_escaped(struct rsp_buf *b, const void *data, size_t len)
{
    const uint8_t *in = data;
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += rsp_needs_escape(in[i]) ? 2 : 1;
    int rc = rsp_buf_reserve(b, n);
    if (rc < 0)
        return rc;
    uint8_t *out = b->data + b->len;
    for (size_t i = 0; i < len; i++) {
        if (rsp_needs_escape(in[i])) {
            *out++ = '}';
            *out++ = (uint8_t)(in[i] ^ 0x20);
        } else {
            *out++ = in[i];
        }
    }
    b->len += n;
    b->data[b->len] = 0;
    return 0;
}

void rsp_buf_consume(struct rsp_buf *b, size_t n)
{
    if (n >= b->len) {
        rsp_buf_reset(b);
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
    b->data[b->len] = 0;
}

uint8_t *rsp_buf_take(struct rsp_buf *b, size_t *len)
{
    uint8_t *p;
    if (len != NULL)
        *len = b->len;
    if (b->cap == 0) {
        p = calloc(1, 1); /* an empty string the caller can free */
    } else {
        p = b->data;
    }
    b->data = empty_string;
    b->len = 0;
    b->cap = 0;
    return p;
}

/* ------------------------------------------------------------------ hex */

int rsp_hex_nibble(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char rsp_hex_digit(unsigned v)
{
    return "0123456789abcdef"[v & 0xf];
}

void rsp_hex_encode(char *out, const void *in, size_t len)
{
    const uint8_t *p = in;
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = rsp_hex_digit((unsigned)p[i] >> 4);
        out[2 * i + 1] = rsp_hex_digit(p[i]);
    }
}

int rsp_hex_decode(uint8_t *out, size_t n, const char *in, size_t inlen)
{
    /* Exactly 2*n digits: a longer or shorter field is a malformed packet, not something to guess
     * at. */
    if (inlen % 2 != 0 || inlen / 2 != n)
        return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        int hi = rsp_hex_nibble((unsigned char)in[2 * i]);
        int lo = rsp_hex_nibble((unsigned char)in[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -EINVAL;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/* ------------------------------------------------------------------ binary escaping */

bool rsp_needs_escape(uint8_t c)
{
    return c == '#' || c == '$' || c == '}' || c == '*';
}

int rsp_unescape(uint8_t *out, size_t outmax, const uint8_t *in, size_t inlen, size_t *nout)
{
    size_t o = 0;
    *nout = 0;
    for (size_t i = 0; i < inlen; i++) {
        uint8_t c = in[i];
        if (c == '}') {
            if (i + 1 >= inlen)
                return -EINVAL;
            c = (uint8_t)(in[++i] ^ 0x20);
        }
        if (o >= outmax)
            return -E2BIG;
        out[o++] = c; /* o <= i, so in-place decoding never overwrites unread input */
    }
    *nout = o;
    return 0;
}

/* ------------------------------------------------------------------ run-length encoding */

/* A run of 1+n equal characters is sent as c '*' (n+29). The count character must be printable
 * (n+29 in 32..126, so n in 3..97) and must not be '#' (n = 6) or '$' (n = 7), which would end or
 * restart the frame (GDB manual E.1; gdbserver shortens such runs to n = 5). */
#define RLE_BIAS 29
#define RLE_MIN_N 3
#define RLE_MAX_N (126 - RLE_BIAS)

static size_t rle_usable_n(size_t n)
{
    if (n > RLE_MAX_N)
        n = RLE_MAX_N;
    if (n + RLE_BIAS == '#' || n + RLE_BIAS == '$')
        n = '"' - RLE_BIAS;
    return n;
}

int rsp_rle_encode(struct rsp_buf *b, const uint8_t *payload, size_t len)
{
    /* The output is never longer than the input (a run of 5 or more becomes 3 bytes), so one
     * reservation covers it and the loop writes in place: this is the hot path of large reads. */
    int rc = rsp_buf_reserve(b, len);
    if (rc < 0)
        return rc;
    uint8_t *out = b->data + b->len;
    size_t o = 0, i = 0;
    while (i < len) {
        uint8_t c = payload[i];
        if (c == '}' && i + 1 < len) {
            /* An escape pair is atomic: lldb undoes escapes and runs in one pass, so a run may not
             * start on the escaped byte. */
            out[o++] = c;
            out[o++] = payload[i + 1];
            i += 2;
            continue;
        }
        if (i + 1 >= len || payload[i + 1] != c) {
            /* No run starts here: copy the span up to the next run or escape in one go (most of a
             * memory dump, in hex or binary). */
            size_t j = i + 1;
            while (j + 1 < len && payload[j] != payload[j + 1] && payload[j] != '}')
                j++;
            memcpy(out + o, payload + i, j - i);
            o += j - i;
            i = j;
            continue;
        }
        size_t run = 2;
        while (i + run < len && payload[i + run] == c && run <= RLE_MAX_N)
            run++;
        size_t n = run - 1;
        /* A '*' is never compressed: it would read as a run marker (escaped data never has one). */
        if (n < RLE_MIN_N || c == '*') {
            memset(out + o, c, run);
            o += run;
            i += run;
        } else {
            n = rle_usable_n(n);
            out[o++] = c;
            out[o++] = '*';
            out[o++] = (uint8_t)(n + RLE_BIAS);
            i += n + 1;
        }
    }
    b->len += o;
    b->data[b->len] = 0;
    return 0;
}

int rsp_rle_decode(struct rsp_buf *b, const uint8_t *in, size_t inlen)
{
    size_t start_len = b->len;
    int rc = 0;
    size_t i = 0;
    while (i < inlen) {
        /* Copy the literal span up to the next '*' in one go. */
        const uint8_t *star = memchr(in + i, '*', inlen - i);
        size_t span = star != NULL ? (size_t)(star - (in + i)) : inlen - i;
        rc = rsp_buf_add(b, in + i, span);
        if (rc < 0)
            goto fail;
        i += span;
        if (i >= inlen)
            break;
        /* in[i] is '*': needs a previous character and a printable count after it. */
        if (b->len == start_len || i + 1 >= inlen || in[i + 1] < 32 || in[i + 1] > 126) {
            rc = -EINVAL;
            goto fail;
        }
        size_t n = (size_t)in[i + 1] - RLE_BIAS;
        uint8_t prev = b->data[b->len - 1];
        rc = rsp_buf_reserve(b, n);
        if (rc < 0)
            goto fail;
        memset(b->data + b->len, prev, n);
        b->len += n;
        b->data[b->len] = 0;
        i += 2;
    }
    return 0;
fail:
    b->len = start_len;
    if (b->cap > 0)
        b->data[b->len] = 0;
    return rc;
}

/* ------------------------------------------------------------------ framing */

uint8_t rsp_checksum(const uint8_t *data, size_t len)
{
    unsigned sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += data[i];
    return (uint8_t)sum;
}

int rsp_frame(struct rsp_buf *b, char lead, const uint8_t *payload, size_t len, bool rle)
{
    size_t start_len = b->len;
    int rc = rsp_buf_addc(b, lead);
    if (rc < 0)
        return rc;
    size_t body = b->len;
    rc = rle ? rsp_rle_encode(b, payload, len) : rsp_buf_add(b, payload, len);
    if (rc < 0)
        goto fail;
    /* The checksum covers the characters actually sent, i.e. after RLE. */
    uint8_t sum = rsp_checksum(b->data + body, b->len - body);
    char tail[3] = {'#', rsp_hex_digit((unsigned)sum >> 4), rsp_hex_digit(sum)};
    rc = rsp_buf_add(b, tail, sizeof(tail));
    if (rc < 0)
        goto fail;
    return 0;
fail:
    b->len = start_len;
    if (b->cap > 0)
        b->data[b->len] = 0;
    return rc;
}

/* ------------------------------------------------------------------ decoder */

enum dec_state {
    DEC_IDLE,  /* between packets: acks, 0x03, garbage */
    DEC_BODY,  /* after '$' or '%', collecting the raw payload */
    DEC_CSUM1, /* after '#' */
    DEC_CSUM2, /* after the first checksum digit */
};

struct rsp_decoder {
    struct rsp_buf in; /* queued input; bytes before in_pos are consumed */
    size_t in_pos;
    enum dec_state state;
    char lead;      /* '$' or '%' */
    bool oversized; /* the current packet overflowed: skip to its end */
    bool noack;
    uint8_t sum;            /* running checksum of the raw payload */
    int csum_hi;            /* first checksum digit, -1 if not a hex digit */
    struct rsp_buf raw;     /* payload as received (RLE compressed) */
    struct rsp_buf payload; /* payload handed out, RLE expanded */
};

struct rsp_decoder *rsp_decoder_new(size_t max_payload)
{
    struct rsp_decoder *d = calloc(1, sizeof(*d));
    if (d == NULL)
        return NULL;
    /* The queue holds what one read brings; the owner drains it with _next after every push. */
    size_t qmax = max_payload < SIZE_MAX / 4 ? 2 * max_payload + 4096 : SIZE_MAX / 2;
    if (qmax < 65536)
        qmax = 65536;
    rsp_buf_init(&d->in, qmax);
    /* Compressed input is never longer than its expansion, so the same bound applies to both. */
    rsp_buf_init(&d->raw, max_payload);
    rsp_buf_init(&d->payload, max_payload);
    d->state = DEC_IDLE;
    return d;
}

void rsp_decoder_free(struct rsp_decoder *d)
{
    if (d == NULL)
        return;
    rsp_buf_fini(&d->in);
    rsp_buf_fini(&d->raw);
    rsp_buf_fini(&d->payload);
    free(d);
}

void rsp_decoder_set_noack(struct rsp_decoder *d, bool noack)
{
    d->noack = noack;
}

int rsp_decoder_push(struct rsp_decoder *d, const uint8_t *data, size_t len)
{
    if (d->in_pos > 0) {
        rsp_buf_consume(&d->in, d->in_pos);
        d->in_pos = 0;
    }
    return rsp_buf_add(&d->in, data, len);
}

static void start_packet(struct rsp_decoder *d, char lead)
{
    d->state = DEC_BODY;
    d->lead = lead;
    d->oversized = false;
    d->sum = 0;
    rsp_buf_reset(&d->raw);
}

/* The whole frame is in: check it and turn it into an event. */
static void finish_packet(struct rsp_decoder *d, int csum_lo, struct rsp_event *ev)
{
    d->state = DEC_IDLE;
    ev->payload = NULL;
    ev->len = 0;
    if (d->oversized) {
        ev->kind = RSP_EV_OVERSIZED;
        return;
    }
    /* In no-ack mode the checksum is still sent but not verified (GDB manual E.11). */
    if (!d->noack) {
        if (d->csum_hi < 0 || csum_lo < 0) {
            ev->kind = RSP_EV_BAD_PACKET;
            return;
        }
        if ((uint8_t)(d->csum_hi << 4 | csum_lo) != d->sum) {
            ev->kind = RSP_EV_BAD_CHECKSUM;
            return;
        }
    }
    rsp_buf_reset(&d->payload);
    int rc = rsp_rle_decode(&d->payload, d->raw.data, d->raw.len);
    if (rc == -E2BIG) {
        ev->kind = RSP_EV_OVERSIZED;
        return;
    }
    if (rc < 0) {
        ev->kind = RSP_EV_BAD_PACKET;
        return;
    }
    ev->kind = d->lead == '$' ? RSP_EV_PACKET : RSP_EV_NOTIFICATION;
    ev->payload = d->payload.data;
    ev->len = d->payload.len;
}

bool rsp_decoder_next(struct rsp_decoder *d, struct rsp_event *ev)
{
    ev->kind = RSP_EV_NONE;
    ev->payload = NULL;
    ev->len = 0;
    while (d->in_pos < d->in.len) {
        uint8_t c = d->in.data[d->in_pos++];
        switch (d->state) {
        case DEC_IDLE:
            switch (c) {
            case '$':
            case '%':
                start_packet(d, (char)c);
                break;
            case '+':
                ev->kind = RSP_EV_ACK;
                return true;
            case '-':
                ev->kind = RSP_EV_NAK;
                return true;
            case 0x03:
                ev->kind = RSP_EV_INTERRUPT;
                return true;
            default:
                break; /* garbage between packets: skipped */
            }
            break;
        case DEC_BODY:
            if (c == '#') {
                d->state = DEC_CSUM1;
            } else if (c == '$') {
                /* A new start inside a packet: the old one was cut short; like gdb, start over. */
                start_packet(d, '$');
            } else {
                /* The body up to the next '#' or '$' in one span: this is the hot path of large
                 * replies, so no per-byte append. */
                size_t start = d->in_pos - 1, end = start;
                uint8_t sum = d->sum;
                while (end < d->in.len && d->in.data[end] != '#' && d->in.data[end] != '$')
                    sum = (uint8_t)(sum + d->in.data[end++]);
                d->sum = sum;
                if (!d->oversized && rsp_buf_add(&d->raw, d->in.data + start, end - start) < 0)
                    d->oversized = true;
                d->in_pos = end;
            }
            break;
        case DEC_CSUM1:
            d->csum_hi = rsp_hex_nibble(c);
            d->state = DEC_CSUM2;
            break;
        case DEC_CSUM2:
            finish_packet(d, rsp_hex_nibble(c), ev);
            return true;
        }
    }
    if (d->in_pos == d->in.len) {
        rsp_buf_reset(&d->in);
        d->in_pos = 0;
    }
    return false;
}

/* ------------------------------------------------------------------ cursor */

void rsp_cursor_init(struct rsp_cursor *c, const void *data, size_t len)
{
    c->p = data;
    c->end = c->p + len;
}

bool rsp_cursor_eof(const struct rsp_cursor *c)
{
    return c->p >= c->end;
}

size_t rsp_cursor_left(const struct rsp_cursor *c)
{
    return c->p < c->end ? (size_t)(c->end - c->p) : 0;
}

bool rsp_cursor_peek(const struct rsp_cursor *c, char ch)
{
    return c->p < c->end && *c->p == ch;
}

bool rsp_cursor_skip_prefix(struct rsp_cursor *c, const char *prefix)
{
    size_t n = strlen(prefix);
    if (rsp_cursor_left(c) < n || memcmp(c->p, prefix, n) != 0)
        return false;
    c->p += n;
    return true;
}

int rsp_cursor_expect(struct rsp_cursor *c, char ch)
{
    if (!rsp_cursor_peek(c, ch))
        return -EINVAL;
    c->p++;
    return 0;
}

int rsp_cursor_hex_u64(struct rsp_cursor *c, uint64_t *v)
{
    const char *p = c->p;
    uint64_t val = 0;
    unsigned significant = 0;
    while (p < c->end) {
        int nib = rsp_hex_nibble((unsigned char)*p);
        if (nib < 0)
            break;
        /* Leading zeros are harmless (lldb pads addresses); more than 16 real digits overflow. */
        if (significant > 0 || nib != 0)
            significant++;
        if (significant > 16)
            return -EINVAL;
        val = val << 4 | (uint64_t)nib;
        p++;
    }
    if (p == c->p)
        return -EINVAL;
    *v = val;
    c->p = p;
    return 0;
}

int rsp_cursor_hex_i64(struct rsp_cursor *c, int64_t *v)
{
    struct rsp_cursor t = *c;
    bool neg = false;
    uint64_t u;
    if (rsp_cursor_peek(&t, '-')) {
        neg = true;
        t.p++;
    }
    if (rsp_cursor_hex_u64(&t, &u) < 0)
        return -EINVAL;
    if (neg) {
        if (u > (uint64_t)INT64_MAX + 1)
            return -EINVAL;
        *v = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
    } else {
        if (u > (uint64_t)INT64_MAX)
            return -EINVAL;
        *v = (int64_t)u;
    }
    *c = t;
    return 0;
}

int rsp_cursor_dec_u64(struct rsp_cursor *c, uint64_t *v)
{
    const char *p = c->p;
    uint64_t val = 0;
    while (p < c->end && *p >= '0' && *p <= '9') {
        uint64_t d = (uint64_t)(*p - '0');
        if (val > (UINT64_MAX - d) / 10)
            return -EINVAL;
        val = val * 10 + d;
        p++;
    }
    if (p == c->p)
        return -EINVAL;
    *v = val;
    c->p = p;
    return 0;
}

int rsp_cursor_hex_bytes(struct rsp_cursor *c, uint8_t *out, size_t outmax, size_t *n)
{
    const char *p = c->p;
    size_t count = 0;
    while (p < c->end && rsp_hex_nibble((unsigned char)*p) >= 0) {
        if (p + 1 >= c->end)
            return -EINVAL; /* odd number of digits */
        int hi = rsp_hex_nibble((unsigned char)p[0]);
        int lo = rsp_hex_nibble((unsigned char)p[1]);
        if (lo < 0 || count >= outmax)
            return -EINVAL;
        out[count++] = (uint8_t)(hi << 4 | lo);
        p += 2;
    }
    *n = count;
    c->p = p;
    return 0;
}

void rsp_cursor_token(struct rsp_cursor *c, char delim, const char **tok, size_t *toklen)
{
    const char *start = c->p;
    size_t left = rsp_cursor_left(c);
    const char *d = left > 0 ? memchr(start, delim, left) : NULL;
    if (d == NULL) {
        *tok = start;
        *toklen = left;
        c->p = c->end;
    } else {
        *tok = start;
        *toklen = (size_t)(d - start);
        c->p = d + 1;
    }
}
