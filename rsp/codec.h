/*
 * rsp/codec.h - the bytes of the GDB Remote Serial Protocol, with no I/O: a bounded growable
 * buffer, hex and binary (escaped) codecs, run-length encoding, checksums, framing of packets and
 * notifications, a decoder that turns an arbitrary byte stream into events, and a cursor for
 * parsing packet fields.
 *
 * Used by both halves (the stub's server and the frontend's client). Nothing here knows what a
 * packet means; see server.h and client.h for that. GDB manual, "Overview" and "Packets" (E.1,
 * E.2).
 */
#ifndef RSP_CODEC_H
#define RSP_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RSP_MUST_CHECK __attribute__((warn_unused_result))

/* ------------------------------------------------------------------ bounded buffer (curl's dynbuf)
 */

/* A growable byte buffer with a hard maximum. Always NUL-terminated after the last byte (the NUL is
 * not counted in len), so text can be handed to string functions. */
struct rsp_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t max; /* appends that would pass this fail with -E2BIG and leave the buffer unchanged */
};

void rsp_buf_init(struct rsp_buf *b, size_t max);
void rsp_buf_fini(struct rsp_buf *b);
void rsp_buf_reset(struct rsp_buf *b); /* len = 0, keeps memory */
int rsp_buf_reserve(struct rsp_buf *b, size_t extra) RSP_MUST_CHECK;
int rsp_buf_add(struct rsp_buf *b, const void *data, size_t len) RSP_MUST_CHECK;
int rsp_buf_addc(struct rsp_buf *b, char c) RSP_MUST_CHECK;
int rsp_buf_adds(struct rsp_buf *b, const char *s) RSP_MUST_CHECK;
int rsp_buf_addf(struct rsp_buf *b, const char *fmt, ...) RSP_MUST_CHECK
    __attribute__((format(printf, 2, 3)));
int rsp_buf_add_hex(struct rsp_buf *b, const void *data, size_t len) RSP_MUST_CHECK;
int rsp_buf_add_escaped(struct rsp_buf *b, const void *data, size_t len) RSP_MUST_CHECK;
void rsp_buf_consume(struct rsp_buf *b, size_t n); /* drop n bytes from the front */
/* Hands the data out (caller frees it) and leaves the buffer empty. *len may be NULL. */
uint8_t *rsp_buf_take(struct rsp_buf *b, size_t *len);

/* ------------------------------------------------------------------ hex */

int rsp_hex_nibble(int c);      /* 0..15, or -1 if c is not a hex digit */
char rsp_hex_digit(unsigned v); /* lower case */
void rsp_hex_encode(char *out, const void *in, size_t len); /* writes 2*len chars, no NUL */
/* Decodes exactly 2*n hex chars from in into out[n]. Returns 0 or -EINVAL (odd length, bad digit).
 */
int rsp_hex_decode(uint8_t *out, size_t n, const char *in, size_t inlen) RSP_MUST_CHECK;

/* ------------------------------------------------------------------ binary escaping */

/* '#', '$', '}' and '*' are sent as '}' followed by the byte XOR 0x20 (GDB manual E.1). */
bool rsp_needs_escape(uint8_t c);
/* Unescapes in[0..inlen) into out (at most outmax bytes). *nout gets the count. Returns 0, -EINVAL
 * for a trailing lone '}', -E2BIG when out is too small. out may equal in (in-place). */
int rsp_unescape(uint8_t *out, size_t outmax, const uint8_t *in, size_t inlen,
                 size_t *nout) RSP_MUST_CHECK;

/* ------------------------------------------------------------------ run-length encoding */

/* Appends payload to b run-length encoded: a run of n+1 equal characters is c '*' (n+29), never
 * using a count that would encode as '#' or '$' (those runs are shortened), and never runs of 3 or
 * fewer. */
int rsp_rle_encode(struct rsp_buf *b, const uint8_t *payload, size_t len) RSP_MUST_CHECK;
/* Expands RLE in in[0..inlen) into b. -EINVAL on a '*' with nothing before it or a bad count. */
int rsp_rle_decode(struct rsp_buf *b, const uint8_t *in, size_t inlen) RSP_MUST_CHECK;

/* ------------------------------------------------------------------ framing */

uint8_t rsp_checksum(const uint8_t *data, size_t len);
/* Appends lead payload '#' cc to b (lead is '$' for packets, '%' for notifications). payload must
 * already be escaped where it carries binary data; with rle, runs are compressed. */
int rsp_frame(struct rsp_buf *b, char lead, const uint8_t *payload, size_t len,
              bool rle) RSP_MUST_CHECK;

/* ------------------------------------------------------------------ decoder */

enum rsp_event_kind {
    RSP_EV_NONE = 0,
    RSP_EV_PACKET, /* '$' payload '#' cc, checksum good (or no-ack mode): payload is RLE-expanded */
    RSP_EV_NOTIFICATION, /* '%' payload '#' cc */
    RSP_EV_ACK,          /* '+' */
    RSP_EV_NAK,          /* '-' */
    RSP_EV_INTERRUPT,    /* 0x03 outside a packet */
    RSP_EV_BAD_CHECKSUM, /* a packet whose checksum did not match: send '-' (in ack mode) */
    RSP_EV_OVERSIZED,    /* a packet longer than the decoder's maximum: dropped, session goes on */
    RSP_EV_BAD_PACKET,   /* malformed (bad RLE, bad checksum digits): dropped */
};

struct rsp_event {
    enum rsp_event_kind kind;
    const uint8_t *payload; /* PACKET/NOTIFICATION: valid until the next rsp_decoder_next call */
    size_t len;
};

struct rsp_decoder;

/* max_payload bounds a packet's payload after RLE expansion. Returns NULL on allocation failure. */
struct rsp_decoder *rsp_decoder_new(size_t max_payload);
void rsp_decoder_free(struct rsp_decoder *d);
/* In no-ack mode checksums are not verified (GDB manual E.11: they are still sent). */
void rsp_decoder_set_noack(struct rsp_decoder *d, bool noack);
/* Copies bytes into the decoder's input queue. -E2BIG if the queue is full (call _next first). */
int rsp_decoder_push(struct rsp_decoder *d, const uint8_t *data, size_t len) RSP_MUST_CHECK;
/* Takes the next event out of the queued bytes. Returns false when more input is needed. Garbage
 * between packets is skipped silently. */
bool rsp_decoder_next(struct rsp_decoder *d, struct rsp_event *ev);

/* ------------------------------------------------------------------ cursor */

/* Parsing of packet fields, never reading past end. Every function returns 0 or -EINVAL and leaves
 * the cursor unchanged on failure. */
struct rsp_cursor {
    const char *p;
    const char *end;
};

void rsp_cursor_init(struct rsp_cursor *c, const void *data, size_t len);
bool rsp_cursor_eof(const struct rsp_cursor *c);
size_t rsp_cursor_left(const struct rsp_cursor *c);
bool rsp_cursor_peek(const struct rsp_cursor *c, char ch);             /* next char is ch */
bool rsp_cursor_skip_prefix(struct rsp_cursor *c, const char *prefix); /* consumes it if present */
int rsp_cursor_expect(struct rsp_cursor *c, char ch) RSP_MUST_CHECK;
/* 1..16 hex digits (no more), value in *v. */
int rsp_cursor_hex_u64(struct rsp_cursor *c, uint64_t *v) RSP_MUST_CHECK;
/* Optional '-' then hex: thread ids "-1" and "p1.-1". */
int rsp_cursor_hex_i64(struct rsp_cursor *c, int64_t *v) RSP_MUST_CHECK;
/* Decimal digits (for lldb's few decimal fields). */
int rsp_cursor_dec_u64(struct rsp_cursor *c, uint64_t *v) RSP_MUST_CHECK;
/* Hex-encoded bytes up to a delimiter or the end: decodes into out[outmax], *n bytes. */
int rsp_cursor_hex_bytes(struct rsp_cursor *c, uint8_t *out, size_t outmax,
                         size_t *n) RSP_MUST_CHECK;
/* The span up to (not including) delim, or to the end if delim is absent; consumes delim. */
void rsp_cursor_token(struct rsp_cursor *c, char delim, const char **tok, size_t *toklen);

#endif
