/*
 * goruntime/gomem.h - the little that goruntime/ needs from a stopped process: memory, batches of
 * scattered memory reads, and registers by DWARF number. target/ implements it over its operations
 * table (RSP, core files); the unit tests implement it over ptrace and /proc/PID/mem, and over fake
 * memory. Keeping goruntime/ on this interface rather than on target/ lets the goroutine reader be
 * tested against hostile memory without a server.
 *
 * Not for: caching, run control, thread lists (the caller passes what it knows about threads).
 * Everything read through it is hostile: the readers above bound every length and count.
 */
#ifndef GOSTUB_GORUNTIME_GOMEM_H
#define GOSTUB_GORUNTIME_GOMEM_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#ifndef GORT_MUST_CHECK
#define GORT_MUST_CHECK __attribute__((warn_unused_result))
#endif

struct gomem_ops {
    /* LEN bytes at ADDR, all or nothing: 0, or -errno (-EIO/-EFAULT: unreadable). Required. */
    int (*read_mem)(void *ctx, uint64_t addr, void *buf, size_t len);
    /* N reads sent together (pipelined: one round trip for the batch). errs[i] gets 0 or -errno for
     * region i; the return is -errno only when the target failed as a whole. NULL: read_mem in a
     * loop. Callers keep N at most GOMEM_BATCH_MAX. */
    int (*read_many)(void *ctx, size_t n, const uint64_t *addrs, const size_t *lens,
                     void *const *bufs, int *errs);
    /* Register DWARF_REGNO (x86-64: 6 rbp, 7 rsp, 16 rip; arm64: 29 fp, 30 lr, 31 sp, 32 pc) of
     * thread TID, zero-extended. 0, -ENODATA (no value), -ESRCH (no such thread). May be NULL
     * when the caller never passes threads. */
    int (*read_reg)(void *ctx, int64_t tid, unsigned dwarf_regno, uint64_t *value);
};

struct gomem {
    const struct gomem_ops *ops;
    void *ctx;
};

/* The largest batch goruntime/ hands to read_many. */
#define GOMEM_BATCH_MAX 8192

static inline GORT_MUST_CHECK int gomem_read(const struct gomem *m, uint64_t addr, void *buf,
                                             size_t len)
{
    if (len == 0)
        return 0;
    if (addr + len < addr)
        return -EFAULT;
    return m->ops->read_mem(m->ctx, addr, buf, len);
}

/* read_many, or read_mem in a loop when the implementation has no batches. */
static inline GORT_MUST_CHECK int gomem_read_many(const struct gomem *m, size_t n,
                                                  const uint64_t *addrs, const size_t *lens,
                                                  void *const *bufs, int *errs)
{
    if (n == 0)
        return 0;
    if (m->ops->read_many)
        return m->ops->read_many(m->ctx, n, addrs, lens, bufs, errs);
    for (size_t i = 0; i < n; i++)
        errs[i] = gomem_read(m, addrs[i], bufs[i], lens[i]);
    return 0;
}

static inline GORT_MUST_CHECK int gomem_read_reg(const struct gomem *m, int64_t tid,
                                                 unsigned dwarf_regno, uint64_t *value)
{
    if (!m->ops->read_reg)
        return -ENODATA;
    return m->ops->read_reg(m->ctx, tid, dwarf_regno, value);
}

/* Little-endian unsigned of SIZE (1, 2, 4 or 8) bytes at P: both targets (x86-64, arm64) are. */
static inline uint64_t gomem_le(const uint8_t *p, size_t size)
{
    uint64_t v = 0;
    for (size_t i = size; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

#endif
