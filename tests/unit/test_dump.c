/*
 * tests/unit/test_dump.c - the driver of tests/integration/dump_core.sh (it needs a live process
 * and a debug server, so it is not a Check suite of its own):
 *
 *   test_dump check HOST:PORT CORE BINARY HEAP_ADDR HEAP_LEN
 *       connects, records every thread's registers, 512 bytes at every thread's sp and HEAP_LEN
 * bytes at HEAP_ADDR, dumps to CORE (counting progress calls), detaches, then opens CORE with
 *       corefile_open (BINARY as the executable) and compares: the same threads, every register
 * both sides know equal, the stack and heap bytes equal. Prints "OK ..." or "FAIL ..." lines; exit
 * 1 on any FAIL. test_dump time HOST:PORT CORE connects, dumps, detaches and prints "TIME
 * connect+dump+detach <ms> bytes <n> ..." (for the measurement in doc/internals/dump.md).
 */
#include "config.h"

#include "frontend/target/corefile.h"
#include "frontend/target/dump.h"
#include "frontend/target/target.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TH 256
#define STACK_LEN 512

static int failures;
/* From the environment: DUMP_REGION_INFO, DUMP_HEX, DUMP_NO_SMAPS. */
static struct tgt_dump_opts dump_opts;

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        printf("FAIL ");                                                                           \
        printf(__VA_ARGS__);                                                                       \
        printf("\n");                                                                              \
        failures++;                                                                                \
    } while (0)

struct live_thread {
    int64_t tid;
    uint8_t *regs; /* per register of t->arch, 64 bytes each */
    int *ok;       /* read_reg result */
    uint64_t sp;
    uint8_t stack[STACK_LEN];
    size_t stack_len;
};

struct progress {
    unsigned calls;
    uint64_t last_done, total;
    bool monotonic;
};

static void on_progress(void *arg, uint64_t done, uint64_t total)
{
    struct progress *p = arg;
    if (done < p->last_done || done > total)
        p->monotonic = false;
    p->calls++;
    p->last_done = done;
    p->total = total;
}

static double ms_since(const struct timespec *a)
{
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (double)(b.tv_sec - a->tv_sec) * 1e3 + (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

static struct tgt *connect_or_die(const char *hp)
{
    struct tgt *t = NULL;
    const char *why = NULL;
    int rc = tgt_rsp_connect(hp, 30000, &t, &why);
    if (rc < 0) {
        printf("FAIL connect %s: %s (%s)\n", hp, strerror(-rc), why ? why : "");
        exit(1);
    }
    return t;
}

static int cmd_time(const char *hp, const char *core)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct tgt *t = connect_or_die(hp);
    double connected = ms_since(&t0);
    char err[256];
    struct tgt_dump_result res;
    struct progress pr = {.monotonic = true};
    int rc = tgt_dump_core_ex(t, core, &dump_opts, on_progress, &pr, &res, err, sizeof(err));
    double dumped = ms_since(&t0);
    if (rc < 0) {
        printf("FAIL dump: %s\n", err);
        return 1;
    }
    if (t->ops->detach(t) < 0)
        printf("FAIL detach\n");
    tgt_close(t);
    printf("TIME connect %.0f ms, connect+dump %.0f ms, connect+dump+detach %.0f ms; %" PRIu64
           " bytes, %zu threads, %zu segments, '%s' packets, %" PRIu64
           " round trips, %u progress calls\n",
           connected, dumped, ms_since(&t0), res.bytes_total, res.nthreads, res.nsegments,
           res.mem_packets, res.round_trips, pr.calls);
    return 0;
}

static int cmd_check(const char *hp, const char *core, const char *bin, uint64_t heap,
                     size_t heap_len)
{
    struct tgt *t = connect_or_die(hp);
    const struct arch_desc *a = t->arch;
    struct tgt_thread list[MAX_TH];
    size_t n = 0;
    if (t->ops->threads(t, list, MAX_TH, &n) < 0 || n == 0 || n > MAX_TH) {
        printf("FAIL threads\n");
        return 1;
    }
    struct live_thread *lt = calloc(n, sizeof(*lt));
    for (size_t i = 0; i < n; i++) {
        lt[i].tid = list[i].tid;
        lt[i].regs = calloc(a->nregs, 64);
        lt[i].ok = calloc(a->nregs, sizeof(int));
        for (unsigned r = 0; r < a->nregs; r++) {
            size_t sz = a->regs[r].size_bits / 8;
            lt[i].ok[r] =
                sz <= 64 ? t->ops->read_reg(t, lt[i].tid, r, lt[i].regs + 64 * r, sz) : -E2BIG;
        }
        if (tgt_read_reg_u64(t, lt[i].tid, (unsigned)a->sp_regno, &lt[i].sp) < 0 ||
            tgt_read_mem_partial(t, lt[i].sp, lt[i].stack, STACK_LEN, &lt[i].stack_len) < 0)
            FAIL("live: thread %" PRId64 " sp or stack unreadable", lt[i].tid);
    }
    uint8_t *live_heap = malloc(heap_len), *core_heap = malloc(heap_len);
    if (tgt_read_mem(t, heap, live_heap, heap_len) < 0)
        FAIL("live: heap at 0x%" PRIx64 " unreadable", heap);

    char err[256];
    struct tgt_dump_result res;
    struct progress pr = {.monotonic = true};
    int rc = tgt_dump_core_ex(t, core, &dump_opts, on_progress, &pr, &res, err, sizeof(err));
    if (rc < 0) {
        printf("FAIL dump: %s\n", err);
        return 1;
    }
    printf("OK dump: %zu threads, %zu segments, %zu files, %" PRIu64 " bytes (%" PRIu64
           " zeroed), maps from %s, '%s' packets, %" PRIu64 " round trips\n",
           res.nthreads, res.nsegments, res.nfiles, res.bytes_total, res.bytes_zeroed,
           res.maps_source, res.mem_packets, res.round_trips);
    if (pr.calls < 2 || !pr.monotonic || pr.last_done != pr.total || pr.total != res.bytes_total)
        FAIL("progress: %u calls, last %" PRIu64 " of %" PRIu64 ", monotonic %d", pr.calls,
             pr.last_done, pr.total, pr.monotonic);
    if (getenv("DUMP_EXPECT_HOLE") != NULL && (res.pages_zeroed < 1 || res.bytes_zeroed < 4096))
        FAIL("the unreadable page was not counted (%" PRIu64 " pages zeroed)", res.pages_zeroed);
    if (res.nthreads != n)
        FAIL("dump wrote %zu threads, the server lists %zu", res.nthreads, n);
    if (t->ops->detach(t) < 0)
        FAIL("detach");
    /* t stays open (detached) until the end: t->arch, its register names, belongs to it. */

    struct corefile *cf = NULL;
    struct corefile_opts opts = {.exe_path = bin};
    rc = corefile_open(core, &opts, &cf, err, sizeof(err));
    if (rc < 0) {
        printf("FAIL corefile_open: %s\n", err);
        return 1;
    }
    const struct arch_desc *ca = corefile_arch(cf);
    if (corefile_nthreads(cf) != n)
        FAIL("core has %zu threads, live %zu", corefile_nthreads(cf), n);
    unsigned compared = 0, live_ok = 0, named = 0;
    for (size_t i = 0; i < n; i++) {
        long ci = corefile_thread_index(cf, lt[i].tid);
        if (ci < 0) {
            FAIL("thread %" PRId64 " missing from the core", lt[i].tid);
            continue;
        }
        for (unsigned r = 0; r < a->nregs; r++) {
            int cr = arch_regno_by_name(ca, a->regs[r].name);
            if (cr < 0 && strcmp(a->regs[r].name, "rflags") == 0)
                cr = arch_regno_by_name(ca, "eflags"); /* lldb-server's name */
            size_t sz = a->regs[r].size_bits / 8;
            /* lldb-server: 64-bit eflags and segment registers (the value in the low bytes) */
            if (cr >= 0 && sz == 8 && ca->regs[cr].size_bits == 32)
                sz = 4;
            live_ok += lt[i].ok[r] == 0;
            named += cr >= 0;
            if (cr < 0 || lt[i].ok[r] < 0 || ca->regs[cr].size_bits / 8 != sz)
                continue;
            uint8_t v[64];
            if (corefile_read_reg(cf, (size_t)ci, (unsigned)cr, v, sz) < 0) {
                FAIL("thread %" PRId64 " register %s: not in the core", lt[i].tid, a->regs[r].name);
                continue;
            }
            if (memcmp(v, lt[i].regs + 64 * r, sz) != 0)
                FAIL("thread %" PRId64 " register %s differs", lt[i].tid, a->regs[r].name);
            compared++;
        }
        uint8_t st[STACK_LEN];
        size_t got = 0;
        if (corefile_read_mem(cf, lt[i].sp, st, lt[i].stack_len, &got) < 0 ||
            got != lt[i].stack_len || memcmp(st, lt[i].stack, got) != 0)
            FAIL("thread %" PRId64 ": %zu bytes at sp 0x%" PRIx64 " differ", lt[i].tid,
                 lt[i].stack_len, lt[i].sp);
    }
    printf("OK %u registers of %zu threads compared (%u read live, %u named in the core's arch)\n",
           compared, n, live_ok, named);
    if (compared < 17 * n)
        FAIL("too few registers compared: not even the general ones of every thread");
    size_t got = 0;
    if (corefile_read_mem(cf, heap, core_heap, heap_len, &got) < 0 || got != heap_len ||
        memcmp(core_heap, live_heap, heap_len) != 0)
        FAIL("heap at 0x%" PRIx64 " (%zu bytes) differs", heap, heap_len);
    else
        printf("OK heap 0x%" PRIx64 " %zu bytes equal\n", heap, heap_len);
    if (corefile_nmappings(cf) != res.nfiles)
        FAIL("core has %zu NT_FILE entries, dump said %zu", corefile_nmappings(cf), res.nfiles);
    uint64_t entry;
    if (!corefile_auxv(cf, 6 /* AT_PAGESZ */, &entry) || entry != 4096)
        FAIL("NT_AUXV has no AT_PAGESZ 4096");
    if (corefile_pid(cf) <= 0)
        FAIL("no pid in the core");
    corefile_close(cf);
    tgt_close(t);
    for (size_t i = 0; i < n; i++) {
        free(lt[i].regs);
        free(lt[i].ok);
    }
    free(lt);
    free(live_heap);
    free(core_heap);
    printf("%s %d failures\n", failures ? "FAIL" : "OK", failures);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    dump_opts.region_info = getenv("DUMP_REGION_INFO") != NULL;
    dump_opts.hex_reads = getenv("DUMP_HEX") != NULL;
    dump_opts.no_smaps = getenv("DUMP_NO_SMAPS") != NULL;
    if (argc == 7 && strcmp(argv[1], "check") == 0)
        return cmd_check(argv[2], argv[3], argv[4], strtoull(argv[5], NULL, 0),
                         (size_t)strtoull(argv[6], NULL, 0));
    if (argc == 4 && strcmp(argv[1], "time") == 0)
        return cmd_time(argv[2], argv[3]);
    fprintf(stderr,
            "usage: %s check HOST:PORT CORE BINARY HEAP_ADDR HEAP_LEN\n"
            "       %s time HOST:PORT CORE\n",
            argv[0], argv[0]);
    return 2;
}
