/*
 * frontend/target/target.c - what every target shares: the per-stop memory cache and the small
 * helpers built on the operations table (u64 reads, the PC, the TLS base, the current goroutine's
 * g).
 *
 * The cache keeps aligned lines of TGT_CACHE_LINE bytes, each with the count of bytes known
 * readable from its start, so a read that runs off the end of a mapping is answered with the
 * readable prefix. Misses are fetched in runs of whole lines (up to TGT_CACHE_RUN bytes), and
 * tgt_read_many hands every missing run of a whole batch to the implementation at once, so it can
 * pipeline them. Not for protocol details: those live in the implementations (rsp.c). Any resume or
 * write drops the whole cache: nothing is kept across stops.
 */
#include "config.h"

#include "frontend/target/target.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A bound on cached memory: past it the cache starts over (one stop rarely reads this much). */
#define CACHE_MAX_LINES (64u * 1024u) /* 256 MiB */
/* Runs handed to read_blocks in one call: at most this many, and at most BATCH_BYTES of them. */
#define BATCH_RUNS 16384u
#define BATCH_BYTES (16u << 20)
/* tgt_read_many fetches the lines between two regions this close together with them, in one run
 * (goroutines' g structs and stacks lie a few KiB apart: fewer, larger requests). */
#define COALESCE_GAP (16u * 1024u)
/* Reads longer than this bypass the cache (a core dump of a heap, not a struct). */
#define UNCACHED_READ (1u << 20)
/* A single read fetches ahead to the next boundary of this many bytes (Go's stacks and heap spans
 * are read sequentially more often than not). */
#define READ_AHEAD 16384u

struct line {
    uint64_t key;   /* addr / TGT_CACHE_LINE + 1; 0 marks a free slot */
    uint32_t valid; /* bytes readable from the line's start */
    uint8_t *data;  /* TGT_CACHE_LINE bytes; NULL when valid is 0 */
};

struct tgt_cache {
    struct line *slots;
    size_t cap; /* power of two */
    size_t count;
    uint64_t hits, misses;
};

int tgt_init_common(struct tgt *t)
{
    t->cache = calloc(1, sizeof(*t->cache));
    return t->cache != NULL ? 0 : -ENOMEM;
}

static void cache_clear(struct tgt_cache *c)
{
    for (size_t i = 0; i < c->cap; i++)
        free(c->slots[i].data);
    free(c->slots);
    c->slots = NULL;
    c->cap = 0;
    c->count = 0;
}

void tgt_fini_common(struct tgt *t)
{
    if (t->cache == NULL)
        return;
    cache_clear(t->cache);
    free(t->cache);
    t->cache = NULL;
}

void tgt_invalidate(struct tgt *t)
{
    if (t->cache != NULL)
        cache_clear(t->cache);
}

void tgt_close(struct tgt *t)
{
    if (t == NULL)
        return;
    t->ops->close(t); /* frees t, after calling tgt_fini_common */
}

/* ------------------------------------------------------------------ the line table */

static size_t slot_of(const struct tgt_cache *c, uint64_t key)
{
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & (c->cap - 1);
}

static struct line *lookup(struct tgt_cache *c, uint64_t line_addr)
{
    if (c->cap == 0)
        return NULL;
    uint64_t key = line_addr / TGT_CACHE_LINE + 1;
    for (size_t i = slot_of(c, key);; i = (i + 1) & (c->cap - 1)) {
        if (c->slots[i].key == key)
            return &c->slots[i];
        if (c->slots[i].key == 0)
            return NULL;
    }
}

static int grow(struct tgt_cache *c)
{
    size_t ncap = c->cap ? c->cap * 2 : 256;
    struct line *ns = calloc(ncap, sizeof(*ns));
    if (ns == NULL)
        return -ENOMEM;
    struct tgt_cache n = {.slots = ns, .cap = ncap, .count = c->count};
    for (size_t i = 0; i < c->cap; i++) {
        if (c->slots[i].key == 0)
            continue;
        size_t j = slot_of(&n, c->slots[i].key);
        while (ns[j].key != 0)
            j = (j + 1) & (ncap - 1);
        ns[j] = c->slots[i];
    }
    free(c->slots);
    c->slots = ns;
    c->cap = ncap;
    return 0;
}

/* Stores a line (data may be NULL when valid is 0; copied otherwise). */
static int store(struct tgt_cache *c, uint64_t line_addr, const uint8_t *data, uint32_t valid)
{
    struct line *l = lookup(c, line_addr);
    if (l == NULL) {
        if (c->count >= CACHE_MAX_LINES)
            cache_clear(c);
        if ((c->count + 1) * 4 > c->cap * 3) {
            int rc = grow(c);
            if (rc < 0)
                return rc;
        }
        uint64_t key = line_addr / TGT_CACHE_LINE + 1;
        size_t i = slot_of(c, key);
        while (c->slots[i].key != 0)
            i = (i + 1) & (c->cap - 1);
        l = &c->slots[i];
        l->key = key;
        c->count++;
    }
    if (valid > 0 && l->data == NULL) {
        l->data = malloc(TGT_CACHE_LINE);
        if (l->data == NULL) {
            l->valid = 0;
            return -ENOMEM;
        }
    }
    if (valid > 0)
        memcpy(l->data, data, valid);
    l->valid = valid;
    return 0;
}

/* ------------------------------------------------------------------ fetching */

struct run {
    uint64_t addr; /* line aligned */
    size_t len;    /* whole lines */
    size_t cum;    /* bytes of this run and the ones before it in the batch */
    uint8_t *buf;
    size_t nread;
};

/* Stores what a fetched run brought: whole lines, then the line where the readable bytes end. */
static int store_run(struct tgt *t, const struct run *r)
{
    size_t off = 0;
    for (; off + TGT_CACHE_LINE <= r->nread; off += TGT_CACHE_LINE) {
        int rc = store(t->cache, r->addr + off, r->buf + off, TGT_CACHE_LINE);
        if (rc < 0)
            return rc;
    }
    if (off >= r->len)
        return 0;
    /* A short read: the line where it stopped keeps the readable prefix. A server that fails a
     * whole request when its end is unreadable (gdbserver) may have left readable bytes of this
     * line unread: ask for the rest of the line alone (a line never spans two pages, so that is all
     * or nothing). */
    size_t have = r->nread - off;
    uint8_t tmp[TGT_CACHE_LINE];
    memcpy(tmp, r->buf + off, have);
    size_t more = 0;
    /* (A run of exactly this one line that failed outright has said all there is to say.) */
    if (have > 0 || r->len > TGT_CACHE_LINE) {
        int rc =
            t->ops->read_mem(t, r->addr + off + have, tmp + have, TGT_CACHE_LINE - have, &more);
        if (rc < 0 && rc != -EIO && rc != -EFAULT)
            return rc;
        if (rc < 0)
            more = 0;
    }
    return store(t->cache, r->addr + off, tmp, (uint32_t)(have + more));
}

/* Fetches the runs, pipelined where the implementation can. -errno only when the target failed. */
static int fetch_runs(struct tgt *t, struct run *runs, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        runs[i].buf = malloc(runs[i].len);
        if (runs[i].buf == NULL) {
            rc = -ENOMEM;
            goto out;
        }
    }
    /* One run longer than a request is pipelined too (its pieces go out together). */
    if (t->ops->read_blocks != NULL && n > 0 && (n > 1 || runs[0].len > TGT_CACHE_LINE)) {
        uint64_t *addr = malloc(n * sizeof(*addr));
        size_t *len = malloc(n * sizeof(*len)), *nread = malloc(n * sizeof(*nread));
        uint8_t **bufs = malloc(n * sizeof(*bufs));
        if (addr != NULL && len != NULL && nread != NULL && bufs != NULL) {
            for (size_t i = 0; i < n; i++) {
                addr[i] = runs[i].addr;
                len[i] = runs[i].len;
                bufs[i] = runs[i].buf;
            }
            rc = t->ops->read_blocks(t, addr, len, bufs, n, nread);
            for (size_t i = 0; i < n && rc == 0; i++)
                runs[i].nread = nread[i] <= runs[i].len ? nread[i] : 0;
        } else {
            rc = -ENOMEM;
        }
        free(addr);
        free(len);
        free(nread);
        free(bufs);
        if (rc < 0)
            goto out;
    } else {
        for (size_t i = 0; i < n; i++) {
            rc = t->ops->read_mem(t, runs[i].addr, runs[i].buf, runs[i].len, &runs[i].nread);
            if (rc < 0 && rc != -EIO && rc != -EFAULT)
                goto out;
            if (rc < 0 || runs[i].nread > runs[i].len)
                runs[i].nread = 0;
            rc = 0;
        }
    }
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = store_run(t, &runs[i]);
out:
    for (size_t i = 0; i < n; i++) {
        free(runs[i].buf);
        runs[i].buf = NULL;
    }
    return rc;
}

/* Adds the missing lines of [addr, addr+len) (plus read-ahead up to ahead_to) to runs[*n], merging
 * with the previous run when contiguous, or when at most gap bytes lie between them (those are
 * fetched too). Flushes full batches through fetch_runs. */
static int plan(struct tgt *t, uint64_t addr, size_t len, uint64_t ahead_to, size_t gap,
                struct run *runs, size_t *n)
{
    uint64_t first = addr & ~(uint64_t)(TGT_CACHE_LINE - 1);
    uint64_t end = addr + len;
    if (end < addr)
        return -EFAULT;  /* wraps around the address space */
    uint64_t last = end; /* exclusive */
    if (ahead_to > last)
        last = ahead_to;
    for (uint64_t la = first; la < last && la >= first; la += TGT_CACHE_LINE) {
        bool needed = la < end;
        if (lookup(t->cache, la) != NULL) {
            t->cache->hits += needed;
            if (!needed)
                break; /* read-ahead stops at the first cached line */
            continue;
        }
        struct run *prev = *n > 0 ? &runs[*n - 1] : NULL;
        if (prev != NULL && la >= prev->addr && la < prev->addr + prev->len)
            continue; /* planned already by an earlier region of the batch */
        t->cache->misses++;
        if (prev != NULL && prev->addr + prev->len == la && prev->len < TGT_CACHE_RUN) {
            prev->len += TGT_CACHE_LINE;
            prev->cum += TGT_CACHE_LINE;
            continue;
        }
        if (prev != NULL && la > prev->addr + prev->len && la - (prev->addr + prev->len) <= gap &&
            la + TGT_CACHE_LINE - prev->addr <= TGT_CACHE_RUN) {
            size_t grow_by = (size_t)(la + TGT_CACHE_LINE - (prev->addr + prev->len));
            prev->len += grow_by;
            prev->cum += grow_by;
            continue;
        }
        if (*n == BATCH_RUNS || (*n > 0 && runs[*n - 1].cum >= BATCH_BYTES)) {
            int rc = fetch_runs(t, runs, *n);
            *n = 0;
            if (rc < 0)
                return rc;
        }
        size_t cum = *n > 0 ? runs[*n - 1].cum : 0;
        runs[(*n)++] = (struct run){.addr = la, .len = TGT_CACHE_LINE, .cum = cum + TGT_CACHE_LINE};
    }
    return 0;
}

/* Copies what the cache holds of [addr, addr+len): *ncopied is the readable prefix. -EAGAIN when a
 * line is missing (fetch, then copy again). */
static int copy_out(struct tgt *t, uint64_t addr, uint8_t *buf, size_t len, size_t *ncopied)
{
    *ncopied = 0;
    while (*ncopied < len) {
        uint64_t a = addr + *ncopied;
        uint64_t la = a & ~(uint64_t)(TGT_CACHE_LINE - 1);
        size_t off = (size_t)(a - la);
        struct line *l = lookup(t->cache, la);
        if (l == NULL)
            return -EAGAIN;
        size_t n = TGT_CACHE_LINE - off;
        if (n > len - *ncopied)
            n = len - *ncopied;
        if (l->valid <= off)
            return -EIO;
        if (n > l->valid - off)
            n = l->valid - off;
        memcpy(buf + *ncopied, l->data + off, n);
        *ncopied += n;
        if (off + n < TGT_CACHE_LINE && *ncopied < len)
            return -EIO; /* the line's readable bytes end here */
    }
    return 0;
}

/* ------------------------------------------------------------------ reads */

int tgt_read_mem_partial(struct tgt *t, uint64_t addr, void *buf, size_t len, size_t *nread)
{
    *nread = 0;
    if (len == 0)
        return 0;
    if (len > UNCACHED_READ) {
        int rc = t->ops->read_mem(t, addr, buf, len, nread);
        return rc == -EIO && *nread > 0 ? 0 : rc;
    }
    /* Each fetch stores at least the line the copy stopped at, so every round makes progress. */
    size_t rounds = len / TGT_CACHE_LINE + 4;
    for (size_t round = 0; round < rounds; round++) {
        int rc = copy_out(t, addr, buf, len, nread);
        if (rc == -EIO && *nread > 0)
            return 0; /* the readable prefix */
        if (rc != -EAGAIN)
            return rc;
        /* Read ahead only forwards: the bytes before addr may belong to no mapping. */
        struct run *runs = malloc(BATCH_RUNS * sizeof(*runs));
        if (runs == NULL)
            return -ENOMEM;
        size_t n = 0;
        uint64_t ahead = (addr + len + READ_AHEAD - 1) & ~(uint64_t)(READ_AHEAD - 1);
        rc = plan(t, addr + *nread, len - *nread, round == 0 ? ahead : 0, 0, runs, &n);
        if (rc == 0 && n > 0)
            rc = fetch_runs(t, runs, n);
        free(runs);
        if (rc < 0)
            return rc;
    }
    /* The cache gave up on us (it was cleared for size between fetch and copy). */
    return -EIO;
}

int tgt_read_mem(struct tgt *t, uint64_t addr, void *buf, size_t len)
{
    size_t n;
    int rc = tgt_read_mem_partial(t, addr, buf, len, &n);
    if (rc == 0 && n < len)
        rc = -EIO;
    return rc;
}

/* A batch's region, for sorting by address. */
struct region {
    uint64_t addr;
    size_t i; /* index in the caller's arrays */
};

static int by_addr(const void *a, const void *b)
{
    const struct region *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

int tgt_read_many(struct tgt *t, const uint64_t *addr, const size_t *len, void *const *buf,
                  size_t n, int *err)
{
    struct run *runs = malloc(BATCH_RUNS * sizeof(*runs));
    struct region *order = malloc((n ? n : 1) * sizeof(*order));
    if (runs == NULL || order == NULL) {
        free(runs);
        free(order);
        return -ENOMEM;
    }
    /* When this batch's lines (at most each region's own plus a merged gap before it) would fill
     * the cache, start it over now: a start-over in the middle of storing the batch would drop
     * lines just fetched, and the copies below would fetch them again one by one. */
    size_t est = 0;
    for (size_t i = 0; i < n; i++)
        est += len[i] / TGT_CACHE_LINE + 2 + COALESCE_GAP / TGT_CACHE_LINE;
    if (t->cache->count + est > CACHE_MAX_LINES)
        cache_clear(t->cache);
    /* In address order, so that neighbours merge into one run whatever order the caller used. */
    for (size_t i = 0; i < n; i++)
        order[i] = (struct region){.addr = addr[i], .i = i};
    if (n > 1)
        qsort(order, n, sizeof(*order), by_addr);
    size_t nruns = 0;
    int rc = 0;
    /* Plan every region first, then fetch all missing lines together. A line two neighbouring
     * regions share is planned once (plan() checks the run it is extending). */
    for (size_t k = 0; k < n && rc == 0; k++) {
        size_t i = order[k].i;
        err[i] = 0;
        uint64_t first = addr[i] & ~(uint64_t)(TGT_CACHE_LINE - 1);
        if (nruns > 0) {
            struct run *prev = &runs[nruns - 1];
            /* Skip lines the previous run already covers (sorted callers: adjacent structs). */
            if (first >= prev->addr && addr[i] + len[i] <= prev->addr + prev->len)
                continue;
        }
        rc = plan(t, addr[i], len[i], 0, COALESCE_GAP, runs, &nruns);
    }
    if (rc == 0 && nruns > 0)
        rc = fetch_runs(t, runs, nruns);
    free(runs);
    free(order);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        err[i] = tgt_read_mem(t, addr[i], buf[i], len[i]);
        if (err[i] != 0 && err[i] != -EIO && err[i] != -EFAULT)
            return err[i];
    }
    return 0;
}

int tgt_read_u64(struct tgt *t, uint64_t addr, uint64_t *v)
{
    uint8_t b[8];
    int rc = tgt_read_mem(t, addr, b, sizeof(b));
    if (rc < 0)
        return rc;
    /* Both supported architectures are little-endian. */
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--)
        x = x << 8 | b[i];
    *v = x;
    return 0;
}

int tgt_write_mem(struct tgt *t, uint64_t addr, const void *buf, size_t len)
{
    tgt_invalidate(t);
    return t->ops->write_mem(t, addr, buf, len);
}

/* ------------------------------------------------------------------ registers and goroutines */

int tgt_read_reg_u64(struct tgt *t, int64_t tid, unsigned regno, uint64_t *v)
{
    if (regno >= t->arch->nregs)
        return -EINVAL;
    unsigned size = t->arch->regs[regno].size_bits / 8;
    if (size == 0 || size > 8)
        return -EINVAL;
    uint8_t b[8] = {0};
    int rc = t->ops->read_reg(t, tid, regno, b, size);
    if (rc < 0)
        return rc;
    uint64_t x = 0;
    for (int i = (int)size - 1; i >= 0; i--)
        x = x << 8 | b[i];
    *v = x;
    return 0;
}

int tgt_read_pc(struct tgt *t, int64_t tid, uint64_t *pc)
{
    if (t->arch->pc_regno < 0)
        return -ENOENT;
    return tgt_read_reg_u64(t, tid, (unsigned)t->arch->pc_regno, pc);
}

int tgt_tls_base(struct tgt *t, int64_t tid, uint64_t *base)
{
    int regno = arch_regno_by_name(t->arch, "fs_base");
    if (regno < 0)
        regno = arch_regno_by_name(t->arch, "tpidr"); /* aarch64's thread pointer */
    if (regno < 0)
        return -ENOENT;
    return tgt_read_reg_u64(t, tid, (unsigned)regno, base);
}

int tgt_current_g(struct tgt *t, int64_t tid, int64_t tls_g_offset, uint64_t *g)
{
    /* arm64 Go keeps g in a register (x28) rather than in TLS. */
    int r28 = arch_regno_by_name(t->arch, "x28");
    if (arch_regno_by_name(t->arch, "fs_base") < 0 && r28 >= 0)
        return tgt_read_reg_u64(t, tid, (unsigned)r28, g);
    uint64_t base;
    int rc = tgt_tls_base(t, tid, &base);
    if (rc < 0)
        return rc;
    if (base == 0) {
        *g = 0; /* a thread that never set up TLS runs no goroutine */
        return 0;
    }
    return tgt_read_u64(t, base + (uint64_t)tls_g_offset, g);
}

void tgt_get_stats(const struct tgt *t, struct tgt_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (t->ops->stats != NULL)
        t->ops->stats(t, out);
    if (t->cache != NULL) {
        out->mem_cache_hits = t->cache->hits;
        out->mem_cache_misses = t->cache->misses;
    }
}
