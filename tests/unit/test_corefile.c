/*
 * tests/unit/test_corefile.c - frontend/target/corefile: cores built here byte by byte (x86_64 with
 * FXSAVE/XSAVE, aarch64), a tiny binary with a Go build id, memory from each source (core bytes,
 * the binary, an NT_FILE file, anonymous zeros, unreadable holes), and hostile input: every
 * truncation of a small core, garbage, compressed magics, wrong ELF types, another architecture,
 * another binary.
 *
 * Probe mode (for tests/integration/corefile_real.sh, which compares with gdb on real cores):
 *   test_corefile --probe CORE [BINARY] -- CMD...
 * with CMD "info" (PID/COMMAND/SIGNAL/ARCH/BUILDID lines), "threads" (THREAD tid lines), "reg NAME"
 * (REG tid NAME 0xHEX per thread), "mem ADDR LEN" (MEM ADDR b0 b1 ... or MEM ADDR error -N), "scan"
 * (every segment read through, with the time it took). Opening errors print "ERROR message" and
 * exit 1.
 *
 * Seeds mode: "test_corefile --seeds DIR" writes the hand-made cores into DIR (a fuzzing corpus).
 */
#include <check.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frontend/target/corefile.h"

/* ------------------------------------------------------------------ a byte buffer */

struct buf {
    uint8_t *p;
    size_t len, cap;
};

static void buf_put(struct buf *b, const void *d, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        ck_assert_ptr_nonnull(b->p);
    }
    if (d)
        memcpy(b->p + b->len, d, n);
    else
        memset(b->p + b->len, 0, n);
    b->len += n;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void buf_u32(struct buf *b, uint32_t v)
{
    uint8_t x[4];
    put_le(x, v, 4);
    buf_put(b, x, 4);
}

static void buf_u64(struct buf *b, uint64_t v)
{
    uint8_t x[8];
    put_le(x, v, 8);
    buf_put(b, x, 8);
}

static void add_note(struct buf *b, const char *name, uint32_t type, const void *desc, size_t len)
{
    size_t nl = strlen(name) + 1;
    buf_u32(b, (uint32_t)nl);
    buf_u32(b, (uint32_t)len);
    buf_u32(b, type);
    buf_put(b, name, nl);
    buf_put(b, NULL, ((nl + 3) & ~3u) - nl);
    buf_put(b, desc, len);
    buf_put(b, NULL, ((len + 3) & ~3u) - len);
}

/* ------------------------------------------------------------------ building cores */

struct seg_spec {
    uint64_t vaddr, memsz, filesz;
    uint32_t flags;
    const uint8_t *data; /* filesz bytes; NULL: a pattern from the address */
};

static uint8_t pattern(uint64_t addr)
{
    return (uint8_t)(addr * 7 + (addr >> 12) + 3);
}

/* ELF header + phdrs (one PT_NOTE, then the loads) + notes + load data. */
/* Seeds for the fuzzer: no page alignment and small segments, so that mutations land in headers
 * and notes rather than in kilobytes of data. */
static bool compact_elf;

static uint8_t *build_elf(unsigned type, unsigned machine, const struct buf *notes,
                          const struct seg_spec *segs, size_t nsegs, size_t *len)
{
    struct buf b = {0};
    size_t phnum = nsegs + 1;
    uint64_t notes_off = 64 + 56 * phnum;
    uint64_t data_off =
        compact_elf ? notes_off + notes->len : (notes_off + notes->len + 4095) & ~4095ull;
    uint8_t eh[64] = {0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB, EV_CURRENT};
    put_le(eh + 16, type, 2);
    put_le(eh + 18, machine, 2);
    put_le(eh + 20, EV_CURRENT, 4);
    put_le(eh + 32, 64, 8);
    put_le(eh + 52, 64, 2);
    put_le(eh + 54, 56, 2);
    put_le(eh + 56, phnum, 2);
    buf_put(&b, eh, sizeof eh);

    uint8_t ph[56] = {0};
    put_le(ph, PT_NOTE, 4);
    put_le(ph + 8, notes_off, 8);
    put_le(ph + 32, notes->len, 8);
    put_le(ph + 48, 4, 8);
    buf_put(&b, ph, sizeof ph);
    uint64_t off = data_off;
    for (size_t i = 0; i < nsegs; i++) {
        memset(ph, 0, sizeof ph);
        put_le(ph, PT_LOAD, 4);
        put_le(ph + 4, segs[i].flags, 4);
        put_le(ph + 8, off, 8);
        put_le(ph + 16, segs[i].vaddr, 8);
        put_le(ph + 32, segs[i].filesz, 8);
        put_le(ph + 40, segs[i].memsz, 8);
        put_le(ph + 48, 4096, 8);
        buf_put(&b, ph, sizeof ph);
        off += segs[i].filesz;
    }
    buf_put(&b, notes->p, notes->len);
    buf_put(&b, NULL, data_off - b.len);
    for (size_t i = 0; i < nsegs; i++) {
        if (segs[i].data) {
            buf_put(&b, segs[i].data, segs[i].filesz);
            continue;
        }
        for (uint64_t a = 0; a < segs[i].filesz; a++) {
            uint8_t c = pattern(segs[i].vaddr + a);
            buf_put(&b, &c, 1);
        }
    }
    *len = b.len;
    return b.p;
}

#define TEXT 0x400000ull
#define HEAP 0x10000000ull
#define FMAP 0x20000000ull
#define NONE 0x30000000ull
#define STACK 0x7ff000000ull

static char tmp_dir[] = "/tmp/test_corefile.XXXXXX";
static char mapped_path[256], exe_path[256], exe2_path[256], exe3_path[256], gnu1_path[256],
    gnu2_path[256];
static uint8_t gnu_page[4096]; /* the first page of gnu1 */
static uint8_t exe_page[4096]; /* the first page of the binary, copied into the cores */

/* The binary: ELF header, PT_PHDR, PT_LOAD [0x400000, +0x3000) with 0x2000 file bytes, PT_NOTE with
 * a Go build id (go_id). Bytes from 0x1000 on are pattern(0x401000 + i). */
static void write_exe(const char *path, unsigned machine, const char *go_id, uint8_t *first_page)
{
    uint8_t f[0x2000] = {0};
    uint8_t *eh = f;
    memcpy(eh, (uint8_t[]){0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB, EV_CURRENT}, 7);
    put_le(eh + 16, ET_EXEC, 2);
    put_le(eh + 18, machine, 2);
    put_le(eh + 24, TEXT + 0x1000, 8);
    put_le(eh + 32, 64, 8);
    put_le(eh + 54, 56, 2);
    put_le(eh + 56, 3, 2);
    uint8_t *ph = f + 64;
    put_le(ph, PT_PHDR, 4);
    put_le(ph + 8, 64, 8);
    put_le(ph + 16, TEXT + 64, 8);
    put_le(ph + 32, 3 * 56, 8);
    ph += 56;
    put_le(ph, PT_LOAD, 4);
    put_le(ph + 4, PF_R | PF_X, 4);
    put_le(ph + 16, TEXT, 8);
    put_le(ph + 32, 0x2000, 8);
    put_le(ph + 40, 0x3000, 8);
    ph += 56;
    struct buf n = {0};
    if (go_id && strncmp(go_id, "gnu:", 4) == 0) /* a GNU build id: the bytes after "gnu:" */
        add_note(&n, "GNU", NT_GNU_BUILD_ID, go_id + 4, strlen(go_id + 4));
    else if (go_id)
        add_note(&n, "Go", 4, go_id, strlen(go_id));
    put_le(ph, go_id ? PT_NOTE : PT_NULL, 4);
    put_le(ph + 8, 0x200, 8);
    put_le(ph + 16, TEXT + 0x200, 8);
    put_le(ph + 32, n.len, 8);
    if (n.len)
        memcpy(f + 0x200, n.p, n.len);
    free(n.p);
    for (size_t i = 0x1000; i < sizeof f; i++)
        f[i] = pattern(TEXT + i);
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    ck_assert_uint_eq(fwrite(f, 1, sizeof f, fp), sizeof f);
    fclose(fp);
    if (first_page)
        memcpy(first_page, f, 4096);
}

static void setup(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    ck_assert_ptr_nonnull(mkdtemp(tmp_dir));
    snprintf(mapped_path, sizeof mapped_path, "%s/mapped.bin", tmp_dir);
    snprintf(exe_path, sizeof exe_path, "%s/prog", tmp_dir);
    snprintf(exe2_path, sizeof exe2_path, "%s/prog2", tmp_dir);
    snprintf(exe3_path, sizeof exe3_path, "%s/prog3", tmp_dir);
    snprintf(gnu1_path, sizeof gnu1_path, "%s/gnu1", tmp_dir);
    snprintf(gnu2_path, sizeof gnu2_path, "%s/gnu2", tmp_dir);
    /* The mapped file: 0x1800 bytes, byte i = i ^ 0x5a; mapped at FMAP from file offset 0x1000. */
    FILE *fp = fopen(mapped_path, "wb");
    ck_assert_ptr_nonnull(fp);
    for (unsigned i = 0; i < 0x1800; i++)
        fputc((int)((i ^ 0x5a) & 0xff), fp);
    fclose(fp);
    write_exe(exe_path, EM_X86_64, "goid-AAAA/BBBB", exe_page);
    write_exe(exe2_path, EM_X86_64, "goid-CCCC/DDDD", NULL);
    write_exe(exe3_path, EM_X86_64, NULL, NULL); /* no build id at all */
    write_exe(gnu1_path, EM_X86_64, "gnu:ABCD", gnu_page);
    write_exe(gnu2_path, EM_X86_64, "gnu:ABCE", NULL);
}

static void teardown_all(void)
{
    unlink(mapped_path);
    unlink(exe_path);
    unlink(exe2_path);
    unlink(exe3_path);
    unlink(gnu1_path);
    unlink(gnu2_path);
    rmdir(tmp_dir);
}

struct core_opts {
    bool compact;              /* small segments, unaligned data (fuzzing seeds) */
    const uint8_t *first_page; /* the binary's first page in the core; NULL: exe_page */
    unsigned machine;
    unsigned etype;
    bool no_xstate;
    uint64_t xcr0;
};

/* x86_64 prstatus: 336 bytes, pr_reg at 112 (user_regs_struct: rax 80, rip 128, rsp 152, fs_base
 * 168). */
static void add_prstatus_x86(struct buf *n, int tid, int sig, uint64_t rip, uint64_t rsp,
                             uint64_t fsb)
{
    uint8_t d[336] = {0};
    put_le(d + 12, (uint64_t)sig, 2);
    put_le(d + 32, (uint64_t)tid, 4);
    put_le(d + 112 + 80, 0x1111111100000000ull + (uint64_t)tid, 8);
    put_le(d + 112 + 128, rip, 8);
    put_le(d + 112 + 152, rsp, 8);
    put_le(d + 112 + 168, fsb, 8);
    add_note(n, "CORE", NT_PRSTATUS, d, sizeof d);
}

static void add_fp_x86(struct buf *n, int tid, const struct core_opts *o)
{
    uint8_t fx[512] = {0};
    put_le(fx + 24, 0x1f80, 4);                       /* mxcsr */
    put_le(fx + 6, 0xffff, 2);                        /* fop: only 11 bits are real */
    put_le(fx + 160, 0xabcdef00u + (uint64_t)tid, 8); /* xmm0 low */
    add_note(n, "CORE", NT_FPREGSET, fx, sizeof fx);
    if (o->no_xstate)
        return;
    uint8_t xs[1024] = {0};
    memcpy(xs, fx, sizeof fx);
    put_le(xs + 464, o->xcr0, 8);
    put_le(xs + 512, o->xcr0, 8); /* XSTATE_BV: every enabled component in use */
    put_le(xs + 576, 0x5555000000000000ull + (uint64_t)tid, 8); /* ymm0h low */
    add_note(n, "LINUX", 0x202, xs, sizeof xs);
}

static void add_prstatus_a64(struct buf *n, int tid, int sig, uint64_t pc, uint64_t sp)
{
    uint8_t d[392] = {0};
    put_le(d + 12, (uint64_t)sig, 2);
    put_le(d + 32, (uint64_t)tid, 4);
    put_le(d + 112 + 0, 0x2222000000000000ull + (uint64_t)tid, 8); /* x0 */
    put_le(d + 112 + 28 * 8, 0xc000001000ull, 8);                  /* x28: g */
    put_le(d + 112 + 248, sp, 8);
    put_le(d + 112 + 256, pc, 8);
    put_le(d + 112 + 264, 0x60000000, 8);
    add_note(n, "CORE", NT_PRSTATUS, d, sizeof d);
    uint8_t fp[528] = {0};
    put_le(fp + 0, 0x3333000000000000ull + (uint64_t)tid, 8); /* v0 low */
    put_le(fp + 512, 0x10, 4);                                /* fpsr */
    put_le(fp + 516, 0x20, 4);                                /* fpcr */
    add_note(n, "CORE", NT_FPREGSET, fp, sizeof fp);
}

static void add_process_notes(struct buf *n)
{
    uint8_t ps[136] = {0};
    put_le(ps + 24, 4242, 4);
    memcpy(ps + 40, "coretest", 8);
    memcpy(ps + 56, "./coretest panic", 16);
    add_note(n, "CORE", NT_PRPSINFO, ps, sizeof ps);
    uint8_t si[128] = {0};
    put_le(si, 6, 4); /* SIGABRT */
    add_note(n, "CORE", NT_SIGINFO, si, sizeof si);
    struct buf a = {0};
    buf_u64(&a, AT_PHDR);
    buf_u64(&a, TEXT + 64);
    buf_u64(&a, AT_PHNUM);
    buf_u64(&a, 3);
    buf_u64(&a, AT_ENTRY);
    buf_u64(&a, TEXT + 0x1000);
    buf_u64(&a, AT_NULL);
    buf_u64(&a, 0);
    add_note(n, "CORE", NT_AUXV, a.p, a.len);
    free(a.p);
    struct buf f = {0};
    buf_u64(&f, 2);
    buf_u64(&f, 4096);
    buf_u64(&f, TEXT);
    buf_u64(&f, TEXT + 0x2000);
    buf_u64(&f, 0);
    buf_u64(&f, FMAP);
    buf_u64(&f, FMAP + 0x2000);
    buf_u64(&f, 1); /* page 1: file offset 0x1000 */
    buf_put(&f, exe_path, strlen(exe_path) + 1);
    buf_put(&f, mapped_path, strlen(mapped_path) + 1);
    add_note(n, "CORE", 0x46494c45, f.p, f.len);
    free(f.p);
}

static uint8_t *make_core(const struct core_opts *o, size_t *len)
{
    struct buf n = {0};
    unsigned machine = o->machine ? o->machine : EM_X86_64;
    if (machine == EM_AARCH64) {
        add_prstatus_a64(&n, 101, 11, TEXT + 0x1234, STACK + 0x800);
        add_process_notes(&n);
        add_prstatus_a64(&n, 102, 0, TEXT + 0x1500, STACK + 0x400);
    } else {
        /* kernel order: the first thread's prstatus, the process notes, its register notes */
        add_prstatus_x86(&n, 101, 11, TEXT + 0x1234, STACK + 0x800, 0xc000040000);
        add_process_notes(&n);
        add_fp_x86(&n, 101, o);
        add_prstatus_x86(&n, 102, 0, TEXT + 0x1500, STACK + 0x400, 0xc000050000);
        add_fp_x86(&n, 102, o);
    }
    struct seg_spec segs[] = {
        {TEXT, 0x3000, 0x1000, PF_R | PF_X, o->first_page ? o->first_page : exe_page},
        {HEAP, 0x2000, 0x1000, PF_R | PF_W, NULL},
        {FMAP, 0x2000, 0, PF_R, NULL},
        {NONE, 0x1000, 0, 0, NULL},
        {STACK, 0x1000, 0x1000, PF_R | PF_W, NULL},
    };
    if (o->compact) {
        compact_elf = true;
        segs[0].filesz = 0x400; /* the binary's headers and its build-id note */
        segs[1].filesz = 0x40;
        segs[4].filesz = 0x40;
    }
    uint8_t *core = build_elf(o->etype ? o->etype : ET_CORE, machine, &n, segs,
                              sizeof segs / sizeof segs[0], len);
    compact_elf = false;
    free(n.p);
    return core;
}

static struct corefile *open_ok(const uint8_t *core, size_t len, const char *exe)
{
    struct corefile_opts opts = {.exe_path = exe};
    struct corefile *cf = NULL;
    char err[512];
    int e = corefile_open_mem(core, len, &opts, &cf, err, sizeof err);
    ck_assert_msg(e == 0, "open failed: %d %s", e, err);
    ck_assert_ptr_nonnull(cf);
    return cf;
}

static uint64_t reg_u64(struct corefile *cf, size_t t, const char *name)
{
    const struct arch_desc *a = corefile_arch(cf);
    int regno = arch_regno_by_name(a, name);
    ck_assert_msg(regno >= 0, "no register %s", name);
    uint8_t b[64] = {0};
    unsigned size = a->regs[regno].size_bits / 8;
    int e = corefile_read_reg(cf, t, (unsigned)regno, b, size);
    ck_assert_msg(e == 0, "read %s: %d", name, e);
    uint64_t v = 0;
    for (unsigned i = 0; i < 8 && i < size; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

/* ------------------------------------------------------------------ threads and registers */

START_TEST(test_x86_threads_regs)
{
    setup();
    size_t len;
    struct core_opts o = {.xcr0 = 0x7};
    uint8_t *core = make_core(&o, &len);
    struct corefile *cf = open_ok(core, len, NULL);
    ck_assert_str_eq(corefile_arch(cf)->name, "x86_64");
    ck_assert_ptr_eq(corefile_arch(cf), &arch_x86_64_avx);
    ck_assert_uint_eq(corefile_nthreads(cf), 2);
    ck_assert_int_eq(corefile_thread(cf, 0)->tid, 101);
    ck_assert_int_eq(corefile_thread(cf, 1)->tid, 102);
    ck_assert_int_eq(corefile_thread(cf, 0)->cursig, 11);
    ck_assert_ptr_null(corefile_thread(cf, 2));
    ck_assert_int_eq(corefile_thread_index(cf, 102), 1);
    ck_assert_int_eq(corefile_thread_index(cf, 7), -1);
    ck_assert_int_eq(corefile_pid(cf), 4242);
    ck_assert_str_eq(corefile_command(cf), "coretest");
    ck_assert_str_eq(corefile_args(cf), "./coretest panic");
    ck_assert_int_eq(corefile_signal(cf), 6);
    uint64_t v;
    ck_assert(corefile_auxv(cf, AT_ENTRY, &v));
    ck_assert_uint_eq(v, TEXT + 0x1000);
    ck_assert(!corefile_auxv(cf, AT_HWCAP2, &v));
    ck_assert_uint_eq(corefile_nmappings(cf), 2);
    ck_assert_str_eq(corefile_mapping(cf, 1)->name, mapped_path);
    ck_assert_uint_eq(corefile_mapping(cf, 1)->file_off, 0x1000);

    ck_assert_uint_eq(corefile_nsegments(cf), 5);
    struct corefile_segment sg;
    ck_assert(corefile_segment(cf, 1, &sg));
    ck_assert_uint_eq(sg.addr, HEAP);
    ck_assert_uint_eq(sg.len, 0x2000);
    ck_assert_uint_eq(sg.file_len, 0x1000);
    ck_assert_uint_eq(sg.flags, PF_R | PF_W);
    ck_assert(!corefile_segment(cf, 5, &sg));

    ck_assert_uint_eq(reg_u64(cf, 0, "rip"), TEXT + 0x1234);
    ck_assert_uint_eq(reg_u64(cf, 1, "rip"), TEXT + 0x1500);
    ck_assert_uint_eq(reg_u64(cf, 0, "rsp"), STACK + 0x800);
    ck_assert_uint_eq(reg_u64(cf, 1, "fs_base"), 0xc000050000);
    ck_assert_uint_eq(reg_u64(cf, 1, "rax"), 0x1111111100000000ull + 102);
    ck_assert_uint_eq(reg_u64(cf, 0, "mxcsr"), 0x1f80);
    ck_assert_uint_eq(reg_u64(cf, 0, "fop"), 0x7ff);
    ck_assert_uint_eq(reg_u64(cf, 0, "ftag"), 0xffff); /* abridged tag 0: all empty */
    ck_assert_uint_eq(reg_u64(cf, 1, "xmm0"), 0xabcdef00u + 102);
    ck_assert_uint_eq(reg_u64(cf, 1, "ymm0h"), 0x5555000000000000ull + 102);
    ck_assert_uint_eq(reg_u64(cf, 0, "ymm1h"), 0);

    uint8_t b[16];
    ck_assert_int_eq(corefile_read_reg(cf, 0, 16, b, 4), -EINVAL); /* wrong size */
    ck_assert_int_eq(corefile_read_reg(cf, 2, 16, b, 8), -EINVAL); /* no thread 2 */
    ck_assert_int_eq(corefile_read_reg(cf, 0, 9999, b, 8), -EINVAL);
    corefile_close(cf);
    free(core);
}
END_TEST

/* Without NT_X86_XSTATE: the plain x86_64 table; with XCR0 lacking AVX, ymm reads -ENODATA. */
START_TEST(test_x86_no_avx)
{
    setup();
    size_t len;
    struct core_opts o = {.no_xstate = true};
    uint8_t *core = make_core(&o, &len);
    struct corefile *cf = open_ok(core, len, NULL);
    ck_assert_ptr_eq(corefile_arch(cf), &arch_x86_64);
    ck_assert_uint_eq(reg_u64(cf, 0, "xmm0"), 0xabcdef00u + 101);
    corefile_close(cf);
    free(core);

    o = (struct core_opts){.xcr0 = 0x3};
    core = make_core(&o, &len);
    cf = open_ok(core, len, NULL);
    ck_assert_ptr_eq(corefile_arch(cf), &arch_x86_64);
    corefile_close(cf);
    free(core);
}
END_TEST

START_TEST(test_aarch64_regs)
{
    setup();
    size_t len;
    struct core_opts o = {.machine = EM_AARCH64};
    uint8_t *core = make_core(&o, &len);
    struct corefile *cf = open_ok(core, len, NULL);
    ck_assert_ptr_eq(corefile_arch(cf), &arch_aarch64);
    ck_assert_uint_eq(corefile_nthreads(cf), 2);
    ck_assert_uint_eq(reg_u64(cf, 0, "pc"), TEXT + 0x1234);
    ck_assert_uint_eq(reg_u64(cf, 1, "sp"), STACK + 0x400);
    ck_assert_uint_eq(reg_u64(cf, 1, "x0"), 0x2222000000000000ull + 102);
    ck_assert_uint_eq(reg_u64(cf, 0, "x28"), 0xc000001000ull);
    ck_assert_uint_eq(reg_u64(cf, 0, "cpsr"), 0x60000000);
    ck_assert_uint_eq(reg_u64(cf, 0, "v0"), 0x3333000000000000ull + 101);
    ck_assert_uint_eq(reg_u64(cf, 1, "fpsr"), 0x10);
    ck_assert_uint_eq(reg_u64(cf, 1, "fpcr"), 0x20);
    corefile_close(cf);
    free(core);
}
END_TEST

/* ------------------------------------------------------------------ memory sources */

struct mem_case {
    const char *what;
    uint64_t addr;
    size_t len;
    int want_err; /* of corefile_read_mem */
    size_t want_nread;
    int source; /* 0 pattern(addr), 1 zeros, 2 mapped file (byte = off ^ 0x5a), 3 exe page */
    bool with_exe;
};

static const struct mem_case mem_cases[] = {
    {"core bytes (heap)", HEAP + 0x10, 64, 0, 64, 0, false},
    {"anonymous past filesz: zeros", HEAP + 0x1000, 64, 0, 64, 1, false},
    {"read across filesz", HEAP + 0xff8, 16, 0, 16, -1, false},
    {"partial at the segment end", HEAP + 0x1ff8, 16, 0, 8, 1, false},
    {"unmapped", 0x12345000, 8, -EIO, 0, 0, false},
    {"PROT_NONE reservation", NONE + 0x10, 8, -EIO, 0, 0, false},
    {"NT_FILE file at its offset", FMAP + 0x20, 32, 0, 32, 2, false},
    {"NT_FILE past the file's end: zeros to the page end", FMAP + 0x800, 16, 0, 16, 1, false},
    {"NT_FILE beyond that page: unreadable", FMAP + 0x1000, 16, -EIO, 0, 0, false},
    {"first page from the core", TEXT + 0x200, 16, 0, 16, 3, false},
    {"text the core left out, no binary, NT_FILE names it", TEXT + 0x1000, 16, 0, 16, 0, false},
    {"text the core left out, from the binary", TEXT + 0x1000, 16, 0, 16, 0, true},
    {"binary's bss inside the core segment: zeros", TEXT + 0x2000, 16, 0, 16, 1, true},
    {"stack", STACK + 0x7f0, 32, 0, 32, 0, false},
    {"stack's last bytes", STACK + 0xff0, 32, 0, 16, 0, false},
    {"zero length", HEAP, 0, 0, 0, 0, false},
    {"top of the address space", UINT64_MAX - 3, 8, -EIO, 0, 0, false},
};

START_TEST(test_memory_sources)
{
    setup();
    const struct mem_case *c = &mem_cases[_i];
    size_t len;
    struct core_opts o = {.xcr0 = 7};
    uint8_t *core = make_core(&o, &len);
    struct corefile *cf = open_ok(core, len, c->with_exe ? exe_path : NULL);
    uint8_t b[256];
    memset(b, 0xee, sizeof b);
    size_t nread = 99;
    int e = corefile_read_mem(cf, c->addr, b, c->len, &nread);
    ck_assert_msg(e == c->want_err, "%s: err %d, want %d", c->what, e, c->want_err);
    ck_assert_msg(nread == c->want_nread, "%s: nread %zu, want %zu", c->what, nread, c->want_nread);
    for (size_t i = 0; i < nread; i++) {
        uint64_t a = c->addr + i;
        int src = c->source;
        if (src == -1)
            src = a < HEAP + 0x1000 ? 0 : 1;
        uint8_t want = src == 0   ? pattern(a)
                       : src == 1 ? 0
                       : src == 2 ? (uint8_t)(((a - FMAP) + 0x1000) ^ 0x5a)
                                  : exe_page[a - TEXT];
        ck_assert_msg(b[i] == want, "%s: byte %zu is %02x, want %02x", c->what, i, b[i], want);
    }
    corefile_close(cf);
    free(core);
}
END_TEST

/* NT_FILE's files are not opened when asked not to, nor when the name says "(deleted)". */
START_TEST(test_mapped_files_off)
{
    setup();
    size_t len;
    struct core_opts o = {.xcr0 = 7};
    uint8_t *core = make_core(&o, &len);
    struct corefile_opts opts = {.no_mapped_files = true};
    struct corefile *cf;
    char err[256];
    ck_assert_int_eq(corefile_open_mem(core, len, &opts, &cf, err, sizeof err), 0);
    uint8_t b[8];
    size_t n;
    ck_assert_int_eq(corefile_read_mem(cf, FMAP, b, 8, &n), -EIO);
    ck_assert_int_eq(corefile_read_mem(cf, TEXT + 0x1000, b, 8, &n), -EIO);
    corefile_close(cf);
    /* a root prefix that does not hold the files */
    opts = (struct corefile_opts){.file_root = "/nonexistent-root"};
    ck_assert_int_eq(corefile_open_mem(core, len, &opts, &cf, err, sizeof err), 0);
    ck_assert_int_eq(corefile_read_mem(cf, FMAP, b, 8, &n), -EIO);
    corefile_close(cf);
    free(core);
}
END_TEST

/* ------------------------------------------------------------------ the binary */

START_TEST(test_build_id_match)
{
    setup();
    size_t len;
    struct core_opts o = {.xcr0 = 7};
    uint8_t *core = make_core(&o, &len);
    struct corefile *cf = open_ok(core, len, exe_path);
    char x[300];
    ck_assert_int_eq(corefile_core_build_id(cf)->kind, COREFILE_BUILD_ID_GO);
    ck_assert_str_eq(corefile_build_id_str(corefile_core_build_id(cf), x, sizeof x),
                     "goid-AAAA/BBBB");
    ck_assert_str_eq(corefile_build_id_str(corefile_exe_build_id(cf), x, sizeof x),
                     "goid-AAAA/BBBB");
    corefile_close(cf);
    free(core);
}
END_TEST

START_TEST(test_build_id_mismatch)
{
    setup();
    size_t len;
    struct core_opts o = {.xcr0 = 7};
    uint8_t *core = make_core(&o, &len);
    struct corefile_opts opts = {.exe_path = exe2_path};
    struct corefile *cf = (struct corefile *)1;
    char err[512], want[600];
    ck_assert_int_eq(corefile_open_mem(core, len, &opts, &cf, err, sizeof err), -EINVAL);
    ck_assert_ptr_null(cf);
    snprintf(want, sizeof want,
             "core was written for build-id goid-AAAA/BBBB; %s has goid-CCCC/DDDD", exe2_path);
    ck_assert_str_eq(err, want);
    opts.ignore_build_id = true;
    ck_assert_int_eq(corefile_open_mem(core, len, &opts, &cf, err, sizeof err), 0);
    corefile_close(cf);
    /* a binary without any build id is not taken for the one the core names */
    opts = (struct corefile_opts){.exe_path = exe3_path};
    ck_assert_int_eq(corefile_open_mem(core, len, &opts, &cf, err, sizeof err), -EINVAL);
    snprintf(want, sizeof want, "core was written for build-id goid-AAAA/BBBB; %s has none",
             exe3_path);
    ck_assert_str_eq(err, want);
    free(core);
}
END_TEST

/* GNU build ids (NT_GNU_BUILD_ID), shown in hex. */
START_TEST(test_build_id_gnu)
{
    setup();
    size_t len;
    struct core_opts o = {.xcr0 = 7, .first_page = gnu_page};
    uint8_t *core = make_core(&o, &len);
    struct corefile *cf = open_ok(core, len, gnu1_path);
    char x[300];
    ck_assert_int_eq(corefile_core_build_id(cf)->kind, COREFILE_BUILD_ID_GNU);
    ck_assert_str_eq(corefile_build_id_str(corefile_core_build_id(cf), x, sizeof x), "41424344");
    corefile_close(cf);
    struct corefile_opts opts = {.exe_path = gnu2_path};
    char err[512], want[600];
    ck_assert_int_eq(corefile_open_mem(core, len, &opts, &cf, err, sizeof err), -EINVAL);
    snprintf(want, sizeof want, "core was written for build-id 41424344; %s has 41424345",
             gnu2_path);
    ck_assert_str_eq(err, want);
    /* a Go binary for a core whose executable had a GNU id */
    opts.exe_path = exe_path;
    ck_assert_int_eq(corefile_open_mem(core, len, &opts, &cf, err, sizeof err), -EINVAL);
    snprintf(want, sizeof want, "core was written for build-id 41424344; %s has goid-AAAA/BBBB",
             exe_path);
    ck_assert_str_eq(err, want);
    free(core);
}
END_TEST

START_TEST(test_other_arch_binary)
{
    setup();
    size_t len;
    struct core_opts o = {.machine = EM_AARCH64};
    uint8_t *core = make_core(&o, &len);
    struct corefile_opts opts = {.exe_path = exe_path};
    struct corefile *cf;
    char err[512];
    ck_assert_int_eq(corefile_open_mem(core, len, &opts, &cf, err, sizeof err), -EINVAL);
    ck_assert_str_eq(err, "core is for aarch64, binary is x86_64");
    /* a bare hand-made aarch64 core header (nothing after it): the architecture is named first */
    uint8_t hdr[64] = {0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB, EV_CURRENT};
    put_le(hdr + 16, ET_CORE, 2);
    put_le(hdr + 18, EM_AARCH64, 2);
    opts.exe_path = exe_path;
    ck_assert_int_eq(corefile_open_mem(hdr, sizeof hdr, &opts, &cf, err, sizeof err), -EINVAL);
    ck_assert_str_eq(err, "core is for aarch64, binary is x86_64");
    ck_assert_int_eq(corefile_open_mem(hdr, sizeof hdr, NULL, &cf, err, sizeof err), -ENOEXEC);
    ck_assert_str_eq(err, "corrupt: the core has no program headers");
    put_le(hdr + 18, EM_RISCV, 2);
    ck_assert_int_eq(corefile_open_mem(hdr, sizeof hdr, &opts, &cf, err, sizeof err), -EINVAL);
    ck_assert_str_eq(err, "core is for riscv, binary is x86_64");
    opts.exe_path = "/nonexistent/prog";
    ck_assert_int_eq(corefile_open_mem(core, len, &opts, &cf, err, sizeof err), -ENOENT);
    ck_assert_ptr_nonnull(strstr(err, "cannot open binary /nonexistent/prog"));
    opts.exe_path = mapped_path; /* not ELF */
    ck_assert_int_lt(corefile_open_mem(core, len, &opts, &cf, err, sizeof err), 0);
    ck_assert_ptr_nonnull(strstr(err, "not an ELF file"));
    free(core);
}
END_TEST

/* ------------------------------------------------------------------ hostile input */

struct bad_case {
    const char *what;
    size_t at; /* patch offset */
    uint64_t value;
    unsigned width;
    const char *want; /* substring of the error */
};

static const struct bad_case bad_cases[] = {
    {"ET_EXEC", 16, ET_EXEC, 2, "not a core file (ET_EXEC)"},
    {"ET_DYN", 16, ET_DYN, 2, "not a core file (ET_DYN)"},
    {"32-bit", 4, ELFCLASS32, 1, "32-bit ELF files are not supported"},
    {"big-endian", 5, ELFDATA2MSB, 1, "big-endian"},
    {"riscv", 18, EM_RISCV, 2, "cores of riscv are not supported"},
    {"bad magic", 1, 'X', 1, "not an ELF file"},
    {"phoff past the end", 32, 0x100000, 8,
     "truncated: program header 0 at offset 0x100000 runs past "
     "the end of the file"},
    {"phoff wraps", 32, UINT64_MAX - 8, 8, "truncated: program header 0"},
    {"no phdrs", 56, 0, 2, "no program headers"},
    {"PN_XNUM", 56, 0xffff, 2, "PN_XNUM"},
    {"phentsize", 54, 32, 2, "e_phentsize is 32"},
    {"note offset past the end", 64 + 8, 0x7fffffff, 8, "truncated: segment 0 (PT_NOTE)"},
    {"load filesz > memsz", 64 + 56 + 32, 0x10000, 8, "p_filesz 0x10000 > p_memsz 0x3000"},
    {"load past the end", 64 + 56 + 8, 0x7fff0000, 8, "truncated: segment 1 (PT_LOAD at 0x400000)"},
    {"loads overlap", 64 + 2 * 56 + 16, TEXT + 0x1000, 8, "overlap"},
    {"first note's namesz huge", -1, 0xfffffff0u, 4, "runs past the end of its PT_NOTE segment"},
};

START_TEST(test_bad_headers)
{
    setup();
    const struct bad_case *c = &bad_cases[_i];
    size_t len;
    struct core_opts o = {.xcr0 = 7};
    uint8_t *core = make_core(&o, &len);
    size_t at = c->at;
    if (at == (size_t)-1)
        at = 64 + 6 * 56; /* the notes follow the six program headers */
    put_le(core + at, c->value, c->width);
    struct corefile *cf = (struct corefile *)1;
    char err[512];
    int e = corefile_open_mem(core, len, NULL, &cf, err, sizeof err);
    ck_assert_msg(e < 0, "%s: opened", c->what);
    ck_assert_ptr_null(cf);
    ck_assert_msg(strstr(err, c->want), "%s: error \"%s\" lacks \"%s\"", c->what, err, c->want);
    free(core);
}
END_TEST

/* Every truncation of a small core fails with a sentence, and never reads out of bounds (run under
 * ASan with --enable-sanitizers). */
START_TEST(test_every_truncation)
{
    setup();
    size_t len;
    struct core_opts o = {.xcr0 = 7};
    uint8_t *core = make_core(&o, &len);
    for (size_t n = 0; n < len; n++) {
        /* exact-size copies so that ASan sees any read past n */
        uint8_t *cut = malloc(n ? n : 1);
        memcpy(cut, core, n);
        struct corefile *cf = NULL;
        char err[512] = "";
        int e = corefile_open_mem(cut, n, NULL, &cf, err, sizeof err);
        ck_assert_msg(e < 0 && cf == NULL, "length %zu of %zu opened", n, len);
        ck_assert_msg(err[0] != '\0', "length %zu: no message", n);
        if (n >= 64)
            ck_assert_msg(strncmp(err, "truncated: ", 11) == 0, "length %zu: %s", n, err);
        free(cut);
    }
    free(core);
}
END_TEST

/* Random bytes after a valid header, and random bytes alone: errors, no crash. */
START_TEST(test_garbage)
{
    setup();
    uint8_t g[4096];
    unsigned seed = 12345;
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof g; i++) {
            seed = seed * 1103515245u + 12345u;
            g[i] = (uint8_t)(seed >> 16);
        }
        struct corefile *cf = NULL;
        char err[512] = "";
        int e = corefile_open_mem(g, sizeof g, NULL, &cf, err, sizeof err);
        ck_assert_int_lt(e, 0);
        ck_assert_str_eq(err, "not an ELF file");
        /* a valid core whose notes and data are overwritten with noise */
        size_t len;
        struct core_opts o = {.xcr0 = 7};
        uint8_t *core = make_core(&o, &len);
        size_t from = 64 + 6 * 56 + (size_t)(round % 50) * 16;
        for (size_t i = from; i < len && i < from + 64; i++) {
            seed = seed * 1103515245u + 12345u;
            core[i] = (uint8_t)(seed >> 16);
        }
        e = corefile_open_mem(core, len, NULL, &cf, err, sizeof err);
        if (e == 0) {
            uint8_t b[64];
            size_t n;
            int re = corefile_read_mem(cf, HEAP, b, sizeof b, &n);
            ck_assert(re == 0 || n == 0);
            corefile_close(cf);
        } else {
            ck_assert(err[0] != '\0');
        }
        free(core);
    }
}
END_TEST

static const struct {
    const char *name;
    uint8_t magic[6];
    size_t len;
} compressed[] = {
    {"gzip", {0x1f, 0x8b, 8, 0}, 4},
    {"xz", {0xfd, '7', 'z', 'X', 'Z', 0}, 6},
    {"zstd", {0x28, 0xb5, 0x2f, 0xfd}, 4},
    {"bzip2", {'B', 'Z', 'h', '9'}, 4},
};

START_TEST(test_compressed)
{
    uint8_t b[100] = {0};
    memcpy(b, compressed[_i].magic, compressed[_i].len);
    struct corefile *cf;
    char err[256], want[128];
    ck_assert_int_eq(corefile_open_mem(b, sizeof b, NULL, &cf, err, sizeof err), -ENOEXEC);
    snprintf(want, sizeof want, "looks like a %s file, not an ELF core: decompress it first",
             compressed[_i].name);
    ck_assert_str_eq(err, want);
}
END_TEST

static int count_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 1024; fd++)
        if (fcntl(fd, F_GETFD) != -1)
            n++;
    return n;
}

/* corefile_open on files: the core written to disk (pread path), a missing core, a device. No file
 * descriptor outlives corefile_close or a failed open. */
START_TEST(test_files_on_disk)
{
    setup();
    size_t len;
    struct core_opts o = {.xcr0 = 7};
    uint8_t *core = make_core(&o, &len);
    char path[300];
    snprintf(path, sizeof path, "%s/core", tmp_dir);
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    ck_assert_uint_eq(fwrite(core, 1, len, fp), len);
    fclose(fp);
    struct corefile_opts opts = {.exe_path = exe_path};
    struct corefile *cf;
    char err[512];
    int fds = count_fds();
    ck_assert_int_eq(corefile_open(path, &opts, &cf, err, sizeof err), 0);
    uint8_t b[32];
    size_t n;
    ck_assert_int_eq(corefile_read_mem(cf, TEXT + 0xff0, b, sizeof b, &n), 0);
    ck_assert_uint_eq(n, 32);
    for (size_t i = 0; i < 32; i++)
        ck_assert_uint_eq(b[i], i < 16 ? exe_page[0xff0 + i] : pattern(TEXT + 0x1000 + i - 16));
    corefile_close(cf);
    ck_assert_int_eq(corefile_open("/nonexistent/core", NULL, &cf, err, sizeof err), -ENOENT);
    ck_assert_ptr_nonnull(strstr(err, "cannot open core /nonexistent/core"));
    ck_assert_int_eq(corefile_open("/dev/null", NULL, &cf, err, sizeof err), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
    /* failures after the binary was opened: another binary, a non-ELF binary */
    opts.exe_path = exe2_path;
    ck_assert_int_eq(corefile_open(path, &opts, &cf, err, sizeof err), -EINVAL);
    opts.exe_path = mapped_path;
    ck_assert_int_lt(corefile_open(path, &opts, &cf, err, sizeof err), 0);
    /* the NT_FILE file opened by a read, closed by corefile_close */
    opts.exe_path = NULL;
    ck_assert_int_eq(corefile_open(path, &opts, &cf, err, sizeof err), 0);
    ck_assert_int_eq(corefile_read_mem(cf, FMAP, b, 8, &n), 0);
    corefile_close(cf);
    ck_assert_int_eq(count_fds(), fds);
    unlink(path);
    free(core);
}
END_TEST

/* ------------------------------------------------------------------ probe mode */

static int probe(int argc, char **argv)
{
    /* --probe CORE [BINARY] -- CMD... */
    if (argc < 4)
        return 2;
    const char *core = argv[2], *exe = NULL;
    int i = 3;
    if (strcmp(argv[i], "--") != 0)
        exe = argv[i++];
    if (i >= argc || strcmp(argv[i], "--") != 0)
        return 2;
    i++;
    struct corefile_opts opts = {.exe_path = exe};
    struct corefile *cf;
    char err[1024];
    if (corefile_open(core, &opts, &cf, err, sizeof err) != 0) {
        printf("ERROR %s\n", err);
        return 1;
    }
    const struct arch_desc *a = corefile_arch(cf);
    for (; i < argc; i++) {
        if (strcmp(argv[i], "info") == 0) {
            char id[300];
            printf("PID %" PRId64 "\nCOMMAND %s\nSIGNAL %d\nARCH %s\nNREGS %u\n", corefile_pid(cf),
                   corefile_command(cf), corefile_signal(cf), a->name, a->nregs);
            printf("BUILDID %s\n",
                   corefile_build_id_str(corefile_core_build_id(cf), id, sizeof id));
        } else if (strcmp(argv[i], "scan") == 0) {
            /* every readable byte of every segment, in 64 KiB reads: bytes and time */
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            uint64_t total = 0, unreadable = 0;
            static uint8_t big[65536];
            struct corefile_segment sg;
            for (size_t k = 0; corefile_segment(cf, k, &sg); k++)
                for (uint64_t o = 0; o < sg.len;) {
                    size_t want = sg.len - o < sizeof big ? (size_t)(sg.len - o) : sizeof big, n;
                    if (corefile_read_mem(cf, sg.addr + o, big, want, &n) != 0 || n == 0) {
                        unreadable += 4096;
                        o += 4096;
                        continue;
                    }
                    total += n;
                    o += n;
                }
            clock_gettime(CLOCK_MONOTONIC, &t1);
            printf("SCAN %" PRIu64 " bytes readable, %" PRIu64 " unreadable, %.3f s\n", total,
                   unreadable,
                   (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
        } else if (strcmp(argv[i], "threads") == 0) {
            for (size_t t = 0; t < corefile_nthreads(cf); t++)
                printf("THREAD %" PRId64 "\n", corefile_thread(cf, t)->tid);
        } else if (strcmp(argv[i], "reg") == 0 && i + 1 < argc) {
            const char *name = argv[++i];
            int regno = arch_regno_by_name(a, name);
            for (size_t t = 0; t < corefile_nthreads(cf) && regno >= 0; t++) {
                uint8_t b[64];
                unsigned size = a->regs[regno].size_bits / 8;
                int e = corefile_read_reg(cf, t, (unsigned)regno, b, size);
                printf("REG %" PRId64 " %s ", corefile_thread(cf, t)->tid, name);
                if (e) {
                    printf("error %d\n", e);
                    continue;
                }
                printf("0x");
                int started = 0;
                for (unsigned k = size; k-- > 0;) {
                    if (!started && b[k] == 0 && k > 0)
                        continue;
                    printf(started ? "%02x" : "%x", b[k]);
                    started = 1;
                }
                printf("\n");
            }
        } else if (strcmp(argv[i], "mem") == 0 && i + 2 < argc) {
            uint64_t addr = strtoull(argv[i + 1], NULL, 0);
            size_t len = (size_t)strtoul(argv[i + 2], NULL, 0);
            i += 2;
            uint8_t b[4096];
            if (len > sizeof b)
                len = sizeof b;
            size_t n;
            int e = corefile_read_mem(cf, addr, b, len, &n);
            printf("MEM 0x%" PRIx64, addr);
            if (e || n < len)
                printf(" error %d nread %zu", e, n);
            else
                for (size_t k = 0; k < n; k++)
                    printf(" 0x%02x", b[k]);
            printf("\n");
        } else {
            fprintf(stderr, "unknown probe command %s\n", argv[i]);
            corefile_close(cf);
            return 2;
        }
    }
    corefile_close(cf);
    return 0;
}

static Suite *corefile_suite(void)
{
    Suite *s = suite_create("corefile");
    TCase *tc = tcase_create("regs");
    tcase_add_test(tc, test_x86_threads_regs);
    tcase_add_test(tc, test_x86_no_avx);
    tcase_add_test(tc, test_aarch64_regs);
    suite_add_tcase(s, tc);
    tc = tcase_create("memory");
    tcase_add_loop_test(tc, test_memory_sources, 0, (int)(sizeof mem_cases / sizeof mem_cases[0]));
    tcase_add_test(tc, test_mapped_files_off);
    tcase_add_test(tc, test_files_on_disk);
    suite_add_tcase(s, tc);
    tc = tcase_create("binary");
    tcase_add_test(tc, test_build_id_match);
    tcase_add_test(tc, test_build_id_mismatch);
    tcase_add_test(tc, test_build_id_gnu);
    tcase_add_test(tc, test_other_arch_binary);
    suite_add_tcase(s, tc);
    tc = tcase_create("hostile");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_bad_headers, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, test_every_truncation);
    tcase_add_test(tc, test_garbage);
    tcase_add_loop_test(tc, test_compressed, 0, (int)(sizeof compressed / sizeof compressed[0]));
    suite_add_tcase(s, tc);
    return s;
}

/* --seeds DIR: the hand-made cores as a starting corpus for tests/fuzz/fuzz_corenote (run as a
 * Check test, since the builders assert). */
static const char *seeds_dir;

START_TEST(test_write_seeds)
{
    static const struct core_opts seeds[] = {
        {.xcr0 = 7},
        {.no_xstate = true},
        {.machine = EM_AARCH64},
        {.xcr0 = 3},
        {.xcr0 = 7, .compact = true},
        {.machine = EM_AARCH64, .compact = true},
        {.no_xstate = true, .compact = true},
    };
    setup();
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        size_t len;
        uint8_t *core = make_core(&seeds[i], &len);
        char path[4096];
        snprintf(path, sizeof path, "%s/seed-%zu", seeds_dir, i);
        FILE *fp = fopen(path, "wb");
        ck_assert_msg(fp != NULL, "%s", path);
        ck_assert_uint_eq(fwrite(core, 1, len, fp), len);
        fclose(fp);
        free(core);
    }
}
END_TEST

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--probe") == 0)
        return probe(argc, argv);
    Suite *suite;
    if (argc > 2 && strcmp(argv[1], "--seeds") == 0) {
        seeds_dir = argv[2];
        suite = suite_create("seeds");
        TCase *tc = tcase_create("seeds");
        tcase_add_test(tc, test_write_seeds);
        suite_add_tcase(suite, tc);
    } else {
        suite = corefile_suite();
    }
    SRunner *sr = srunner_create(suite);
    /* no fork: the temporary files are made once and removed at the end */
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    teardown_all();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
