/*
 * goruntime/goroutines.c - the goroutine list: runtime.allgs read in large blocks, each runtime.g
 * read as one byte range through batches, the m of each running goroutine matched to a thread,
 * status names from the binary's constants, wait reasons from runtime.waitReasonStrings, and the
 * go-statement and start locations. Every offset comes from DWARF (sym_field_offset); a field that
 * the binary does not describe is either essential (gort_new fails, naming it) or left zero.
 * Design notes: doc/internals/goroutines.md.
 */
#include "frontend/goruntime/goroutines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/goruntime/unwind_priv.h"
#include "frontend/sym/func.h"
#include "frontend/sym/line.h"
#include "frontend/sym/type.h"
#include "frontend/sym/var.h"

/* The pointer array is read in blocks of this many bytes, this many blocks per batch. */
#define PTR_BLOCK_LEN 65536u
/* A runtime.g is a few hundred bytes; a DWARF claiming more of it is malformed. */
#define MAX_G_RANGE 4096u

static int read_field(struct sym_image *img, const char *type, const char *path,
                      struct gort_field *f)
{
    const struct sym_type *t = NULL;
    uint64_t off;
    int rc = sym_field_offset(img, type, path, &off, &t);
    if (rc < 0)
        return rc;
    const struct sym_type *r = t;
    if (t && sym_type_resolve(img, t, &r) < 0)
        r = t;
    uint64_t size = r ? r->size : 0;
    if (size != 1 && size != 2 && size != 4 && size != 8)
        return -EINVAL;
    if (off > MAX_G_RANGE)
        return -EINVAL;
    f->off = off;
    f->size = (unsigned)size;
    f->ok = true;
    return 0;
}

static const char *const status_const[GORT_NSTATUS] = {
    "runtime._Gidle",    "runtime._Grunnable", "runtime._Grunning",   "runtime._Gsyscall",
    "runtime._Gwaiting", "runtime._Gdead",     "runtime._Gcopystack", "runtime._Gpreempted",
};
static const char *const status_text[GORT_NSTATUS] = {
    "idle", "runnable", "running", "syscall", "waiting", "dead", "copystack", "preempted",
};

/* The g fields the list needs: name in struct gort, DWARF path, whether listing fails without it.
 */
static int resolve_g(struct gort *rt, const char **why)
{
    struct {
        struct gort_field *f;
        const char *path;
        bool essential;
    } rows[] = {
        {&rt->g_goid, "goid", true},
        {&rt->g_status, "atomicstatus", true},
        {&rt->g_pc, "sched.pc", true},
        {&rt->g_sp, "sched.sp", true},
        {&rt->g_bp, "sched.bp", false},
        {&rt->g_lr, "sched.lr", false},
        {&rt->g_gopc, "gopc", false},
        {&rt->g_startpc, "startpc", false},
        {&rt->g_waitreason, "waitreason", false},
        {&rt->g_stack_lo, "stack.lo", true},
        {&rt->g_stack_hi, "stack.hi", true},
        {&rt->g_syscallsp, "syscallsp", false},
        {&rt->g_syscallpc, "syscallpc", false},
        {&rt->g_m, "m", false},
        {&rt->g_labels, "labels", false},
    };
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int rc = read_field(rt->img, "runtime.g", rows[i].path, rows[i].f);
        if (rc < 0) {
            if (rows[i].essential) {
                *why = "runtime.g lacks goid, atomicstatus, sched or stack in the DWARF";
                return -ENOENT;
            }
            continue;
        }
        if (rows[i].f->off < lo)
            lo = rows[i].f->off;
        if (rows[i].f->off + rows[i].f->size > hi)
            hi = rows[i].f->off + rows[i].f->size;
    }
    rt->g_lo = lo;
    rt->g_len = (size_t)(hi - lo);
    return 0;
}

int gort_new(struct sym_image *img, const struct gomem *mem, struct gort **out, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    *why = NULL;
    *out = NULL;
    struct gort *rt = calloc(1, sizeof(*rt));
    if (!rt)
        return -ENOMEM;
    rt->img = img;
    rt->mem = *mem;
    rt->ptr_size = sym_image_pointer_size(img);
    rt->machine = sym_image_elf_machine(img);
    struct sym_global g;
    int rc = sym_global_by_name(img, "runtime.allgs", &g);
    if (rc == 0) {
        rt->allgs = g.addr;
        rc = sym_global_by_name(img, "runtime.allglen", &g);
        rt->allglen = g.addr;
    }
    if (rc < 0) {
        *why = "runtime.allgs/allglen not in the DWARF (not a Go program, or built with -w)";
        goto fail;
    }
    rc = resolve_g(rt, why);
    if (rc < 0)
        goto fail;
    if (read_field(img, "runtime.m", "procid", &rt->m_procid) < 0)
        rt->m_procid.ok = false;
    for (int i = 0; i < GORT_NSTATUS; i++) {
        int64_t v;
        rt->status_ok[i] = sym_const_by_name(img, status_const[i], &v, NULL) == 0;
        rt->status_val[i] = rt->status_ok[i] ? v : -1;
    }
    int64_t scan;
    rt->gscan = sym_const_by_name(img, "runtime._Gscan", &scan, NULL) == 0 ? (uint32_t)scan : 0;
    if (sym_image_go_version(img, rt->version, sizeof(rt->version)) < 0)
        rt->version[0] = '\0';
    rc = gort_unwind_init(rt);
    if (rc < 0) {
        *why = "cannot set up the unwinder";
        goto fail;
    }
    *out = rt;
    return 0;
fail:
    gort_free(rt);
    return rc;
}

void gort_free(struct gort *rt)
{
    if (!rt)
        return;
    free(rt->reasons);
    free(rt);
}

struct sym_image *gort_image(const struct gort *rt)
{
    return rt->img;
}

const struct gomem *gort_mem(const struct gort *rt)
{
    return &rt->mem;
}

/* ------------------------------------------------------------------ status names */

bool gort_status_is(const struct gort *rt, uint32_t status, enum gort_status which)
{
    if (which >= GORT_NSTATUS || !rt->status_ok[which])
        return false;
    return (int64_t)(status & ~rt->gscan) == rt->status_val[which];
}

const char *gort_status_name(const struct gort *rt, uint32_t status, char *buf, size_t len)
{
    for (int i = 0; i < GORT_NSTATUS; i++) {
        if (gort_status_is(rt, status, (enum gort_status)i)) {
            bool scan = rt->gscan && (status & rt->gscan);
            snprintf(buf, len, "%s%s", scan ? "scan " : "", status_text[i]);
            return buf;
        }
    }
    snprintf(buf, len, "status %u", status);
    return buf;
}

/* ------------------------------------------------------------------ the list */

static uint64_t get(const uint8_t *gbuf, const struct gort *rt, const struct gort_field *f)
{
    if (!f->ok)
        return 0;
    return gomem_le(gbuf + (f->off - rt->g_lo), f->size);
}

static void parse_g(const struct gort *rt, const uint8_t *b, struct gort_g *g)
{
    g->goid = (int64_t)get(b, rt, &rt->g_goid);
    g->status = (uint32_t)get(b, rt, &rt->g_status);
    g->waitreason = (unsigned)get(b, rt, &rt->g_waitreason);
    g->pc = get(b, rt, &rt->g_pc);
    g->sp = get(b, rt, &rt->g_sp);
    g->bp = get(b, rt, &rt->g_bp);
    g->lr = get(b, rt, &rt->g_lr);
    g->gopc = get(b, rt, &rt->g_gopc);
    g->startpc = get(b, rt, &rt->g_startpc);
    g->stack_lo = get(b, rt, &rt->g_stack_lo);
    g->stack_hi = get(b, rt, &rt->g_stack_hi);
    g->syscallsp = get(b, rt, &rt->g_syscallsp);
    g->syscallpc = get(b, rt, &rt->g_syscallpc);
    g->m = get(b, rt, &rt->g_m);
    g->labels = get(b, rt, &rt->g_labels);
}

/* The allgs pointer array: blocks of PTR_BLOCK_LEN, up to GOMEM_BATCH_MAX blocks per batch. */
static int read_ptrs(struct gort *rt, uint64_t base, size_t n, uint64_t *ptrs)
{
    size_t psz = rt->ptr_size, total = n * psz;
    uint8_t *raw = malloc(total ? total : 1);
    if (!raw)
        return -ENOMEM;
    size_t nblocks = (total + PTR_BLOCK_LEN - 1) / PTR_BLOCK_LEN;
    uint64_t addrs[64];
    size_t lens[64];
    void *bufs[64];
    int errs[64];
    int rc = 0;
    for (size_t b0 = 0; b0 < nblocks && rc == 0; b0 += 64) {
        size_t k = nblocks - b0 < 64 ? nblocks - b0 : 64;
        for (size_t j = 0; j < k; j++) {
            size_t off = (b0 + j) * PTR_BLOCK_LEN;
            addrs[j] = base + off;
            lens[j] = total - off < PTR_BLOCK_LEN ? total - off : PTR_BLOCK_LEN;
            bufs[j] = raw + off;
        }
        rc = gomem_read_many(&rt->mem, k, addrs, lens, bufs, errs);
        for (size_t j = 0; j < k && rc == 0; j++)
            if (errs[j] < 0)
                rc = -EIO;
    }
    for (size_t i = 0; i < n && rc == 0; i++)
        ptrs[i] = gomem_le(raw + i * psz, psz);
    free(raw);
    return rc;
}

/* Reads the g structs of PTRS into GS, GOMEM_BATCH_MAX per batch, only [g_lo, g_lo + g_len). */
static int read_gs(struct gort *rt, const uint64_t *ptrs, size_t n, struct gort_g *gs)
{
    uint8_t *raw = malloc(GOMEM_BATCH_MAX * rt->g_len);
    uint64_t *addrs = malloc(GOMEM_BATCH_MAX * sizeof(*addrs));
    size_t *lens = malloc(GOMEM_BATCH_MAX * sizeof(*lens));
    void **bufs = malloc(GOMEM_BATCH_MAX * sizeof(*bufs));
    int *errs = malloc(GOMEM_BATCH_MAX * sizeof(*errs));
    int rc = 0;
    if (!raw || !addrs || !lens || !bufs || !errs) {
        rc = -ENOMEM;
        goto out;
    }
    for (size_t i0 = 0; i0 < n && rc == 0; i0 += GOMEM_BATCH_MAX) {
        size_t k = 0, map[GOMEM_BATCH_MAX]; /* 64 KiB of stack */
        size_t end = n - i0 < GOMEM_BATCH_MAX ? n : i0 + GOMEM_BATCH_MAX;
        for (size_t i = i0; i < end; i++) {
            gs[i].addr = ptrs[i];
            if (ptrs[i] == 0 || ptrs[i] + rt->g_lo + rt->g_len < ptrs[i]) {
                gs[i].flags |= GORT_G_UNREADABLE;
                continue;
            }
            addrs[k] = ptrs[i] + rt->g_lo;
            lens[k] = rt->g_len;
            bufs[k] = raw + k * rt->g_len;
            map[k++] = i;
        }
        rc = gomem_read_many(&rt->mem, k, addrs, lens, bufs, errs);
        for (size_t j = 0; j < k && rc == 0; j++) {
            if (errs[j] < 0)
                gs[map[j]].flags |= GORT_G_UNREADABLE;
            else
                parse_g(rt, raw + j * rt->g_len, &gs[map[j]]);
        }
    }
out:
    free(raw);
    free(addrs);
    free(lens);
    free(bufs);
    free(errs);
    return rc;
}

/* Goroutines with an m: read m.procid for each (batched) and match the caller's threads. */
static int match_threads(struct gort *rt, const struct gort_thread *th, size_t nth,
                         struct gort_g *gs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t t = 0; t < nth; t++)
            if (th[t].tls_g && th[t].tls_g == gs[i].addr && !(gs[i].flags & GORT_G_UNREADABLE))
                gs[i].thread = th[t].tid;
    if (!rt->m_procid.ok || nth == 0)
        return 0;
    uint64_t addrs[256];
    size_t lens[256], idx[256];
    uint8_t raw[256][8];
    void *bufs[256];
    int errs[256];
    size_t k = 0;
    for (size_t i = 0; i <= n; i++) {
        bool have = i < n && gs[i].m && !(gs[i].flags & GORT_G_UNREADABLE) &&
                    (gort_status_is(rt, gs[i].status, GORT_RUNNING) ||
                     gort_status_is(rt, gs[i].status, GORT_SYSCALL));
        if (have) {
            addrs[k] = gs[i].m + rt->m_procid.off;
            lens[k] = rt->m_procid.size;
            bufs[k] = raw[k];
            idx[k++] = i;
        }
        if (k == 256 || (i == n && k > 0)) {
            int rc = gomem_read_many(&rt->mem, k, addrs, lens, bufs, errs);
            if (rc < 0)
                return rc;
            for (size_t j = 0; j < k; j++) {
                if (errs[j] < 0)
                    continue;
                int64_t procid = (int64_t)gomem_le(raw[j], lens[j]);
                for (size_t t = 0; t < nth && procid; t++)
                    if (th[t].tid == procid)
                        gs[idx[j]].thread = procid;
            }
            k = 0;
        }
    }
    return 0;
}

int gort_goroutines(struct gort *rt, const struct gort_thread *threads, size_t nthreads,
                    struct gort_g **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    size_t psz = rt->ptr_size;
    uint8_t hdr[24], lenb[8];
    int rc = gomem_read(&rt->mem, rt->allgs, hdr, 3 * psz);
    if (rc == 0)
        rc = gomem_read(&rt->mem, rt->allglen, lenb, psz);
    if (rc < 0)
        return -EIO;
    uint64_t base = gomem_le(hdr, psz), slice_len = gomem_le(hdr + psz, psz);
    uint64_t n = gomem_le(lenb, psz);
    /* allglen is published after the append: it never exceeds len(allgs) in a sane runtime. */
    if (n > GORT_MAX_GOROUTINES || n > slice_len)
        return -E2BIG;
    if (n == 0)
        return 0;
    if (base == 0 || base + n * psz < base)
        return -EIO;
    /* The pointer array first: a hostile allglen over unreadable memory fails there, before the
     * larger goroutine array is allocated. */
    struct gort_g *gs = NULL;
    uint64_t *ptrs = malloc(n * sizeof(*ptrs));
    if (!ptrs) {
        rc = -ENOMEM;
        goto out;
    }
    rc = read_ptrs(rt, base, n, ptrs);
    if (rc == 0 && !(gs = calloc(n, sizeof(*gs))))
        rc = -ENOMEM;
    if (rc == 0)
        rc = read_gs(rt, ptrs, n, gs);
    if (rc == 0)
        rc = match_threads(rt, threads, threads ? nthreads : 0, gs, n);
    if (rc == 0) {
        *out = gs;
        *count = n;
        gs = NULL;
    }
out:
    free(ptrs);
    free(gs);
    return rc;
}

int gort_g_at(struct gort *rt, uint64_t addr, struct gort_g *out)
{
    memset(out, 0, sizeof(*out));
    return read_gs(rt, &addr, 1, out);
}

/* ------------------------------------------------------------------ the g of a thread */

int gort_tls_g_offset(struct gort *rt, int64_t *off)
{
    if (rt->machine != 62)
        return -ENOTSUP;
    const struct sym_symbol *tlsg;
    if (sym_symbol_by_name(rt->img, "runtime.tlsg", &tlsg) != 0) {
        *off = -8; /* Go's own linker: the 8-byte slot is the whole TLS block */
        return 0;
    }
    /* x86-64 TLS variant II: the block of the TLS sections (.tdata, .tbss: the PT_TLS segment)
     * ends at fs_base; runtime.tlsg's value is its offset in the block. */
    uint64_t lo = UINT64_MAX, hi = 0, align = 8;
    for (size_t i = 0; i < sym_image_section_count(rt->img); i++) {
        const struct sym_section *sec = sym_image_section(rt->img, i);
        if (!(sec->flags & 0x400 /* SHF_TLS */))
            continue;
        if (sec->addr < lo)
            lo = sec->addr;
        if (sec->addr + sec->size > hi)
            hi = sec->addr + sec->size;
    }
    if (hi <= lo || hi - lo > (1u << 20))
        return -ENOENT;
    uint64_t memsz = (hi - lo + align - 1) & ~(align - 1);
    if (tlsg->addr >= memsz)
        return -ENOENT;
    *off = (int64_t)tlsg->addr - (int64_t)memsz;
    return 0;
}

int gort_thread_g(struct gort *rt, int64_t tid, uint64_t *g)
{
    uint64_t v;
    *g = 0;
    if (rt->machine == 183) /* arm64: g lives in x28 while Go code runs */
        return gomem_read_reg(&rt->mem, tid, 28, g);
    int64_t off;
    int rc = gort_tls_g_offset(rt, &off);
    if (rc == 0)
        rc = gomem_read_reg(&rt->mem, tid, 58 /* fs_base */, &v);
    if (rc < 0)
        return rc;
    uint8_t b[8];
    rc = gomem_read(&rt->mem, v + (uint64_t)off, b, 8);
    if (rc == 0)
        *g = gomem_le(b, 8);
    return rc;
}

/* ------------------------------------------------------------------ wait reasons */

/* runtime/runtime2.go of Go 1.19, in waitReason order. */
static const char *const reasons_go1_19[] = {
    "",
    "GC assist marking",
    "IO wait",
    "chan receive (nil chan)",
    "chan send (nil chan)",
    "dumping heap",
    "garbage collection",
    "garbage collection scan",
    "panicwait",
    "select",
    "select (no cases)",
    "GC assist wait",
    "GC sweep wait",
    "GC scavenge wait",
    "chan receive",
    "chan send",
    "finalizer wait",
    "force gc (idle)",
    "semacquire",
    "sleep",
    "sync.Cond.Wait",
    "timer goroutine (idle)",
    "trace reader (blocked)",
    "wait for GC cycle",
    "GC worker (idle)",
    "preempted",
    "debug call",
};

const char *const *gort_wait_reasons_go1_19(size_t *count)
{
    *count = sizeof(reasons_go1_19) / sizeof(reasons_go1_19[0]);
    return reasons_go1_19;
}

/* Go 1.19 and 1.20 share the table's first 27 entries (1.20 only appends). */
static bool version_is(const char *v, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(v, prefix, n) == 0 && (v[n] == '\0' || v[n] == '.' || v[n] == ' ');
}

/* runtime.waitReasonStrings ([N]string): the array in one read, the texts in one batch. */
static int load_reasons(struct gort *rt)
{
    struct sym_global g;
    const struct sym_type *t;
    int rc = sym_global_by_name(rt->img, "runtime.waitReasonStrings", &g);
    if (rc == 0)
        rc = sym_type_by_id(rt->img, g.type, &t);
    if (rc < 0)
        return rc;
    if (t->kind != SYM_TYPE_ARRAY || t->count <= 0)
        return -EINVAL;
    size_t psz = rt->ptr_size, n = (size_t)t->count;
    if (n > GORT_MAX_REASONS)
        n = GORT_MAX_REASONS;
    uint8_t arr[GORT_MAX_REASONS * 16];
    rc = gomem_read(&rt->mem, g.addr, arr, n * 2 * psz);
    if (rc < 0)
        return rc;
    rt->reasons = calloc(n, sizeof(*rt->reasons));
    if (!rt->reasons)
        return -ENOMEM;
    uint64_t addrs[GORT_MAX_REASONS];
    size_t lens[GORT_MAX_REASONS];
    void *bufs[GORT_MAX_REASONS];
    int errs[GORT_MAX_REASONS];
    size_t k = 0, idx[GORT_MAX_REASONS];
    for (size_t i = 0; i < n; i++) {
        uint64_t p = gomem_le(arr + 2 * i * psz, psz), len = gomem_le(arr + (2 * i + 1) * psz, psz);
        if (p == 0 || len == 0)
            continue;
        addrs[k] = p;
        lens[k] = len > GORT_MAX_REASON_LEN ? GORT_MAX_REASON_LEN : (size_t)len;
        bufs[k] = rt->reasons[i];
        idx[k++] = i;
    }
    rc = gomem_read_many(&rt->mem, k, addrs, lens, bufs, errs);
    if (rc < 0)
        return rc;
    for (size_t j = 0; j < k; j++) {
        char *s = rt->reasons[idx[j]];
        if (errs[j] < 0) {
            s[0] = '\0';
            continue;
        }
        s[lens[j]] = '\0';
        /* Hostile bytes must not reach a terminal: only printable ASCII is kept. */
        for (char *c = s; *c; c++)
            if (*c < 0x20 || *c > 0x7e)
                *c = '?';
    }
    rt->nreasons = n;
    return 0;
}

const char *gort_wait_reason(struct gort *rt, unsigned reason)
{
    if (!rt->reasons_tried) {
        rt->reasons_tried = true;
        if (load_reasons(rt) < 0) {
            free(rt->reasons);
            rt->reasons = NULL;
            rt->nreasons = 0;
        }
    }
    if (rt->reasons)
        return reason < rt->nreasons ? rt->reasons[reason] : NULL;
    if (version_is(rt->version, "go1.19") || version_is(rt->version, "go1.20")) {
        size_t nt;
        const char *const *t = gort_wait_reasons_go1_19(&nt);
        return reason < nt ? t[reason] : NULL;
    }
    return NULL;
}

/* ------------------------------------------------------------------ locations */

void gort_loc_at(struct gort *rt, uint64_t pc, bool ret_addr, struct gort_loc *out)
{
    memset(out, 0, sizeof(*out));
    out->pc = pc;
    out->lookup_pc = pc;
    const struct sym_func *fn;
    if (ret_addr && pc > 0) {
        /* One past a call: the call is the instruction before, unless PC is an entry (goexit+1 is
         * what the runtime stores as the return address of the first frame, and such). */
        if (sym_func_by_addr(rt->img, pc, &fn) != 0 || fn->lowpc < pc)
            out->lookup_pc = pc - 1;
    }
    if (sym_func_by_addr(rt->img, out->lookup_pc, &fn) == 0)
        out->func = fn->name;
    struct sym_line l;
    if (sym_line_for_addr(rt->img, out->lookup_pc, &l) == 0) {
        out->file = l.file;
        out->line = l.line;
    }
}

void gort_go_loc(struct gort *rt, const struct gort_g *g, struct gort_loc *out)
{
    gort_loc_at(rt, g->gopc, true, out);
}

/* The one function outside the runtime that FN's direct calls reach (x86-64 E8 rel32, arm64 BL
 * imm26, to a function entry): 0 when none, or when they reach several. */
static uint64_t wrapper_callee(struct gort *rt, const struct sym_func *fn)
{
    uint64_t len = fn->highpc - fn->lowpc;
    if (len < 4 || len > 512)
        return 0;
    uint8_t code[512];
    if (sym_image_read(rt->img, fn->lowpc, code, (size_t)len) < 0)
        return 0;
    uint64_t found = 0;
    bool arm64 = rt->machine == 183;
    for (size_t i = 0; i + (arm64 ? 4 : 5) <= len; i += arm64 ? 4 : 1) {
        uint64_t to;
        if (arm64) {
            uint32_t insn = (uint32_t)gomem_le(code + i, 4);
            if ((insn & 0xfc000000u) != 0x94000000u) /* BL */
                continue;
            int64_t off = (int64_t)(insn & 0x03ffffffu);
            if (off & 0x02000000)
                off -= 0x04000000;
            to = fn->lowpc + i + (uint64_t)(off * 4);
        } else {
            if (code[i] != 0xe8)
                continue;
            int32_t rel = (int32_t)(uint32_t)gomem_le(code + i + 1, 4);
            to = fn->lowpc + i + 5 + (uint64_t)(int64_t)rel;
        }
        const struct sym_func *callee;
        if (sym_func_by_addr(rt->img, to, &callee) != 0 || callee->lowpc != to)
            continue;
        if (strncmp(callee->name, "runtime.", 8) == 0)
            continue;
        if (found && found != to)
            return 0;
        found = to;
    }
    return found;
}

/* Whether any function of the image carries DW_AT_trampoline (Go 1.17+ marks its wrappers so;
 * the runtime's own `go bgsweep(c)` makes every such binary have some). Looked up once. */
static bool image_marks_trampolines(struct gort *rt)
{
    if (rt->tramp_marks == 0) {
        rt->tramp_marks = -1;
        size_t n;
        const struct sym_func *fn;
        if (sym_func_count(rt->img, &n) == 0)
            for (size_t i = 0; i < n && rt->tramp_marks < 0; i++)
                if (sym_func_at(rt->img, i, &fn) == 0 && fn->trampoline)
                    rt->tramp_marks = 1;
    }
    return rt->tramp_marks > 0;
}

/* A go statement with arguments (`go f(x)`) compiles, since Go 1.17, to a closure that only calls
 * f: the "wrapper", which DWARF marks DW_AT_trampoline (sym_func.trampoline). dlv shows f as the
 * start. Where the image marks its wrappers, the flag alone says what is one; in an image that
 * marks none (an older toolchain) a wrapper is recognised by its machine code: an x86-64 closure
 * (".funcN") without variables of its own. Either way f is the one function outside the runtime
 * that its direct calls reach. */
static bool go_wrapper_target(struct gort *rt, const struct sym_func *fn, uint64_t *target)
{
    *target = 0;
    if (image_marks_trampolines(rt)) {
        if (!fn->trampoline)
            return false;
        *target = wrapper_callee(rt, fn);
        return *target != 0;
    }
    const char *dot = strrchr(fn->name, '.');
    if (rt->machine != 62 /* EM_X86_64 */ || !dot || strncmp(dot, ".func", 5) != 0)
        return false;
    uint64_t found = wrapper_callee(rt, fn);
    /* A real closure has its own variables; a wrapper only compiler temporaries. */
    struct sym_var *vars = NULL;
    size_t nvars = 0;
    if (found && sym_func_vars(rt->img, fn, 0, &vars, &nvars) == 0) {
        for (size_t i = 0; i < nvars; i++)
            if (strncmp(vars[i].name, ".autotmp", 8) != 0)
                found = 0;
        free(vars);
    }
    *target = found;
    return found != 0;
}

void gort_start_loc(struct gort *rt, const struct gort_g *g, struct gort_loc *out)
{
    uint64_t pc = g->startpc, to;
    const struct sym_func *fn;
    if (sym_func_by_addr(rt->img, pc, &fn) == 0 && fn->lowpc == pc &&
        go_wrapper_target(rt, fn, &to))
        pc = to;
    gort_loc_at(rt, pc, false, out);
}

size_t gort_format_goroutine(struct gort *rt, const struct gort_g *g, const char *kind,
                             const struct gort_loc *loc, bool current, char *buf, size_t len)
{
    char thread[40] = "", reason[GORT_MAX_REASON_LEN + 40] = "";
    if (g->thread)
        snprintf(thread, sizeof(thread), " (thread %lld)", (long long)g->thread);
    /* dlv shows the reason of waiting goroutines (and of those in a syscall, when set). */
    if ((gort_status_is(rt, g->status, GORT_WAITING) ||
         gort_status_is(rt, g->status, GORT_SYSCALL)) &&
        g->waitreason != 0) {
        const char *r = gort_wait_reason(rt, g->waitreason);
        if (r)
            snprintf(reason, sizeof(reason), " [%s]", r);
        else
            snprintf(reason, sizeof(reason), " [unknown wait reason %u]", g->waitreason);
    }
    int n = snprintf(buf, len, "%sGoroutine %lld - %s: %s:%u %s (%#llx)%s%s", current ? "* " : "  ",
                     (long long)g->goid, kind, loc->file ? loc->file : "?", loc->line,
                     loc->func ? loc->func : "?", (unsigned long long)loc->pc, thread, reason);
    return n < 0 ? 0 : (size_t)n;
}
