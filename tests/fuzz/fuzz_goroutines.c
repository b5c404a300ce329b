/*
 * tests/fuzz/fuzz_goroutines.c - libFuzzer target for frontend/goruntime/goroutines.c and unwind.c:
 * target memory is hostile. The input becomes the memory of a fake process whose binary is a real
 * Go program (its DWARF gives the offsets): the allgs slice header and allglen come from the first
 * 32 bytes, the rest is mapped twice, as "heap" at 0xc000000000 and as "stack" at 0xc000100000 (so
 * pointers in the input can aim at either), and thread registers are taken from the input too.
 * Every reader runs on it (list, threads, user locations, stacks one by one and in lockstep, go and
 * start locations, the dlv line, wait reasons); it must never crash, leak, loop or read out of
 * bounds, and the frame counts must respect the limits asked for.
 *
 * Run: GORT_FUZZ_BINARY=tests/targets/grtest/grtest tests/fuzz/fuzz_goroutines -max_total_time=30
 * (the binary is built by make check TESTS=tests/unit/test_goroutines; default path as above).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/goruntime/goroutines.h"
#include "frontend/goruntime/unwind.h"
#include "frontend/sym/type.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define HEAP_ADDR 0xc000000000ull
#define STACK_ADDR 0xc000100000ull

struct mem {
    const uint8_t *data;
    size_t len;
    uint8_t hdr[24], glen[8];
    uint64_t allgs, allglen;
};

static struct sym_image *img;
static struct sym_global allgs, allglen;
static uint64_t text_lo, text_hi;

static int copy_from(uint64_t base, const uint8_t *b, size_t blen, uint64_t addr, void *buf,
                     size_t len)
{
    if (addr < base || addr - base > blen || len > blen - (addr - base))
        return -EIO;
    memcpy(buf, b + (addr - base), len);
    return 0;
}

static int mem_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    struct mem *m = ctx;
    if (copy_from(m->allgs, m->hdr, sizeof(m->hdr), addr, buf, len) == 0 ||
        copy_from(m->allglen, m->glen, sizeof(m->glen), addr, buf, len) == 0 ||
        copy_from(HEAP_ADDR, m->data, m->len, addr, buf, len) == 0 ||
        copy_from(STACK_ADDR, m->data, m->len, addr, buf, len) == 0)
        return 0;
    return -EIO;
}

static int mem_read_many(void *ctx, size_t n, const uint64_t *addrs, const size_t *lens,
                         void *const *bufs, int *errs)
{
    CHECK(n <= GOMEM_BATCH_MAX);
    for (size_t i = 0; i < n; i++)
        errs[i] = mem_read(ctx, addrs[i], bufs[i], lens[i]);
    return 0;
}

static int mem_reg(void *ctx, int64_t tid, unsigned regno, uint64_t *v)
{
    struct mem *m = ctx;
    size_t off = ((size_t)tid * 64 + regno * 8) % (m->len >= 8 ? m->len - 7 : 1);
    if (m->len < 8)
        return -ENODATA;
    *v = 0;
    for (int i = 7; i >= 0; i--)
        *v = (*v << 8) | m->data[off + (size_t)i];
    return 0;
}

static const struct gomem_ops ops = {mem_read, mem_read_many, mem_reg};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *path = getenv("GORT_FUZZ_BINARY");
    if (!path)
        path = "tests/targets/grtest/grtest";
    if (sym_image_open(path, &img) != 0 || sym_global_by_name(img, "runtime.allgs", &allgs) != 0 ||
        sym_global_by_name(img, "runtime.allglen", &allglen) != 0 ||
        sym_image_text_range(img, &text_lo, &text_hi) != 0 || text_hi <= text_lo) {
        fprintf(stderr, "fuzz_goroutines: cannot use %s as the Go binary (set GORT_FUZZ_BINARY)\n",
                path);
        exit(1);
    }
    return 0;
}

/* Makes pointers easy to reach: an aligned word whose top byte is 0xaa becomes a heap address,
 * 0xbb a stack address, 0xcc an address in .text (low bits from the word). */
static void decode(uint8_t *b, size_t len)
{
    for (size_t i = 0; i + 8 <= len; i += 8) {
        uint64_t w = 0, base;
        for (int k = 7; k >= 0; k--)
            w = (w << 8) | b[i + (size_t)k];
        switch (w >> 56) {
        case 0xaa:
            base = HEAP_ADDR + (w & 0xffff);
            break;
        case 0xbb:
            base = STACK_ADDR + (w & 0xffff);
            break;
        case 0xcc:
            base = text_lo + (w & 0xfffff) % (text_hi - text_lo);
            break;
        default:
            continue;
        }
        for (int k = 0; k < 8; k++)
            b[i + (size_t)k] = (uint8_t)(base >> (8 * k));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    if (len < 8)
        return 0;
    uint8_t *heap = malloc(len - 8 + 1);
    CHECK(heap);
    memcpy(heap, data + 8, len - 8);
    decode(heap, len - 8);
    struct mem m = {.data = heap, .len = len - 8, .allgs = allgs.addr, .allglen = allglen.addr};
    /* The slice header: array in the heap, len and allglen small (or, rarely, huge). */
    uint64_t arr = HEAP_ADDR + ((uint64_t)(data[0] | data[1] << 8) & ~7ull);
    uint64_t slen = data[2], glen = data[3];
    if (data[4] == 0xff)
        glen = (uint64_t)1 << (data[5] & 63);
    for (int k = 0; k < 8; k++) {
        m.hdr[k] = (uint8_t)(arr >> (8 * k));
        m.hdr[8 + k] = (uint8_t)(slen >> (8 * k));
        m.hdr[16 + k] = (uint8_t)(slen >> (8 * k));
        m.glen[k] = (uint8_t)(glen >> (8 * k));
    }
    struct gomem gm = {&ops, &m};
    struct gort *rt;
    CHECK(gort_new(img, &gm, &rt, NULL) == 0);
    struct gort_thread th[2] = {{1, 0}, {2, 0}};
    for (int i = 0; i < 2; i++)
        if (gort_thread_g(rt, th[i].tid, &th[i].tls_g) != 0)
            th[i].tls_g = 0;
    struct gort_g *gs = NULL;
    size_t n = 0;
    if (gort_goroutines(rt, th, 2, &gs, &n) == 0 && n > 0) {
        CHECK(n <= GORT_MAX_GOROUTINES);
        struct gort_loc *cur = calloc(n, sizeof(*cur)), *user = calloc(n, sizeof(*user));
        CHECK(cur && user);
        CHECK(gort_user_locs(rt, gs, n, cur, user) == 0);
        const size_t max = 24;
        struct gort_frame *all = calloc(n * max, sizeof(*all));
        size_t *counts = calloc(n, sizeof(*counts));
        CHECK(all && counts);
        CHECK(gort_stacks(rt, gs, n, max, all, counts, NULL) == 0);
        for (size_t i = 0; i < n && i < 64; i++) {
            CHECK(counts[i] <= max);
            struct gort_frame fr[24];
            size_t nf;
            enum gort_stack_end end;
            if (gort_stack(rt, &gs[i], fr, max, &nf, &end) == 0)
                CHECK(nf <= max && gort_stack_end_name(end) != NULL);
            struct gort_loc go, start;
            gort_go_loc(rt, &gs[i], &go);
            gort_start_loc(rt, &gs[i], &start);
            char line[512], st[64];
            gort_format_goroutine(rt, &gs[i], "User", &user[i], i == 0, line, sizeof(line));
            gort_status_name(rt, gs[i].status, st, sizeof(st));
            const char *r = gort_wait_reason(rt, gs[i].waitreason);
            CHECK(!r || strlen(r) <= GORT_MAX_REASON_LEN);
        }
        free(all);
        free(counts);
        free(cur);
        free(user);
    }
    free(gs);
    gort_free(rt);
    free(heap);
    return 0;
}
