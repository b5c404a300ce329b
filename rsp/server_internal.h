/*
 * rsp/server_internal.h - what the server's files share: the session struct, the reply helpers and
 * the packet handlers the command table in server.c points at. Not for anything outside
 * rsp/server*.c.
 *
 * The server is split by feature group (server.c: session, framing, dispatch, qSupported;
 * server_data.c: registers, memory, breakpoints; server_run.c: resume, stop replies, detach/kill;
 * server_query.c: threads, qXfer, signals, monitor; server_lldb.c: lldb's packets; server_vfile.c:
 * host I/O). See doc/internals/rsp-server.md.
 */
#ifndef RSP_SERVER_INTERNAL_H
#define RSP_SERVER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rsp/codec.h"
#include "rsp/server.h"

/* Bytes a reply payload may take: the PacketSize we advertise plus room for a stop reply's fields.
 */
#define SRV_REPLY_MAX (RSP_SERVER_PACKET_SIZE + 4096)
/* Threads listed per qfThreadInfo snapshot and in stop replies/jThreadsInfo. */
#define SRV_MAX_THREADS 8192
/* The qXfer:threads:read document is built once per read (offset 0) and served from this cache. */
#define SRV_XFER_MAX (4u << 20)

/* What the client told us in qSupported (GDB manual E.4 "General Query Packets", qSupported). */
struct srv_client_features {
    bool multiprocess;  /* multiprocess+: thread ids are pPID.TID */
    bool swbreak;       /* swbreak+: emit swbreak: in stop replies */
    bool hwbreak;       /* hwbreak+ */
    bool binary_upload; /* binary-upload+: 'x' replies carry gdb 16's 'b' prefix */
    bool xml_registers; /* xmlRegisters=: an lldb-family client (lldb, Delve) */
    bool vcont_supported;
    bool thread_events;
    bool no_resumed;
};

struct rsp_server {
    const struct rsp_target *tgt;
    void *ctx;
    const struct rsp_server_config *cfg;

    struct rsp_decoder *dec;
    struct rsp_buf out;   /* framed bytes for the owner to write (RSP_SERVER_OUTPUT_MAX) */
    struct rsp_buf reply; /* payload of the reply being built (SRV_REPLY_MAX) */
    struct rsp_buf last;  /* the last framed packet, resent when the client answers '-' */
    struct rsp_buf aux;   /* a second payload buffer: stop replies, O packets */
    struct rsp_buf rle;   /* a payload run-length encoded, before framing */
    struct rsp_buf xfer;  /* qXfer:threads:read document cache */
    uint8_t *scratch;     /* RSP_SERVER_PACKET_SIZE + 1 bytes: memory, registers, decoded data */
    int64_t *tids;        /* SRV_MAX_THREADS: qfThreadInfo snapshot and other thread lists */
    size_t ntids, tid_pos;
    uint8_t *deferred; /* one packet received while RUNNING, handled after the stop */
    size_t deferred_len;
    bool have_deferred;

    enum rsp_session_state state;
    enum rsp_end_reason end;
    bool noack;
    bool noack_after_reply; /* QStartNoAckMode: the OK still goes out in ack mode */
    bool no_reply;          /* the handler answers later (resume) or never (k) */
    bool overflow;          /* the output queue hit RSP_SERVER_OUTPUT_MAX */
    bool in_rcmd;           /* console output is allowed */
    bool given_back;        /* rsp_server_given_back: the process is no longer served */
    char given_back_text[256];

    struct srv_client_features cl;
    bool thread_suffix;        /* QThreadSuffixSupported accepted */
    bool list_threads_in_stop; /* QListThreadsInStopReply accepted */
    int64_t suffix_tid;        /* ";thread:TID;" of the packet being handled, 0 when none */

    int64_t g_tid, c_tid; /* Hg / Hc: a tid, -1 all, 0 any */
    struct rsp_stop last_stop;
    bool have_stop;

    struct rsp_server_stats stats;
};

/* Handler of one command-table row: args is the packet after the row's prefix. Returns 0 with the
 * reply payload in s->reply (empty = "unsupported"), -ENOTSUP for an empty reply, another -errno
 * for "Exx", or RSP_FATAL to end the session. */
typedef int (*srv_handler_fn)(struct rsp_server *s, struct rsp_cursor *args);

/* ---- server.c: helpers */
void srv_log(struct rsp_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frames payload and queues it (also kept for retransmission). */
void srv_send_packet(struct rsp_server *s, const uint8_t *payload, size_t len);
int srv_reply_str(struct rsp_server *s, const char *text) RSP_MUST_CHECK;
int srv_reply_error_text(struct rsp_server *s, const char *text) RSP_MUST_CHECK; /* "E.text" */
/* Thread ids on the wire: "pPID.TID" with multiprocess, else "TID" (hex); -1 and 0 as "-1"/"0". */
int srv_add_thread_id(struct rsp_server *s, struct rsp_buf *b, int64_t tid) RSP_MUST_CHECK;
/* Parses "pPID.TID", "pPID", "TID", "-1", "0". *tid gets -1 (all), 0 (any) or a tid. */
int srv_parse_thread_id(struct rsp_cursor *c, int64_t *tid) RSP_MUST_CHECK;
/* The thread an operation without an explicit thread applies to: the suffix thread, the Hg thread,
 * the last stopped thread, the first thread. 0 when the process has none. */
int64_t srv_current_tid(struct rsp_server *s);
int64_t srv_reg_tid(struct rsp_server *s);
/* Appends data escaped (GDB manual E.1) while the result stays within budget bytes of b; returns
 * how many input bytes went in. */
size_t srv_add_escaped_bounded(struct rsp_buf *b, const uint8_t *data, size_t len, size_t budget);
/* Maps a host errno to the File-I/O protocol's errno (GDB manual E.13.9). */
int srv_fileio_errno(int host_errno);
bool srv_group_present(const struct rsp_server *s, int group);

/* ---- server_data.c: registers, memory, breakpoints */
int srv_h_read_regs(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_write_regs(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_read_reg(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_write_reg(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_read_mem(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_write_mem(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_write_mem_bin(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_read_mem_bin(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_z_insert(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_z_remove(struct rsp_server *s, struct rsp_cursor *a);
/* Reads one register of tid as hex, or 'xx' per byte when unavailable. */
int srv_add_reg_hex(struct rsp_server *s, struct rsp_buf *b, int64_t tid,
                    unsigned regno) RSP_MUST_CHECK;

/* ---- server_run.c: run control and stop replies */
int srv_h_status(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_vcont_query(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_vcont(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_continue(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_continue_sig(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_step(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_step_sig(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_detach(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_kill(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_vkill(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_vother(struct rsp_server *s, struct rsp_cursor *a); /* vAttach, vRun: refused with text */
/* Encodes st as a stop reply payload into b, filling expedited registers when st has none. */
int srv_encode_stop(struct rsp_server *s, struct rsp_buf *b,
                    const struct rsp_stop *st) RSP_MUST_CHECK;

/* ---- server_query.c: threads, qXfer, signals, monitor */
int srv_h_attached(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_current_thread(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_thread_info_first(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_thread_info_next(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_thread_extra_info(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_thread_alive(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_set_thread(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_xfer_features(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_xfer_threads(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_xfer_auxv(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_xfer_exec_file(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_xfer_siginfo(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_pass_signals(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_program_signals(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_thread_events(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_non_stop(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_rcmd(struct rsp_server *s, struct rsp_cursor *a);

/* ---- server_lldb.c: lldb's packets */
int srv_h_host_info(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_process_info(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_register_info(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_thread_suffix(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_list_threads_in_stop(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_memory_region(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_jthreads_info(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_thread_stop_info(struct rsp_server *s, struct rsp_cursor *a);
/* QListThreadsInStopReply: appends "threads:..;thread-pcs:..;" to a T stop reply. */
int srv_add_thread_list(struct rsp_server *s, struct rsp_buf *b) RSP_MUST_CHECK;

/* ---- server_vfile.c: host I/O */
int srv_h_vfile_open(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_vfile_pread(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_vfile_close(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_vfile_fstat(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_vfile_readlink(struct rsp_server *s, struct rsp_cursor *a);
int srv_h_vfile_setfs(struct rsp_server *s, struct rsp_cursor *a);

#endif
