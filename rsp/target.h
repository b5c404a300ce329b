/*
 * rsp/target.h - what a debug target must offer the RSP server: a table of required base operations
 * and optional groups (the gdbstub crate's shape). A group left NULL is neither advertised in
 * qSupported nor dispatched: its packets get the empty "unsupported" reply. The server never sees
 * ptrace or sockets.
 *
 * Every operation returns 0 on success or -errno; the server sends that as "Exx" and the session
 * goes on. RSP_FATAL ends the session (the owner then cleans up and detaches). Signals are host
 * numbers. Thread ids are kernel tids; the server maps gdb's "-1" (all) and "0" (any) before
 * calling.
 */
#ifndef RSP_TARGET_H
#define RSP_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "rsp/codec.h"
#include "rsp/signals.h"
#include "rsp/stop.h"

#define RSP_FATAL (-10000)

/* One vCont action (or the legacy c/C/s/S). tid -1 applies to every thread without its own action.
 */
struct rsp_resume_action {
    int64_t tid;
    char action; /* 'c' continue, 's' step, 't' stop (stay stopped) */
    int signal;  /* host signal to deliver, 0 for none */
};

enum rsp_watch_type {
    RSP_WATCH_WRITE = 2,
    RSP_WATCH_READ = 3,
    RSP_WATCH_ACCESS = 4
}; /* = Z number */

struct rsp_breakpoint_ops { /* Z0/z0; advertises swbreak+ */
    int (*insert)(void *ctx, uint64_t addr, unsigned kind);
    int (*remove)(void *ctx, uint64_t addr, unsigned kind);
};

struct rsp_hw_breakpoint_ops { /* Z1/z1; advertises hwbreak+ */
    int (*insert)(void *ctx, uint64_t addr, unsigned kind);
    int (*remove)(void *ctx, uint64_t addr, unsigned kind);
};

struct rsp_watchpoint_ops { /* Z2/Z3/Z4; a type the hardware lacks returns -ENOTSUP: empty reply */
    int (*insert)(void *ctx, enum rsp_watch_type type, uint64_t addr, uint64_t len);
    int (*remove)(void *ctx, enum rsp_watch_type type, uint64_t addr, uint64_t len);
};

/* vFile: host I/O (GDB manual E.13). Results follow the protocol: >= 0 or -errno (sent as
 * F-1,errno). */
struct rsp_vfile_ops {
    /* (Added note) flags are host O_* values: the server converts the protocol's (E.13.9). */
    int (*open)(void *ctx, const char *path, int flags, int mode);
    int64_t (*pread)(void *ctx, int fd, uint8_t *buf, size_t len, uint64_t offset);
    int (*close)(void *ctx, int fd);
    /* Fills st with the protocol's struct stat (E.13.8: big-endian fields), 64 bytes. */
    int (*fstat)(void *ctx, int fd, uint8_t st[64]);
    int64_t (*readlink)(void *ctx, const char *path, char *buf, size_t len);
    int (*setfs)(void *ctx, int64_t pid); /* 0: the stub's own view */
};

/* lldb's qMemoryRegionInfo. */
struct rsp_region {
    uint64_t start, size;
    bool mapped;
    bool r, w, x;
    char name[256]; /* backing file or "" */
};

struct rsp_memory_region_ops {
    /* The region containing addr; an unmapped gap is reported with mapped = false and its extent.
     */
    int (*region_info)(void *ctx, uint64_t addr, struct rsp_region *out);
};

struct rsp_monitor_ops { /* qRcmd */
    /* Runs a monitor command; writes human text to out (the server sends it as O packets).
     * (Added note) For "help", a failure or no output makes the server answer with its own list. */
    int (*command)(void *ctx, const char *cmd, struct rsp_buf *out);
};

struct rsp_target {
    /* Set before the server is created; the target description comes from it. */
    const struct arch_desc *arch;

    /* ---- base operations: all required */
    int64_t (*pid)(void *ctx);
    bool (*attached)(void *ctx); /* qAttached: 1 attached to an existing process, 0 launched */
    /* Kernel tids of live threads, first the main thread. Returns the count (may exceed max). */
    size_t (*list_threads)(void *ctx, int64_t *tids, size_t max);
    bool (*thread_alive)(void *ctx, int64_t tid);
    /* comm of the thread ("" when unknown). */
    int (*thread_name)(void *ctx, int64_t tid, char *buf, size_t len);
    /* One register, in target byte order, len = size_bits/8. -ENOENT: unavailable (sent as 'x's).
     */
    int (*read_reg)(void *ctx, int64_t tid, unsigned regno, uint8_t *buf, size_t len);
    int (*write_reg)(void *ctx, int64_t tid, unsigned regno, const uint8_t *buf, size_t len);
    /* Reads up to len bytes; *nread gets how many were readable from addr on (0 => -EFAULT/-EIO).
     * Breakpoints the stub inserted are hidden: the original bytes are returned. */
    int (*read_mem)(void *ctx, uint64_t addr, uint8_t *buf, size_t len, size_t *nread);
    /* Writes all of it or fails; writing over an inserted breakpoint updates the saved bytes. */
    int (*write_mem)(void *ctx, uint64_t addr, const uint8_t *buf, size_t len);
    /* Starts the threads as the actions say and returns at once; the owner reports the next stop
     * with rsp_server_report_stop. If the target already holds an unreported stop, it may report it
     * right away without resuming anything (gdbserver's behaviour). */
    int (*resume)(void *ctx, const struct rsp_resume_action *acts, size_t n);
    /* While running: stop every thread; the owner then reports a SIGINT stop (never delivered
     * later). */
    int (*interrupt)(void *ctx);
    /* D: remove every breakpoint and watchpoint, restore memory, detach every thread. */
    int (*detach)(void *ctx);
    /* k */
    int (*kill)(void *ctx);
    /* The last stop of a thread (qThreadStopInfo, jThreadsInfo, QListThreadsInStopReply). */
    int (*thread_stop_info)(void *ctx, int64_t tid, struct rsp_stop *out);
    /* Signals passed to the program without stopping (QPassSignals), host numbering. */
    void (*set_pass_signals)(void *ctx, const bool pass[RSP_HOST_NSIG]);
    /* Signals the client allows to be delivered (QProgramSignals). */
    void (*set_program_signals)(void *ctx, const bool allow[RSP_HOST_NSIG]);
    /* QThreadEvents: report thread creation and exit. */
    void (*set_thread_events)(void *ctx, bool on);
    /* qXfer:auxv:read, qXfer:exec-file:read, qXfer:siginfo:read. Return bytes copied (0 = end) or
     * -errno. */
    int64_t (*read_auxv)(void *ctx, uint64_t offset, uint8_t *buf, size_t len);
    int (*exec_file)(void *ctx, char *buf, size_t len);
    int64_t (*read_siginfo)(void *ctx, int64_t tid, uint64_t offset, uint8_t *buf, size_t len);

    /* ---- optional groups */
    const struct rsp_breakpoint_ops *breakpoints;
    const struct rsp_hw_breakpoint_ops *hw_breakpoints;
    const struct rsp_watchpoint_ops *watchpoints;
    const struct rsp_vfile_ops *vfile;
    const struct rsp_memory_region_ops *memory_regions;
    const struct rsp_monitor_ops *monitor;
};

#endif
