/* tests/unit/test_sym.c - frontend/sym/ against real Go 1.19 binaries built from
 * tests/targets/symtest/ (by its build.sh, into the build tree, on first run): symtest (-N -l),
 * symtest-opt (optimized, inlined, with a GNU build id) and symbig (imports much of the standard
 * library; its open and first-lookup times are printed, never asserted). Lines are found through
 * the "MARK:" comments of main.go. Also hostile files: garbage, empty, truncated, corrupted. */
#include "config.h"

#include <check.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "frontend/sym/cfi.h"
#include "frontend/sym/expr.h"
#include "frontend/sym/func.h"
#include "frontend/sym/image.h"
#include "frontend/sym/line.h"
#include "frontend/sym/type.h"
#include "frontend/sym/var.h"

static char dbg_path[4096], opt_path[4096], big_path[4096], src_path[4096], tmp_dir[4096];
static struct sym_image *dbg, *opt;

/* The line of main.go carrying "MARK:name" (ck_abort when absent). */
static uint32_t mark_line(const char *name)
{
    FILE *f = fopen(src_path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", src_path);
    char line[1024], want[128];
    snprintf(want, sizeof(want), "MARK:%s", name);
    uint32_t n = 0, found = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        n++;
        char *p = strstr(line, want);
        if (p != NULL &&
            (p[strlen(want)] == '\n' || p[strlen(want)] == '\0' || p[strlen(want)] == ' ')) {
            found = n;
            break;
        }
    }
    fclose(f);
    ck_assert_msg(found != 0, "no %s in main.go", want);
    return found;
}

/* The line of main.go starting with PREFIX. */
static uint32_t line_starting(const char *prefix)
{
    FILE *f = fopen(src_path, "r");
    ck_assert(f != NULL);
    char line[1024];
    uint32_t n = 0, found = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        n++;
        if (strncmp(line, prefix, strlen(prefix)) == 0) {
            found = n;
            break;
        }
    }
    fclose(f);
    ck_assert_msg(found != 0, "no line starting with %s", prefix);
    return found;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The MARK: lines the line and breakpoint tests visit. */
static const char *const line_marks[] = {"Mbody",   "closure", "callM",
                                         "calladd", "shadow",  "addbody"};

/* ---------------------------------------------------------------- 1. image */

START_TEST(test_image_basics)
{
    ck_assert_uint_eq(sym_image_elf_machine(dbg), EM_X86_64);
    ck_assert_uint_eq(sym_image_pointer_size(dbg), 8);
    const char *goid;
    ck_assert_int_eq(sym_image_go_build_id(dbg, &goid), 0);
    ck_assert_msg(strchr(goid, '/') != NULL, "go build id %s", goid);
    const uint8_t *id;
    size_t len;
    ck_assert_int_eq(sym_image_gnu_build_id(dbg, &id, &len), -ENOENT);
    ck_assert_int_eq(sym_image_gnu_build_id(opt, &id, &len), 0);
    static const uint8_t want[] = {0x5e, 0xc0, 0xff, 0xee, 0x01, 0x23,
                                   0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
    ck_assert_uint_eq(len, sizeof(want));
    ck_assert_mem_eq(id, want, sizeof(want));

    const struct sym_section *text = sym_image_section_by_name(dbg, ".text");
    ck_assert_ptr_nonnull(text);
    ck_assert(text->flags & SHF_EXECINSTR);
    uint64_t lo, hi;
    ck_assert_int_eq(sym_image_text_range(dbg, &lo, &hi), 0);
    ck_assert_uint_eq(lo, text->addr);
    ck_assert_uint_eq(hi, text->addr + text->size);
    /* Go compresses its DWARF: the reported size is the inflated one. */
    const struct sym_section *info = sym_image_section_by_name(dbg, ".debug_info");
    ck_assert_ptr_nonnull(info);
    ck_assert(info->flags & SHF_COMPRESSED);
    ck_assert_uint_gt(info->size, 100000);
    ck_assert_ptr_null(sym_image_section_by_name(dbg, ".nosuch"));
    size_t n = sym_image_section_count(dbg);
    ck_assert_uint_gt(n, 10);
    ck_assert_ptr_null(sym_image_section(dbg, n));
}
END_TEST

START_TEST(test_image_symbols)
{
    const struct sym_symbol *s, *s2;
    uint64_t off, lo, hi;
    ck_assert_int_eq(sym_symbol_by_name(dbg, "main.main", &s), 0);
    ck_assert_int_eq(s->kind, SYM_SYMBOL_FUNC);
    ck_assert_uint_gt(s->size, 0);
    ck_assert_int_eq(sym_image_text_range(dbg, &lo, &hi), 0);
    ck_assert(s->addr >= lo && s->addr < hi);
    ck_assert_int_eq(sym_symbol_by_addr(dbg, s->addr + s->size / 2, &s2, &off), 0);
    ck_assert_str_eq(s2->name, "main.main");
    ck_assert_uint_eq(off, s->size / 2);
    ck_assert_int_eq(sym_symbol_by_addr(dbg, s->addr, &s2, &off), 0);
    ck_assert_str_eq(s2->name, "main.main");
    ck_assert_uint_eq(off, 0);
    ck_assert_int_eq(sym_symbol_by_name(dbg, "main.(*T).M", &s), 0);
    ck_assert_int_eq(sym_symbol_by_name(dbg, "runtime.allgs", &s), 0);
    ck_assert_int_eq(s->kind, SYM_SYMBOL_OBJECT);
    ck_assert_int_eq(sym_symbol_by_name(dbg, "no.such.symbol", &s), -ENOENT);
    ck_assert_int_eq(sym_symbol_by_addr(dbg, 0x10, &s, &off), -ENOENT);
    size_t count;
    ck_assert_int_eq(sym_symbol_count(dbg, &count), 0);
    ck_assert_uint_gt(count, 1000);
    const struct sym_symbol *prev = NULL;
    for (size_t i = 0; i < count; i++) {
        ck_assert_int_eq(sym_symbol_at(dbg, i, &s), 0);
        if (prev)
            ck_assert_uint_le(prev->addr, s->addr);
        prev = s;
    }
    ck_assert_int_eq(sym_symbol_at(dbg, count, &s), -ENOENT);
}
END_TEST

START_TEST(test_image_read)
{
    /* runtime.buildVersion is a Go string in .data pointing into .rodata. */
    const struct sym_symbol *s;
    ck_assert_int_eq(sym_symbol_by_name(dbg, "runtime.buildVersion", &s), 0);
    uint64_t hdr[2];
    ck_assert_int_eq(sym_image_read(dbg, s->addr, hdr, sizeof(hdr)), 0);
    ck_assert_uint_gt(hdr[1], 4);
    ck_assert_uint_lt(hdr[1], 64);
    char buf[64] = {0};
    ck_assert_int_eq(sym_image_read(dbg, hdr[0], buf, hdr[1]), 0);
    ck_assert_msg(strncmp(buf, "go1.19", 6) == 0, "buildVersion %s", buf);
    ck_assert_int_eq(sym_image_read(dbg, 0x10, buf, 4), -EFAULT);
    char version[32];
    ck_assert_int_eq(sym_image_go_version(dbg, version, sizeof(version)), 0);
    ck_assert_str_eq(version, buf);
    ck_assert_int_eq(sym_image_go_version(dbg, version, 4), -ERANGE);
    /* .bss reads as zeros */
    const struct sym_section *bss = sym_image_section_by_name(dbg, ".bss");
    ck_assert_ptr_nonnull(bss);
    memset(buf, 0xff, 8);
    ck_assert_int_eq(sym_image_read(dbg, bss->addr, buf, 8), 0);
    ck_assert_uint_eq(buf[0] | buf[7], 0);
}
END_TEST

START_TEST(test_image_big_timing)
{
    double t0 = now_ms();
    struct sym_image *big;
    ck_assert_int_eq(sym_image_open(big_path, &big), 0);
    double t1 = now_ms();
    const struct sym_func *fn;
    ck_assert_int_eq(sym_func_by_name(big, "main.main", &fn), 0);
    uint64_t body;
    ck_assert_int_eq(sym_func_body_addr(big, fn->lowpc, &body), 0);
    double t2 = now_ms();
    const struct sym_type *g;
    uint64_t off;
    ck_assert_int_eq(sym_field_offset(big, "runtime.g", "goid", &off, &g), 0);
    double t3 = now_ms();
    size_t nfuncs;
    ck_assert_int_eq(sym_func_count(big, &nfuncs), 0);
    fprintf(stderr,
            "symbig (%s): open %.2f ms; first function lookup + body address %.2f ms (%zu "
            "functions); runtime.g.goid %.2f ms\n",
            big_path, t1 - t0, t2 - t1, nfuncs, t3 - t2);
    sym_image_free(big);
}
END_TEST

/* Hostile files: each must fail cleanly or open and then answer every query without crashing. */
static int ign; /* results poke_everything does not look at */
static void poke_everything(struct sym_image *img)
{
    const struct sym_func *fn;
    const struct sym_type *t;
    const struct sym_symbol *s;
    struct sym_line l;
    uint64_t a, off;
    size_t n;
    int64_t v;
    struct sym_inline inl[4];
    struct sym_cfi_row row;
    uint64_t addrs[4];
    ign |= sym_symbol_by_name(img, "main.main", &s);
    ign |= sym_symbol_by_addr(img, 0x401000, &s, &off);
    if (sym_func_by_name(img, "main.main", &fn) == 0) {
        ign |= sym_func_body_addr(img, fn->lowpc, &a);
        ign |= sym_line_for_addr(img, fn->lowpc, &l);
        struct sym_var *vars;
        if (sym_func_vars(img, fn, fn->lowpc + 8, &vars, &n) == 0)
            free(vars);
        ign |= sym_cfi_at(img, fn->lowpc + 8, &row);
    }
    ign |= sym_line_addrs(img, "main.go", 10, addrs, 4, &n, NULL);
    ign |= sym_func_locations(img, "main.add", addrs, 4, &n);
    ign |= sym_inline_chain(img, 0x401100, inl, 4, &n);
    ign |= sym_type_by_name(img, "runtime.g", &t);
    ign |= sym_type_by_runtime_type(img, 0x63e0, &t);
    ign |= sym_field_offset(img, "runtime.g", "sched.pc", &off, &t);
    ign |= sym_const_by_name(img, "runtime._Gwaiting", &v, NULL);
    struct sym_global g;
    ign |= sym_global_by_name(img, "runtime.allgs", &g);
    /* Every function of package main, and every 50th of the rest: lines, body, inlines, variables
     * with their locations evaluated, frame rules; then types of those variables. */
    size_t nf = 0;
    ign |= sym_func_count(img, &nf);
    for (size_t i = 0; i < nf; i++) {
        if (sym_func_at(img, i, &fn) != 0)
            break;
        if (strncmp(fn->name, "main.", 5) != 0 && i % 50 != 0)
            continue;
        ign |= sym_line_for_addr(img, fn->lowpc, &l);
        ign |= sym_func_body_addr(img, fn->lowpc, &a);
        ign |= sym_inline_chain(img, fn->lowpc + 1, inl, 4, &n);
        ign |= sym_cfi_at(img, fn->lowpc + 1, &row);
        struct sym_var *vars;
        size_t nv;
        if (sym_func_vars(img, fn, 0, &vars, &nv) != 0)
            continue;
        for (size_t k = 0; k < nv; k++) {
            struct sym_expr_ctx ctx = {.addr_size = 8, .has_cfa = 1, .has_frame_base = 1};
            struct sym_expr_result res;
            struct sym_loc_entry locs[4];
            size_t nl;
            ign |= sym_expr_eval(vars[k].expr, vars[k].expr_len, &ctx, &res);
            ign |= sym_var_locations(img, &vars[k], locs, 4, &nl);
            if (sym_type_by_id(img, vars[k].type, &t) == 0 && t->kind == SYM_TYPE_STRUCT &&
                t->nfields > 0)
                ign |= sym_type_field(img, t, t->fields[0].name, &off, &t);
        }
        free(vars);
    }
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert(f != NULL);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n);
    ck_assert(buf != NULL);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void spit(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert(f != NULL);
    ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
    fclose(f);
}

START_TEST(test_image_hostile)
{
    struct sym_image *img = NULL;
    char path[4200];
    ck_assert_int_eq(sym_image_open("/nonexistent/file", &img), -ENOENT);
    ck_assert_ptr_null(img);
    ck_assert_int_eq(sym_image_open(tmp_dir, &img), -ENOEXEC); /* a directory */
    snprintf(path, sizeof(path), "%s/garbage", tmp_dir);
    char junk[8192];
    for (size_t i = 0; i < sizeof(junk); i++)
        junk[i] = (char)(i * 131 + 7);
    spit(path, junk, sizeof(junk));
    ck_assert_int_eq(sym_image_open(path, &img), -ENOEXEC);
    spit(path, "", 0);
    ck_assert_int_eq(sym_image_open(path, &img), -ENOEXEC);
    spit(path,
         "\x7f"
         "ELF",
         4);
    ck_assert_int_eq(sym_image_open(path, &img), -ENOEXEC);

    size_t len;
    char *orig = slurp(dbg_path, &len);
    /* Truncations: inside the header, the program headers, .text, DWARF, the symbol table. */
    const size_t cuts[] = {16,      63,      64,          200,        4096,
                           len / 4, len / 2, len * 3 / 4, len - 4096, len - 1};
    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        spit(path, orig, cuts[i]);
        int rc = sym_image_open(path, &img);
        ck_assert_msg(rc == 0 || rc == -ENOEXEC, "cut %zu: %d", cuts[i], rc);
        if (rc == 0) {
            poke_everything(img);
            sym_image_free(img);
        }
    }
    /* Corruptions: bytes flipped across the file (deterministic pseudo-random). */
    uint32_t seed = 12345;
    for (int round = 0; round < 12; round++) {
        char *copy = malloc(len);
        ck_assert(copy != NULL);
        memcpy(copy, orig, len);
        for (int k = 0; k < 64; k++) {
            seed = seed * 1103515245 + 12345;
            size_t at = (round < 4 ? (seed >> 4) % 4096 : (seed >> 4) % len);
            copy[at] = (char)(copy[at] ^ (char)(seed >> 24 | 1));
        }
        spit(path, copy, len);
        free(copy);
        int rc = sym_image_open(path, &img);
        ck_assert_msg(rc == 0 || rc == -ENOEXEC, "round %d: %d", round, rc);
        if (rc == 0) {
            poke_everything(img);
            sym_image_free(img);
        }
    }
    free(orig);
    unlink(path);
    sym_image_free(NULL);
}
END_TEST

/* A compressed section whose header lies about its inflated size: far too big is refused before
 * any allocation; a little too small makes the inflate fail. Either way DWARF queries fail cleanly.
 */
START_TEST(test_image_lying_chdr)
{
    const struct sym_section *info = sym_image_section_by_name(dbg, ".debug_info");
    ck_assert_ptr_nonnull(info);
    size_t len;
    char *orig = slurp(dbg_path, &len);
    char path[4200];
    snprintf(path, sizeof(path), "%.4000s/chdr", tmp_dir);
    static const uint64_t sizes[] = {(uint64_t)900 << 20, 64, 0};
    for (size_t i = 0; i < 3; i++) {
        uint64_t v = sizes[i] ? sizes[i] : info->size - 1;
        /* Elf64_Chdr: ch_type (4), ch_reserved (4), ch_size (8) */
        memcpy(orig + info->file_offset + 8, &v, 8);
        spit(path, orig, len);
        struct sym_image *img;
        ck_assert_int_eq(sym_image_open(path, &img), 0);
        const struct sym_func *fn;
        int rc = sym_func_by_name(img, "main.main", &fn);
        ck_assert_msg(rc != 0, "ch_size %llu: %d", (unsigned long long)v, rc);
        poke_everything(img);
        sym_image_free(img);
    }
    free(orig);
    unlink(path);
}
END_TEST

/* Uncompressed DWARF (-compressdwarf=false): bytes flipped inside each DWARF section, so that the
 * parsers (ours and libdwarf's) see malformed DWARF rather than a failed inflate. */
START_TEST(test_image_hostile_dwarf)
{
    static const char *const secs[] = {".debug_info",  ".debug_abbrev", ".debug_line",
                                       ".debug_frame", ".debug_loc",    ".debug_ranges"};
    char plain[4200], path[4200];
    snprintf(plain, sizeof(plain), "%.4000s-plain", dbg_path);
    snprintf(path, sizeof(path), "%s/corrupt", tmp_dir);
    struct sym_image *img;
    ck_assert_int_eq(sym_image_open(plain, &img), 0);
    /* The plain build answers like the compressed one. */
    const struct sym_section *info = sym_image_section_by_name(img, ".debug_info");
    ck_assert_ptr_nonnull(info);
    ck_assert(!(info->flags & SHF_COMPRESSED));
    poke_everything(img);
    const struct sym_func *fn;
    uint64_t off;
    ck_assert_int_eq(sym_func_by_name(img, "main.(*T).M", &fn), 0);
    ck_assert_int_eq(sym_field_offset(img, "runtime.g", "sched.pc", &off, NULL), 0);
    struct {
        uint64_t off, size;
    } where[6];
    for (size_t i = 0; i < 6; i++) {
        const struct sym_section *s = sym_image_section_by_name(img, secs[i]);
        ck_assert_msg(s != NULL, "%s", secs[i]);
        where[i].off = s->file_offset;
        where[i].size = s->size;
    }
    sym_image_free(img);
    size_t len;
    char *orig = slurp(plain, &len);
    uint32_t seed = 777;
    /* SYM_FUZZ_ROUNDS=N runs more rounds by hand (default 60, a few seconds). */
    int rounds = 60;
    const char *env = getenv("SYM_FUZZ_ROUNDS");
    if (env != NULL && atoi(env) > 0)
        rounds = atoi(env);
    for (int round = 0; round < rounds; round++) {
        size_t sec = (size_t)round % 6;
        char *copy = malloc(len);
        ck_assert(copy != NULL);
        memcpy(copy, orig, len);
        int flips = 1 + (round / 6) % 10;
        for (int k = 0; k < flips; k++) {
            seed = seed * 1103515245 + 12345;
            /* Early bytes (headers, first units) most of the time: that is where the damage
             * reaches the most queries. */
            uint64_t span =
                (seed & 1) ? where[sec].size : (where[sec].size < 512 ? where[sec].size : 512);
            size_t at = (size_t)(where[sec].off + (seed >> 8) % span);
            copy[at] = (char)(copy[at] ^ (char)((seed >> 3) | 1));
        }
        spit(path, copy, len);
        free(copy);
        ck_assert_int_eq(sym_image_open(path, &img), 0);
        poke_everything(img);
        sym_image_free(img);
    }
    free(orig);
    unlink(path);
}
END_TEST

/* GNU .zdebug_* sections (objcopy --compress-debug-sections=zlib-gnu of the uncompressed build)
 * answer like Go's SHF_COMPRESSED ones. Skipped (with a note) without objcopy. */
START_TEST(test_image_zdebug)
{
    char plain[4200], path[4200], cmd[9000];
    snprintf(plain, sizeof(plain), "%.4000s-plain", dbg_path);
    snprintf(path, sizeof(path), "%.4000s/zdebug", tmp_dir);
    snprintf(cmd, sizeof(cmd),
             "objcopy --compress-debug-sections=zlib-gnu '%.4000s' '%.4000s' 2>/dev/null", plain,
             path);
    if (system(cmd) != 0) {
        fprintf(stderr, "test_image_zdebug: objcopy cannot write .zdebug sections, skipped\n");
        return;
    }
    struct sym_image *img;
    ck_assert_int_eq(sym_image_open(path, &img), 0);
    ck_assert_ptr_nonnull(sym_image_section_by_name(img, ".debug_info")); /* renamed */
    static const char *const names[] = {"main.main", "main.(*T).M", "main.main.func1"};
    for (size_t i = 0; i < 3; i++) {
        const struct sym_func *a, *b;
        ck_assert_int_eq(sym_func_by_name(img, names[i], &a), 0);
        ck_assert_int_eq(sym_func_by_name(dbg, names[i], &b), 0);
        ck_assert_uint_eq(a->lowpc, b->lowpc);
        ck_assert_uint_eq(a->highpc, b->highpc);
        struct sym_cfi_row ra, rb;
        ck_assert_int_eq(sym_cfi_at(img, a->lowpc + 4, &ra), 0);
        ck_assert_int_eq(sym_cfi_at(dbg, b->lowpc + 4, &rb), 0);
        ck_assert_int_eq(ra.cfa.offset, rb.cfa.offset);
    }
    for (size_t i = 0; i < sizeof(line_marks) / sizeof(line_marks[0]); i++) {
        uint64_t a[8], b[8];
        size_t na, nb;
        uint32_t line = mark_line(line_marks[i]);
        ck_assert_int_eq(sym_line_addrs(img, "main.go", line, a, 8, &na, NULL), 0);
        ck_assert_int_eq(sym_line_addrs(dbg, "main.go", line, b, 8, &nb, NULL), 0);
        ck_assert_uint_eq(na, nb);
        ck_assert_mem_eq(a, b, na * sizeof(a[0]));
    }
    uint64_t off_a, off_b;
    ck_assert_int_eq(sym_field_offset(img, "runtime.g", "sched.pc", &off_a, NULL), 0);
    ck_assert_int_eq(sym_field_offset(dbg, "runtime.g", "sched.pc", &off_b, NULL), 0);
    ck_assert_uint_eq(off_a, off_b);
    sym_image_free(img);
    unlink(path);
}
END_TEST

/* A cgo binary linked by gcc: Go's DWARF 4 units beside gcc's DWARF 5 units. Every function's entry
 * maps to a source of its own language (a misread DWARF 5 range list would put C units over Go
 * code), C functions have lines (0-based DWARF 5 file numbers) and their variables' location lists
 * (.debug_loclists) read. Skipped (with a note) when the cgo target could not be built. */
START_TEST(test_image_cgo)
{
    char path[4200];
    snprintf(path, sizeof(path), "%.4000s", dbg_path); /* .../symtest -> .../symcgo */
    char *slash = strrchr(path, '/');
    ck_assert_ptr_nonnull(slash);
    snprintf(slash, sizeof(path) - (size_t)(slash - path), "/symcgo");
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "test_image_cgo: %s was not built (no C compiler?), skipped\n", path);
        return;
    }
    struct sym_image *img;
    ck_assert_int_eq(sym_image_open(path, &img), 0);
    size_t n, c_funcs = 0, go_funcs = 0;
    ck_assert_int_eq(sym_func_count(img, &n), 0);
    for (size_t i = 0; i < n; i++) {
        const struct sym_func *fn;
        struct sym_line l;
        ck_assert_int_eq(sym_func_at(img, i, &fn), 0);
        bool c_unit = ends_with(fn->cu_name, ".c");
        if (sym_line_for_addr(img, fn->lowpc, &l) != 0) {
            ck_assert_msg(!c_unit, "%s (%s): no line", fn->name, fn->cu_name);
            continue;
        }
        /* C units name .c/.h files and cgo's generated prologue; Go units .go and .s files and
         * "<autogenerated>": neither may answer with the other's sources. */
        bool go_file = ends_with(l.file, ".go");
        bool c_file = ends_with(l.file, ".c") || ends_with(l.file, ".h");
        if (c_unit) {
            ck_assert_msg(!go_file, "%s: %s", fn->name, l.file);
            c_funcs += c_file;
        } else {
            ck_assert_msg(!c_file, "%s (%s): %s", fn->name, fn->cu_name, l.file);
            go_funcs += go_file;
        }
    }
    ck_assert_uint_gt(c_funcs, 5);
    ck_assert_uint_gt(go_funcs, 1000);
    const struct sym_func *fn;
    struct sym_line l;
    ck_assert_int_eq(sym_func_by_name(img, "x_cgo_init", &fn), 0);
    ck_assert_int_eq(sym_line_for_addr(img, fn->lowpc, &l), 0);
    ck_assert_msg(ends_with(l.file, "runtime/cgo/gcc_linux_amd64.c"), "%s", l.file);
    struct sym_var *v;
    size_t nv, lists = 0;
    ck_assert_int_eq(sym_func_vars(img, fn, 0, &v, &nv), 0);
    ck_assert_uint_ge(nv, 2);
    for (size_t k = 0; k < nv; k++) {
        if (!v[k].has_loclist)
            continue;
        struct sym_loc_entry locs[8];
        size_t nl;
        ck_assert_int_eq(sym_var_locations(img, &v[k], locs, 8, &nl), 0);
        for (size_t e = 0; e < nl && e < 8; e++) {
            ck_assert_uint_lt(locs[e].lo, locs[e].hi);
            ck_assert_uint_lt(locs[e].expr_len, 64);
        }
        lists++;
    }
    ck_assert_uint_ge(lists, 1);
    free(v);
    /* Go code is unaffected. */
    ck_assert_int_eq(sym_func_by_name(img, "main.main", &fn), 0);
    ck_assert_int_eq(sym_line_for_addr(img, fn->lowpc, &l), 0);
    ck_assert(ends_with(l.file, "symtest/cgo/main.go"));
    sym_image_free(img);

    /* Damaged DWARF 5 lists: an uncompressed copy (objcopy) with bytes flipped in them. */
    char plain[4200], cmd[9000];
    snprintf(plain, sizeof(plain), "%.4000s/cgo-plain", tmp_dir);
    snprintf(cmd, sizeof(cmd),
             "objcopy --decompress-debug-sections '%.4000s' '%.4000s' 2>/dev/null", path, plain);
    if (system(cmd) != 0) {
        fprintf(stderr, "test_image_cgo: objcopy unavailable, damaged lists not tried\n");
        return;
    }
    ck_assert_int_eq(sym_image_open(plain, &img), 0);
    static const char *const secs[] = {".debug_rnglists", ".debug_loclists", ".debug_line",
                                       ".debug_info", ".debug_abbrev"};
    enum { NSECS = sizeof(secs) / sizeof(secs[0]) };
    uint64_t where[NSECS][2];
    for (size_t i = 0; i < NSECS; i++) {
        const struct sym_section *s = sym_image_section_by_name(img, secs[i]);
        ck_assert_msg(s != NULL, "%s", secs[i]);
        ck_assert(!(s->flags & SHF_COMPRESSED));
        where[i][0] = s->file_offset;
        where[i][1] = s->size;
    }
    sym_image_free(img);
    size_t len;
    char *orig = slurp(plain, &len);
    uint32_t seed = 4242;
    int rounds = 30;
    const char *env = getenv("SYM_FUZZ_ROUNDS");
    if (env != NULL && atoi(env) > 0)
        rounds = atoi(env);
    for (int round = 0; round < rounds; round++) {
        char *copy = malloc(len);
        ck_assert(copy != NULL);
        memcpy(copy, orig, len);
        for (int k = 0; k < 4; k++) {
            seed = seed * 1103515245 + 12345;
            size_t sec = (size_t)round % NSECS;
            uint64_t span =
                (seed & 1) ? where[sec][1] : (where[sec][1] < 256 ? where[sec][1] : 256);
            size_t at = (size_t)(where[sec][0] + (seed >> 8) % span);
            copy[at] = (char)(copy[at] ^ (char)((seed >> 3) | 1));
        }
        spit(plain, copy, len);
        free(copy);
        ck_assert_int_eq(sym_image_open(plain, &img), 0);
        poke_everything(img);
        for (size_t i = 0; i < 3; i++) {
            static const char *const cfuncs[] = {"x_cgo_init", "_cgo_sys_thread_start",
                                                 "call_twice"};
            if (sym_func_by_name(img, cfuncs[i], &fn) != 0)
                continue;
            ign |= sym_line_for_addr(img, fn->lowpc, &l);
            if (sym_func_vars(img, fn, 0, &v, &nv) == 0) {
                for (size_t k = 0; k < nv; k++) {
                    struct sym_loc_entry locs[4];
                    size_t nl;
                    ign |= sym_var_locations(img, &v[k], locs, 4, &nl);
                }
                free(v);
            }
        }
        sym_image_free(img);
    }
    free(orig);
    unlink(plain);
}
END_TEST

/* ---------------------------------------------------------------- 2. lines */

START_TEST(test_line_for_addr)
{
    const struct sym_func *fn;
    struct sym_line l;
    ck_assert_int_eq(sym_func_by_name(dbg, "main.main", &fn), 0);
    ck_assert_int_eq(sym_line_for_addr(dbg, fn->lowpc, &l), 0);
    ck_assert_msg(ends_with(l.file, "symtest/main.go"), "file %s", l.file);
    ck_assert_uint_eq(l.line, line_starting("func main()"));
    ck_assert_uint_eq(l.addr, fn->lowpc);
    ck_assert_int_eq(sym_line_for_addr(dbg, 0x10, &l), -ENOENT);
    /* A runtime address maps into the runtime's sources. */
    ck_assert_int_eq(sym_func_by_name(dbg, "runtime.gopark", &fn), 0);
    ck_assert_int_eq(sym_line_for_addr(dbg, fn->lowpc + 4, &l), 0);
    ck_assert_msg(ends_with(l.file, "runtime/proc.go"), "file %s", l.file);
}
END_TEST

START_TEST(test_line_addrs_roundtrip)
{
    const char *mark = line_marks[_i];
    uint32_t line = mark_line(mark);
    uint64_t addrs[16];
    size_t n;
    const char *file;
    ck_assert_int_eq(sym_line_addrs(dbg, "main.go", line, addrs, 16, &n, &file), 0);
    ck_assert_msg(n >= 1 && n <= 16, "%s: %zu addresses", mark, n);
    ck_assert(ends_with(file, "symtest/main.go"));
    for (size_t i = 0; i < n; i++) {
        struct sym_line l;
        ck_assert_int_eq(sym_line_for_addr(dbg, addrs[i], &l), 0);
        ck_assert_msg(l.line == line, "%s: %#llx is line %u, not %u", mark,
                      (unsigned long long)addrs[i], l.line, line);
        ck_assert(l.is_stmt);
        if (i > 0)
            ck_assert_uint_lt(addrs[i - 1], addrs[i]);
    }
    /* The longer suffix names the same file. */
    uint64_t again[16];
    size_t n2;
    ck_assert_int_eq(sym_line_addrs(dbg, "symtest/main.go", line, again, 16, &n2, NULL), 0);
    ck_assert_uint_eq(n, n2);
    ck_assert_mem_eq(addrs, again, n * sizeof(addrs[0]));
}
END_TEST

START_TEST(test_line_addrs_errors)
{
    uint64_t addrs[4];
    size_t n;
    ck_assert_int_eq(sym_line_addrs(dbg, "nosuch.go", 10, addrs, 4, &n, NULL), -ENOENT);
    ck_assert_int_eq(sym_line_addrs(dbg, "ain.go", 10, addrs, 4, &n, NULL), -ENOENT);
    /* Line 1 is a comment. */
    ck_assert_int_eq(sym_line_addrs(dbg, "main.go", 1, addrs, 4, &n, NULL), -ENOENT);
    /* Several packages have a type.go (runtime, reflect, internal/reflectlite). */
    ck_assert_int_eq(sym_line_addrs(dbg, "type.go", 10, addrs, 4, &n, NULL), -EINVAL);
    ck_assert_int_eq(sym_line_addrs(dbg, "runtime/type.go", 1, addrs, 4, &n, NULL), -ENOENT);
}
END_TEST

START_TEST(test_line_func_body)
{
    /* Past the prologue but still in the function, on a statement. Go marks prologue_end right
     * after the stack-bound check, so functions that call others (and so check) start their body
     * past the entry, and leaf functions (no check) at it. */
    static const struct {
        const char *name;
        bool leaf;
    } funcs[] = {{"main.main", false},
                 {"main.(*T).M", true},
                 {"main.shadow", true},
                 {"main.recurse", false}};
    for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
        const char *name = funcs[i].name;
        const struct sym_func *fn;
        uint64_t body;
        struct sym_line l;
        ck_assert_int_eq(sym_func_by_name(dbg, name, &fn), 0);
        ck_assert_int_eq(sym_func_body_addr(dbg, fn->lowpc, &body), 0);
        ck_assert_msg(body >= fn->lowpc && body < fn->highpc, "%s: body %#llx", name,
                      (unsigned long long)body);
        ck_assert_msg(funcs[i].leaf == (body == fn->lowpc), "%s: body %#llx entry %#llx", name,
                      (unsigned long long)body, (unsigned long long)fn->lowpc);
        ck_assert_int_eq(sym_line_for_addr(dbg, body, &l), 0);
        ck_assert(l.is_stmt);
        ck_assert_int_eq(sym_func_body_addr(dbg, fn->lowpc + 1, &body), -ENOENT);
    }
    /* A breakpoint on "func main() {" lands past the prologue. */
    const struct sym_func *fn;
    uint64_t addrs[4], body;
    size_t n;
    ck_assert_int_eq(sym_func_by_name(dbg, "main.main", &fn), 0);
    ck_assert_int_eq(sym_func_body_addr(dbg, fn->lowpc, &body), 0);
    ck_assert_int_eq(
        sym_line_addrs(dbg, "main.go", line_starting("func main()"), addrs, 4, &n, NULL), 0);
    ck_assert_uint_ge(n, 1);
    ck_assert_uint_ne(addrs[0], fn->lowpc);
}
END_TEST

/* Breakpoint addresses agree with dlv's on the same binary: file:line (one address per function and
 * inlined call, past the prologue on a declaration line) and function names. Skipped (with a note)
 * when dlv is not installed. */
START_TEST(test_line_vs_dlv)
{
    if (system("command -v dlv >/dev/null 2>&1") != 0) {
        fprintf(stderr, "test_line_vs_dlv: dlv not installed, comparison skipped\n");
        return;
    }
    /* _i == 0: the -N -l build; 1: the optimized build (inlining). dlv answers nothing for a line
     * without code (main.go:76, inlined away): neither do we, and those are left out. */
    struct sym_image *img = _i == 0 ? dbg : opt;
    const char *path = _i == 0 ? dbg_path : opt_path;
    static const char *const funcs[] = {"main.main",  "main.(*T).M",     "main.shadow",
                                        "main.add",   "main.main.func2", "main.recurse",
                                        "fmt.Println"};
    enum { NFUNCS = sizeof(funcs) / sizeof(funcs[0]) };
    enum { NLOC = sizeof(line_marks) / sizeof(line_marks[0]) + 2 + NFUNCS };
    char specs[NLOC][64];
    size_t nspec = 0;
    for (size_t i = 0; i < sizeof(line_marks) / sizeof(line_marks[0]); i++) {
        uint32_t line = mark_line(line_marks[i]);
        uint64_t a[4];
        size_t n;
        if (_i == 1 && sym_line_addrs(img, "main.go", line, a, 4, &n, NULL) == -ENOENT)
            continue;
        snprintf(specs[nspec++], 64, "main.go:%u", line);
    }
    snprintf(specs[nspec++], 64, "main.go:%u", line_starting("func main()"));
    if (_i == 0)
        snprintf(specs[nspec++], 64, "main.go:%u", line_starting("func add("));
    /* In the optimized build main.shadow, main.add and fmt.Println exist only inlined. */
    for (size_t i = 0; i < NFUNCS; i++)
        snprintf(specs[nspec++], 64, "%s", funcs[i]);
    char init[4200], cmd[9000];
    snprintf(init, sizeof(init), "%s/dlv.init", tmp_dir);
    FILE *f = fopen(init, "w");
    ck_assert(f != NULL);
    /* clearall after each: dlv refuses a second breakpoint at an address (main.main is also the
     * line of "func main() {"); ids keep counting, so id N is specs[N-1]. */
    for (size_t i = 0; i < nspec; i++)
        fprintf(f, "break %s\nclearall\n", specs[i]);
    fprintf(f, "exit\n");
    fclose(f);
    snprintf(cmd, sizeof(cmd),
             "HOME='%.2000s' dlv exec '%.2000s' --allow-non-terminal-interactive=true "
             "--init '%.2000s' </dev/null 2>&1",
             tmp_dir, path, init);
    FILE *p = popen(cmd, "r");
    ck_assert(p != NULL);
    char line[1024];
    size_t checked = 0;
    while (fgets(line, sizeof(line), p) != NULL) {
        unsigned id;
        char addrs_text[512];
        if (sscanf(line, "Breakpoint %u set at %511s", &id, addrs_text) != 2 || id < 1 ||
            id > nspec)
            continue;
        /* dlv's addresses, sorted */
        uint64_t want[16];
        size_t nwant = 0;
        for (char *tok = strtok(addrs_text, ","); tok && nwant < 16; tok = strtok(NULL, ","))
            want[nwant++] = strtoull(tok, NULL, 16);
        for (size_t a = 1; a < nwant; a++)
            for (size_t b = a; b > 0 && want[b - 1] > want[b]; b--) {
                uint64_t t = want[b];
                want[b] = want[b - 1];
                want[b - 1] = t;
            }
        const char *spec = specs[id - 1];
        uint64_t got[16];
        size_t ngot = 0;
        if (strncmp(spec, "main.go:", 8) == 0) {
            ck_assert_int_eq(sym_line_addrs(img, "main.go", (uint32_t)strtoul(spec + 8, NULL, 10),
                                            got, 16, &ngot, NULL),
                             0);
        } else {
            ck_assert_int_eq(sym_func_locations(img, spec, got, 16, &ngot), 0);
        }
        ck_assert_msg(ngot == nwant, "%s: %zu addresses, dlv %zu", spec, ngot, nwant);
        for (size_t k = 0; k < ngot; k++)
            ck_assert_msg(got[k] == want[k], "%s: %#llx, dlv %#llx", spec,
                          (unsigned long long)got[k], (unsigned long long)want[k]);
        checked++;
    }
    pclose(p);
    unlink(init);
    ck_assert_msg(checked == nspec, "dlv answered %zu of %zu breakpoints", checked, nspec);
}
END_TEST

/* -trimpath: file names are recorded relative ("symtest/main.go", "runtime/proc.go"), and are
 * reported and matched as recorded. */
START_TEST(test_line_trimpath)
{
    char path[4200];
    snprintf(path, sizeof(path), "%.4000s-trim", dbg_path);
    struct sym_image *img;
    ck_assert_int_eq(sym_image_open(path, &img), 0);
    const struct sym_func *fn;
    struct sym_line l;
    ck_assert_int_eq(sym_func_by_name(img, "main.main", &fn), 0);
    ck_assert_int_eq(sym_line_for_addr(img, fn->lowpc, &l), 0);
    ck_assert_str_eq(l.file, "symtest/main.go");
    ck_assert_int_eq(sym_func_by_name(img, "runtime.gopark", &fn), 0);
    ck_assert_int_eq(sym_line_for_addr(img, fn->lowpc, &l), 0);
    ck_assert_str_eq(l.file, "runtime/proc.go");
    uint64_t a[4], b[4];
    size_t na, nb;
    const char *file;
    uint32_t line = mark_line("callM");
    ck_assert_int_eq(sym_line_addrs(img, "main.go", line, a, 4, &na, &file), 0);
    ck_assert_str_eq(file, "symtest/main.go");
    ck_assert_int_eq(sym_line_addrs(img, "symtest/main.go", line, b, 4, &nb, NULL), 0);
    ck_assert_uint_eq(na, nb);
    ck_assert_uint_eq(a[0], b[0]);
    ck_assert_int_eq(sym_line_addrs(img, "/symtest/main.go", line, b, 4, &nb, NULL), -ENOENT);
    sym_image_free(img);
}
END_TEST

static int count_files(const char *path, void *ctx)
{
    if (ends_with(path, "symtest/main.go"))
        ++*(int *)ctx;
    return 0;
}

START_TEST(test_line_files)
{
    int seen = 0;
    ck_assert_int_eq(sym_files_foreach(dbg, count_files, &seen), 0);
    ck_assert_int_ge(seen, 1);
}
END_TEST

/* ---------------------------------------------------------------- 3. functions */

static const char *const func_names[] = {"main.main",       "main.(*T).M",     "main.T.V",
                                         "main.main.func1", "main.main.func2", "main.shadow",
                                         "main.recurse",    "runtime.gopark",  "fmt.Println"};

START_TEST(test_func_by_name)
{
    const char *name = func_names[_i];
    const struct sym_func *fn, *fn2;
    const struct sym_symbol *s;
    ck_assert_int_eq(sym_func_by_name(dbg, name, &fn), 0);
    ck_assert_str_eq(fn->name, name);
    ck_assert_uint_lt(fn->lowpc, fn->highpc);
    /* DWARF and the ELF symbol table agree. */
    ck_assert_int_eq(sym_symbol_by_name(dbg, name, &s), 0);
    ck_assert_uint_eq(fn->lowpc, s->addr);
    ck_assert_int_eq(sym_func_by_addr(dbg, fn->lowpc, &fn2), 0);
    ck_assert_ptr_eq(fn, fn2);
    ck_assert_int_eq(sym_func_by_addr(dbg, fn->highpc - 1, &fn2), 0);
    ck_assert_ptr_eq(fn, fn2);
    if (strncmp(name, "main.", 5) == 0)
        ck_assert_str_eq(fn->cu_name, "main");
    /* -gcflags=all='-N -l', but the toolchain drops -N for the runtime's own packages. */
    ck_assert_msg(fn->optimized == (strncmp(name, "runtime.", 8) == 0), "%s", name);
    const struct sym_func *ofn;
    if (sym_func_by_name(opt, name, &ofn) == 0)
        ck_assert(ofn->optimized);
}
END_TEST

START_TEST(test_func_misc)
{
    const struct sym_func *fn, *prev = NULL;
    ck_assert_int_eq(sym_func_by_name(dbg, "main.nosuch", &fn), -ENOENT);
    ck_assert_int_eq(sym_func_by_name(dbg, "runtime.g", &fn), -ENOENT); /* a type */
    ck_assert_int_eq(sym_func_by_addr(dbg, 0x10, &fn), -ENOENT);
    size_t n;
    ck_assert_int_eq(sym_func_count(dbg, &n), 0);
    ck_assert_uint_gt(n, 500);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(sym_func_at(dbg, i, &fn), 0);
        if (prev)
            ck_assert_uint_le(prev->highpc, fn->lowpc);
        prev = fn;
    }
}
END_TEST

/* DW_AT_trampoline: Go marks the closures it makes for `go f(x)` (runtime.gcenable starts bgsweep
 * and bgscavenge so) as wrappers; ordinary functions and closures are not. Both builds. */
START_TEST(test_func_trampoline)
{
    struct sym_image *img = _i == 0 ? dbg : opt;
    const struct sym_func *fn;
    ck_assert_int_eq(sym_func_by_name(img, "runtime.gcenable.func1", &fn), 0);
    ck_assert(fn->trampoline);
    ck_assert_int_eq(sym_func_by_name(img, "runtime.gcenable.func2", &fn), 0);
    ck_assert(fn->trampoline);
    ck_assert_int_eq(sym_func_by_name(img, "runtime.gcenable", &fn), 0);
    ck_assert(!fn->trampoline);
    ck_assert_int_eq(sym_func_by_name(img, "runtime.main", &fn), 0);
    ck_assert(!fn->trampoline);
    ck_assert_int_eq(sym_func_by_name(img, "main.main", &fn), 0);
    ck_assert(!fn->trampoline);
    /* Some, not all: the flag is read per function. */
    size_t n, ntramp = 0;
    ck_assert_int_eq(sym_func_count(img, &n), 0);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(sym_func_at(img, i, &fn), 0);
        if (fn->trampoline) /* go/defer closures, pointer-receiver, method-value, ABI wrappers */
            ntramp++;
    }
    ck_assert_uint_ge(ntramp, 2);
    ck_assert_uint_lt(ntramp, n / 10);
}
END_TEST

START_TEST(test_func_inline)
{
    /* In the optimized build main.add is inlined into main.main at MARK:calladd. */
    uint32_t body_line = mark_line("addbody"), call_line = mark_line("calladd");
    uint64_t addrs[16];
    size_t n, depth;
    ck_assert_int_eq(sym_line_addrs(opt, "main.go", body_line, addrs, 16, &n, NULL), 0);
    bool found = false;
    for (size_t i = 0; i < n && i < 16; i++) {
        const struct sym_func *fn;
        struct sym_inline chain[4];
        ck_assert_int_eq(sym_func_by_addr(opt, addrs[i], &fn), 0);
        if (strcmp(fn->name, "main.main") != 0)
            continue;
        ck_assert_int_eq(sym_inline_chain(opt, addrs[i], chain, 4, &depth), 0);
        ck_assert_uint_ge(depth, 1);
        ck_assert_str_eq(chain[0].name, "main.add");
        ck_assert(chain[0].lowpc <= addrs[i] && addrs[i] < chain[0].highpc);
        ck_assert_uint_eq(chain[0].call_line, call_line);
        ck_assert_ptr_nonnull(chain[0].call_file);
        ck_assert(ends_with(chain[0].call_file, "symtest/main.go"));
        /* The inlined body's own parameters (main.add's a, b; the compiler may drop one). */
        struct sym_var *v;
        size_t nv;
        ck_assert_int_eq(sym_inline_vars(opt, &chain[0], addrs[i], &v, &nv), 0);
        ck_assert_uint_ge(nv, 1);
        for (size_t k = 0; k < nv; k++) {
            ck_assert_msg(strcmp(v[k].name, "a") == 0 || strcmp(v[k].name, "b") == 0, "%s",
                          v[k].name);
            ck_assert(v[k].is_param);
            const struct sym_type *t;
            ck_assert_int_eq(sym_type_by_id(opt, v[k].type, &t), 0);
            ck_assert_str_eq(t->name, "int");
        }
        free(v);
        found = true;
    }
    ck_assert_msg(found, "no inlined copy of main.add in main.main");
    /* Not inlined in the -N -l build. */
    const struct sym_func *fn;
    struct sym_inline chain[4];
    ck_assert_int_eq(sym_func_by_name(dbg, "main.main", &fn), 0);
    ck_assert_int_eq(sym_inline_chain(dbg, fn->lowpc + 16, chain, 4, &depth), 0);
    ck_assert_uint_eq(depth, 0);
    ck_assert_int_eq(sym_inline_chain(dbg, 0x10, chain, 4, &depth), -ENOENT);
}
END_TEST

/* Every inlined call in the optimized main.main (some have DW_AT_ranges, not low/high): at each
 * address of main.main, each level of the chain has a name, a call line and a range containing the
 * address. */
START_TEST(test_func_inline_ranges)
{
    const struct sym_func *fn;
    ck_assert_int_eq(sym_func_by_name(opt, "main.main", &fn), 0);
    size_t with = 0;
    for (uint64_t pc = fn->lowpc; pc < fn->highpc; pc++) {
        struct sym_inline chain[8];
        size_t depth;
        ck_assert_int_eq(sym_inline_chain(opt, pc, chain, 8, &depth), 0);
        for (size_t k = 0; k < depth && k < 8; k++) {
            ck_assert_msg(chain[k].lowpc <= pc && pc < chain[k].highpc, "%#llx level %zu",
                          (unsigned long long)pc, k);
            ck_assert_ptr_nonnull(chain[k].name);
            ck_assert_uint_gt(chain[k].call_line, 0);
        }
        with += depth > 0;
    }
    ck_assert_uint_gt(with, 0);
}
END_TEST

/* ---------------------------------------------------------------- 4. types */

static const struct {
    const char *name;
    enum sym_type_kind kind;
    unsigned go_kind;
    uint64_t size;      /* 0: not checked */
    const char *target; /* name of target / go_elem (NULL: not checked) */
    const char *key;    /* go_key */
} type_cases[] = {
    {"runtime.g", SYM_TYPE_STRUCT, SYM_GO_STRUCT, 0, NULL, NULL},
    {"main.Outer", SYM_TYPE_STRUCT, SYM_GO_STRUCT, 0, NULL, NULL},
    {"string", SYM_TYPE_STRUCT, SYM_GO_STRING, 16, NULL, NULL},
    {"[]string", SYM_TYPE_STRUCT, SYM_GO_SLICE, 24, "string", NULL},
    {"*main.T", SYM_TYPE_POINTER, SYM_GO_POINTER, 8, "main.T", NULL},
    {"map[string]int", SYM_TYPE_TYPEDEF, SYM_GO_MAP, 0, "int", "string"},
    {"chan int", SYM_TYPE_TYPEDEF, SYM_GO_CHAN, 0, "int", NULL},
    {"error", SYM_TYPE_TYPEDEF, SYM_GO_INTERFACE, 0, NULL, NULL},
    {"interface {}", SYM_TYPE_TYPEDEF, SYM_GO_INTERFACE, 0, NULL, NULL},
    {"[4]int32", SYM_TYPE_ARRAY, SYM_GO_ARRAY, 16, "int32", NULL},
    {"main.Kind", SYM_TYPE_BASE, SYM_GO_INT, 8, NULL, NULL},
    {"complex128", SYM_TYPE_BASE, SYM_GO_COMPLEX128, 16, NULL, NULL},
    {"bool", SYM_TYPE_BASE, SYM_GO_BOOL, 1, NULL, NULL},
    {"func(int) int", SYM_TYPE_FUNC, SYM_GO_FUNC, 0, NULL, NULL},
};

START_TEST(test_type_by_name)
{
    const struct sym_type *t, *t2, *x;
    ck_assert_int_eq(sym_type_by_name(dbg, type_cases[_i].name, &t), 0);
    ck_assert_str_eq(t->name, type_cases[_i].name);
    ck_assert_int_eq(t->kind, type_cases[_i].kind);
    ck_assert_uint_eq(t->go_kind, type_cases[_i].go_kind);
    if (type_cases[_i].size)
        ck_assert_uint_eq(t->size, type_cases[_i].size);
    if (type_cases[_i].target) {
        uint64_t id = t->go_elem ? t->go_elem : t->target;
        ck_assert_int_eq(sym_type_by_id(dbg, id, &x), 0);
        ck_assert_str_eq(x->name, type_cases[_i].target);
    }
    if (type_cases[_i].key) {
        ck_assert_int_eq(sym_type_by_id(dbg, t->go_key, &x), 0);
        ck_assert_str_eq(x->name, type_cases[_i].key);
    }
    /* Cached: the same object by id. */
    ck_assert_int_eq(sym_type_by_id(dbg, t->id, &t2), 0);
    ck_assert_ptr_eq(t, t2);
}
END_TEST

START_TEST(test_type_struct)
{
    const struct sym_type *t, *ft;
    ck_assert_int_eq(sym_type_by_name(dbg, "main.Outer", &t), 0);
    ck_assert_uint_ge(t->nfields, 13);
    ck_assert_str_eq(t->fields[0].name, "Base");
    ck_assert(t->fields[0].embedded);
    ck_assert_uint_eq(t->fields[0].offset, 0);
    ck_assert_str_eq(t->fields[1].name, "In");
    ck_assert(!t->fields[1].embedded);
    ck_assert_uint_eq(t->fields[1].offset, 8);
    for (size_t i = 1; i < t->nfields; i++)
        ck_assert_uint_gt(t->fields[i].offset, t->fields[i - 1].offset);
    uint64_t off;
    ck_assert_int_eq(sym_type_field(dbg, t, "In.Tags", &off, &ft), 0);
    ck_assert_uint_eq(off, 8 + 16); /* after In.Name (a string) */
    ck_assert_str_eq(ft->name, "[]string");
    ck_assert_int_eq(sym_type_field(dbg, t, "Base.ID", &off, &ft), 0);
    ck_assert_uint_eq(off, 0);
    ck_assert_str_eq(ft->name, "int64");
    ck_assert_int_eq(sym_type_field(dbg, t, "In.Nope", &off, &ft), -ENOENT);
    ck_assert_int_eq(sym_type_field(dbg, t, "Flag.x", &off, &ft), -ENOENT);
    /* The runtime offsets the goroutine code will use. */
    uint64_t sched, pc, gobuf_pc, goid;
    ck_assert_int_eq(sym_field_offset(dbg, "runtime.g", "goid", &goid, &ft), 0);
    ck_assert_uint_gt(goid, 0);
    ck_assert_uint_eq(ft->size, 8);
    ck_assert_int_eq(sym_field_offset(dbg, "runtime.g", "sched", &sched, NULL), 0);
    ck_assert_int_eq(sym_field_offset(dbg, "runtime.g", "sched.pc", &pc, &ft), 0);
    ck_assert_int_eq(sym_field_offset(dbg, "runtime.gobuf", "pc", &gobuf_pc, NULL), 0);
    ck_assert_uint_eq(pc, sched + gobuf_pc);
    ck_assert_str_eq(ft->name, "uintptr");
    ck_assert_int_eq(sym_field_offset(dbg, "runtime.g", "atomicstatus", &off, NULL), 0);
    ck_assert_int_eq(sym_field_offset(dbg, "runtime.nosuch", "goid", &off, NULL), -ENOENT);
    /* main.Kind's values and a typedef chain resolve to a base type */
    const struct sym_type *e, *r;
    ck_assert_int_eq(sym_type_by_name(dbg, "error", &e), 0);
    ck_assert_int_eq(sym_type_resolve(dbg, e, &r), 0);
    ck_assert_int_eq(r->kind, SYM_TYPE_STRUCT);
    ck_assert_str_eq(r->name, "runtime.iface");
    ck_assert_int_eq(sym_type_by_name(dbg, "main.NoSuchType", &t), -ENOENT);
    ck_assert_int_eq(sym_type_by_name(dbg, "main.main", &t), -ENOENT); /* a function */
    ck_assert_int_eq(sym_type_by_id(dbg, 0, &t), -ENOENT);
}
END_TEST

/* DW_AT_go_runtime_type against the binary itself: runtime.types + the attribute is a
 * runtime._type whose size and kind (field offsets from DWARF) match the DWARF type. */
START_TEST(test_type_runtime_type)
{
    static const char *const names[] = {"[]string",  "*main.T",   "main.T", "map[string]int",
                                        "chan int",  "error",     "string", "int",
                                        "main.Kind", "main.Inner"};
    const struct sym_symbol *types;
    uint64_t size_off, kind_off;
    ck_assert_int_eq(sym_symbol_by_name(dbg, "runtime.types", &types), 0);
    ck_assert_int_eq(sym_field_offset(dbg, "runtime._type", "size", &size_off, NULL), 0);
    ck_assert_int_eq(sym_field_offset(dbg, "runtime._type", "kind", &kind_off, NULL), 0);
    size_t checked = 0;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const struct sym_type *t, *back, *under;
        ck_assert_int_eq(sym_type_by_name(dbg, names[i], &t), 0);
        if (t->runtime_type == 0)
            continue; /* no descriptor linked in */
        ck_assert_int_eq(sym_type_by_runtime_type(dbg, t->runtime_type, &back), 0);
        ck_assert_ptr_eq(back, t);
        uint64_t size;
        uint8_t kind;
        ck_assert_int_eq(sym_image_read(dbg, types->addr + t->runtime_type + size_off, &size, 8),
                         0);
        ck_assert_int_eq(sym_image_read(dbg, types->addr + t->runtime_type + kind_off, &kind, 1),
                         0);
        ck_assert_msg((kind & 0x1f) == t->go_kind, "%s: kind %u go_kind %u", names[i], kind & 0x1f,
                      t->go_kind);
        ck_assert_int_eq(sym_type_resolve(dbg, t, &under), 0);
        if (t->kind != SYM_TYPE_TYPEDEF)
            ck_assert_msg(size == t->size, "%s: size %llu, DWARF %llu", names[i],
                          (unsigned long long)size, (unsigned long long)t->size);
        checked++;
    }
    ck_assert_uint_ge(checked, 6);
    const struct sym_type *t;
    ck_assert_int_eq(sym_type_by_runtime_type(dbg, 0, &t), -ENOENT);
    ck_assert_int_eq(sym_type_by_runtime_type(dbg, 3, &t), -ENOENT);
}
END_TEST

/* What the goroutine code will do with a wait reason, from the file alone: the constant
 * runtime.waitReasonChanReceive indexes runtime.waitReasonStrings, a [N]string in .data whose
 * element size and count come from DWARF. */
START_TEST(test_type_wait_reason_strings)
{
    struct sym_global g;
    const struct sym_type *arr, *elem;
    int64_t idx;
    ck_assert_int_eq(sym_global_by_name(dbg, "runtime.waitReasonStrings", &g), 0);
    ck_assert_int_eq(sym_type_by_id(dbg, g.type, &arr), 0);
    ck_assert_int_eq(sym_type_resolve(dbg, arr, &arr), 0);
    ck_assert_int_eq(arr->kind, SYM_TYPE_ARRAY);
    ck_assert_int_eq(sym_type_by_id(dbg, arr->target, &elem), 0);
    ck_assert_str_eq(elem->name, "string");
    ck_assert_int_eq(sym_const_by_name(dbg, "runtime.waitReasonChanReceive", &idx, NULL), 0);
    ck_assert(idx > 0 && idx < arr->count);
    ck_assert_uint_eq(arr->size, (uint64_t)arr->count * elem->size);
    uint64_t str_off, len_off, hdr[2];
    ck_assert_int_eq(sym_type_field(dbg, elem, "str", &str_off, NULL), 0);
    ck_assert_int_eq(sym_type_field(dbg, elem, "len", &len_off, NULL), 0);
    uint64_t at = g.addr + (uint64_t)idx * elem->size;
    ck_assert_int_eq(sym_image_read(dbg, at + str_off, &hdr[0], 8), 0);
    ck_assert_int_eq(sym_image_read(dbg, at + len_off, &hdr[1], 8), 0);
    char text[64] = {0};
    ck_assert_uint_lt(hdr[1], sizeof(text));
    ck_assert_int_eq(sym_image_read(dbg, hdr[0], text, hdr[1]), 0);
    ck_assert_str_eq(text, "chan receive");
}
END_TEST

static const struct {
    const char *name;
    int64_t value;
} const_cases[] = {
    {"runtime._Gwaiting", 4},
    {"runtime._Grunning", 2},
    {"main.Answer", 42},
    {"main.KindC", 2},
};

START_TEST(test_type_consts)
{
    int64_t v;
    uint64_t type;
    ck_assert_int_eq(sym_const_by_name(dbg, const_cases[_i].name, &v, &type), 0);
    ck_assert_int_eq(v, const_cases[_i].value);
    ck_assert_uint_ne(type, 0);
    ck_assert_int_eq(sym_const_by_name(dbg, "main.NoSuchConst", &v, NULL), -ENOENT);
}
END_TEST

static int count_globals(const struct sym_global *g, void *ctx)
{
    if (strcmp(g->name, "main.Global") == 0 || strcmp(g->name, "runtime.allgs") == 0)
        ++*(int *)ctx;
    return 0;
}

START_TEST(test_type_globals)
{
    static const char *const names[] = {"runtime.allgs", "runtime.allglen", "main.Global",
                                        "main.Counter"};
    for (size_t i = 0; i < 4; i++) {
        struct sym_global g;
        const struct sym_symbol *s;
        ck_assert_int_eq(sym_global_by_name(dbg, names[i], &g), 0);
        ck_assert_int_eq(sym_symbol_by_name(dbg, names[i], &s), 0);
        ck_assert_uint_eq(g.addr, s->addr);
        ck_assert_uint_ne(g.type, 0);
    }
    struct sym_global g;
    const struct sym_type *t;
    ck_assert_int_eq(sym_global_by_name(dbg, "main.Global", &g), 0);
    ck_assert_int_eq(sym_type_by_id(dbg, g.type, &t), 0);
    ck_assert_str_eq(t->name, "main.Outer");
    ck_assert_int_eq(sym_global_by_name(dbg, "runtime.allgs", &g), 0);
    ck_assert_int_eq(sym_type_by_id(dbg, g.type, &t), 0);
    ck_assert_str_eq(t->name, "[]*runtime.g");
    ck_assert_int_eq(sym_global_by_name(dbg, "main.nosuch", &g), -ENOENT);
    ck_assert_int_eq(sym_global_by_name(dbg, "main.Answer", &g), -ENOENT); /* a constant */
    int seen = 0;
    ck_assert_int_eq(sym_globals_foreach(dbg, count_globals, &seen), 0);
    ck_assert_int_eq(seen, 2);
}
END_TEST

/* ---------------------------------------------------------------- 5. variables and expressions */

struct fake_target {
    uint64_t regs[32];
    uint8_t mem[256];
    uint64_t mem_base;
};

static int fake_reg(void *ctx, unsigned regno, uint64_t *v)
{
    struct fake_target *t = ctx;
    if (regno >= 32)
        return -EIO;
    *v = t->regs[regno];
    return 0;
}

static int fake_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
    struct fake_target *t = ctx;
    if (addr < t->mem_base || addr - t->mem_base > sizeof(t->mem) ||
        len > sizeof(t->mem) - (addr - t->mem_base))
        return -EFAULT;
    memcpy(buf, t->mem + (addr - t->mem_base), len);
    return 0;
}

static const struct sym_var *find_var(const struct sym_var *v, size_t n, const char *name,
                                      uint32_t depth)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].name, name) == 0 && v[i].depth == depth)
            return &v[i];
    return NULL;
}

START_TEST(test_var_shadow)
{
    const struct sym_func *fn;
    struct sym_var *v;
    size_t n, naddr;
    uint64_t addrs[4];
    ck_assert_int_eq(sym_func_by_name(dbg, "main.shadow", &fn), 0);
    ck_assert_int_eq(sym_line_addrs(dbg, "main.go", mark_line("shadow"), addrs, 4, &naddr, NULL),
                     0);
    ck_assert_uint_ge(naddr, 1);
    uint64_t pc = addrs[0];
    ck_assert_int_eq(sym_func_vars(dbg, fn, pc, &v, &n), 0);
    ck_assert_uint_eq(n, 4);
    const struct sym_var *x = find_var(v, n, "x", 0), *r0 = find_var(v, n, "~r0", 0);
    const struct sym_var *y0 = find_var(v, n, "y", 0), *y1 = find_var(v, n, "y", 1);
    ck_assert(x && r0 && y0 && y1);
    ck_assert(x->is_param && !x->is_return);
    ck_assert(r0->is_param && r0->is_return);
    ck_assert(!y0->is_param && !y1->is_param);
    ck_assert_uint_eq(y1->decl_line, mark_line("shadow"));
    ck_assert_uint_lt(y0->decl_line, y1->decl_line);
    ck_assert(pc >= y1->scope_lo && pc < y1->scope_hi);
    ck_assert(y1 > y0); /* the deeper one comes later */
    const struct sym_type *t;
    ck_assert_int_eq(sym_type_by_id(dbg, y1->type, &t), 0);
    ck_assert_str_eq(t->name, "int");

    /* Evaluate: frame base (DW_OP_call_frame_cfa) then the fbreg locations. */
    const uint8_t *fb;
    size_t fblen;
    ck_assert_int_eq(sym_func_frame_base(dbg, fn, &fb, &fblen), 0);
    struct sym_expr_ctx ctx = {
        .read_reg = fake_reg, .read_mem = fake_mem, .cfa = 0x7000, .has_cfa = 1, .addr_size = 8};
    struct sym_expr_result res;
    ck_assert_int_eq(sym_expr_eval(fb, fblen, &ctx, &res), 0);
    ck_assert_uint_eq(res.npieces, 1);
    ck_assert_int_eq(res.pieces[0].kind, SYM_PIECE_MEM);
    ck_assert_uint_eq(res.pieces[0].addr, 0x7000);
    ctx.frame_base = res.pieces[0].addr;
    ctx.has_frame_base = 1;
    uint64_t a0, a1;
    ck_assert_ptr_nonnull(y0->expr);
    ck_assert_int_eq(sym_expr_eval(y0->expr, y0->expr_len, &ctx, &res), 0);
    ck_assert_int_eq(res.pieces[0].kind, SYM_PIECE_MEM);
    a0 = res.pieces[0].addr;
    ck_assert_int_eq(sym_expr_eval(y1->expr, y1->expr_len, &ctx, &res), 0);
    a1 = res.pieces[0].addr;
    ck_assert_uint_ne(a0, a1); /* two different slots */
    ck_assert(a0 < 0x7000 && a1 < 0x7000 && a0 > 0x6f00 && a1 > 0x6f00);
    /* x arrives in a register (Go's register ABI) and has a location list. */
    ck_assert(x->has_loclist);
    struct sym_loc_entry locs[8];
    size_t nlocs;
    ck_assert_int_eq(sym_var_locations(dbg, x, locs, 8, &nlocs), 0);
    ck_assert_uint_ge(nlocs, 1);
    for (size_t i = 0; i < nlocs && i < 8; i++) {
        ck_assert_uint_ge(locs[i].lo, fn->lowpc);
        ck_assert_uint_le(locs[i].hi, fn->highpc);
        ck_assert_uint_lt(locs[i].lo, locs[i].hi);
    }
    free(v);

    /* At the entry, the inner y is out of scope, and x is in RAX (DWARF register 0). */
    ck_assert_int_eq(sym_func_vars(dbg, fn, fn->lowpc, &v, &n), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_ptr_null(find_var(v, n, "y", 1));
    x = find_var(v, n, "x", 0);
    ck_assert_ptr_nonnull(x);
    ck_assert_ptr_nonnull(x->expr);
    ck_assert_int_eq(sym_expr_eval(x->expr, x->expr_len, &ctx, &res), 0);
    ck_assert_int_eq(res.pieces[0].kind, SYM_PIECE_REG);
    ck_assert_uint_eq(res.pieces[0].regno, 0);
    free(v);
    /* pc 0: everything. */
    ck_assert_int_eq(sym_func_vars(dbg, fn, 0, &v, &n), 0);
    ck_assert_uint_eq(n, 4);
    free(v);
}
END_TEST

START_TEST(test_var_abstract_origin)
{
    /* An out-of-line copy of an inlinable method in the optimized build: the concrete DIE has only
     * DW_AT_abstract_origin, its parameter likewise, with an empty location. */
    const struct sym_func *fn;
    struct sym_var *v;
    size_t n;
    ck_assert_int_eq(sym_func_by_name(opt, "internal/poll.errNetClosing.Error", &fn), 0);
    ck_assert_int_eq(sym_func_vars(opt, fn, fn->lowpc, &v, &n), 0);
    ck_assert_uint_ge(n, 1);
    ck_assert_str_eq(v[0].name, "e");
    ck_assert(v[0].is_param);
    ck_assert_uint_ne(v[0].type, 0);
    struct sym_expr_ctx ctx = {.addr_size = 8};
    struct sym_expr_result res;
    ck_assert_int_eq(sym_expr_eval(v[0].expr, v[0].expr_len, &ctx, &res), 0);
    ck_assert_int_eq(res.pieces[0].kind, SYM_PIECE_EMPTY);
    free(v);
}
END_TEST

/* Every location of every variable of every function, in both builds, evaluates (given a CFA and
 * frame base, without registers or memory): what the compiler emits is all understood. The largest
 * real expressions have dozens of pieces (a struct spread over registers). */
START_TEST(test_var_every_location)
{
    struct sym_image *img = _i == 0 ? dbg : opt;
    size_t n, nlocs = 0, lists = 0;
    ck_assert_int_eq(sym_func_count(img, &n), 0);
    for (size_t i = 0; i < n; i++) {
        const struct sym_func *fn;
        struct sym_var *v;
        size_t nv;
        ck_assert_int_eq(sym_func_at(img, i, &fn), 0);
        ck_assert_msg(sym_func_vars(img, fn, 0, &v, &nv) == 0, "%s", fn->name);
        for (size_t k = 0; k < nv; k++) {
            struct sym_loc_entry locs[64];
            size_t nl;
            if (sym_var_locations(img, &v[k], locs, 64, &nl) != 0)
                continue;
            lists += v[k].has_loclist;
            for (size_t e = 0; e < nl && e < 64; e++) {
                struct sym_expr_ctx ctx = {.addr_size = 8,
                                           .has_cfa = 1,
                                           .cfa = 0x1000,
                                           .has_frame_base = 1,
                                           .frame_base = 0x1000};
                struct sym_expr_result res;
                int rc = sym_expr_eval(locs[e].expr, locs[e].expr_len, &ctx, &res);
                ck_assert_msg(rc == 0 || rc == -ENODATA, "%s %s: %d", fn->name, v[k].name, rc);
                if (v[k].has_loclist)
                    ck_assert_msg(locs[e].lo >= fn->lowpc && locs[e].hi <= fn->highpc,
                                  "%s %s: [%#llx, %#llx)", fn->name, v[k].name,
                                  (unsigned long long)locs[e].lo, (unsigned long long)locs[e].hi);
                nlocs++;
            }
        }
        free(v);
    }
    ck_assert_uint_gt(nlocs, 5000);
    ck_assert_uint_gt(lists, 500);
}
END_TEST

/* Hand-written expressions: one table row each. */
static const struct {
    const char *what;
    uint8_t expr[24];
    size_t len;
    int rc;
    size_t npieces;
    enum sym_piece_kind kind0;
    uint64_t val0; /* addr / regno / value of piece 0 */
    uint64_t size0;
    enum sym_piece_kind kind1;
    uint64_t val1;
} expr_cases[] = {
    {"addr", {0x03, 0x20, 0x11, 0x53, 0, 0, 0, 0, 0}, 9, 0, 1, SYM_PIECE_MEM, 0x531120, 0, 0, 0},
    {"fbreg -24", {0x91, 0x68}, 2, 0, 1, SYM_PIECE_MEM, 0x1000 - 24, 0, 0, 0},
    {"cfa", {0x9c}, 1, 0, 1, SYM_PIECE_MEM, 0x2000, 0, 0, 0},
    {"reg3", {0x53}, 1, 0, 1, SYM_PIECE_REG, 3, 0, 0, 0},
    {"regx 17", {0x90, 17}, 2, 0, 1, SYM_PIECE_REG, 17, 0, 0, 0},
    {"breg7 +16", {0x77, 0x10}, 2, 0, 1, SYM_PIECE_MEM, 0x700 + 16, 0, 0, 0},
    {"bregx 6 -8", {0x92, 6, 0x78}, 3, 0, 1, SYM_PIECE_MEM, 0x600 - 8, 0, 0, 0},
    {"reg0 piece8 reg3 piece8 (a string in two registers)",
     {0x50, 0x93, 8, 0x53, 0x93, 8},
     6,
     0,
     2,
     SYM_PIECE_REG,
     0,
     8,
     SYM_PIECE_REG,
     3},
    {"piece8 with nothing, then fbreg piece8",
     {0x93, 8, 0x91, 0x10, 0x93, 8},
     6,
     0,
     2,
     SYM_PIECE_EMPTY,
     0,
     8,
     SYM_PIECE_MEM,
     0x1010},
    {"lit5 stack_value", {0x35, 0x9f}, 2, 0, 1, SYM_PIECE_VALUE, 5, 0, 0, 0},
    {"const1s -1 plus_uconst 3 stack_value",
     {0x09, 0xff, 0x23, 3, 0x9f},
     5,
     0,
     1,
     SYM_PIECE_VALUE,
     2,
     0,
     0,
     0},
    {"lit6 lit3 minus lit2 mul stack_value",
     {0x36, 0x33, 0x1c, 0x32, 0x1e, 0x9f},
     6,
     0,
     1,
     SYM_PIECE_VALUE,
     6,
     0,
     0,
     0},
    {"addr deref",
     {0x03, 0x10, 0x10, 0x53, 0, 0, 0, 0, 0, 0x06},
     10,
     0,
     1,
     SYM_PIECE_MEM,
     0x1122334455667788ull,
     0,
     0,
     0},
    {"lit1 bra +1 (skip lit9) lit4 stack_value",
     {0x31, 0x28, 1, 0, 0x39, 0x34, 0x9f},
     7,
     0,
     1,
     SYM_PIECE_VALUE,
     4,
     0,
     0,
     0},
    {"implicit_value 2", {0x9e, 2, 0xaa, 0xbb}, 4, 0, 1, SYM_PIECE_IMPLICIT, 0, 2, 0, 0},
    {"empty", {0}, 0, 0, 1, SYM_PIECE_EMPTY, 0, 0, 0, 0},
    /* errors */
    {"truncated addr", {0x03, 0x20, 0x11}, 3, -EINVAL, 0, 0, 0, 0, 0, 0},
    {"truncated uleb", {0x10, 0x80, 0x80}, 3, -EINVAL, 0, 0, 0, 0, 0, 0},
    {"underflow", {0x22}, 1, -EINVAL, 0, 0, 0, 0, 0, 0},
    {"reg then more", {0x50, 0x31}, 2, -EINVAL, 0, 0, 0, 0, 0, 0},
    {"reg after pieces without piece", {0x50, 0x93, 8, 0x53}, 4, -EINVAL, 0, 0, 0, 0, 0, 0},
    {"unknown op", {0xe0}, 1, -ENOTSUP, 0, 0, 0, 0, 0, 0},
    {"skip back forever", {0x2f, 0xfd, 0xff}, 3, -E2BIG, 0, 0, 0, 0, 0, 0},
    {"skip out of range", {0x2f, 0x10, 0}, 3, -EINVAL, 0, 0, 0, 0, 0, 0},
    {"div by zero", {0x31, 0x30, 0x1b}, 3, -EINVAL, 0, 0, 0, 0, 0, 0},
    {"deref unmapped", {0x30, 0x06}, 2, -EFAULT, 0, 0, 0, 0, 0, 0},
    {"reg read fails", {0x70 + 31, 0}, 2, 0, 1, SYM_PIECE_MEM, 0x1f00, 0, 0, 0},
    {"bregx 40 fails", {0x92, 40, 0}, 3, -EIO, 0, 0, 0, 0, 0, 0},
    {"implicit too long", {0x9e, 9, 1}, 3, -EINVAL, 0, 0, 0, 0, 0, 0},
};

START_TEST(test_expr_table)
{
    struct fake_target t;
    memset(&t, 0, sizeof(t));
    for (unsigned i = 0; i < 32; i++)
        t.regs[i] = (uint64_t)i * 0x100;
    t.mem_base = 0x531000;
    uint64_t word = 0x1122334455667788ull;
    memcpy(t.mem + 0x10, &word, 8);
    struct sym_expr_ctx ctx = {.read_reg = fake_reg,
                               .read_mem = fake_mem,
                               .ctx = &t,
                               .frame_base = 0x1000,
                               .cfa = 0x2000,
                               .has_frame_base = 1,
                               .has_cfa = 1,
                               .addr_size = 8};
    struct sym_expr_result res;
    int rc = sym_expr_eval(expr_cases[_i].expr, expr_cases[_i].len, &ctx, &res);
    ck_assert_msg(rc == expr_cases[_i].rc, "%s: rc %d", expr_cases[_i].what, rc);
    if (rc != 0)
        return;
    ck_assert_uint_eq(res.npieces, expr_cases[_i].npieces);
    const struct sym_piece *p = &res.pieces[0];
    ck_assert_int_eq(p->kind, expr_cases[_i].kind0);
    uint64_t val = p->kind == SYM_PIECE_MEM   ? p->addr
                   : p->kind == SYM_PIECE_REG ? p->regno
                                              : p->value;
    if (p->kind != SYM_PIECE_EMPTY && p->kind != SYM_PIECE_IMPLICIT)
        ck_assert_msg(val == expr_cases[_i].val0, "%s: %#llx", expr_cases[_i].what,
                      (unsigned long long)val);
    ck_assert_uint_eq(p->size, expr_cases[_i].size0);
    if (p->kind == SYM_PIECE_IMPLICIT)
        ck_assert_uint_eq(p->bytes[0], 0xaa);
    if (res.npieces > 1) {
        p = &res.pieces[1];
        ck_assert_int_eq(p->kind, expr_cases[_i].kind1);
        val = p->kind == SYM_PIECE_MEM ? p->addr : p->regno;
        ck_assert_uint_eq(val, expr_cases[_i].val1);
    }
}
END_TEST

START_TEST(test_expr_missing_context)
{
    struct sym_expr_ctx ctx = {.addr_size = 8};
    struct sym_expr_result res;
    static const uint8_t fbreg[] = {0x91, 0x10}, cfa[] = {0x9c}, breg[] = {0x70, 0},
                         deref[] = {0x30, 0x06};
    ck_assert_int_eq(sym_expr_eval(fbreg, sizeof(fbreg), &ctx, &res), -ENODATA);
    ck_assert_int_eq(sym_expr_eval(cfa, sizeof(cfa), &ctx, &res), -ENODATA);
    ck_assert_int_eq(sym_expr_eval(breg, sizeof(breg), &ctx, &res), -ENODATA);
    ck_assert_int_eq(sym_expr_eval(deref, sizeof(deref), &ctx, &res), -ENODATA);
    /* Too many pieces; a stack overflow. */
    uint8_t many[3 * (SYM_EXPR_MAX_PIECES + 1)];
    for (size_t i = 0; i < SYM_EXPR_MAX_PIECES + 1; i++) {
        many[3 * i] = 0x50;
        many[3 * i + 1] = 0x93;
        many[3 * i + 2] = 1;
    }
    ck_assert_int_eq(sym_expr_eval(many, sizeof(many), &ctx, &res), -E2BIG);
    uint8_t deep[SYM_EXPR_STACK + 1];
    memset(deep, 0x30, sizeof(deep));
    ck_assert_int_eq(sym_expr_eval(deep, sizeof(deep), &ctx, &res), -EINVAL);
    /* Every byte string of length 1 and 2 is handled without crashing. */
    for (unsigned a = 0; a < 256; a++)
        for (unsigned b = 0; b < 256; b++) {
            uint8_t e[2] = {(uint8_t)a, (uint8_t)b};
            int rc = sym_expr_eval(e, 2, &ctx, &res);
            ck_assert(rc <= 0);
            ck_assert(rc != 0 || res.npieces >= 1);
        }
}
END_TEST

/* ---------------------------------------------------------------- 6. CFI */

/* The frame size from the prologue's "sub $N, %rsp" (48 83 ec ib or 48 81 ec id) in [lo, hi). */
static uint64_t prologue_frame_size(uint64_t lo, uint64_t hi, uint64_t *after)
{
    uint8_t code[64];
    size_t n = hi - lo < sizeof(code) ? (size_t)(hi - lo) : sizeof(code);
    ck_assert_int_eq(sym_image_read(dbg, lo, code, n), 0);
    for (size_t i = 0; i + 7 <= n; i++) {
        if (code[i] == 0x48 && code[i + 1] == 0x83 && code[i + 2] == 0xec) {
            *after = lo + i + 4;
            return code[i + 3];
        }
        if (code[i] == 0x48 && code[i + 1] == 0x81 && code[i + 2] == 0xec) {
            *after = lo + i + 7;
            return (uint64_t)code[i + 3] | (uint64_t)code[i + 4] << 8 |
                   (uint64_t)code[i + 5] << 16 | (uint64_t)code[i + 6] << 24;
        }
    }
    ck_abort_msg("no sub rsp in the prologue at %#llx", (unsigned long long)lo);
    return 0;
}

/* Applying rules: one frame of main.main unwound from fake registers and stack. */
START_TEST(test_cfi_apply)
{
    const struct sym_func *fn;
    struct sym_cfi_row row;
    ck_assert_int_eq(sym_func_by_name(dbg, "main.main", &fn), 0);
    uint64_t body;
    ck_assert_int_eq(sym_func_body_addr(dbg, fn->lowpc, &body), 0);
    ck_assert_int_eq(sym_cfi_at(dbg, body, &row), 0);
    struct fake_target t;
    memset(&t, 0, sizeof(t));
    t.mem_base = 0x10000;
    t.regs[7] = 0x10000 + 0x20; /* rsp */
    struct sym_expr_ctx ctx = {
        .read_reg = fake_reg, .read_mem = fake_mem, .ctx = &t, .addr_size = 8};
    uint64_t cfa, ra, sp;
    ck_assert_int_eq(sym_cfi_cfa(&row, &ctx, &cfa), 0);
    ck_assert_uint_eq(cfa, t.regs[7] + (uint64_t)row.cfa.offset);
    ck_assert_uint_lt(cfa - t.mem_base, sizeof(t.mem));
    uint64_t want = 0x4a1b2c3d4eULL;
    memcpy(t.mem + (cfa - 8 - t.mem_base), &want, 8);
    ck_assert_int_eq(sym_cfi_recover(&row.ra, row.ra_regno, cfa, &ctx, &ra), 0);
    ck_assert_uint_eq(ra, want);
    /* By definition the caller's stack pointer is the CFA: a value-offset 0 rule. */
    struct sym_cfi_rule rule = {.kind = SYM_CFI_VAL_OFFSET, .offset = 0};
    ck_assert_int_eq(sym_cfi_recover(&rule, 7, cfa, &ctx, &sp), 0);
    ck_assert_uint_eq(sp, cfa);
    /* The other rule kinds, by hand. */
    static const uint8_t minus16[] = {0x40, 0x1c}; /* lit16 minus: CFA - 16 */
    static const uint8_t plus8[] = {0x38, 0x22};   /* lit8 plus: CFA + 8 */
    uint64_t v, stored = 0x1122334455667788ULL;
    memcpy(t.mem + (cfa - 16 - t.mem_base), &stored, 8);
    rule = (struct sym_cfi_rule){.kind = SYM_CFI_EXPR, .expr = minus16, .expr_len = 2};
    ck_assert_int_eq(sym_cfi_recover(&rule, 3, cfa, &ctx, &v), 0);
    ck_assert_uint_eq(v, stored);
    rule = (struct sym_cfi_rule){.kind = SYM_CFI_VAL_EXPR, .expr = plus8, .expr_len = 2};
    ck_assert_int_eq(sym_cfi_recover(&rule, 3, cfa, &ctx, &v), 0);
    ck_assert_uint_eq(v, cfa + 8);
    t.regs[5] = 0x5555;
    rule = (struct sym_cfi_rule){.kind = SYM_CFI_REGISTER, .regno = 5};
    ck_assert_int_eq(sym_cfi_recover(&rule, 3, cfa, &ctx, &v), 0);
    ck_assert_uint_eq(v, 0x5555);
    t.regs[3] = 0x3333;
    rule = (struct sym_cfi_rule){.kind = SYM_CFI_SAME};
    ck_assert_int_eq(sym_cfi_recover(&rule, 3, cfa, &ctx, &v), 0);
    ck_assert_uint_eq(v, 0x3333);
    rule = (struct sym_cfi_rule){.kind = SYM_CFI_UNDEFINED};
    ck_assert_int_eq(sym_cfi_recover(&rule, 16, cfa, &ctx, &v), -ENODATA);
    rule = (struct sym_cfi_rule){.kind = SYM_CFI_OFFSET, .offset = 0x100000};
    ck_assert_int_eq(sym_cfi_recover(&rule, 16, cfa, &ctx, &v), -EFAULT);
    /* An expression CFA (DW_OP_breg7 +8) */
    static const uint8_t breg7_8[] = {0x77, 0x08};
    struct sym_cfi_row erow = row;
    erow.cfa = (struct sym_cfi_rule){.kind = SYM_CFI_CFA_EXPR, .expr = breg7_8, .expr_len = 2};
    ck_assert_int_eq(sym_cfi_cfa(&erow, &ctx, &v), 0);
    ck_assert_uint_eq(v, t.regs[7] + 8);
}
END_TEST

static const char *const cfi_funcs[] = {"main.main",    "main.(*T).M",     "main.shadow",
                                        "main.recurse", "main.main.func1", "fmt.Println"};

START_TEST(test_cfi_x86_64)
{
    const struct sym_func *fn;
    struct sym_cfi_row row;
    ck_assert_int_eq(sym_func_by_name(dbg, cfi_funcs[_i], &fn), 0);
    /* At the entry: CFA = RSP + 8, return address at CFA - 8 (DWARF 7 = rsp, 16 = rip). */
    ck_assert_int_eq(sym_cfi_at(dbg, fn->lowpc, &row), 0);
    ck_assert_uint_eq(row.fde_lo, fn->lowpc);
    ck_assert_uint_eq(row.fde_hi, fn->highpc);
    ck_assert_int_eq(row.cfa.kind, SYM_CFI_CFA_REG);
    ck_assert_uint_eq(row.cfa.regno, 7);
    ck_assert_int_eq(row.cfa.offset, 8);
    ck_assert_uint_eq(row.ra_regno, 16);
    ck_assert_int_eq(row.ra.kind, SYM_CFI_OFFSET);
    ck_assert_int_eq(row.ra.offset, -8);
    ck_assert(row.lo <= fn->lowpc && fn->lowpc < row.hi);
    /* After "sub $N, %rsp": CFA = RSP + N + 8. */
    uint64_t after, size = prologue_frame_size(fn->lowpc, fn->highpc, &after);
    ck_assert_int_eq(sym_cfi_at(dbg, after, &row), 0);
    ck_assert_uint_eq(row.cfa.regno, 7);
    ck_assert_int_eq(row.cfa.offset, (int64_t)size + 8);
    ck_assert_int_eq(row.ra.kind, SYM_CFI_OFFSET);
    ck_assert_int_eq(row.ra.offset, -8);
    ck_assert(row.lo <= after && after < row.hi);
    /* A register Go's CFI never mentions keeps its value. */
    struct sym_cfi_rule rule;
    ck_assert_int_eq(sym_cfi_reg_rule(dbg, after, 3, &rule), 0);
    ck_assert_int_eq(rule.kind, SYM_CFI_SAME);
    ck_assert_int_eq(sym_cfi_reg_rule(dbg, after, 16, &rule), 0);
    ck_assert_int_eq(rule.kind, SYM_CFI_OFFSET);
}
END_TEST

START_TEST(test_cfi_every_function)
{
    size_t n, with = 0;
    ck_assert_int_eq(sym_func_count(dbg, &n), 0);
    for (size_t i = 0; i < n; i++) {
        const struct sym_func *fn;
        struct sym_cfi_row row;
        ck_assert_int_eq(sym_func_at(dbg, i, &fn), 0);
        if (sym_cfi_at(dbg, fn->lowpc, &row) != 0)
            continue;
        with++;
        ck_assert_msg(row.cfa.regno == 7 && row.cfa.offset == 8, "%s", fn->name);
        ck_assert_msg(row.ra.kind == SYM_CFI_OFFSET && row.ra.offset == -8, "%s", fn->name);
    }
    ck_assert_uint_ge(with * 10, n * 9); /* nearly every function has an FDE */
    /* Answers come from a per-pc cache the second time (more functions than slots, so slots are
     * shared): they must not change, at the entry nor past the frame set-up. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i += 3) {
            const struct sym_func *fn;
            struct sym_cfi_row a, b;
            ck_assert_int_eq(sym_func_at(dbg, i, &fn), 0);
            uint64_t pc = fn->lowpc + (fn->highpc - fn->lowpc) / 2;
            int ra = sym_cfi_at(dbg, pc, &a);
            int rb = sym_cfi_at(dbg, pc, &b);
            ck_assert_int_eq(ra, rb);
            if (ra == 0) {
                ck_assert_int_eq(a.cfa.offset, b.cfa.offset);
                ck_assert_uint_eq(a.lo, b.lo);
                ck_assert_uint_eq(a.hi, b.hi);
                ck_assert(a.lo <= pc && pc < a.hi);
                ck_assert_uint_eq(a.fde_lo, fn->lowpc);
            }
        }
    struct sym_cfi_rule rule;
    const struct sym_func *mainfn;
    ck_assert_int_eq(sym_func_by_name(dbg, "main.main", &mainfn), 0);
    ck_assert_int_eq(sym_cfi_reg_rule(dbg, mainfn->lowpc, SYM_CFI_MAX_REGNO + 1, &rule), -EINVAL);
    struct sym_cfi_row row;
    ck_assert_int_eq(sym_cfi_at(dbg, 0x10, &row), -ENOENT);
}
END_TEST

START_TEST(test_cfi_arm64)
{
    char path[4200];
    snprintf(path, sizeof(path), "%.4000s-arm64", dbg_path);
    struct sym_image *img;
    ck_assert_int_eq(sym_image_open(path, &img), 0);
    ck_assert_uint_eq(sym_image_elf_machine(img), EM_AARCH64);
    const struct sym_func *fn;
    struct sym_cfi_row row;
    struct sym_line l;
    ck_assert_int_eq(sym_func_by_name(img, "main.main", &fn), 0);
    ck_assert_int_eq(sym_line_for_addr(img, fn->lowpc, &l), 0);
    ck_assert(ends_with(l.file, "symtest/main.go"));
    ck_assert_int_eq(sym_cfi_at(img, fn->lowpc, &row), 0);
    /* arm64: CFA = SP (31) + 0 at entry, return address in LR (30). */
    ck_assert_uint_eq(row.cfa.regno, 31);
    ck_assert_int_eq(row.cfa.offset, 0);
    ck_assert_uint_eq(row.ra_regno, 30);
    ck_assert_int_eq(row.ra.kind, SYM_CFI_SAME);
    struct fake_target t;
    memset(&t, 0, sizeof(t));
    t.regs[30] = 0x401234;
    t.regs[31] = 0xc000;
    struct sym_expr_ctx ctx = {.read_reg = fake_reg, .ctx = &t, .addr_size = 8};
    uint64_t cfa, ra;
    ck_assert_int_eq(sym_cfi_cfa(&row, &ctx, &cfa), 0);
    ck_assert_uint_eq(cfa, 0xc000);
    ck_assert_int_eq(sym_cfi_recover(&row.ra, row.ra_regno, cfa, &ctx, &ra), 0);
    ck_assert_uint_eq(ra, 0x401234);
    uint64_t off;
    ck_assert_int_eq(sym_field_offset(img, "runtime.g", "sched.pc", &off, NULL), 0);
    sym_image_free(img);
}
END_TEST

/* ---------------------------------------------------------------- main */

static Suite *sym_suite(void)
{
    Suite *s = suite_create("sym");
    TCase *tc = tcase_create("image");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_image_basics);
    tcase_add_test(tc, test_image_symbols);
    tcase_add_test(tc, test_image_read);
    tcase_add_test(tc, test_image_big_timing);
    tcase_add_test(tc, test_image_hostile);
    tcase_add_test(tc, test_image_hostile_dwarf);
    tcase_add_test(tc, test_image_zdebug);
    tcase_add_test(tc, test_image_lying_chdr);
    tcase_add_test(tc, test_image_cgo);
    suite_add_tcase(s, tc);
    tc = tcase_create("line");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_line_for_addr);
    tcase_add_loop_test(tc, test_line_addrs_roundtrip, 0,
                        (int)(sizeof(line_marks) / sizeof(line_marks[0])));
    tcase_add_test(tc, test_line_addrs_errors);
    tcase_add_test(tc, test_line_func_body);
    tcase_add_test(tc, test_line_files);
    tcase_add_test(tc, test_line_trimpath);
    tcase_add_loop_test(tc, test_line_vs_dlv, 0, 2);
    suite_add_tcase(s, tc);
    tc = tcase_create("func");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, test_func_by_name, 0,
                        (int)(sizeof(func_names) / sizeof(func_names[0])));
    tcase_add_test(tc, test_func_misc);
    tcase_add_loop_test(tc, test_func_trampoline, 0, 2);
    tcase_add_test(tc, test_func_inline);
    tcase_add_test(tc, test_func_inline_ranges);
    suite_add_tcase(s, tc);
    tc = tcase_create("type");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, test_type_by_name, 0,
                        (int)(sizeof(type_cases) / sizeof(type_cases[0])));
    tcase_add_test(tc, test_type_struct);
    tcase_add_test(tc, test_type_runtime_type);
    tcase_add_test(tc, test_type_wait_reason_strings);
    tcase_add_loop_test(tc, test_type_consts, 0,
                        (int)(sizeof(const_cases) / sizeof(const_cases[0])));
    tcase_add_test(tc, test_type_globals);
    suite_add_tcase(s, tc);
    tc = tcase_create("var");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_var_shadow);
    tcase_add_test(tc, test_var_abstract_origin);
    tcase_add_loop_test(tc, test_var_every_location, 0, 2);
    tcase_add_loop_test(tc, test_expr_table, 0, (int)(sizeof(expr_cases) / sizeof(expr_cases[0])));
    tcase_add_test(tc, test_expr_missing_context);
    suite_add_tcase(s, tc);
    tc = tcase_create("cfi");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_cfi_x86_64, 0, (int)(sizeof(cfi_funcs) / sizeof(cfi_funcs[0])));
    tcase_add_test(tc, test_cfi_every_function);
    tcase_add_test(tc, test_cfi_apply);
    tcase_add_test(tc, test_cfi_arm64);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    const char *src = getenv("top_srcdir"), *build = getenv("top_builddir");
    if (src == NULL)
        src = "..";
    if (build == NULL)
        build = ".";
    char cmd[9000];
    char outdir[2048];
    snprintf(outdir, sizeof(outdir), "%s/tests/targets/symtest", build);
    snprintf(cmd, sizeof(cmd), "sh '%s/tests/targets/symtest/build.sh' '%s' >&2", src, outdir);
    int st = system(cmd);
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "test_sym: building the Go targets failed (%s)\n", cmd);
        return WIFEXITED(st) && WEXITSTATUS(st) == 77 ? 77 : 1;
    }
    snprintf(dbg_path, sizeof(dbg_path), "%s/symtest", outdir);
    snprintf(opt_path, sizeof(opt_path), "%s/symtest-opt", outdir);
    snprintf(big_path, sizeof(big_path), "%s/symbig", outdir);
    snprintf(src_path, sizeof(src_path), "%s/tests/targets/symtest/main.go", src);
    /* Per process: two runs at once (several build trees share the targets) must not truncate
     * each other's files while mapped. */
    snprintf(tmp_dir, sizeof(tmp_dir), "%s/hostile-%ld", outdir, (long)getpid());
    mkdir(tmp_dir, 0755);
    if (sym_image_open(dbg_path, &dbg) != 0 || sym_image_open(opt_path, &opt) != 0) {
        fprintf(stderr, "test_sym: cannot open %s or %s\n", dbg_path, opt_path);
        return 1;
    }
    SRunner *sr = srunner_create(sym_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    sym_image_free(dbg);
    sym_image_free(opt);
    rmdir(tmp_dir);
    return failed == 0 ? 0 : 1;
}
