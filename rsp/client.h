/*
 * rsp/client.h - the client half of the protocol, used by godbg's target layer: framing requests,
 * reading replies (acks, retransmission, RLE, 'O' console packets, '%' notifications), qSupported
 * negotiation, no-ack mode, and helpers for the common requests. The bytes move through callbacks
 * the owner supplies (a socket, a pipe, a test buffer): this file does no system calls itself.
 *
 * Calls block only inside the owner's read callback. Not thread-safe: one owner.
 */
#ifndef RSP_CLIENT_H
#define RSP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rsp/codec.h"
#include "rsp/stop.h"

struct rsp_client_io {
    /* Writes all of data; 0 or -errno. */
    int (*write)(void *io_ctx, const uint8_t *data, size_t len);
    /* Reads up to len bytes waiting at most timeout_ms (-1: no limit). Returns the count, 0 at end
     * of stream, -ETIMEDOUT, or -errno. */
    ssize_t (*read)(void *io_ctx, uint8_t *buf, size_t len, int timeout_ms);
    /* Console output from the server ('O' packets); may be NULL. */
    void (*console)(void *io_ctx, const char *text, size_t len);
};

struct rsp_client;

/* io must outlive the client. NULL on allocation failure. */
struct rsp_client *rsp_client_new(const struct rsp_client_io *io, void *io_ctx);
void rsp_client_free(struct rsp_client *c);

/* qSupported with our features (e.g. "multiprocess+;swbreak+;hwbreak+;vContSupported+"), then
 * QStartNoAckMode when offered. 0 or -errno (-EPROTO: the reply made no sense). */
int rsp_client_handshake(struct rsp_client *c, const char *our_features) RSP_MUST_CHECK;
/* What the server's qSupported said: "+" features, and "name=value" values (NULL when absent). */
bool rsp_client_has_feature(const struct rsp_client *c, const char *name);
const char *rsp_client_feature_value(const struct rsp_client *c, const char *name);
size_t rsp_client_packet_size(const struct rsp_client *c); /* server's PacketSize, default 400 */
bool rsp_client_noack(const struct rsp_client *c);

/* Frames and sends one packet (in ack mode waits for '+', resending on '-', up to 3 times). */
int rsp_client_send(struct rsp_client *c, const void *payload, size_t len) RSP_MUST_CHECK;
/* Next packet payload into reply (RLE expanded, escapes kept). 'O' packets go to io->console and
 * are skipped; notifications are kept for rsp_client_notification. 0, -ETIMEDOUT, -EPIPE at end of
 * stream. */
int rsp_client_recv(struct rsp_client *c, struct rsp_buf *reply, int timeout_ms) RSP_MUST_CHECK;
/* send + recv. */
int rsp_client_request(struct rsp_client *c, const void *payload, size_t len,
                       struct rsp_buf *reply) RSP_MUST_CHECK;
int rsp_client_requestf(struct rsp_client *c, struct rsp_buf *reply, const char *fmt,
                        ...) RSP_MUST_CHECK __attribute__((format(printf, 3, 4)));
/* Added by the codec/client engineer (additive): the timeout rsp_client_request and the memory and
 * qXfer helpers use for each wait for reply bytes; -1 (the default) waits without limit. */
void rsp_client_set_timeout(struct rsp_client *c, int timeout_ms);
/* Added (additive): takes the oldest queued '%' notification payload (e.g. "Stop:T05...") into out.
 * false when none is queued. Notifications are queued while waiting for acks and replies. */
bool rsp_client_notification(struct rsp_client *c, struct rsp_buf *out);
/* Added (additive, for QEMU user mode, which sends a stop reply for each thread that traps, also
 * while the client waits for the answer to another request): with stray stops on, a "Txx..." stop
 * reply that arrives in place of the answer to a request that cannot be answered with a stop (not
 * '?', c/s/C/S, vCont, vAttach, vRun) is queued and the wait goes on. Take them, oldest first, with
 * rsp_client_stray_stop (payload into out; false when none). Off by default. */
void rsp_client_set_stray_stops(struct rsp_client *c, bool on);
bool rsp_client_has_stray_stop(const struct rsp_client *c);
bool rsp_client_stray_stop(struct rsp_client *c, struct rsp_buf *out);
/* Sends the 0x03 interrupt byte. */
int rsp_client_interrupt(struct rsp_client *c) RSP_MUST_CHECK;

/* A reply that is "Exx" or "E.text": returns the error number (or EIO), else 0. */
int rsp_reply_error(const struct rsp_buf *reply);
/* An empty reply: the server does not support the request. */
bool rsp_reply_unsupported(const struct rsp_buf *reply);

/* Memory reads in packet-sized pieces, pipelined (all requests sent, then all replies read) and
 * with the binary 'x' form where the server offers it. *nread gets the bytes read before the first
 * error. */
int rsp_client_read_mem(struct rsp_client *c, uint64_t addr, uint8_t *buf, size_t len,
                        size_t *nread) RSP_MUST_CHECK;
int rsp_client_write_mem(struct rsp_client *c, uint64_t addr, const uint8_t *buf,
                         size_t len) RSP_MUST_CHECK;
/* qXfer:OBJECT:read:ANNEX into out, looping over m/l chunks. */
int rsp_client_qxfer(struct rsp_client *c, const char *object, const char *annex,
                     struct rsp_buf *out) RSP_MUST_CHECK;

/* Requests sent and round trips waited for (a pipelined batch counts one round trip). */
struct rsp_client_stats {
    uint64_t packets_sent, round_trips, bytes_sent, bytes_received;
};
void rsp_client_stats(const struct rsp_client *c, struct rsp_client_stats *out);

#endif
