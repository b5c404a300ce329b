/*
 * tests/fuzz/fuzz_decoder.c - libFuzzer target for rsp/codec.c: the stream decoder, escaping, RLE,
 * hex and the cursor. Oracles (abort on failure, so libFuzzer reports them):
 *  - the same stream pushed whole, one byte at a time, and in input-chosen pieces gives the same
 * events;
 *  - no payload exceeds the decoder's maximum, and every decoded packet re-framed with RLE decodes
 * back to itself;
 *  - escape/unescape, RLE encode/decode and hex encode/decode of the input round-trip, and RLE
 * output never contains '#', '$', a non-printable count or a run of 3 or fewer;
 *  - cursor functions never move past the end and leave the cursor unchanged on failure.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsp/codec.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Events as one byte of kind, 4 bytes of length, payload, so that runs can be compared. */
static void record(struct rsp_decoder *d, struct rsp_buf *log, size_t max_payload)
{
    struct rsp_event ev;
    while (rsp_decoder_next(d, &ev)) {
        CHECK(ev.kind != RSP_EV_NONE);
        uint8_t head[5] = {(uint8_t)ev.kind, (uint8_t)ev.len, (uint8_t)(ev.len >> 8),
                           (uint8_t)(ev.len >> 16), (uint8_t)(ev.len >> 24)};
        CHECK(rsp_buf_add(log, head, sizeof(head)) == 0);
        if (ev.kind == RSP_EV_PACKET || ev.kind == RSP_EV_NOTIFICATION) {
            CHECK(ev.len <= max_payload);
            CHECK(ev.payload != NULL);
            /* an expanded payload never holds a frame character or a run marker */
            CHECK(memchr(ev.payload, '#', ev.len) == NULL);
            CHECK(memchr(ev.payload, '$', ev.len) == NULL);
            CHECK(memchr(ev.payload, '*', ev.len) == NULL);
            CHECK(rsp_buf_add(log, ev.payload, ev.len) == 0);
        } else {
            CHECK(ev.len == 0);
        }
    }
    CHECK(ev.kind == RSP_EV_NONE);
}

static void check_reframe(const uint8_t *payload, size_t len, size_t max_payload)
{
    struct rsp_buf frame;
    rsp_buf_init(&frame, 4 * len + 16);
    CHECK(rsp_frame(&frame, '$', payload, len, true) == 0);
    struct rsp_decoder *d = rsp_decoder_new(max_payload);
    CHECK(d != NULL);
    CHECK(rsp_decoder_push(d, frame.data, frame.len) == 0);
    struct rsp_event ev;
    CHECK(rsp_decoder_next(d, &ev));
    CHECK(ev.kind == RSP_EV_PACKET);
    CHECK(ev.len == len && memcmp(ev.payload, payload, len) == 0);
    CHECK(!rsp_decoder_next(d, &ev));
    rsp_decoder_free(d);
    rsp_buf_fini(&frame);
}

static void decode_stream(const uint8_t *data, size_t size, bool noack, size_t max_payload,
                          const uint8_t *pieces, size_t npieces)
{
    struct rsp_buf whole, bytes, chunks;
    rsp_buf_init(&whole, 1 << 22);
    rsp_buf_init(&bytes, 1 << 22);
    rsp_buf_init(&chunks, 1 << 22);

    struct rsp_decoder *d = rsp_decoder_new(max_payload);
    CHECK(d != NULL);
    rsp_decoder_set_noack(d, noack);
    CHECK(rsp_decoder_push(d, data, size) == 0);
    record(d, &whole, max_payload);
    rsp_decoder_free(d);

    d = rsp_decoder_new(max_payload);
    rsp_decoder_set_noack(d, noack);
    for (size_t i = 0; i < size; i++) {
        CHECK(rsp_decoder_push(d, data + i, 1) == 0);
        record(d, &bytes, max_payload);
    }
    rsp_decoder_free(d);

    d = rsp_decoder_new(max_payload);
    rsp_decoder_set_noack(d, noack);
    size_t off = 0, k = 0;
    while (off < size) {
        size_t n = npieces > 0 ? (size_t)pieces[k++ % npieces] + 1 : size;
        if (n > size - off)
            n = size - off;
        CHECK(rsp_decoder_push(d, data + off, n) == 0);
        record(d, &chunks, max_payload);
        off += n;
    }
    rsp_decoder_free(d);

    CHECK(whole.len == bytes.len && memcmp(whole.data, bytes.data, whole.len) == 0);
    CHECK(whole.len == chunks.len && memcmp(whole.data, chunks.data, whole.len) == 0);

    /* every packet re-framed with RLE decodes to itself */
    size_t p = 0;
    while (p + 5 <= whole.len) {
        uint8_t kind = whole.data[p];
        size_t len = (size_t)whole.data[p + 1] | (size_t)whole.data[p + 2] << 8 |
                     (size_t)whole.data[p + 3] << 16 | (size_t)whole.data[p + 4] << 24;
        p += 5;
        if (kind == RSP_EV_PACKET || kind == RSP_EV_NOTIFICATION) {
            check_reframe(whole.data + p, len, max_payload);
            p += len;
        }
    }
    rsp_buf_fini(&whole);
    rsp_buf_fini(&bytes);
    rsp_buf_fini(&chunks);
}

static void check_round_trips(const uint8_t *data, size_t size)
{
    struct rsp_buf esc, rle, back;
    rsp_buf_init(&esc, 2 * size + 1);
    rsp_buf_init(&rle, 2 * size + 1);
    rsp_buf_init(&back, 2 * size + 1);

    /* escaping */
    CHECK(rsp_buf_add_escaped(&esc, data, size) == 0);
    for (size_t i = 0; i < esc.len; i++)
        CHECK(esc.data[i] != '#' && esc.data[i] != '$' && esc.data[i] != '*');
    uint8_t *out = malloc(size + 1);
    size_t n;
    CHECK(rsp_unescape(out, size, esc.data, esc.len, &n) == 0);
    CHECK(n == size && memcmp(out, data, size) == 0);

    /* RLE over escaped data, the way servers send binary replies */
    CHECK(rsp_rle_encode(&rle, esc.data, esc.len) == 0);
    CHECK(rle.len <= esc.len);
    for (size_t i = 0; i < rle.len; i++) {
        CHECK(rle.data[i] != '#' && rle.data[i] != '$');
        if (rle.data[i] == '*') {
            CHECK(i > 0 && i + 1 < rle.len);
            CHECK(rle.data[i + 1] >= 32 && rle.data[i + 1] <= 126);
            CHECK(rle.data[i + 1] - 29 >= 3); /* a run of 4 or more */
            i++;
        }
    }
    CHECK(rsp_rle_decode(&back, rle.data, rle.len) == 0);
    CHECK(back.len == esc.len && memcmp(back.data, esc.data, esc.len) == 0);

    /* unescape of arbitrary input never overruns and works in place */
    uint8_t *copy = malloc(size + 1);
    memcpy(copy, data, size);
    int rc = rsp_unescape(copy, size, copy, size, &n);
    CHECK(rc == 0 || rc == -EINVAL);
    if (rc == 0)
        CHECK(n <= size);
    free(copy);

    /* RLE decode of arbitrary input is bounded by the buffer maximum */
    struct rsp_buf small;
    rsp_buf_init(&small, 256);
    rc = rsp_rle_decode(&small, data, size);
    CHECK(rc == 0 || rc == -EINVAL || rc == -E2BIG);
    CHECK(small.len <= 256);
    if (rc != 0)
        CHECK(small.len == 0);
    rsp_buf_fini(&small);

    /* hex */
    rsp_buf_reset(&back);
    CHECK(rsp_buf_add_hex(&back, data, size) == 0);
    CHECK(rsp_hex_decode(out, size, (const char *)back.data, back.len) == 0);
    CHECK(memcmp(out, data, size) == 0);
    free(out);
    rsp_buf_fini(&esc);
    rsp_buf_fini(&rle);
    rsp_buf_fini(&back);
}

static void check_cursor(const uint8_t *data, size_t size)
{
    struct rsp_cursor c;
    rsp_cursor_init(&c, data, size);
    unsigned steps = 0;
    while (!rsp_cursor_eof(&c) && steps++ < 1000) {
        struct rsp_cursor before = c;
        uint64_t u;
        int64_t i;
        uint8_t bytes[32];
        size_t n;
        const char *tok;
        size_t toklen;
        int rc;
        switch (steps % 5) {
        case 0:
            rc = rsp_cursor_hex_u64(&c, &u);
            break;
        case 1:
            rc = rsp_cursor_hex_i64(&c, &i);
            break;
        case 2:
            rc = rsp_cursor_dec_u64(&c, &u);
            break;
        case 3:
            rc = rsp_cursor_hex_bytes(&c, bytes, sizeof(bytes), &n);
            if (rc == 0)
                CHECK(n <= sizeof(bytes));
            break;
        default:
            rsp_cursor_token(&c, ';', &tok, &toklen);
            CHECK(tok >= before.p && tok + toklen <= before.end);
            rc = 0;
            break;
        }
        CHECK(c.p <= c.end && c.end == before.end);
        if (rc != 0)
            CHECK(c.p == before.p);
        if (c.p == before.p)
            c.p++; /* move on */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    /* byte 0: flags; byte 1: how many of the last bytes choose piece sizes */
    bool noack = data[0] & 1;
    static const size_t maxes[] = {16, 64, 400, 4096};
    size_t max_payload = maxes[(data[0] >> 1) & 3];
    size_t npieces = data[1] % 8;
    data += 2;
    size -= 2;
    if (npieces > size)
        npieces = size;
    const uint8_t *pieces = data + size - npieces;
    decode_stream(data, size - npieces, noack, max_payload, pieces, npieces);
    check_round_trips(data, size);
    check_cursor(data, size);
    return 0;
}
