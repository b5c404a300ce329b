/*
 * goruntime/goroutines.h - the goroutines of a stopped Go process: read from runtime.allgs and
 * runtime.allglen with every offset of runtime.g, runtime.gobuf and runtime.m taken from the
 * binary's DWARF (sym/type.h), status names from the binary's constants (runtime._Grunning...),
 * wait reasons from runtime.waitReasonStrings in target memory (else a table for the Go version),
 * the thread each running goroutine is on, and the go-statement and start locations dlv prints.
 * Unwinding (current and user locations, stacks) is goruntime/unwind.h.
 *
 * Reads are batched so that listing N goroutines costs O(N / 1000) round trips: the pointer array
 * in large reads, then only the needed byte range of each g through gomem read_many batches.
 * Target memory is hostile: counts, lengths and strings are bounded and a garbage pointer yields an
 * unreadable goroutine (GORT_G_UNREADABLE), never a crash or an endless loop.
 *
 * Not for: formatting beyond dlv's one-line summary (cli/), run control, caching (target/).
 */
#ifndef GOSTUB_GORUNTIME_GOROUTINES_H
#define GOSTUB_GORUNTIME_GOROUTINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontend/goruntime/gomem.h"
#include "frontend/sym/image.h"

/* More goroutines than this in allglen is treated as garbage (-E2BIG): 10 million g structs are
 * several GB of target memory already. */
#define GORT_MAX_GOROUTINES 10000000u
/* Wait reason strings longer than this are cut; more reasons than this are ignored. */
#define GORT_MAX_REASON_LEN 64
#define GORT_MAX_REASONS 256

/* The runtime's facts for one image, resolved once from DWARF. */
struct gort;

/* Resolves runtime.allgs/allglen, runtime.g, gobuf, m and the status constants of IMG; MEM is used
 * for every later read (copied; its ctx must outlive the gort). -ENOENT when the binary lacks
 * something essential (not a Go program, or stripped): *why (optional) then names what, as
 * static text. -ENOMEM. */
GORT_MUST_CHECK int gort_new(struct sym_image *img, const struct gomem *mem, struct gort **out,
                             const char **why);
void gort_free(struct gort *rt);
struct sym_image *gort_image(const struct gort *rt);
const struct gomem *gort_mem(const struct gort *rt);

/* What the caller knows of each thread of the stopped process: its id (the m.procid the runtime
 * recorded: a kernel tid on Linux) and, if it could read it without running code, the g its TLS
 * names (amd64: the word at fs_base - 8; arm64: x28), else 0. */
struct gort_thread {
    int64_t tid;
    uint64_t tls_g;
};

/* Where the runtime keeps the current g of a thread: amd64 at fs_base + *off (-8 in static and
 * internally linked binaries; with external linking from runtime.tlsg and the TLS segment, as the
 * linker laid it out: the block of the TLS sections ends at fs_base). 0, -ENOTSUP (arm64 keeps g
 * in register x28: no offset). */
GORT_MUST_CHECK int gort_tls_g_offset(struct gort *rt, int64_t *off);
/* The g thread TID runs (its TLS slot on amd64, x28 on arm64), through gomem read_reg (DWARF 58
 * fs_base / 28 x28) and read_mem: 0 and *g (0: the thread runs no goroutine), or -errno. */
GORT_MUST_CHECK int gort_thread_g(struct gort *rt, int64_t tid, uint64_t *g);

#define GORT_G_UNREADABLE 0x1u /* the g struct could not be read: only addr is meaningful */
#define GORT_G_ON_SYSTEM 0x2u  /* the thread runs this goroutine's m on the system stack (g0) */

struct gort_g {
    uint64_t addr; /* the runtime.g */
    unsigned flags;
    int64_t goid;
    uint32_t status;         /* atomicstatus as read, _Gscan bit included */
    unsigned waitreason;     /* runtime.waitReason */
    uint64_t pc, sp, bp, lr; /* g.sched; lr is 0 where gobuf has none (amd64 keeps it 0) */
    uint64_t gopc, startpc;
    uint64_t stack_lo, stack_hi;
    uint64_t syscallsp, syscallpc;
    uint64_t m;      /* the runtime.m running it, 0 when none */
    uint64_t labels; /* pprof labels map pointer, 0 when none */
    int64_t thread;  /* the thread it runs on (m.procid matched against the caller's threads), 0 */
};

/* Every goroutine in runtime.allgs[0:allglen] in order, dead ones included (the caller filters
 * with gort_status_is(rt, s, GORT_DEAD), as dlv does). *out is malloc'd (free()), *count its
 * length. THREADS (may be NULL) are matched to running goroutines: by g.m.procid, and by a thread's
 * TLS g (a goroutine, or a g0 whose m.curg is then on the system stack). 0, -E2BIG (allglen beyond
 * GORT_MAX_GOROUTINES or beyond the allgs slice), -EIO (allgs unreadable), -ENOMEM. */
GORT_MUST_CHECK int gort_goroutines(struct gort *rt, const struct gort_thread *threads,
                                    size_t nthreads, struct gort_g **out, size_t *count);

/* One g struct at ADDR, read and parsed as gort_goroutines reads each (GORT_G_UNREADABLE when it
 * cannot be); thread and the other caller-side fields left 0. Added for godbg's lazy selection of
 * the current goroutine (additive, issue 2). 0, or -errno from the transport / -ENOMEM. */
GORT_MUST_CHECK int gort_g_at(struct gort *rt, uint64_t addr, struct gort_g *out);

/* The base statuses, named as dlv's -with filters name them. */
enum gort_status {
    GORT_IDLE,
    GORT_RUNNABLE,
    GORT_RUNNING,
    GORT_SYSCALL,
    GORT_WAITING,
    GORT_DEAD,
    GORT_COPYSTACK,
    GORT_PREEMPTED,
    GORT_NSTATUS
};
/* Whether STATUS (the _Gscan bit ignored) is the binary's value for WHICH. */
bool gort_status_is(const struct gort *rt, uint32_t status, enum gort_status which);
/* "waiting", "running", ..., "scan waiting" with the _Gscan bit, "status 42" when unknown. */
const char *gort_status_name(const struct gort *rt, uint32_t status, char *buf, size_t len);

/* The text of wait reason REASON: from runtime.waitReasonStrings in target memory (read once, in
 * one read and one batch), else gort_wait_reasons_go1_19() when the binary is a Go 1.19...1.20
 * (runtime.buildVersion); NULL when unknown. Valid until gort_free. */
const char *gort_wait_reason(struct gort *rt, unsigned reason);
/* Go 1.19's table (runtime/runtime2.go): dlv 1.20 prints these. *count entries. */
const char *const *gort_wait_reasons_go1_19(size_t *count);

/* A source location as dlv prints one: PC (shown), FUNC, FILE:LINE (of LOOKUP_PC). Strings belong
 * to the image. func/file NULL when unknown. */
struct gort_loc {
    uint64_t pc;
    uint64_t lookup_pc;
    const char *func;
    const char *file;
    uint32_t line;
};

/* Location of PC; RET_ADDR: PC is a return address, so file:line (and the function when PC is one
 * past a call at a function's end) come from PC - 1. Inlined calls are not expanded (innermost
 * function name is used). Never fails: unknown parts stay NULL/0. */
void gort_loc_at(struct gort *rt, uint64_t pc, bool ret_addr, struct gort_loc *out);
/* The go statement that created G: gopc, with file:line of the call before it (dlv's "Go"). */
void gort_go_loc(struct gort *rt, const struct gort_g *g, struct gort_loc *out);
/* The function G started in (dlv's "Start"): startpc, where the compiler's go-statement wrapper
 * (a closure that only calls the function named in the go statement) is looked through, as dlv
 * does, to the function it calls. */
void gort_start_loc(struct gort *rt, const struct gort_g *g, struct gort_loc *out);

/* dlv's goroutine line: "  Goroutine 7 - User: /p/main.go:40 main.chanRecv (0x51b851) (thread 9)
 * [chan receive]", with '*' instead of the first space when CURRENT. KIND is "User", "Runtime",
 * "Go" or "Start". Writes at most LEN bytes with a NUL; returns the length it needed (snprintf). */
size_t gort_format_goroutine(struct gort *rt, const struct gort_g *g, const char *kind,
                             const struct gort_loc *loc, bool current, char *buf, size_t len);

#endif
