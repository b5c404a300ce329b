/*
 * rsp/server.h - the server half of the protocol: fed the bytes a client sent, it answers through
 * the target table (target.h) and queues the reply bytes for its owner to write. It does no I/O,
 * owns no socket, and never blocks. One server serves one client session.
 *
 * Sessions: STOPPED (waiting for packets), RUNNING (a resume is outstanding; only 0x03 and a few
 * packets are accepted until the owner reports the stop), and ENDED with a reason (detach, kill,
 * fatal error). The owner drains output, then acts on the ending.
 */
#ifndef RSP_SERVER_H
#define RSP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rsp/codec.h"
#include "rsp/stop.h"
#include "rsp/target.h"

#define RSP_SERVER_PACKET_SIZE 0x20000 /* advertised PacketSize (128 KiB) */
#define RSP_SERVER_OUTPUT_MAX                                                                      \
    (16u << 20) /* queued reply bytes past which the owner stops reading */

enum rsp_session_state {
    RSP_SESSION_STOPPED = 0,
    RSP_SESSION_RUNNING,
    RSP_SESSION_ENDED,
};

enum rsp_end_reason {
    RSP_END_NONE = 0,
    RSP_END_DETACHED, /* D: target->detach already ran */
    RSP_END_KILLED,   /* k or vKill: target->kill already ran */
    RSP_END_FATAL,    /* an operation returned RSP_FATAL */
};

struct rsp_server_config {
    bool read_only; /* refuse M, X, G, P, Z*: reply E.read-only (issue 5 builds on it) */
    void (*log)(void *log_ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
    void *log_ctx; /* log may be NULL: no logging */
};

struct rsp_server;

/* Allocates once: buffers sized to the advertised PacketSize. ctx is passed to every target
 * operation. tgt and cfg must outlive the server. NULL on allocation failure. */
struct rsp_server *rsp_server_new(const struct rsp_target *tgt, void *ctx,
                                  const struct rsp_server_config *cfg);
void rsp_server_free(struct rsp_server *s);

/* Processes bytes from the client; replies are queued. Returns 0, or -ENOMEM. */
int rsp_server_feed(struct rsp_server *s, const uint8_t *data, size_t len) RSP_MUST_CHECK;

/* Queued output: a pointer to the bytes and their count; consume after writing some of them. */
size_t rsp_server_pending(const struct rsp_server *s, const uint8_t **data);
void rsp_server_consume(struct rsp_server *s, size_t n);

/* The target stopped (or exited) after a resume or an interrupt: sends the stop reply (W/X end the
 * session's process but not the session). Ignored when no resume is outstanding (kept for '?'). */
void rsp_server_report_stop(struct rsp_server *s, const struct rsp_stop *st);
/* Console output to the client ('O' packet), sent only while RUNNING or in a qRcmd reply (GDB E.3).
 */
void rsp_server_console(struct rsp_server *s, const char *text);

/* Added for issue 5 (--max-stop): the owner gave the process back behind the client's back (it
 * runs on, untraced). From now on the target is never called again: D and vKill are answered OK and
 * end the session (RSP_END_DETACHED), k ends it with no reply (RSP_END_DETACHED too: nothing was
 * killed), and every other packet is answered "E.<text>" so the client shows the reason. Meant for
 * a STOPPED session (no resume outstanding); text is cut to 250 bytes. */
void rsp_server_given_back(struct rsp_server *s, const char *text);

enum rsp_session_state rsp_server_state(const struct rsp_server *s);
enum rsp_end_reason rsp_server_end_reason(const struct rsp_server *s);
bool rsp_server_noack(const struct rsp_server *s);

/* Counters for tests and benchmarks. */
struct rsp_server_stats {
    uint64_t packets_in, bytes_in, bytes_out, bad_checksums, oversized, naks;
};
void rsp_server_stats(const struct rsp_server *s, struct rsp_server_stats *out);

#endif
