/*
 * tests/fuzz/fuzz_client.c - libFuzzer target for what a client parses: stop replies (rsp/stop.c)
 * and every reply path of rsp/client.c. Byte 0 picks the mode:
 *  - even: the rest is a stop reply payload. If it decodes, it is encoded again and re-decoded, and
 * the two structs must agree (kind, thread, signal, registers, watch address, core).
 *  - odd: the rest is the byte stream a hostile server sends. A client runs a handshake, a memory
 * read, a qXfer, a memory write and a plain receive against it; writes are discarded, and the
 * stream's end is end of file. Results must be within their bounds.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsp/client.h"
#include "rsp/codec.h"
#include "rsp/stop.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_stop(const uint8_t *data, size_t size)
{
    struct rsp_stop a, b;
    if (rsp_stop_decode(&a, data, size) != 0)
        return;
    CHECK(a.nregs <= RSP_STOP_MAX_REGS);
    for (unsigned i = 0; i < a.nregs; i++)
        CHECK(a.regs[i].len <= sizeof(a.regs[i].value));
    struct rsp_stop_style style = {.multiprocess = true, .swbreak = true, .hwbreak = true};
    struct rsp_buf out;
    rsp_buf_init(&out, 1 << 16);
    CHECK(rsp_stop_encode(&out, &a, &style) == 0);
    if (rsp_stop_decode(&b, out.data, out.len) != 0) {
        fprintf(stderr, "re-encoded stop reply does not decode: %s\n", (const char *)out.data);
        abort();
    }
    CHECK(a.kind == b.kind);
    switch (a.kind) {
    case RSP_STOP_SIGNAL:
        CHECK(a.signal == b.signal);
        CHECK(a.core == b.core);
        CHECK(a.nregs == b.nregs);
        for (unsigned i = 0; i < a.nregs; i++) {
            CHECK(a.regs[i].regno == b.regs[i].regno && a.regs[i].len == b.regs[i].len);
            CHECK(memcmp(a.regs[i].value, b.regs[i].value, a.regs[i].len) == 0);
        }
        if (a.tid != 0) {
            CHECK(a.tid == b.tid && a.pid == b.pid);
        }
        if (a.reason == RSP_REASON_WATCH || a.reason == RSP_REASON_RWATCH ||
            a.reason == RSP_REASON_AWATCH) {
            CHECK(a.reason == b.reason && a.watch_addr == b.watch_addr);
        } else if (a.reason != RSP_REASON_SINGLESTEP) {
            CHECK(a.reason == b.reason);
        }
        break;
    case RSP_STOP_EXITED:
        CHECK((a.exit_code & 0xff) == b.exit_code && a.pid == b.pid);
        break;
    case RSP_STOP_KILLED:
        CHECK(a.signal == b.signal && a.pid == b.pid);
        break;
    case RSP_STOP_THREAD_EXIT:
        CHECK(a.exit_code == b.exit_code && a.tid == b.tid && a.pid == b.pid);
        break;
    case RSP_STOP_NO_RESUMED:
        break;
    }
    rsp_buf_fini(&out);
}

struct script {
    const uint8_t *data;
    size_t size, pos;
};

static int script_write(void *ctx, const uint8_t *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return 0;
}

static ssize_t script_read(void *ctx, uint8_t *buf, size_t len, int timeout_ms)
{
    struct script *s = ctx;
    (void)timeout_ms;
    if (s->pos >= s->size)
        return 0;
    /* hand bytes over in pieces of varying size */
    size_t n = (size_t)(s->data[s->pos] % 64) + 1;
    if (n > len)
        n = len;
    if (n > s->size - s->pos)
        n = s->size - s->pos;
    memcpy(buf, s->data + s->pos, n);
    s->pos += n;
    return (ssize_t)n;
}

static void script_console(void *ctx, const char *text, size_t len)
{
    (void)ctx;
    (void)text;
    CHECK(len < (1u << 24));
}

static void fuzz_client(const uint8_t *data, size_t size)
{
    struct script s = {.data = data, .size = size};
    struct rsp_client_io io = {
        .write = script_write, .read = script_read, .console = script_console};
    struct rsp_client *c = rsp_client_new(&io, &s);
    CHECK(c != NULL);
    rsp_client_set_timeout(c, 0);
    if (rsp_client_handshake(c, "multiprocess+;swbreak+;hwbreak+") == 0) {
        size_t ps = rsp_client_packet_size(c);
        CHECK(ps >= 64 && ps <= (1u << 20));
    }
    uint8_t mem[3000];
    size_t nread = 12345;
    int rc = rsp_client_read_mem(c, 0x1000, mem, sizeof(mem), &nread);
    CHECK(nread <= sizeof(mem));
    if (rc == 0)
        CHECK(nread == sizeof(mem));
    struct rsp_buf out;
    rsp_buf_init(&out, 8192);
    rc = rsp_client_qxfer(c, "features", "target.xml", &out);
    CHECK(out.len <= 8192);
    rc = rsp_client_write_mem(c, 0x1000, mem, 100);
    (void)rc;
    rc = rsp_client_recv(c, &out, 0);
    if (rc == 0) {
        (void)rsp_reply_error(&out);
        struct rsp_stop st;
        (void)rsp_stop_decode(&st, out.data, out.len);
    }
    while (rsp_client_notification(c, &out))
        CHECK(out.len <= 65536);
    struct rsp_client_stats stats;
    rsp_client_stats(c, &stats);
    CHECK(stats.bytes_received <= size);
    rsp_buf_fini(&out);
    rsp_client_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] & 1)
        fuzz_client(data + 1, size - 1);
    else
        fuzz_stop(data + 1, size - 1);
    return 0;
}
