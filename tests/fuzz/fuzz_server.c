/*
 * tests/fuzz/fuzz_server.c - libFuzzer target for the RSP server's dispatch (rsp_server_feed) over
 * the in-memory fake target. The first input byte picks the set-up (optional groups present or not,
 * read-only, permissive fake, no-ack mode first); the rest is fed in pieces whose sizes come from
 * the data, as a client's bytes would arrive. Whenever a resume is outstanding a stop is reported,
 * so the session goes on.
 *
 * Oracle: everything the server emits decodes (checksums verified) as packets, acks and naks only;
 * the output never passes RSP_SERVER_OUTPUT_MAX; and the sanitizers see no memory or UB error.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "rsp/server.h"
#include "tests/unit/rsp_fake_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_output(struct rsp_server *s, struct rsp_decoder *dec)
{
    const uint8_t *out;
    size_t n = rsp_server_pending(s, &out), off = 0;
    struct rsp_event ev;

    if (n > RSP_SERVER_OUTPUT_MAX)
        abort();
    while (off < n) {
        size_t k = n - off < 65536 ? n - off : 65536;

        if (rsp_decoder_push(dec, out + off, k) != 0)
            abort();
        off += k;
        while (rsp_decoder_next(dec, &ev)) {
            if (ev.kind != RSP_EV_PACKET && ev.kind != RSP_EV_ACK && ev.kind != RSP_EV_NAK)
                abort(); /* the server emitted something that is not a valid packet */
        }
    }
    rsp_server_consume(s, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fake_target f;
    struct rsp_server_config cfg = {0};
    struct rsp_server *s;
    struct rsp_decoder *dec;
    uint8_t mode;

    if (size == 0)
        return 0;
    mode = data[0];
    data++;
    size--;
    fake_init(&f);
    f.permissive = mode & 1;
    cfg.read_only = mode & 2;
    s = rsp_server_new(mode & 4 ? &fake_target_base : &fake_target_full, &f, &cfg);
    dec = rsp_decoder_new(1u << 20);
    if (!s || !dec)
        abort();
    if (mode & 8) {
        static const uint8_t noack[] = "$QStartNoAckMode#b0";
        if (rsp_server_feed(s, noack, sizeof(noack) - 1) != 0)
            abort();
        check_output(s, dec);
    }
    while (size > 0) {
        /* piece sizes: 1..64 from the low bits of the next byte, when split mode is on */
        size_t piece = mode & 16 ? (size_t)(data[0] & 63) + 1 : size;
        struct rsp_stop st;

        if (piece > size)
            piece = size;
        (void)rsp_server_feed(s, data, piece);
        data += piece;
        size -= piece;
        if (rsp_server_state(s) == RSP_SESSION_RUNNING) {
            memset(&st, 0, sizeof(st));
            st.kind = (mode & 32) ? RSP_STOP_EXITED : RSP_STOP_SIGNAL;
            st.tid = FAKE_PID + (mode >> 7);
            st.signal = f.interrupts ? SIGINT : SIGTRAP;
            st.reason = (enum rsp_stop_reason)((mode >> 5) % 7);
            st.core = -1;
            rsp_server_report_stop(s, &st);
        }
        check_output(s, dec);
        if (rsp_server_state(s) == RSP_SESSION_ENDED)
            break;
    }
    rsp_server_free(s);
    rsp_decoder_free(dec);
    return 0;
}
