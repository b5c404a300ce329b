/*
 * tests/unit/test_rsp_client.c - rsp/client.c driven through an in-memory transport: a small fake
 * server (built on the codec) answers the client's packets with scripted replies and can NAK,
 * corrupt checksums, RLE-compress, interleave 'O' and '%' packets, truncate 'x' replies and hand
 * bytes over one at a time. The last case talks to a real gdbserver over TCP (skipped if gdbserver
 * is not installed).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rsp/client.h"
#include "rsp/codec.h"
#include "rsp/stop.h"

/* ------------------------------------------------------------------ the fake server */

#define MEM_BASE 0x10000u
#define MEM_SIZE 20000u

enum fake_x { FX_NONE, FX_GDB, FX_LLDB };

struct fake {
    struct rsp_decoder *dec;
    struct rsp_buf to_client;
    size_t rpos;
    bool noack;
    int nak_next;     /* NAK this many incoming packets */
    int corrupt_next; /* send this many replies with a wrong checksum */
    int naks_seen;    /* '-' from the client */
    bool rle;
    bool one_byte;   /* the client's reads get one byte at a time */
    bool eof;        /* no more data: reads return 0 instead of -ETIMEDOUT */
    bool no_X;       /* 'X' unsupported */
    bool x_truncate; /* 'x' replies cut to fit x_limit escaped bytes */
    size_t x_limit;
    enum fake_x x;
    const char *qsupported;
    const char *xml;
    const char *before_reply; /* raw bytes sent before the next reply (O packets, notifications) */
    struct rsp_buf last_frame;
    struct rsp_buf log; /* requests, one per line */
    int packets;        /* packets received (with retransmissions) */
    int writes_since_read, max_writes_between_reads;
    uint8_t mem[MEM_SIZE];
    struct rsp_buf console;
};

static void fake_init(struct fake *f)
{
    memset(f, 0, sizeof(*f));
    f->dec = rsp_decoder_new(1 << 20);
    ck_assert_ptr_nonnull(f->dec);
    rsp_buf_init(&f->to_client, 1 << 24);
    rsp_buf_init(&f->last_frame, 1 << 20);
    rsp_buf_init(&f->log, 1 << 20);
    rsp_buf_init(&f->console, 4096);
    f->qsupported = "PacketSize=200;QStartNoAckMode+;qXfer:features:read+";
    for (size_t i = 0; i < MEM_SIZE; i++)
        f->mem[i] = (uint8_t)(i * 13 + i / 256); /* all byte values, '#$}*' included */
}

static void fake_fini(struct fake *f)
{
    rsp_decoder_free(f->dec);
    rsp_buf_fini(&f->to_client);
    rsp_buf_fini(&f->last_frame);
    rsp_buf_fini(&f->log);
    rsp_buf_fini(&f->console);
}

static void fake_send(struct fake *f, const char *payload, size_t len)
{
    if (f->before_reply != NULL) {
        ck_assert_int_eq(rsp_buf_adds(&f->to_client, f->before_reply), 0);
        f->before_reply = NULL;
    }
    rsp_buf_reset(&f->last_frame);
    ck_assert_int_eq(rsp_frame(&f->last_frame, '$', (const uint8_t *)payload, len, f->rle), 0);
    size_t start = f->to_client.len;
    ck_assert_int_eq(rsp_buf_add(&f->to_client, f->last_frame.data, f->last_frame.len), 0);
    if (f->corrupt_next > 0 && !f->noack) {
        f->corrupt_next--;
        f->to_client.data[f->to_client.len - 1] ^= 1; /* wrong last checksum digit */
        (void)start;
    }
}

static bool parse_addr_len(struct rsp_cursor *c, uint64_t *addr, uint64_t *len)
{
    return rsp_cursor_hex_u64(c, addr) == 0 && rsp_cursor_expect(c, ',') == 0 &&
           rsp_cursor_hex_u64(c, len) == 0;
}

/* Memory at [addr, addr+len) clipped to the fake's memory: returns the readable count, -1 if none.
 */
static long mem_span(uint64_t addr, uint64_t len)
{
    if (addr < MEM_BASE || addr >= MEM_BASE + MEM_SIZE)
        return -1;
    uint64_t end = MEM_BASE + MEM_SIZE;
    return (long)(addr + len > end ? end - addr : len);
}

static void fake_handle(struct fake *f, const uint8_t *payload, size_t len)
{
    struct rsp_buf r;
    rsp_buf_init(&r, 1 << 20);
    struct rsp_cursor c;
    rsp_cursor_init(&c, payload, len);
    uint64_t addr, n;
    ck_assert_int_eq(rsp_buf_add(&f->log, payload, len), 0);
    ck_assert_int_eq(rsp_buf_addc(&f->log, '\n'), 0);
    bool noack_after = false;

    if (rsp_cursor_skip_prefix(&c, "qSupported")) {
        ck_assert_int_eq(rsp_buf_adds(&r, f->qsupported), 0);
    } else if (rsp_cursor_skip_prefix(&c, "QStartNoAckMode")) {
        ck_assert_int_eq(rsp_buf_adds(&r, "OK"), 0);
        noack_after = true;
    } else if (rsp_cursor_skip_prefix(&c, "x0,0") && rsp_cursor_eof(&c)) {
        if (f->x == FX_LLDB)
            ck_assert_int_eq(rsp_buf_adds(&r, "OK"), 0);
    } else if ((rsp_cursor_skip_prefix(&c, "m") || rsp_cursor_skip_prefix(&c, "x")) &&
               parse_addr_len(&c, &addr, &n)) {
        bool binary = payload[0] == 'x';
        long span = mem_span(addr, n);
        if (binary && f->x == FX_NONE) {
            /* unsupported: empty */
        } else if (span < 0) {
            ck_assert_int_eq(rsp_buf_adds(&r, "E01"), 0);
        } else if (!binary) {
            ck_assert_int_eq(rsp_buf_add_hex(&r, f->mem + (addr - MEM_BASE), (size_t)span), 0);
        } else {
            if (f->x == FX_GDB)
                ck_assert_int_eq(rsp_buf_addc(&r, 'b'), 0);
            const uint8_t *src = f->mem + (addr - MEM_BASE);
            for (long i = 0; i < span; i++) {
                size_t need = rsp_needs_escape(src[i]) ? 2 : 1;
                if (f->x_truncate && r.len + need > f->x_limit)
                    break;
                ck_assert_int_eq(rsp_buf_add_escaped(&r, &src[i], 1), 0);
            }
        }
    } else if (rsp_cursor_skip_prefix(&c, "X") && parse_addr_len(&c, &addr, &n)) {
        if (!f->no_X) {
            ck_assert_int_eq(rsp_cursor_expect(&c, ':'), 0);
            size_t got;
            uint8_t tmp[4096];
            ck_assert_int_eq(
                rsp_unescape(tmp, sizeof(tmp), (const uint8_t *)c.p, rsp_cursor_left(&c), &got), 0);
            ck_assert_uint_eq(got, n);
            ck_assert_int_ge(mem_span(addr, n), (long)n);
            memcpy(f->mem + (addr - MEM_BASE), tmp, got);
            ck_assert_int_eq(rsp_buf_adds(&r, "OK"), 0);
        }
    } else if (rsp_cursor_skip_prefix(&c, "M") && parse_addr_len(&c, &addr, &n)) {
        ck_assert_int_eq(rsp_cursor_expect(&c, ':'), 0);
        ck_assert_int_ge(mem_span(addr, n), (long)n);
        ck_assert_int_eq(rsp_hex_decode(f->mem + (addr - MEM_BASE), n, c.p, rsp_cursor_left(&c)),
                         0);
        ck_assert_int_eq(rsp_buf_adds(&r, "OK"), 0);
    } else if (rsp_cursor_skip_prefix(&c, "qXfer:features:read:target.xml:") &&
               parse_addr_len(&c, &addr, &n)) {
        size_t total = strlen(f->xml);
        if (addr >= total) {
            ck_assert_int_eq(rsp_buf_adds(&r, "l"), 0);
        } else {
            size_t take = total - addr < n ? total - addr : n;
            ck_assert_int_eq(rsp_buf_addc(&r, addr + take < total ? 'm' : 'l'), 0);
            ck_assert_int_eq(rsp_buf_add_escaped(&r, f->xml + addr, take), 0);
        }
    } else if (rsp_cursor_skip_prefix(&c, "qXfer:")) {
        ck_assert_int_eq(rsp_buf_adds(&r, "E00"), 0);
    } else if (rsp_cursor_skip_prefix(&c, "g")) {
        for (int i = 0; i < 300; i++)
            ck_assert_int_eq(rsp_buf_adds(&r, "00"), 0);
        ck_assert_int_eq(rsp_buf_adds(&r, "1234"), 0);
    } else if (rsp_cursor_skip_prefix(&c, "qRcmd,")) {
        ck_assert_int_eq(rsp_buf_adds(&r, "OK"), 0);
    }
    fake_send(f, (const char *)r.data, r.len);
    if (noack_after) {
        f->noack = true;
        rsp_decoder_set_noack(f->dec, true);
    }
    rsp_buf_fini(&r);
}

static int fake_write(void *ctx, const uint8_t *data, size_t len)
{
    struct fake *f = ctx;
    ck_assert_int_eq(rsp_decoder_push(f->dec, data, len), 0);
    struct rsp_event ev;
    while (rsp_decoder_next(f->dec, &ev)) {
        switch (ev.kind) {
        case RSP_EV_PACKET:
            f->packets++;
            f->writes_since_read++;
            if (f->writes_since_read > f->max_writes_between_reads)
                f->max_writes_between_reads = f->writes_since_read;
            if (!f->noack) {
                if (f->nak_next > 0) {
                    f->nak_next--;
                    ck_assert_int_eq(rsp_buf_addc(&f->to_client, '-'), 0);
                    break;
                }
                ck_assert_int_eq(rsp_buf_addc(&f->to_client, '+'), 0);
            }
            fake_handle(f, ev.payload, ev.len);
            break;
        case RSP_EV_NAK:
            f->naks_seen++;
            ck_assert_int_eq(rsp_buf_add(&f->to_client, f->last_frame.data, f->last_frame.len), 0);
            break;
        case RSP_EV_BAD_CHECKSUM:
            ck_abort_msg("client sent a bad checksum");
            break;
        default:
            break;
        }
    }
    return 0;
}

static ssize_t fake_read(void *ctx, uint8_t *buf, size_t len, int timeout_ms)
{
    struct fake *f = ctx;
    (void)timeout_ms;
    f->writes_since_read = 0;
    size_t avail = f->to_client.len - f->rpos;
    if (avail == 0)
        return f->eof ? 0 : -ETIMEDOUT;
    size_t n = avail < len ? avail : len;
    if (f->one_byte)
        n = 1;
    memcpy(buf, f->to_client.data + f->rpos, n);
    f->rpos += n;
    return (ssize_t)n;
}

static void fake_console(void *ctx, const char *text, size_t len)
{
    struct fake *f = ctx;
    ck_assert_int_eq(rsp_buf_add(&f->console, text, len), 0);
}

static const struct rsp_client_io fake_io = {
    .write = fake_write, .read = fake_read, .console = fake_console};

static int count_lines_with_prefix(const struct rsp_buf *log, const char *prefix)
{
    int n = 0;
    const char *p = (const char *)log->data;
    size_t plen = strlen(prefix);
    while (*p != '\0') {
        if (strncmp(p, prefix, plen) == 0)
            n++;
        const char *nl = strchr(p, '\n');
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    return n;
}

/* ------------------------------------------------------------------ handshake, acks */

START_TEST(test_handshake_noack)
{
    struct fake f;
    fake_init(&f);
    f.qsupported =
        "PacketSize=4000;QStartNoAckMode+;qXfer:features:read+;multiprocess-;foo=bar;;junk";
    struct rsp_client *c = rsp_client_new(&fake_io, &f);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(rsp_client_packet_size(c), 400);
    ck_assert_int_eq(rsp_client_handshake(c, "multiprocess+;swbreak+;hwbreak+"), 0);
    ck_assert(rsp_client_noack(c));
    ck_assert_uint_eq(rsp_client_packet_size(c), 0x4000);
    ck_assert(rsp_client_has_feature(c, "qXfer:features:read"));
    ck_assert(rsp_client_has_feature(c, "QStartNoAckMode"));
    ck_assert(!rsp_client_has_feature(c, "multiprocess"));
    ck_assert(!rsp_client_has_feature(c, "foo"));
    ck_assert(!rsp_client_has_feature(c, "junk"));
    ck_assert_str_eq(rsp_client_feature_value(c, "foo"), "bar");
    ck_assert_str_eq(rsp_client_feature_value(c, "PacketSize"), "4000");
    ck_assert_ptr_null(rsp_client_feature_value(c, "multiprocess"));
    ck_assert_str_eq((const char *)f.log.data,
                     "qSupported:multiprocess+;swbreak+;hwbreak+\nQStartNoAckMode\n");
    /* no-ack from here: a request is answered without acks either way */
    struct rsp_buf reply;
    rsp_buf_init(&reply, 1 << 16);
    size_t before = f.to_client.len;
    ck_assert_int_eq(rsp_client_requestf(c, &reply, "qRcmd,%s", "6869"), 0);
    ck_assert_str_eq((const char *)reply.data, "OK");
    ck_assert_int_ne(f.to_client.data[before], '+');
    struct rsp_client_stats st;
    rsp_client_stats(c, &st);
    ck_assert_uint_eq(st.packets_sent, 3);
    ck_assert_uint_eq(st.round_trips, 3);
    ck_assert_uint_gt(st.bytes_sent, 40);
    ck_assert_uint_eq(st.bytes_received, f.to_client.len);
    rsp_buf_fini(&reply);
    rsp_client_free(c);
    rsp_client_free(NULL);
    fake_fini(&f);
}
END_TEST

START_TEST(test_handshake_ack_only)
{
    struct fake f;
    fake_init(&f);
    f.qsupported = "qXfer:features:read+";
    struct rsp_client *c = rsp_client_new(&fake_io, &f);
    ck_assert_int_eq(rsp_client_handshake(c, ""), 0);
    ck_assert(!rsp_client_noack(c));
    ck_assert_uint_eq(rsp_client_packet_size(c), 400);
    ck_assert_str_eq((const char *)f.log.data, "qSupported\n");
    rsp_client_free(c);
    fake_fini(&f);
}
END_TEST

START_TEST(test_handshake_bad_packet_size)
{
    struct fake f;
    fake_init(&f);
    f.qsupported = "PacketSize=zz;QStartNoAckMode-";
    struct rsp_client *c = rsp_client_new(&fake_io, &f);
    ck_assert_int_eq(rsp_client_handshake(c, "x+"), 0);
    ck_assert_uint_eq(rsp_client_packet_size(c), 400);
    ck_assert(!rsp_client_noack(c));
    rsp_client_free(c);
    fake_fini(&f);
    fake_init(&f);
    f.qsupported = "PacketSize=1;";
    c = rsp_client_new(&fake_io, &f);
    ck_assert_int_eq(rsp_client_handshake(c, "x+"), 0);
    ck_assert_uint_eq(rsp_client_packet_size(c), 64); /* clamped */
    rsp_client_free(c);
    fake_fini(&f);
    fake_init(&f);
    f.qsupported = "E01";
    c = rsp_client_new(&fake_io, &f);
    ck_assert_int_eq(rsp_client_handshake(c, "x+"), -EPROTO);
    rsp_client_free(c);
    fake_fini(&f);
}
END_TEST

START_TEST(test_nak_retransmit)
{
    struct fake f;
    fake_init(&f);
    f.nak_next = 2;
    struct rsp_client *c = rsp_client_new(&fake_io, &f);
    struct rsp_buf reply;
    rsp_buf_init(&reply, 1 << 16);
    ck_assert_int_eq(rsp_client_request(c, "qRcmd,00", 8, &reply), 0);
    ck_assert_str_eq((const char *)reply.data, "OK");
    ck_assert_int_eq(f.packets, 3); /* sent three times */
    ck_assert_int_eq(count_lines_with_prefix(&f.log, "qRcmd"), 1);
    struct rsp_client_stats st;
    rsp_client_stats(c, &st);
    ck_assert_uint_eq(st.packets_sent, 1);

    /* more NAKs than attempts: gives up */
    f.nak_next = 10;
    ck_assert_int_eq(rsp_client_request(c, "qRcmd,00", 8, &reply), -ETIMEDOUT);
    rsp_buf_fini(&reply);
    rsp_client_free(c);
    fake_fini(&f);
}
END_TEST

START_TEST(test_client_naks_bad_checksum)
{
    struct fake f;
    fake_init(&f);
    f.corrupt_next = 1;
    struct rsp_client *c = rsp_client_new(&fake_io, &f);
    struct rsp_buf reply;
    rsp_buf_init(&reply, 1 << 16);
    ck_assert_int_eq(rsp_client_request(c, "g", 1, &reply), 0);
    ck_assert_int_eq(f.naks_seen, 1);
    ck_assert_uint_eq(reply.len, 604);
    rsp_buf_fini(&reply);
    rsp_client_free(c);
    fake_fini(&f);
}
END_TEST

START_TEST(test_rle_reply_split_reads)
{
    struct fake f;
    fake_init(&f);
    f.rle = true;
    f.one_byte = true;
    struct rsp_client *c = rsp_client_new(&fake_io, &f);
    ck_assert_int_eq(rsp_client_handshake(c, "multiprocess+"), 0);
    struct rsp_buf reply;
    rsp_buf_init(&reply, 1 << 16);
    size_t before = f.to_client.len;
    ck_assert_int_eq(rsp_client_request(c, "g", 1, &reply), 0);
    ck_assert_uint_lt(f.to_client.len - before, 100); /* it was compressed on the wire */
    ck_assert_uint_eq(reply.len, 604);
    for (size_t i = 0; i < 600; i++)
        ck_assert_int_eq(reply.data[i], '0');
    ck_assert_str_eq((const char *)reply.data + 600, "1234");
    rsp_buf_fini(&reply);
    rsp_client_free(c);
    fake_fini(&f);
}
END_TEST

START_TEST(test_console_and_notification)
{
    struct fake f;
    fake_init(&f);
    struct rsp_client *c = rsp_client_new(&fake_io, &f);
    ck_assert_int_eq(rsp_client_handshake(c, "multiprocess+"), 0);
    /* "Hello\n" in two O packets, a notification, then the real reply */
    struct rsp_buf pre;
    rsp_buf_init(&pre, 4096);
    ck_assert_int_eq(rsp_frame(&pre, '$', (const uint8_t *)"O48656c", 7, false), 0);
    ck_assert_int_eq(rsp_frame(&pre, '%', (const uint8_t *)"Stop:T05thread:p1.2;", 20, false), 0);
    ck_assert_int_eq(rsp_frame(&pre, '$', (const uint8_t *)"O6c6f0a", 7, false), 0);
    f.before_reply = (const char *)pre.data;
    struct rsp_buf reply;
    rsp_buf_init(&reply, 1 << 16);
    ck_assert(!rsp_client_notification(c, &reply));
    ck_assert_int_eq(rsp_client_requestf(c, &reply, "qRcmd,%s", "68656c70"), 0);
    ck_assert_str_eq((const char *)reply.data, "OK"); /* and "OK" is not console output */
    ck_assert_str_eq((const char *)f.console.data, "Hello\n");
    ck_assert(rsp_client_notification(c, &reply));
    ck_assert_str_eq((const char *)reply.data, "Stop:T05thread:p1.2;");
    ck_assert(!rsp_client_notification(c, &reply));
    struct rsp_stop st;
    ck_assert_int_eq(rsp_stop_decode(&st, reply.data + 5, reply.len - 5), 0);
    ck_assert_int_eq(st.tid, 2);
    rsp_buf_fini(&reply);
    rsp_buf_fini(&pre);
    rsp_client_free(c);
    fake_fini(&f);
}
END_TEST

START_TEST(test_recv_eof_timeout)
{
    struct fake f;
    fake_init(&f);
    struct rsp_client *c = rsp_client_new(&fake_io, &f);
    struct rsp_buf reply;
    rsp_buf_init(&reply, 1 << 16);
    ck_assert_int_eq(rsp_client_recv(c, &reply, 10), -ETIMEDOUT);
    f.eof = true;
    ck_assert_int_eq(rsp_client_recv(c, &reply, 10), -EPIPE);
    /* garbage then a packet */
    f.eof = false;
    ck_assert_int_eq(rsp_buf_adds(&f.to_client, "junk\x03+-$OK#9a"), 0);
    ck_assert_int_eq(rsp_client_recv(c, &reply, 10), 0);
    ck_assert_str_eq((const char *)reply.data, "OK");
    ck_assert_int_eq(rsp_client_interrupt(c), 0);
    rsp_buf_fini(&reply);
    rsp_client_free(c);
    fake_fini(&f);
}
END_TEST

/* ------------------------------------------------------------------ replies */

static const struct {
    const char *reply;
    int err;
    bool unsupported;
} reply_cases[] = {
    {"E01", 1, false}, {"E7f", 0x7f, false}, {"E00", EIO, false}, {"E.bad thing", EIO, false},
    {"OK", 0, false},  {"Eab1", 0, false},   {"E0", 0, false},    {"", 0, true},
    {"e01", 0, false}, {"Exy", 0, false},
};

START_TEST(test_reply_table)
{
    struct rsp_buf b;
    rsp_buf_init(&b, 64);
    ck_assert_int_eq(rsp_buf_adds(&b, reply_cases[_i].reply), 0);
    ck_assert_int_eq(rsp_reply_error(&b), reply_cases[_i].err);
    ck_assert(rsp_reply_unsupported(&b) == reply_cases[_i].unsupported);
    rsp_buf_fini(&b);
}
END_TEST

/* ------------------------------------------------------------------ memory */

static const struct {
    const char *name;
    const char *qsupported;
    enum fake_x x;
    bool x_truncate;
    bool one_byte;
    const char *first_read_prefix; /* the request that must carry the data */
    int min_pipelined;             /* requests written before the first read of replies */
} mem_cases[] = {
    {"m, no-ack", "PacketSize=200;QStartNoAckMode+", FX_NONE, false, false, "m", 64},
    {"m, ack mode", "PacketSize=200", FX_NONE, false, false, "m", 1},
    {"x lldb", "PacketSize=200;QStartNoAckMode+", FX_LLDB, false, false, "x", 40},
    {"x gdb", "PacketSize=200;QStartNoAckMode+;binary-upload+", FX_GDB, false, false, "x", 40},
    {"x gdb truncating", "PacketSize=200;QStartNoAckMode+;binary-upload+", FX_GDB, true, false, "x",
     40},
    {"x lldb one byte", "PacketSize=200;QStartNoAckMode+", FX_LLDB, false, true, "x", 40},
};

START_TEST(test_read_mem_table)
{
    struct fake f;
    fake_init(&f);
    f.qsupported = mem_cases[_i].qsupported;
    f.x = mem_cases[_i].x;
    f.x_truncate = mem_cases[_i].x_truncate;
    f.x_limit = 0x200 - 8;
    f.one_byte = mem_cases[_i].one_byte;
    struct rsp_client *c = rsp_client_new(&fake_io, &f);
    ck_assert_int_eq(rsp_client_handshake(c, "multiprocess+"), 0);
    f.max_writes_between_reads = 0;

    uint8_t *buf = malloc(MEM_SIZE);
    size_t nread = 0;
    ck_assert_int_eq(rsp_client_read_mem(c, MEM_BASE, buf, MEM_SIZE, &nread), 0);
    ck_assert_uint_eq(nread, MEM_SIZE);
    ck_assert_msg(memcmp(buf, f.mem, MEM_SIZE) == 0, "%s: data differs", mem_cases[_i].name);
    ck_assert_int_gt(count_lines_with_prefix(&f.log, mem_cases[_i].first_read_prefix), 1);
    ck_assert_int_ge(f.max_writes_between_reads, mem_cases[_i].min_pipelined);
    if (mem_cases[_i].min_pipelined == 1)
        ck_assert_int_eq(f.max_writes_between_reads, 1);
    struct rsp_client_stats st;
    rsp_client_stats(c, &st);
    if (mem_cases[_i].min_pipelined > 1 && !mem_cases[_i].x_truncate) {
        /* 20000 bytes in ~250-500 byte pieces: about 40-80 requests, only a few round trips */
        ck_assert_uint_le(st.round_trips, 2 + 1 + 3);
        ck_assert_uint_ge(st.packets_sent, 2 + 40);
    }

    /* a read running past the end of memory: what exists, then the error */
    memset(buf, 0, MEM_SIZE);
    ck_assert_int_eq(rsp_client_read_mem(c, MEM_BASE + MEM_SIZE - 1000, buf, 3000, &nread), -EIO);
    ck_assert_uint_eq(nread, 1000);
    ck_assert_int_eq(memcmp(buf, f.mem + MEM_SIZE - 1000, 1000), 0);
    ck_assert_int_eq(rsp_client_read_mem(c, 0x10, buf, 16, &nread), -EIO);
    ck_assert_uint_eq(nread, 0);
    ck_assert_int_eq(rsp_client_read_mem(c, MEM_BASE, buf, 0, &nread), 0);
    ck_assert_uint_eq(nread, 0);
    free(buf);
    rsp_client_free(c);
    fake_fini(&f);
}
END_TEST

START_TEST(test_write_mem)
{
    struct fake f;
    fake_init(&f);
    f.no_X = (_i == 1);
    struct rsp_client *c = rsp_client_new(&fake_io, &f);
    ck_assert_int_eq(rsp_client_handshake(c, "multiprocess+"), 0);
    uint8_t data[1000];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)("#$}*ab"[i % 6]);
    ck_assert_int_eq(rsp_client_write_mem(c, MEM_BASE + 100, data, sizeof(data)), 0);
    ck_assert_int_eq(memcmp(f.mem + 100, data, sizeof(data)), 0);
    if (_i == 0) {
        ck_assert_int_gt(count_lines_with_prefix(&f.log, "X"), 2);
        ck_assert_int_eq(count_lines_with_prefix(&f.log, "M"), 0);
    } else {
        ck_assert_int_eq(count_lines_with_prefix(&f.log, "X"), 1); /* the one that found no X */
        ck_assert_int_gt(count_lines_with_prefix(&f.log, "M"), 2);
    }
    rsp_client_free(c);
    fake_fini(&f);
}
END_TEST

/* ------------------------------------------------------------------ qXfer */

START_TEST(test_qxfer)
{
    struct fake f;
    fake_init(&f);
    /* long enough for several chunks at PacketSize 0x200, with characters that need escaping */
    struct rsp_buf xml;
    rsp_buf_init(&xml, 1 << 16);
    ck_assert_int_eq(rsp_buf_adds(&xml, "<?xml version=\"1.0\"?><target>"), 0);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(rsp_buf_addf(&xml, "<reg name=\"r%d\" bitsize=\"64\"/>#$}*\n", i), 0);
    ck_assert_int_eq(rsp_buf_adds(&xml, "</target>"), 0);
    f.xml = (const char *)xml.data;
    struct rsp_client *c = rsp_client_new(&fake_io, &f);
    ck_assert_int_eq(rsp_client_handshake(c, "multiprocess+"), 0);
    struct rsp_buf out;
    rsp_buf_init(&out, 1 << 20);
    ck_assert_int_eq(rsp_client_qxfer(c, "features", "target.xml", &out), 0);
    ck_assert_uint_eq(out.len, xml.len);
    ck_assert_str_eq((const char *)out.data, (const char *)xml.data);
    int n = count_lines_with_prefix(&f.log, "qXfer:features:read:target.xml:");
    ck_assert_int_ge(n, (int)(xml.len / 0x200));
    ck_assert_int_le(n, (int)(xml.len / (0x200 - 64)) + 2);
    /* an error reply */
    ck_assert_int_eq(rsp_client_qxfer(c, "libraries", "", &out), -EIO);
    /* output too small */
    struct rsp_buf small;
    rsp_buf_init(&small, 100);
    ck_assert_int_eq(rsp_client_qxfer(c, "features", "target.xml", &small), -E2BIG);
    rsp_buf_fini(&small);
    rsp_buf_fini(&out);
    rsp_buf_fini(&xml);
    rsp_client_free(c);
    fake_fini(&f);
}
END_TEST

/* ------------------------------------------------------------------ a real gdbserver */

struct sock_io {
    int fd;
    struct rsp_buf sent; /* everything written, for checks on the requests used */
};

static int sock_write(void *ctx, const uint8_t *data, size_t len)
{
    struct sock_io *s = ctx;
    if (s->sent.max > 0)
        ck_assert_int_eq(rsp_buf_add(&s->sent, data, len), 0);
    while (len > 0) {
        ssize_t n = send(s->fd, data, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

static ssize_t sock_read(void *ctx, uint8_t *buf, size_t len, int timeout_ms)
{
    struct sock_io *s = ctx;
    struct pollfd p = {.fd = s->fd, .events = POLLIN};
    int rc = poll(&p, 1, timeout_ms);
    if (rc == 0)
        return -ETIMEDOUT;
    if (rc < 0)
        return -errno;
    ssize_t n = recv(s->fd, buf, len, 0);
    return n < 0 ? -errno : n;
}

static const char *find_gdbserver(void)
{
    static const char *paths[] = {"/usr/bin/gdbserver", "/usr/local/bin/gdbserver"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        if (access(paths[i], X_OK) == 0)
            return paths[i];
    }
    return NULL;
}

/* Starts gdbserver --once on port 0 and returns the port it prints, or -1. */
static int start_gdbserver(const char *path, pid_t *pid)
{
    int pipefd[2];
    ck_assert_int_eq(pipe(pipefd), 0);
    *pid = fork();
    ck_assert_int_ge(*pid, 0);
    if (*pid == 0) {
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        close(pipefd[1]);
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, 0);
            dup2(devnull, 1);
        }
        execl(path, path, "--once", "127.0.0.1:0", "/bin/sleep", "30", (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    char text[4096];
    size_t len = 0;
    int port = -1;
    while (len < sizeof(text) - 1 && port < 0) {
        struct pollfd p = {.fd = pipefd[0], .events = POLLIN};
        if (poll(&p, 1, 10000) <= 0)
            break;
        ssize_t n = read(pipefd[0], text + len, sizeof(text) - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        text[len] = 0;
        const char *m = strstr(text, "Listening on port ");
        if (m != NULL && strchr(m, '\n') != NULL) {
            struct rsp_cursor c;
            uint64_t v;
            m += strlen("Listening on port ");
            rsp_cursor_init(&c, m, strlen(m));
            if (rsp_cursor_dec_u64(&c, &v) == 0 && v > 0 && v < 65536)
                port = (int)v;
        }
    }
    close(pipefd[0]); /* gdbserver writes little more to stderr; SIGPIPE there is harmless */
    return port;
}

START_TEST(test_real_gdbserver)
{
    const char *path = find_gdbserver();
    if (path == NULL) {
        fprintf(stderr, "SKIP: gdbserver not installed\n");
        return;
    }
    pid_t pid;
    int port = start_gdbserver(path, &pid);
    ck_assert_int_gt(port, 0);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    struct sock_io sio = {.fd = fd};
    struct rsp_client_io io = {.write = sock_write, .read = sock_read};
    struct rsp_client *c = rsp_client_new(&io, &sio);
    rsp_client_set_timeout(c, 10000);
    ck_assert_int_eq(rsp_client_handshake(c, "multiprocess+;swbreak+;hwbreak+;vContSupported+"), 0);
    ck_assert(rsp_client_noack(c));
    ck_assert_uint_ge(rsp_client_packet_size(c), 0x1000);
    ck_assert(rsp_client_has_feature(c, "qXfer:features:read"));

    struct rsp_buf reply;
    rsp_buf_init(&reply, 1 << 20);
    ck_assert_int_eq(rsp_client_requestf(c, &reply, "?"), 0);
    struct rsp_stop st;
    ck_assert_int_eq(rsp_stop_decode(&st, reply.data, reply.len), 0);
    ck_assert_int_eq(st.kind, RSP_STOP_SIGNAL);
    ck_assert_int_eq(st.signal, SIGTRAP);
    ck_assert_int_gt(st.pid, 0);
    ck_assert_int_gt(st.tid, 0);
    /* the PC among the expedited registers: rip is 0x10 on x86-64, pc is 0x20 on aarch64 */
    uint64_t pc = 0;
    for (unsigned i = 0; i < st.nregs; i++) {
        if ((st.regs[i].regno == 0x10 || st.regs[i].regno == 0x20) && st.regs[i].len == 8)
            memcpy(&pc, st.regs[i].value, 8);
    }
    ck_assert_uint_ne(pc, 0);

    ck_assert_int_eq(rsp_client_requestf(c, &reply, "g"), 0);
    ck_assert_int_eq(rsp_reply_error(&reply), 0);
    ck_assert_uint_ge(reply.len, 2 * 8 * 17);
    uint64_t g_pc;
    uint8_t raw[8];
    ck_assert_int_eq(rsp_hex_decode(raw, 8, (const char *)reply.data + 2 * 8 * 16, 16), 0);
    memcpy(&g_pc, raw, 8);
#if defined(__x86_64__)
    ck_assert_uint_eq(g_pc, pc); /* rip is register 16 of the 'g' packet */
#endif

    struct rsp_buf xml;
    rsp_buf_init(&xml, 1 << 20);
    ck_assert_int_eq(rsp_client_qxfer(c, "features", "target.xml", &xml), 0);
    ck_assert_ptr_nonnull(strstr((const char *)xml.data, "<target"));
    ck_assert_ptr_nonnull(strstr((const char *)xml.data, "</target>"));

    uint8_t code[64];
    size_t nread = 0;
    ck_assert_int_eq(rsp_client_read_mem(c, pc, code, sizeof(code), &nread), 0);
    ck_assert_uint_eq(nread, sizeof(code));
    /* a bigger read, pipelined over several packets: the two pages below the stack pointer's page
     * (the kernel maps 128 KiB of stack below the initial sp) */
    uint64_t sp = 0;
    for (unsigned i = 0; i < st.nregs; i++) {
        if ((st.regs[i].regno == 0x07 || st.regs[i].regno == 0x1f) && st.regs[i].len == 8)
            memcpy(&sp, st.regs[i].value, 8);
    }
    if (sp != 0) {
        uint8_t *stack = malloc(3 * 4096);
        ck_assert_int_eq(
            rsp_client_read_mem(c, (sp & ~(uint64_t)4095) - 2 * 4096, stack, 2 * 4096, &nread), 0);
        ck_assert_uint_eq(nread, 2 * 4096);
        free(stack);
    }
    /* unmapped memory: an error, nothing read */
    ck_assert_int_ne(rsp_client_read_mem(c, 8, code, 8, &nread), 0);
    ck_assert_uint_eq(nread, 0);

    ck_assert_int_eq(rsp_client_requestf(c, &reply, "vKill;%" PRIx64, (uint64_t)st.pid), 0);
    ck_assert_str_eq((const char *)reply.data, "OK");
    rsp_buf_fini(&xml);
    rsp_buf_fini(&reply);
    rsp_client_free(c);
    close(fd);
    int status;
    for (int i = 0; i < 100; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return;
        usleep(50000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    ck_abort_msg("gdbserver --once did not exit after the connection closed");
}
END_TEST

/* Starts lldb-server gdbserver on port 0; it writes the port, NUL-terminated, to the --pipe fd. */
static int start_lldb_server(const char *path, pid_t *pid)
{
    int pipefd[2];
    ck_assert_int_eq(pipe(pipefd), 0);
    *pid = fork();
    ck_assert_int_ge(*pid, 0);
    if (*pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, 0);
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        close(pipefd[0]);
        char fdtext[16];
        snprintf(fdtext, sizeof(fdtext), "%d", pipefd[1]);
        execl(path, path, "gdbserver", "127.0.0.1:0", "--pipe", fdtext, "--", "/bin/sleep", "30",
              (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    char text[32];
    size_t len = 0;
    int port = -1;
    while (len < sizeof(text) - 1) {
        struct pollfd p = {.fd = pipefd[0], .events = POLLIN};
        if (poll(&p, 1, 10000) <= 0)
            break;
        ssize_t n = read(pipefd[0], text + len, sizeof(text) - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        if (memchr(text, '\0', len) != NULL)
            break;
    }
    close(pipefd[0]);
    struct rsp_cursor c;
    uint64_t v;
    rsp_cursor_init(&c, text, len);
    if (rsp_cursor_dec_u64(&c, &v) == 0 && v > 0 && v < 65536)
        port = (int)v;
    return port;
}

START_TEST(test_real_lldb_server)
{
    const char *path = NULL;
    static const char *paths[] = {"/usr/bin/lldb-server", "/usr/lib/llvm-14/bin/lldb-server"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]) && path == NULL; i++) {
        if (access(paths[i], X_OK) == 0)
            path = paths[i];
    }
    if (path == NULL) {
        fprintf(stderr, "SKIP: lldb-server not installed\n");
        return;
    }
    pid_t pid;
    int port = start_lldb_server(path, &pid);
    ck_assert_int_gt(port, 0);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    struct sock_io sio = {.fd = fd};
    rsp_buf_init(&sio.sent, 1 << 20);
    struct rsp_client_io io = {.write = sock_write, .read = sock_read};
    struct rsp_client *c = rsp_client_new(&io, &sio);
    rsp_client_set_timeout(c, 10000);
    ck_assert_int_eq(rsp_client_handshake(c, "xmlRegisters=i386,arm,mips,arc;multiprocess+"), 0);
    ck_assert(rsp_client_noack(c));
    ck_assert_uint_ge(rsp_client_packet_size(c), 0x1000);

    struct rsp_buf reply;
    rsp_buf_init(&reply, 1 << 20);
    ck_assert_int_eq(rsp_client_requestf(c, &reply, "?"), 0);
    struct rsp_stop st;
    ck_assert_int_eq(rsp_stop_decode(&st, reply.data, reply.len), 0);
    ck_assert_int_eq(st.kind, RSP_STOP_SIGNAL);
    ck_assert_int_gt(st.tid, 0);
    ck_assert_uint_gt(st.nregs, 0); /* lldb-server expedites the general registers */

#if defined(__x86_64__)
    /* rip is lldb register 0x10 on x86-64 (16 GPRs before it); lldb-server expedites more than
     * RSP_STOP_MAX_REGS, so ask for it */
    ck_assert_int_eq(rsp_client_requestf(c, &reply, "p10"), 0);
    ck_assert_uint_eq(reply.len, 16);
    uint8_t raw[8];
    uint64_t pc;
    ck_assert_int_eq(rsp_hex_decode(raw, 8, (const char *)reply.data, 16), 0);
    memcpy(&pc, raw, 8);
    ck_assert_uint_ne(pc, 0);
    uint8_t code[256];
    size_t nread;
    size_t before = sio.sent.len;
    ck_assert_int_eq(rsp_client_read_mem(c, pc, code, sizeof(code), &nread), 0);
    ck_assert_uint_eq(nread, sizeof(code));
    /* lldb-server answers the x0,0 probe with OK: the binary form is used */
    ck_assert_ptr_nonnull(strstr((const char *)sio.sent.data + before, "$x0,0#"));
    ck_assert_ptr_nonnull(strstr((const char *)sio.sent.data + before, "$x"));
    /* and the bytes agree with the hex form */
    uint8_t hex_code[16];
    ck_assert_int_eq(rsp_client_requestf(c, &reply, "m%" PRIx64 ",10", pc), 0);
    ck_assert_int_eq(rsp_hex_decode(hex_code, 16, (const char *)reply.data, reply.len), 0);
    ck_assert_int_eq(memcmp(hex_code, code, 16), 0);
#endif
    if (rsp_client_has_feature(c, "qXfer:features:read")) {
        struct rsp_buf xml;
        rsp_buf_init(&xml, 1 << 20);
        ck_assert_int_eq(rsp_client_qxfer(c, "features", "target.xml", &xml), 0);
        ck_assert_ptr_nonnull(strstr((const char *)xml.data, "<target"));
        rsp_buf_fini(&xml);
    }
    ck_assert_int_eq(rsp_client_send(c, "k", 1), 0);
    int rc = rsp_client_recv(c, &reply, 5000); /* X09 or W.., or the connection closes */
    ck_assert(rc == 0 || rc == -EPIPE);
    rsp_buf_fini(&reply);
    rsp_buf_fini(&sio.sent);
    rsp_client_free(c);
    close(fd);
    int status;
    for (int i = 0; i < 100; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return;
        usleep(50000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
}
END_TEST

static Suite *client_suite(void)
{
    Suite *s = suite_create("rsp_client");
    TCase *tc = tcase_create("fake");
    tcase_add_test(tc, test_handshake_noack);
    tcase_add_test(tc, test_handshake_ack_only);
    tcase_add_test(tc, test_handshake_bad_packet_size);
    tcase_add_test(tc, test_nak_retransmit);
    tcase_add_test(tc, test_client_naks_bad_checksum);
    tcase_add_test(tc, test_rle_reply_split_reads);
    tcase_add_test(tc, test_console_and_notification);
    tcase_add_test(tc, test_recv_eof_timeout);
    tcase_add_loop_test(tc, test_reply_table, 0,
                        (int)(sizeof(reply_cases) / sizeof(reply_cases[0])));
    tcase_add_loop_test(tc, test_read_mem_table, 0,
                        (int)(sizeof(mem_cases) / sizeof(mem_cases[0])));
    tcase_add_loop_test(tc, test_write_mem, 0, 2);
    tcase_add_test(tc, test_qxfer);
    suite_add_tcase(s, tc);

    TCase *real = tcase_create("gdbserver");
    tcase_set_timeout(real, 60);
    tcase_add_test(real, test_real_gdbserver);
    tcase_add_test(real, test_real_lldb_server);
    suite_add_tcase(s, real);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(client_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
