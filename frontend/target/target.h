/*
 * frontend/target/target.h - what godbg debugs, behind one operations table: a live process through
 * any RSP server (gostub, gdbserver, lldb-server, QEMU's gdbstub, rr) or a core file. The layers
 * above (goruntime/, cli/) see only this header. Run-control slots are NULL where a target cannot
 * do them (a core file cannot resume), and the caller says so to the user.
 *
 * Every fallible call returns 0 or -errno. Thread ids are the server's (kernel tids for
 * gostub/gdbserver). Registers are in the numbering of t->arch, which the RSP target builds from
 * the server's own target description (so "fs_base" or the AVX-512 registers are where that server
 * puts them); look registers up with arch_regno_by_name(t->arch, ...) or t->arch->pc_regno, never
 * with fixed numbers.
 *
 * Nothing here is thread-safe: one owner. Calls block on the connection (wait has a timeout).
 * Design notes: doc/internals/target.md.
 */
#ifndef FRONTEND_TARGET_H
#define FRONTEND_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "rsp/stop.h"

#define TGT_MUST_CHECK __attribute__((warn_unused_result))

struct tgt;

enum tgt_bp_type {
    TGT_BP_SW = 0,
    TGT_BP_HW = 1,
    TGT_WATCH_WRITE = 2,
    TGT_WATCH_READ = 3,
    TGT_WATCH_ACCESS = 4
};

struct tgt_thread {
    int64_t tid;
    char name[32]; /* empty when the server does not say */
};

/* One resume request: every thread continues, except that step_tid (if non-zero) single-steps while
 * the others stay stopped (others_stopped) or continue. */
struct tgt_resume {
    int64_t step_tid;    /* 0: no step */
    bool others_stopped; /* with step_tid: keep the other threads stopped */
    int signal;          /* host signal to deliver to the thread that stopped last, 0 for none */
};

/* Requests and round trips, for benchmarks. A pipelined batch counts one round trip, and so does a
 * resume with the wait for its stop. */
struct tgt_stats {
    uint64_t packets_sent, round_trips, bytes_sent, bytes_received;
    uint64_t mem_cache_hits, mem_cache_misses; /* in lines of TGT_CACHE_LINE bytes */
    uint64_t stale_stops; /* held-back hits of since-removed breakpoints, resumed silently */
};

struct tgt_ops {
    const char *name; /* "rsp", "core" */
    void (*close)(struct tgt *t);
    /* Threads as the target lists them: at most max into out, the total in *n (may exceed max). */
    int (*threads)(struct tgt *t, struct tgt_thread *out, size_t max, size_t *n);
    /* One register of one thread (len = its size in t->arch). -ENODATA: the server has no value. */
    int (*read_reg)(struct tgt *t, int64_t tid, unsigned regno, uint8_t *buf, size_t len);
    int (*write_reg)(struct tgt *t, int64_t tid, unsigned regno, const uint8_t *buf, size_t len);
    /* Raw (uncached) memory. Partial reads: *nread bytes from addr on were readable; returns 0 when
     * *nread > 0, -EIO (or another -errno) when not even the first byte was. */
    int (*read_mem)(struct tgt *t, uint64_t addr, uint8_t *buf, size_t len, size_t *nread);
    /* Optional: n raw reads sent together (pipelined). nread[i] as for read_mem, never fails for
     * one unreadable block; -errno only when the connection failed. NULL: read_mem in a loop. */
    int (*read_blocks)(struct tgt *t, const uint64_t *addr, const size_t *len, uint8_t *const *buf,
                       size_t n, size_t *nread);
    int (*write_mem)(struct tgt *t, uint64_t addr, const uint8_t *buf, size_t len);
    void (*stats)(const struct tgt *t, struct tgt_stats *out); /* protocol counters; NULL: none */
    /* ---- run control: NULL where impossible (core files) */
    /* Starts the threads moving; the stop comes from wait. A thread that was reported stopped at
     * one of our software or hardware breakpoints is first stepped over it (remove, step it alone,
     * insert). */
    int (*resume)(struct tgt *t, const struct tgt_resume *r);
    /* Waits for the next stop (timeout_ms -1: forever; -ETIMEDOUT then, and the target is still
     * running; -ECHILD when nothing was resumed). Events the server reports later for threads that
     * stopped at the same time are never lost: they come out of later waits, attributed to the
     * thread the server names. A SIGTRAP stop at one of our breakpoints has reason SWBREAK/HWBREAK
     * even when the server does not say; a held-back hit of a breakpoint removed since is not
     * reported at all (the thread runs on). */
    int (*wait)(struct tgt *t, struct rsp_stop *out, int timeout_ms);
    int (*interrupt)(struct tgt *t); /* asks a running target to stop; the stop comes from wait */
    int (*set_bp)(struct tgt *t, enum tgt_bp_type type, uint64_t addr, uint64_t len);
    int (*clear_bp)(struct tgt *t, enum tgt_bp_type type, uint64_t addr, uint64_t len);
    int (*detach)(struct tgt *t); /* the process goes on running; the connection is done */
    int (*kill)(struct tgt *t);
};

struct tgt_cache; /* target.c: the per-stop memory cache */

struct tgt {
    const struct tgt_ops *ops;
    const struct arch_desc *arch;
    int64_t pid;         /* 0 when the server does not say */
    int64_t current_tid; /* the thread of the last stop */
    struct rsp_stop last_stop;
    bool can_run;            /* resume/wait/breakpoints available */
    bool running;            /* resumed, no stop waited for yet */
    bool exited;             /* the process is gone (W/X reply, kill, detach) */
    struct tgt_cache *cache; /* owned by target.c */
};

/* ------------------------------------------------------------------ RSP (rsp*.c) */

/* Connects to "HOST:PORT" (TCP, "[v6addr]:port" too), or talks over a pair of file descriptors
 * (a pipe to `gostub --stdio`, or to `gdbserver stdio PROG`), which the tgt then owns and closes
 * (on failure too). Does the handshake (qSupported, no-ack mode where offered), reads the target
 * description (qXfer:features:read:target.xml and its includes; else lldb's qRegisterInfo;
 * neither: -ENOTSUP with *why set) and the initial stop ('?'). timeout_ms bounds each wait for a
 * reply during set-up and memory/register requests (-1: none). On failure *out is NULL and, when
 * why is not NULL, a static English reason. Blocks until done. */
int tgt_rsp_connect(const char *host_port, int timeout_ms, struct tgt **out,
                    const char **why) TGT_MUST_CHECK;
int tgt_rsp_connect_fds(int read_fd, int write_fd, int timeout_ms, struct tgt **out,
                        const char **why) TGT_MUST_CHECK;
/* Tells the server to pass these host signals to the program without stopping (QPassSignals). An
 * empty list passes none. -EOPNOTSUPP when the server cannot. */
int tgt_rsp_pass_signals(struct tgt *t, const int *sigs, size_t n) TGT_MUST_CHECK;
/* Added for issue 4 (additive): reverse execution, where the server says ReverseContinue+ and
 * ReverseStep+ in qSupported (rr's replay). Whether t (any kind of target) can run backwards now.
 */
bool tgt_rsp_can_reverse(const struct tgt *t);
/* Starts the program running backwards: step_tid 0 = bc (back to the previous breakpoint or
 * watchpoint, or to the start of the recording), else bs (that thread steps back one
 * instruction). The stop comes from ops->wait as for a forward resume. -EOPNOTSUPP when the server
 * cannot, -EBUSY when running. Note rr's synthetic SIGKILL stop before the recorded exit comes
 * out of wait as an RSP_STOP_EXITED stop (status 0) with t->exited still false: the program can
 * still be run backwards from there, and a forward continue gets the real exit. */
int tgt_rsp_reverse(struct tgt *t, int64_t step_tid) TGT_MUST_CHECK;
/* Whether the server speaks vCont (else c/s with Hc are used). */
bool tgt_rsp_has_vcont(const struct tgt *t);
/* Console text the server sends ('O' packets: a program's output under some servers, replies to
 * monitor commands). Called from inside any request or wait; fn NULL drops the text (the default).
 */
typedef void tgt_console_fn(void *ctx, const char *text, size_t len);
void tgt_rsp_set_console(struct tgt *t, tgt_console_fn *fn, void *ctx);
/* The program's path on the server's machine (qXfer:exec-file:read), NUL-terminated into out[max].
 * -EOPNOTSUPP when the server cannot say, -ENAMETOOLONG when it does not fit. */
int tgt_rsp_exec_file(struct tgt *t, char *out, size_t max) TGT_MUST_CHECK;
/* Copies a file of the server's machine into out_fd (vFile:open, pread, close), at most max_len
 * bytes
 * (-EFBIG past that). *len gets the size copied. -EOPNOTSUPP without vFile, -errno from the
 * server's open/pread (GDB File-I/O errno values mapped to the host's) or from writing out_fd. */
int tgt_rsp_fetch_file(struct tgt *t, const char *remote_path, int out_fd, uint64_t max_len,
                       uint64_t *len) TGT_MUST_CHECK;
/* Added for issue 4 (additive): the mapping that holds addr, from lldb's qMemoryRegionInfo:ADDR
 * (lldb-server serves it, gostub may; gdbserver and QEMU do not: -EOPNOTSUPP). A gap between
 * mappings comes back as a region too, with mapped false (start and len are the gap's). name is the
 * mapped file's path, NUL-terminated, empty when none (or too long). -EIO when the server refuses
 * the address, -EPROTO for a reply that makes no sense. The target must be stopped (-EBUSY). */
struct tgt_mem_region {
    uint64_t start, len;
    bool mapped, read, write, exec;
    char name[256];
};
int tgt_rsp_memory_region(struct tgt *t, uint64_t addr, struct tgt_mem_region *out) TGT_MUST_CHECK;

/* ------------------------------------------------------------------ core files (core.c) */
/* Added for issue 4 (additive). Over corefile.h: threads and registers from NT_PRSTATUS and the
 * FP/xstate notes (t->arch from the core: arch_regno_by_dwarf works as on a live target, e.g.
 * DWARF 58 is fs_base), memory from the core, the binary and NT_FILE's files. Read-only: write_mem
 * and write_reg give -EROFS, the run-control slots are NULL and can_run is false. current_tid and
 * last_stop (RSP_STOP_SIGNAL, .signal) name the thread that took the fatal signal (non-zero
 * pr_cursig, else NT_SIGINFO's si_signo, else the first thread); signal 0 for a gcore of a live
 * process. On failure *out is NULL, the result is -errno and err (when not NULL) holds one English
 * sentence ("core was written for build-id X; BINARY has Y"). The tgt needs libcorefile.a. */
struct corefile;
struct corefile_opts;
int tgt_core_open(const char *core_path, const char *binary_path, struct tgt **out, char *err,
                  size_t errlen) TGT_MUST_CHECK;
/* The same with the reader's options (file_root, ignore_build_id, no_mapped_files). */
int tgt_core_open_opts(const char *core_path, const struct corefile_opts *opts, struct tgt **out,
                       char *err, size_t errlen) TGT_MUST_CHECK;
/* The reader under a core target (for the process facts: command, build ids, mappings, auxv);
 * NULL when t is not a core target. Owned by t. */
struct corefile *tgt_core_file(struct tgt *t);

/* ------------------------------------------------------------------ generic helpers (target.c) */

#define TGT_CACHE_LINE 4096u /* memory is cached in aligned lines of this size */
#define TGT_CACHE_RUN 65536u /* and fetched in runs of up to this many bytes */

/* Memory through the per-stop cache. All-or-nothing: -EIO when any byte is unreadable. Any resume,
 * register or memory write drops the cache (tgt_invalidate). */
int tgt_read_mem(struct tgt *t, uint64_t addr, void *buf, size_t len) TGT_MUST_CHECK;
/* As tgt_read_mem, but *nread gets the readable prefix (0 when addr itself is unreadable, then
 * -EIO). */
int tgt_read_mem_partial(struct tgt *t, uint64_t addr, void *buf, size_t len,
                         size_t *nread) TGT_MUST_CHECK;
/* n reads of small, scattered regions, fetched together: the missing cache lines of all of them are
 * requested in one pipelined batch (per few thousand lines), so reading 100k goroutine structs
 * takes O(N / 1000) round trips. err[i] gets 0 or -EIO for each region; returns -errno only when
 * the target failed as a whole. */
int tgt_read_many(struct tgt *t, const uint64_t *addr, const size_t *len, void *const *buf,
                  size_t n, int *err) TGT_MUST_CHECK;
int tgt_read_u64(struct tgt *t, uint64_t addr, uint64_t *v) TGT_MUST_CHECK; /* target byte order */
int tgt_write_mem(struct tgt *t, uint64_t addr, const void *buf, size_t len) TGT_MUST_CHECK;
/* A register of up to 8 bytes, zero-extended. */
int tgt_read_reg_u64(struct tgt *t, int64_t tid, unsigned regno, uint64_t *v) TGT_MUST_CHECK;
int tgt_read_pc(struct tgt *t, int64_t tid, uint64_t *pc) TGT_MUST_CHECK;
/* The thread-local base Go keeps g relative to: fs_base on amd64 (found by name in the server's
 * description; -ENOENT when the server does not describe it). */
int tgt_tls_base(struct tgt *t, int64_t tid, uint64_t *base) TGT_MUST_CHECK;
/* The current goroutine's g pointer on thread tid, without running code in the target. amd64: the
 * word at fs_base + tls_g_offset (-8 for Go's own TLS slot in a statically linked, non-cgo binary;
 * the layer above computes other offsets from runtime.tlsg and PT_TLS). arm64: register x28
 * (tls_g_offset unused). 0 in *g means the thread runs no goroutine. */
int tgt_current_g(struct tgt *t, int64_t tid, int64_t tls_g_offset, uint64_t *g) TGT_MUST_CHECK;
void tgt_get_stats(const struct tgt *t, struct tgt_stats *out);
void tgt_invalidate(struct tgt *t);
void tgt_close(struct tgt *t); /* NULL is a no-op; also frees the tgt */

/* For implementations: set up and tear down the generic part (the cache). */
int tgt_init_common(struct tgt *t) TGT_MUST_CHECK;
void tgt_fini_common(struct tgt *t);

#endif
