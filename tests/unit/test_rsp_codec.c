/*
 * tests/unit/test_rsp_codec.c - unit tests of rsp/codec.c (buffer, hex, escaping, RLE, framing,
 * decoder, cursor), rsp/signals.c and rsp/stop.c. The decoder cases feed byte streams whole and one
 * byte at a time and compare the event sequence.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsp/codec.h"
#include "rsp/signals.h"
#include "rsp/stop.h"

/* ------------------------------------------------------------------ buffer */

START_TEST(test_buf_basic)
{
    struct rsp_buf b;
    rsp_buf_init(&b, 16);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_str_eq((const char *)b.data, "");
    ck_assert_int_eq(rsp_buf_adds(&b, "abc"), 0);
    ck_assert_int_eq(rsp_buf_addc(&b, 'd'), 0);
    ck_assert_int_eq(rsp_buf_addf(&b, "%02x", 0x5a), 0);
    ck_assert_str_eq((const char *)b.data, "abcd5a");
    ck_assert_uint_eq(b.len, 6);
    /* 6 + 11 > 16: refused, unchanged */
    ck_assert_int_eq(rsp_buf_adds(&b, "0123456789a"), -E2BIG);
    ck_assert_str_eq((const char *)b.data, "abcd5a");
    ck_assert_int_eq(rsp_buf_addf(&b, "%s", "0123456789a"), -E2BIG);
    ck_assert_uint_eq(b.len, 6);
    ck_assert_int_eq(rsp_buf_adds(&b, "0123456789"), 0); /* exactly 16 */
    ck_assert_uint_eq(b.len, 16);
    ck_assert_int_eq(rsp_buf_addc(&b, 'x'), -E2BIG);
    rsp_buf_consume(&b, 4);
    ck_assert_str_eq((const char *)b.data, "5a0123456789");
    rsp_buf_consume(&b, 100);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_str_eq((const char *)b.data, "");
    ck_assert_int_eq(rsp_buf_add_hex(&b, "\x01\xff", 2), 0);
    ck_assert_str_eq((const char *)b.data, "01ff");
    rsp_buf_reset(&b);
    ck_assert_int_eq(rsp_buf_add_escaped(&b, "a#$}*b", 6), 0);
    ck_assert_str_eq((const char *)b.data, "a}\x03}\x04}]}\x0a"
                                           "b");
    size_t len;
    uint8_t *p = rsp_buf_take(&b, &len);
    ck_assert_uint_eq(len, 10);
    ck_assert_ptr_nonnull(p);
    free(p);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_str_eq((const char *)b.data, "");
    p = rsp_buf_take(&b, NULL); /* empty: still a freeable string */
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(p[0], 0);
    free(p);
    rsp_buf_fini(&b);
    rsp_buf_fini(&b); /* twice is harmless */
}
END_TEST

START_TEST(test_buf_grow)
{
    struct rsp_buf b;
    rsp_buf_init(&b, 100000);
    for (int i = 0; i < 100000; i++)
        ck_assert_int_eq(rsp_buf_addc(&b, (char)('a' + i % 26)), 0);
    ck_assert_int_eq(rsp_buf_addc(&b, 'x'), -E2BIG);
    ck_assert_int_eq(b.data[99999], 'a' + 99999 % 26);
    ck_assert_int_eq(b.data[100000], 0);
    ck_assert_uint_le(b.cap, 100001);
    rsp_buf_fini(&b);
}
END_TEST

/* ------------------------------------------------------------------ hex */

START_TEST(test_hex)
{
    ck_assert_int_eq(rsp_hex_nibble('0'), 0);
    ck_assert_int_eq(rsp_hex_nibble('9'), 9);
    ck_assert_int_eq(rsp_hex_nibble('a'), 10);
    ck_assert_int_eq(rsp_hex_nibble('F'), 15);
    ck_assert_int_eq(rsp_hex_nibble('g'), -1);
    ck_assert_int_eq(rsp_hex_nibble(-1), -1);
    ck_assert_int_eq(rsp_hex_digit(11), 'b');
    char out[8];
    rsp_hex_encode(out, "\x00\xab\x7f", 3);
    ck_assert_int_eq(memcmp(out, "00ab7f", 6), 0);
    uint8_t bytes[3];
    ck_assert_int_eq(rsp_hex_decode(bytes, 3, "00AB7f", 6), 0);
    ck_assert_int_eq(memcmp(bytes, "\x00\xab\x7f", 3), 0);
    ck_assert_int_eq(rsp_hex_decode(bytes, 3, "00AB7", 5), -EINVAL);
    ck_assert_int_eq(rsp_hex_decode(bytes, 3, "00AB7g", 6), -EINVAL);
    ck_assert_int_eq(rsp_hex_decode(bytes, 2, "00AB7f", 6), -EINVAL);
    ck_assert_int_eq(rsp_hex_decode(bytes, 0, "", 0), 0);
}
END_TEST

/* ------------------------------------------------------------------ escaping */

START_TEST(test_escape_roundtrip)
{
    uint8_t all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t)i;
    struct rsp_buf b;
    rsp_buf_init(&b, 1024);
    ck_assert_int_eq(rsp_buf_add_escaped(&b, all, sizeof(all)), 0);
    ck_assert_uint_eq(b.len, 256 + 4);
    for (size_t i = 0; i < b.len; i++) {
        ck_assert_int_ne(b.data[i], '#');
        ck_assert_int_ne(b.data[i], '$');
        ck_assert_int_ne(b.data[i], '*');
    }
    uint8_t out[256];
    size_t n;
    ck_assert_int_eq(rsp_unescape(out, sizeof(out), b.data, b.len, &n), 0);
    ck_assert_uint_eq(n, 256);
    ck_assert_int_eq(memcmp(out, all, 256), 0);
    ck_assert_int_eq(rsp_unescape(out, 255, b.data, b.len, &n), -E2BIG);
    /* in place */
    ck_assert_int_eq(rsp_unescape(b.data, b.len, b.data, b.len, &n), 0);
    ck_assert_uint_eq(n, 256);
    ck_assert_int_eq(memcmp(b.data, all, 256), 0);
    ck_assert_int_eq(rsp_unescape(out, sizeof(out), (const uint8_t *)"ab}", 3, &n), -EINVAL);
    ck_assert(rsp_needs_escape('#') && rsp_needs_escape('$') && rsp_needs_escape('}') &&
              rsp_needs_escape('*'));
    ck_assert(!rsp_needs_escape('a') && !rsp_needs_escape(0x03) && !rsp_needs_escape('%'));
    rsp_buf_fini(&b);
}
END_TEST

/* ------------------------------------------------------------------ RLE */

static const struct {
    const char *plain;
    const char *encoded;
} rle_cases[] = {
    {"", ""},
    {"abc", "abc"},
    {"aaa", "aaa"},           /* run of 3: never compressed */
    {"aaaa", "a* "},          /* n=3 -> ' ' (32) */
    {"0000000", "0*\"0"},     /* run of 7: n=6 would be '#': shortened to n=5, then one literal */
    {"00000000", "0*\"00"},   /* run of 8: n=7 would be '$' */
    {"000000000", "0*%"},     /* run of 9: n=8 -> '%' */
    {"xx00000yy", "xx0*!yy"}, /* run of 5: n=4 -> '!' */
    /* An escape pair is atomic: no run starts on the escaped byte ('}' 0x03 = escaped '#'). */
    {"}\x03\x03\x03\x03\x03", "}\x03\x03* "},
    {"}]}]}]}]", "}]}]}]}]"},
};

START_TEST(test_rle_table)
{
    struct rsp_buf b;
    rsp_buf_init(&b, 4096);
    const char *plain = rle_cases[_i].plain;
    ck_assert_int_eq(rsp_rle_encode(&b, (const uint8_t *)plain, strlen(plain)), 0);
    ck_assert_str_eq((const char *)b.data, rle_cases[_i].encoded);
    struct rsp_buf d;
    rsp_buf_init(&d, 4096);
    ck_assert_int_eq(rsp_rle_decode(&d, b.data, b.len), 0);
    ck_assert_str_eq((const char *)d.data, plain);
    rsp_buf_fini(&b);
    rsp_buf_fini(&d);
}
END_TEST

START_TEST(test_rle_runs)
{
    /* Every run length 1..300 of '0' between other text: round trips, and the encoding never has a
     * '#' or '$' or non-printable count, and never a run compressed at 3 or fewer. */
    struct rsp_buf b, d, plain;
    rsp_buf_init(&b, 4096);
    rsp_buf_init(&d, 4096);
    rsp_buf_init(&plain, 4096);
    for (int run = 1; run <= 300; run++) {
        rsp_buf_reset(&b);
        rsp_buf_reset(&d);
        rsp_buf_reset(&plain);
        ck_assert_int_eq(rsp_buf_adds(&plain, "T05"), 0);
        for (int i = 0; i < run; i++)
            ck_assert_int_eq(rsp_buf_addc(&plain, '0'), 0);
        ck_assert_int_eq(rsp_buf_adds(&plain, ";x"), 0);
        ck_assert_int_eq(rsp_rle_encode(&b, plain.data, plain.len), 0);
        for (size_t i = 0; i < b.len; i++) {
            ck_assert_int_ne(b.data[i], '#');
            ck_assert_int_ne(b.data[i], '$');
            if (b.data[i] == '*') {
                ck_assert_uint_lt(i + 1, b.len);
                ck_assert_int_ge(b.data[i + 1], 32);
                ck_assert_int_le(b.data[i + 1], 126);
                ck_assert_int_ge(b.data[i + 1] - 29, 3);
            }
        }
        if (run >= 4)
            ck_assert_uint_lt(b.len, plain.len);
        ck_assert_int_eq(rsp_rle_decode(&d, b.data, b.len), 0);
        ck_assert_uint_eq(d.len, plain.len);
        ck_assert_int_eq(memcmp(d.data, plain.data, plain.len), 0);
    }
    rsp_buf_fini(&b);
    rsp_buf_fini(&d);
    rsp_buf_fini(&plain);
}
END_TEST

START_TEST(test_rle_decode_errors)
{
    struct rsp_buf d;
    rsp_buf_init(&d, 10);
    ck_assert_int_eq(rsp_rle_decode(&d, (const uint8_t *)"*!", 2), -EINVAL); /* nothing before */
    ck_assert_int_eq(rsp_rle_decode(&d, (const uint8_t *)"a*", 2), -EINVAL); /* no count */
    ck_assert_int_eq(rsp_rle_decode(&d, (const uint8_t *)"a*\x10", 3), -EINVAL); /* not printable */
    ck_assert_uint_eq(d.len, 0);
    ck_assert_int_eq(rsp_rle_decode(&d, (const uint8_t *)"a*~", 3), -E2BIG); /* 98 > max 10 */
    ck_assert_uint_eq(d.len, 0);
    ck_assert_int_eq(rsp_rle_decode(&d, (const uint8_t *)"ab*!", 4), 0);
    ck_assert_str_eq((const char *)d.data, "abbbbb");
    rsp_buf_fini(&d);
}
END_TEST

/* ------------------------------------------------------------------ framing */

START_TEST(test_frame)
{
    struct rsp_buf b;
    rsp_buf_init(&b, 4096);
    ck_assert_int_eq(rsp_frame(&b, '$', (const uint8_t *)"OK", 2, false), 0);
    ck_assert_str_eq((const char *)b.data, "$OK#9a");
    rsp_buf_reset(&b);
    ck_assert_int_eq(rsp_frame(&b, '$', (const uint8_t *)"", 0, false), 0);
    ck_assert_str_eq((const char *)b.data, "$#00");
    rsp_buf_reset(&b);
    ck_assert_int_eq(rsp_frame(&b, '%', (const uint8_t *)"Stop:T05", 8, false), 0);
    ck_assert_uint_eq(b.data[0], '%');
    ck_assert_uint_eq(rsp_checksum((const uint8_t *)"Stop:T05", 8),
                      (uint8_t)(rsp_hex_nibble(b.data[10]) << 4 | rsp_hex_nibble(b.data[11])));
    rsp_buf_reset(&b);
    ck_assert_int_eq(rsp_frame(&b, '$', (const uint8_t *)"00000000", 8, true), 0);
    /* checksum over the compressed bytes "0*\"00" */
    ck_assert_str_eq((const char *)b.data, "$0*\"00#dc");
    ck_assert_uint_eq(rsp_checksum((const uint8_t *)"0*\"00", 5), 0xdc);
    /* too small: unchanged */
    struct rsp_buf small;
    rsp_buf_init(&small, 5);
    ck_assert_int_eq(rsp_frame(&small, '$', (const uint8_t *)"OK", 2, false), -E2BIG);
    ck_assert_uint_eq(small.len, 0);
    rsp_buf_fini(&small);
    rsp_buf_fini(&b);
}
END_TEST

/* ------------------------------------------------------------------ decoder */

/* Renders the events of a stream as text: P:payload N:payload + - ^C !C (bad checksum) !O
 * (oversized) !B (bad packet), separated by spaces. */
static void events_to_text(struct rsp_decoder *d, struct rsp_buf *out)
{
    struct rsp_event ev;
    while (rsp_decoder_next(d, &ev)) {
        if (out->len > 0)
            ck_assert_int_eq(rsp_buf_addc(out, ' '), 0);
        switch (ev.kind) {
        case RSP_EV_PACKET:
            ck_assert_int_eq(rsp_buf_adds(out, "P:"), 0);
            ck_assert_int_eq(rsp_buf_add(out, ev.payload, ev.len), 0);
            break;
        case RSP_EV_NOTIFICATION:
            ck_assert_int_eq(rsp_buf_adds(out, "N:"), 0);
            ck_assert_int_eq(rsp_buf_add(out, ev.payload, ev.len), 0);
            break;
        case RSP_EV_ACK:
            ck_assert_int_eq(rsp_buf_adds(out, "+"), 0);
            break;
        case RSP_EV_NAK:
            ck_assert_int_eq(rsp_buf_adds(out, "-"), 0);
            break;
        case RSP_EV_INTERRUPT:
            ck_assert_int_eq(rsp_buf_adds(out, "^C"), 0);
            break;
        case RSP_EV_BAD_CHECKSUM:
            ck_assert_int_eq(rsp_buf_adds(out, "!C"), 0);
            break;
        case RSP_EV_OVERSIZED:
            ck_assert_int_eq(rsp_buf_adds(out, "!O"), 0);
            break;
        case RSP_EV_BAD_PACKET:
            ck_assert_int_eq(rsp_buf_adds(out, "!B"), 0);
            break;
        case RSP_EV_NONE:
            ck_abort_msg("NONE event returned as true");
        }
    }
    ck_assert_int_eq(ev.kind, RSP_EV_NONE);
}

static const struct {
    const char *input;
    bool noack;
    const char *events;
} decoder_cases[] = {
    {"$OK#9a", false, "P:OK"},
    {"+$OK#9a+-", false, "+ P:OK + -"},
    {"garbage\r\n$OK#9a junk $#00", false, "P:OK P:"},
    {"$OK#9b", false, "!C"},
    {"$OK#9b$OK#9a", false, "!C P:OK"},
    {"$OK#zz$OK#9a", false, "!B P:OK"},
    {"$OK#9b", true, "P:OK"}, /* no-ack: checksum not verified */
    {"$OK#zz", true, "P:OK"},
    {"\x03$OK#9a\x03", false, "^C P:OK ^C"},
    {"$a\x03"
     "b#c6",
     false,
     "P:a\x03"
     "b"}, /* 0x03 inside a packet is payload */
    {"%Stop:T05#99", false, "N:Stop:T05"},
    {"$0*\"00#dc", false, "P:00000000"}, /* RLE expanded */
    {"$*!#4b", false, "!B"},             /* RLE with nothing before */
    {"$abc$OK#9a", false, "P:OK"},       /* restart inside a packet */
    {"$}]#da", false, "P:}]"},           /* escapes are kept */
    /* oversized (max 16): dropped whole, then resynchronized */
    {"$0123456789abcdefXYZ#00$OK#9a", false, "!O P:OK"},
    {"$0123456789abcdef#00", false, "!C"}, /* exactly 16 fits (checksum wrong) */
    {"$a*~#00", true, "!O"},               /* expands past the maximum */
};

START_TEST(test_decoder_table)
{
    const char *in = decoder_cases[_i].input;
    size_t len = strlen(in);
    struct rsp_buf whole, split;
    rsp_buf_init(&whole, 4096);
    rsp_buf_init(&split, 4096);

    struct rsp_decoder *d = rsp_decoder_new(16);
    ck_assert_ptr_nonnull(d);
    rsp_decoder_set_noack(d, decoder_cases[_i].noack);
    ck_assert_int_eq(rsp_decoder_push(d, (const uint8_t *)in, len), 0);
    events_to_text(d, &whole);
    ck_assert_str_eq((const char *)whole.data, decoder_cases[_i].events);
    rsp_decoder_free(d);

    /* The same bytes one at a time. */
    d = rsp_decoder_new(16);
    rsp_decoder_set_noack(d, decoder_cases[_i].noack);
    for (size_t i = 0; i < len; i++) {
        ck_assert_int_eq(rsp_decoder_push(d, (const uint8_t *)in + i, 1), 0);
        events_to_text(d, &split);
    }
    ck_assert_str_eq((const char *)split.data, decoder_cases[_i].events);
    rsp_decoder_free(d);
    rsp_buf_fini(&whole);
    rsp_buf_fini(&split);
}
END_TEST

START_TEST(test_decoder_many)
{
    /* Several packets pushed at once are returned one by one; the payload pointer stays valid until
     * the next call. A full queue reports -E2BIG. */
    struct rsp_decoder *d = rsp_decoder_new(64);
    struct rsp_buf frames;
    rsp_buf_init(&frames, 1 << 20);
    for (int i = 0; i < 100; i++) {
        char payload[16];
        int n = snprintf(payload, sizeof(payload), "m%x,4", i);
        ck_assert_int_eq(rsp_frame(&frames, '$', (const uint8_t *)payload, (size_t)n, false), 0);
    }
    ck_assert_int_eq(rsp_decoder_push(d, frames.data, frames.len), 0);
    struct rsp_event ev;
    for (int i = 0; i < 100; i++) {
        char want[16];
        snprintf(want, sizeof(want), "m%x,4", i);
        ck_assert(rsp_decoder_next(d, &ev));
        ck_assert_int_eq(ev.kind, RSP_EV_PACKET);
        ck_assert_uint_eq(ev.len, strlen(want));
        ck_assert_int_eq(memcmp(ev.payload, want, ev.len), 0);
    }
    ck_assert(!rsp_decoder_next(d, &ev));
    /* queue bound: 64 KiB minimum, so a 1 MiB push is refused */
    uint8_t *big = calloc(1, 1 << 20);
    ck_assert_int_eq(rsp_decoder_push(d, big, 1 << 20), -E2BIG);
    free(big);
    rsp_decoder_free(d);
    rsp_decoder_free(NULL);
    rsp_buf_fini(&frames);
}
END_TEST

START_TEST(test_decoder_binary)
{
    /* A frame built from escaped binary data with RLE decodes back to the escaped form. */
    uint8_t data[600];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = i < 300 ? 0 : (uint8_t)(i * 7);
    struct rsp_buf esc, frame;
    rsp_buf_init(&esc, 4096);
    rsp_buf_init(&frame, 4096);
    ck_assert_int_eq(rsp_buf_add_escaped(&esc, data, sizeof(data)), 0);
    ck_assert_int_eq(rsp_frame(&frame, '$', esc.data, esc.len, true), 0);
    ck_assert_uint_lt(frame.len, esc.len);
    struct rsp_decoder *d = rsp_decoder_new(4096);
    ck_assert_int_eq(rsp_decoder_push(d, frame.data, frame.len), 0);
    struct rsp_event ev;
    ck_assert(rsp_decoder_next(d, &ev));
    ck_assert_int_eq(ev.kind, RSP_EV_PACKET);
    uint8_t out[600];
    size_t n;
    ck_assert_int_eq(rsp_unescape(out, sizeof(out), ev.payload, ev.len, &n), 0);
    ck_assert_uint_eq(n, sizeof(data));
    ck_assert_int_eq(memcmp(out, data, n), 0);
    rsp_decoder_free(d);
    rsp_buf_fini(&esc);
    rsp_buf_fini(&frame);
}
END_TEST

/* ------------------------------------------------------------------ cursor */

START_TEST(test_cursor)
{
    struct rsp_cursor c;
    const char *s = "m7fff0000,40:00ff;thread:p1f.-1;";
    rsp_cursor_init(&c, s, strlen(s));
    ck_assert(!rsp_cursor_eof(&c));
    ck_assert(rsp_cursor_peek(&c, 'm'));
    ck_assert(!rsp_cursor_skip_prefix(&c, "mx"));
    ck_assert(rsp_cursor_skip_prefix(&c, "m"));
    uint64_t v;
    ck_assert_int_eq(rsp_cursor_hex_u64(&c, &v), 0);
    ck_assert_uint_eq(v, 0x7fff0000);
    ck_assert_int_eq(rsp_cursor_expect(&c, ';'), -EINVAL);
    ck_assert_int_eq(rsp_cursor_expect(&c, ','), 0);
    ck_assert_int_eq(rsp_cursor_hex_u64(&c, &v), 0);
    ck_assert_uint_eq(v, 0x40);
    ck_assert_int_eq(rsp_cursor_expect(&c, ':'), 0);
    uint8_t bytes[2];
    size_t n;
    ck_assert_int_eq(rsp_cursor_hex_bytes(&c, bytes, 1, &n), -EINVAL); /* too many */
    ck_assert_int_eq(rsp_cursor_hex_bytes(&c, bytes, 2, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(bytes[1], 0xff);
    ck_assert_int_eq(rsp_cursor_expect(&c, ';'), 0);
    const char *tok;
    size_t toklen;
    rsp_cursor_token(&c, ':', &tok, &toklen);
    ck_assert_uint_eq(toklen, 6);
    ck_assert_int_eq(memcmp(tok, "thread", 6), 0);
    ck_assert(rsp_cursor_skip_prefix(&c, "p"));
    int64_t i;
    ck_assert_int_eq(rsp_cursor_hex_i64(&c, &i), 0);
    ck_assert_int_eq(i, 0x1f);
    ck_assert_int_eq(rsp_cursor_expect(&c, '.'), 0);
    ck_assert_int_eq(rsp_cursor_hex_i64(&c, &i), 0);
    ck_assert_int_eq(i, -1);
    rsp_cursor_token(&c, ';', &tok, &toklen);
    ck_assert_uint_eq(toklen, 0);
    ck_assert(rsp_cursor_eof(&c));
    ck_assert_uint_eq(rsp_cursor_left(&c), 0);
    ck_assert_int_eq(rsp_cursor_hex_u64(&c, &v), -EINVAL);
    rsp_cursor_token(&c, ';', &tok, &toklen);
    ck_assert_uint_eq(toklen, 0);
}
END_TEST

static const struct {
    const char *text;
    int rc;
    uint64_t value;
    size_t consumed;
} hex_u64_cases[] = {
    {"0", 0, 0, 1},
    {"ffffffffffffffff", 0, UINT64_MAX, 16},
    {"1ffffffffffffffff", -EINVAL, 0, 0}, /* 17 significant digits */
    {"0000000000000000001", 0, 1, 19},    /* leading zeros are fine */
    {"", -EINVAL, 0, 0},
    {"x1", -EINVAL, 0, 0},
    {"12,", 0, 0x12, 2},
    {"-1", -EINVAL, 0, 0},
};

START_TEST(test_cursor_hex_u64_table)
{
    struct rsp_cursor c;
    const char *s = hex_u64_cases[_i].text;
    rsp_cursor_init(&c, s, strlen(s));
    uint64_t v = 12345;
    ck_assert_int_eq(rsp_cursor_hex_u64(&c, &v), hex_u64_cases[_i].rc);
    if (hex_u64_cases[_i].rc == 0)
        ck_assert_uint_eq(v, hex_u64_cases[_i].value);
    else
        ck_assert_uint_eq(v, 12345);
    ck_assert_uint_eq((size_t)(c.p - s), hex_u64_cases[_i].consumed);
}
END_TEST

START_TEST(test_cursor_numbers)
{
    struct rsp_cursor c;
    uint64_t v;
    int64_t i;
    rsp_cursor_init(&c, "18446744073709551615", 20);
    ck_assert_int_eq(rsp_cursor_dec_u64(&c, &v), 0);
    ck_assert_uint_eq(v, UINT64_MAX);
    rsp_cursor_init(&c, "18446744073709551616", 20);
    ck_assert_int_eq(rsp_cursor_dec_u64(&c, &v), -EINVAL);
    ck_assert_uint_eq(rsp_cursor_left(&c), 20);
    rsp_cursor_init(&c, "a", 1);
    ck_assert_int_eq(rsp_cursor_dec_u64(&c, &v), -EINVAL);
    rsp_cursor_init(&c, "-", 1);
    ck_assert_int_eq(rsp_cursor_hex_i64(&c, &i), -EINVAL);
    ck_assert_uint_eq(rsp_cursor_left(&c), 1);
    rsp_cursor_init(&c, "8000000000000000", 16);
    ck_assert_int_eq(rsp_cursor_hex_i64(&c, &i), -EINVAL);
    rsp_cursor_init(&c, "-8000000000000000", 17);
    ck_assert_int_eq(rsp_cursor_hex_i64(&c, &i), 0);
    ck_assert(i == INT64_MIN);
    /* hex bytes: odd digit count, and a non-hex stop */
    uint8_t out[4];
    size_t n;
    rsp_cursor_init(&c, "abc", 3);
    ck_assert_int_eq(rsp_cursor_hex_bytes(&c, out, 4, &n), -EINVAL);
    ck_assert_uint_eq(rsp_cursor_left(&c), 3);
    rsp_cursor_init(&c, "abcx", 4);
    ck_assert_int_eq(rsp_cursor_hex_bytes(&c, out, 4, &n), -EINVAL);
    rsp_cursor_init(&c, "abcd;", 5);
    ck_assert_int_eq(rsp_cursor_hex_bytes(&c, out, 4, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert(rsp_cursor_peek(&c, ';'));
}
END_TEST

/* ------------------------------------------------------------------ signals */

static const struct {
    int host;
    int gdb;
    const char *name;
} signal_cases[] = {
    {0, 0, "SIG?"},
    {SIGHUP, 1, "SIGHUP"},
    {SIGINT, 2, "SIGINT"},
    {SIGQUIT, 3, "SIGQUIT"},
    {SIGILL, 4, "SIGILL"},
    {SIGTRAP, 5, "SIGTRAP"},
    {SIGABRT, 6, "SIGABRT"},
    {SIGBUS, 10, "SIGBUS"},
    {SIGFPE, 8, "SIGFPE"},
    {SIGKILL, 9, "SIGKILL"},
    {SIGUSR1, 30, "SIGUSR1"},
    {SIGSEGV, 11, "SIGSEGV"},
    {SIGUSR2, 31, "SIGUSR2"},
    {SIGPIPE, 13, "SIGPIPE"},
    {SIGALRM, 14, "SIGALRM"},
    {SIGTERM, 15, "SIGTERM"},
    {SIGCHLD, 20, "SIGCHLD"},
    {SIGCONT, 19, "SIGCONT"},
    {SIGSTOP, 17, "SIGSTOP"},
    {SIGTSTP, 18, "SIGTSTP"},
    {SIGTTIN, 21, "SIGTTIN"},
    {SIGTTOU, 22, "SIGTTOU"},
    {SIGURG, 16, "SIGURG"},
    {SIGXCPU, 24, "SIGXCPU"},
    {SIGXFSZ, 25, "SIGXFSZ"},
    {SIGVTALRM, 26, "SIGVTALRM"},
    {SIGPROF, 27, "SIGPROF"},
    {SIGWINCH, 28, "SIGWINCH"},
    {SIGIO, 23, "SIGIO"},
    {SIGPWR, 32, "SIGPWR"},
    {SIGSYS, 12, "SIGSYS"},
    /* realtime: 32 and 64 are out of line in gdb/signals.def */
    {32, 77, "SIG32"},
    {33, 45, "SIG33"},
    {34, 46, "SIG34"},
    {63, 75, "SIG63"},
    {64, 78, "SIG64"},
};

START_TEST(test_signals_table)
{
    int host = signal_cases[_i].host, gdb = signal_cases[_i].gdb;
    ck_assert_int_eq(rsp_signal_to_gdb(host), gdb);
    ck_assert_int_eq(rsp_signal_from_gdb(gdb), host);
    ck_assert_str_eq(rsp_signal_name(host), signal_cases[_i].name);
}
END_TEST

START_TEST(test_signals_edges)
{
    ck_assert_int_eq(rsp_signal_to_gdb(16 /* SIGSTKFLT */), RSP_GDB_SIGNAL_UNKNOWN);
    ck_assert_int_eq(rsp_signal_to_gdb(-1), RSP_GDB_SIGNAL_UNKNOWN);
    ck_assert_int_eq(rsp_signal_to_gdb(65), RSP_GDB_SIGNAL_UNKNOWN);
    ck_assert_int_eq(rsp_signal_from_gdb(7 /* EMT */), -1);
    ck_assert_int_eq(rsp_signal_from_gdb(33 /* POLL */), SIGIO);
    ck_assert_int_eq(rsp_signal_from_gdb(76 /* CANCEL */), -1);
    ck_assert_int_eq(rsp_signal_from_gdb(79 /* RT 65 */), -1);
    ck_assert_int_eq(rsp_signal_from_gdb(RSP_GDB_SIGNAL_UNKNOWN), -1);
    ck_assert_int_eq(rsp_signal_from_gdb(-5), -1);
    ck_assert_int_eq(rsp_signal_from_gdb(1000), -1);
    ck_assert_str_eq(rsp_signal_name(1000), "SIG?");
    ck_assert_str_eq(rsp_signal_name(SIGSTKFLT), "SIGSTKFLT");
    /* every host signal round trips, except those gdb has no number for */
    for (int s = 1; s < RSP_HOST_NSIG; s++) {
        int g = rsp_signal_to_gdb(s);
        ck_assert_int_lt(g, RSP_GDB_SIGNAL_LAST);
        if (g != RSP_GDB_SIGNAL_UNKNOWN)
            ck_assert_int_eq(rsp_signal_from_gdb(g), s);
    }
}
END_TEST

/* ------------------------------------------------------------------ stop replies */

static struct rsp_stop stop_with_regs(void)
{
    struct rsp_stop st = {.kind = RSP_STOP_SIGNAL,
                          .pid = 0x3e8,
                          .tid = 0x3e9,
                          .signal = SIGTRAP,
                          .core = 3,
                          .reason = RSP_REASON_SWBREAK};
    st.nregs = 2;
    st.regs[0].regno = 6;
    st.regs[0].len = 8;
    memcpy(st.regs[0].value, "\xe0\xdc\xff\xff\xff\x7f\x00\x00", 8);
    st.regs[1].regno = 0x10;
    st.regs[1].len = 8;
    memcpy(st.regs[1].value, "\x8d\x11\x40\x00\x00\x00\x00\x00", 8);
    return st;
}

static const struct {
    struct rsp_stop_style style;
    int variant; /* which stop to build */
    const char *wire;
} stop_encode_cases[] = {
    {{.multiprocess = true, .swbreak = true},
     0,
     "T05swbreak:;06:e0dcffffff7f0000;10:8d11400000000000;thread:p3e8.3e9;core:3;"},
    {{.multiprocess = false, .swbreak = false},
     0,
     "T0506:e0dcffffff7f0000;10:8d11400000000000;thread:3e9;core:3;"},
    {{.multiprocess = true, .swbreak = true, .lldb = true},
     0,
     "T05swbreak:;06:e0dcffffff7f0000;10:8d11400000000000;thread:p3e8.3e9;core:3;"
     "reason:breakpoint;"},
    {{0}, 1, "W00"},
    {{.multiprocess = true}, 1, "W00;process:3e8"},
    {{.multiprocess = true}, 2, "X09;process:3e8"},
    {{0}, 3, "w1;3e9"},
    {{.multiprocess = true}, 3, "w1;p3e8.3e9"},
    {{0}, 4, "N"},
    {{0}, 5, "T05watch:000000c000010000;thread:3e9;"},
    {{.lldb = true},
     5,
     "T05watch:000000c000010000;thread:3e9;reason:watchpoint;description:"
     "383234363333373836333638;"},
    {{.hwbreak = true}, 6, "T05hwbreak:;thread:3e9;"},
    {{0}, 6, "T05thread:3e9;"},
    {{.lldb = true}, 7, "T05thread:3e9;reason:trace;"},
    {{.lldb = true}, 8, "T4dthread:3e9;reason:signal;"}, /* SIGRTMIN (32) is GDB 77 */
    {{0}, 9, "T05rwatch:0000000000000010;thread:3e9;"},
    {{0}, 10, "T05awatch:0000000000000020;thread:3e9;"},
    {{0}, 11, "T05create:;thread:3e9;"},
};

static struct rsp_stop stop_variant(int v)
{
    struct rsp_stop st = {.pid = 0x3e8, .tid = 0x3e9, .core = -1, .signal = SIGTRAP};
    switch (v) {
    case 0:
        return stop_with_regs();
    case 1:
        st.kind = RSP_STOP_EXITED;
        st.exit_code = 0;
        break;
    case 2:
        st.kind = RSP_STOP_KILLED;
        st.signal = SIGKILL;
        break;
    case 3:
        st.kind = RSP_STOP_THREAD_EXIT;
        st.exit_code = 1;
        break;
    case 4:
        st.kind = RSP_STOP_NO_RESUMED;
        break;
    case 5:
        st.reason = RSP_REASON_WATCH;
        st.watch_addr = 0xc000010000;
        break;
    case 6:
        st.reason = RSP_REASON_HWBREAK;
        break;
    case 7:
        st.reason = RSP_REASON_SINGLESTEP;
        break;
    case 8:
        st.signal = 32;
        break;
    case 9:
        st.reason = RSP_REASON_RWATCH;
        st.watch_addr = 0x10;
        break;
    case 10:
        st.reason = RSP_REASON_AWATCH;
        st.watch_addr = 0x20;
        break;
    case 11:
        st.reason = RSP_REASON_CREATE;
        break;
    }
    return st;
}

START_TEST(test_stop_encode_table)
{
    struct rsp_buf b;
    rsp_buf_init(&b, 4096);
    struct rsp_stop st = stop_variant(stop_encode_cases[_i].variant);
    ck_assert_int_eq(rsp_stop_encode(&b, &st, &stop_encode_cases[_i].style), 0);
    ck_assert_str_eq((const char *)b.data, stop_encode_cases[_i].wire);

    /* and back */
    struct rsp_stop back;
    ck_assert_int_eq(rsp_stop_decode(&back, b.data, b.len), 0);
    ck_assert_int_eq(back.kind, st.kind);
    if (st.kind == RSP_STOP_SIGNAL || st.kind == RSP_STOP_THREAD_EXIT)
        ck_assert_int_eq(back.tid, st.tid);
    if (st.kind == RSP_STOP_SIGNAL || st.kind == RSP_STOP_KILLED)
        ck_assert_int_eq(back.signal, st.signal);
    if (st.kind == RSP_STOP_SIGNAL) {
        ck_assert_uint_eq(back.nregs, st.nregs);
        for (unsigned r = 0; r < st.nregs; r++) {
            ck_assert_uint_eq(back.regs[r].regno, st.regs[r].regno);
            ck_assert_uint_eq(back.regs[r].len, st.regs[r].len);
            ck_assert_int_eq(memcmp(back.regs[r].value, st.regs[r].value, st.regs[r].len), 0);
        }
        ck_assert_int_eq(back.core, st.core);
        if (st.reason == RSP_REASON_WATCH || st.reason == RSP_REASON_RWATCH ||
            st.reason == RSP_REASON_AWATCH) {
            ck_assert_int_eq(back.reason, st.reason);
            ck_assert_uint_eq(back.watch_addr, st.watch_addr);
        }
    }
    rsp_buf_fini(&b);
}
END_TEST

static const struct {
    const char *wire;
    int rc;
    enum rsp_stop_kind kind;
    int signal;
    int64_t pid, tid;
    enum rsp_stop_reason reason;
    uint64_t watch_addr;
    int exit_code;
    unsigned nregs;
} stop_decode_cases[] = {
    {"S05", 0, RSP_STOP_SIGNAL, SIGTRAP, 0, 0, RSP_REASON_NONE, 0, 0, 0},
    {"T0b", 0, RSP_STOP_SIGNAL, SIGSEGV, 0, 0, RSP_REASON_NONE, 0, 0, 0},
    {"T05thread:p1.2;unknown:zz;hwbreak:;", 0, RSP_STOP_SIGNAL, SIGTRAP, 1, 2, RSP_REASON_HWBREAK,
     0, 0, 0},
    {"T05watch:00007ffe1000;thread:5;", 0, RSP_STOP_SIGNAL, SIGTRAP, 0, 5, RSP_REASON_WATCH,
     0x7ffe1000, 0, 0},
    /* lldb style: reason and extra fields, thread-pcs list, decimal-looking names */
    {"T05thread:1f;name:main;threads:1f,20;thread-pcs:401000,402000;00:0100000000000000;"
     "reason:breakpoint;",
     0, RSP_STOP_SIGNAL, SIGTRAP, 0, 0x1f, RSP_REASON_SWBREAK, 0, 0, 1},
    {"T05thread:1f;reason:trace;", 0, RSP_STOP_SIGNAL, SIGTRAP, 0, 0x1f, RSP_REASON_SINGLESTEP, 0,
     0, 0},
    {"W2a;process:10", 0, RSP_STOP_EXITED, 0, 0x10, 0, RSP_REASON_NONE, 0, 42, 0},
    {"X0b", 0, RSP_STOP_KILLED, SIGSEGV, 0, 0, RSP_REASON_NONE, 0, 0, 0},
    {"w00;p5.6", 0, RSP_STOP_THREAD_EXIT, 0, 5, 6, RSP_REASON_NONE, 0, 0, 0},
    {"N", 0, RSP_STOP_NO_RESUMED, 0, 0, 0, RSP_REASON_NONE, 0, 0, 0},
    {"T00", 0, RSP_STOP_SIGNAL, 0, 0, 0, RSP_REASON_NONE, 0, 0, 0},
    {"", -EINVAL, 0, 0, 0, 0, 0, 0, 0, 0},
    {"T", -EINVAL, 0, 0, 0, 0, 0, 0, 0, 0},
    {"T5", -EINVAL, 0, 0, 0, 0, 0, 0, 0, 0},
    {"Tzz", -EINVAL, 0, 0, 0, 0, 0, 0, 0, 0},
    {"OK", -EINVAL, 0, 0, 0, 0, 0, 0, 0, 0},
    {"E01", -EINVAL, 0, 0, 0, 0, 0, 0, 0, 0},
    {"T0506:123;", -EINVAL, 0, 0, 0, 0, 0, 0, 0, 0},    /* odd register hex */
    {"T05thread:zz;", -EINVAL, 0, 0, 0, 0, 0, 0, 0, 0}, /* bad thread */
    {"W", -EINVAL, 0, 0, 0, 0, 0, 0, 0, 0},
};

START_TEST(test_stop_decode_table)
{
    struct rsp_stop st;
    const char *w = stop_decode_cases[_i].wire;
    int rc = rsp_stop_decode(&st, (const uint8_t *)w, strlen(w));
    ck_assert_int_eq(rc, stop_decode_cases[_i].rc);
    if (rc != 0)
        return;
    ck_assert_int_eq(st.kind, stop_decode_cases[_i].kind);
    ck_assert_int_eq(st.signal, stop_decode_cases[_i].signal);
    ck_assert_int_eq(st.pid, stop_decode_cases[_i].pid);
    ck_assert_int_eq(st.tid, stop_decode_cases[_i].tid);
    ck_assert_int_eq(st.reason, stop_decode_cases[_i].reason);
    ck_assert_uint_eq(st.watch_addr, stop_decode_cases[_i].watch_addr);
    ck_assert_int_eq(st.exit_code, stop_decode_cases[_i].exit_code);
    ck_assert_uint_eq(st.nregs, stop_decode_cases[_i].nregs);
}
END_TEST

START_TEST(test_stop_decode_many_regs)
{
    /* More registers than fit are dropped, and so is a register wider than 16 bytes. */
    struct rsp_buf b;
    rsp_buf_init(&b, 4096);
    ck_assert_int_eq(rsp_buf_adds(&b, "T05"), 0);
    for (unsigned r = 0; r < RSP_STOP_MAX_REGS + 4; r++)
        ck_assert_int_eq(rsp_buf_addf(&b, "%02x:%016x;", r, r), 0);
    struct rsp_stop st;
    ck_assert_int_eq(rsp_stop_decode(&st, b.data, b.len), 0);
    ck_assert_uint_eq(st.nregs, RSP_STOP_MAX_REGS);
    ck_assert_uint_eq(st.regs[7].regno, 7);
    ck_assert_uint_eq(st.regs[7].value[7], 7);
    ck_assert_int_eq(st.core, -1);
    rsp_buf_reset(&b);
    ck_assert_int_eq(rsp_buf_adds(&b, "T0501:"), 0);
    for (int i = 0; i < 17; i++)
        ck_assert_int_eq(rsp_buf_adds(&b, "00"), 0);
    ck_assert_int_eq(rsp_buf_adds(&b, ";"), 0);
    ck_assert_int_eq(rsp_stop_decode(&st, b.data, b.len), 0); /* 17 bytes: dropped */
    ck_assert_uint_eq(st.nregs, 0);
    rsp_buf_fini(&b);
}
END_TEST

static Suite *codec_suite(void)
{
    Suite *s = suite_create("rsp_codec");
    TCase *tc = tcase_create("codec");
    tcase_add_test(tc, test_buf_basic);
    tcase_add_test(tc, test_buf_grow);
    tcase_add_test(tc, test_hex);
    tcase_add_test(tc, test_escape_roundtrip);
    tcase_add_loop_test(tc, test_rle_table, 0, (int)(sizeof(rle_cases) / sizeof(rle_cases[0])));
    tcase_add_test(tc, test_rle_runs);
    tcase_add_test(tc, test_rle_decode_errors);
    tcase_add_test(tc, test_frame);
    tcase_add_loop_test(tc, test_decoder_table, 0,
                        (int)(sizeof(decoder_cases) / sizeof(decoder_cases[0])));
    tcase_add_test(tc, test_decoder_many);
    tcase_add_test(tc, test_decoder_binary);
    tcase_add_test(tc, test_cursor);
    tcase_add_loop_test(tc, test_cursor_hex_u64_table, 0,
                        (int)(sizeof(hex_u64_cases) / sizeof(hex_u64_cases[0])));
    tcase_add_test(tc, test_cursor_numbers);
    suite_add_tcase(s, tc);

    TCase *sig = tcase_create("signals");
    tcase_add_loop_test(sig, test_signals_table, 0,
                        (int)(sizeof(signal_cases) / sizeof(signal_cases[0])));
    tcase_add_test(sig, test_signals_edges);
    suite_add_tcase(s, sig);

    TCase *stop = tcase_create("stop");
    tcase_add_loop_test(stop, test_stop_encode_table, 0,
                        (int)(sizeof(stop_encode_cases) / sizeof(stop_encode_cases[0])));
    tcase_add_loop_test(stop, test_stop_decode_table, 0,
                        (int)(sizeof(stop_decode_cases) / sizeof(stop_decode_cases[0])));
    tcase_add_test(stop, test_stop_decode_many_regs);
    suite_add_tcase(s, stop);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(codec_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
