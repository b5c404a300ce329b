/*
 * tests/unit/test_arch.c - arch/: register tables ('g' layout, numbering, DWARF lookups, regset
 * offsets checked against the C library's own structures on a matching host), the target.xml
 * documents (parsed by a small XML checker: well-formed, every register present in table order with
 * its regnum and bitsize, the feature names gdb needs), trap facts, and the x86 debug-register
 * helpers.
 */
#include <check.h>
#include <elf.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/arch.h"

#if defined(__x86_64__)
#include <sys/user.h>
#endif

static const struct arch_desc *const all_arches[] = {&arch_x86_64, &arch_x86_64_avx, &arch_aarch64};
#define N_ARCHES (int)(sizeof all_arches / sizeof all_arches[0])

/* ------------------------------------------------------------------ 'g' layout */

START_TEST(test_g_layout_contiguous)
{
    const struct arch_desc *a = all_arches[_i];
    unsigned off = 0;
    for (unsigned i = 0; i < a->nregs; i++) {
        const struct arch_reg *r = &a->regs[i];
        ck_assert_msg(r->g_off == off, "%s: %s g_off %u, expected %u", a->name, r->name, r->g_off,
                      off);
        ck_assert_uint_eq(r->size_bits % 8, 0);
        ck_assert_uint_le(r->regset_len, r->size_bits / 8);
        ck_assert_msg(r->regset == ARCH_REGSET_NONE || r->regset_len > 0, "%s", r->name);
        ck_assert_ptr_nonnull(r->set);
        off += r->size_bits / 8;
    }
    ck_assert_uint_eq(off, a->g_len);
    ck_assert_int_eq(arch_regno_by_name(a, a->regs[a->pc_regno].name), a->pc_regno);
}
END_TEST

START_TEST(test_g_len)
{
    ck_assert_uint_eq(arch_x86_64.g_len, 560);
    ck_assert_uint_eq(arch_x86_64.nregs, 60);
    ck_assert_uint_eq(arch_x86_64_avx.g_len, 816);
    ck_assert_uint_eq(arch_x86_64_avx.nregs, 76);
    ck_assert_uint_eq(arch_aarch64.g_len, 788);
    ck_assert_uint_eq(arch_aarch64.nregs, 68);
}
END_TEST

/* ------------------------------------------------------------------ numbering */

struct reg_expect {
    const struct arch_desc *arch;
    const char *name;
    int regno;
    unsigned bits;
    int dwarf;
    unsigned g_off;
};

static const struct reg_expect reg_expects[] = {
    {&arch_x86_64, "rax", 0, 64, 0, 0},
    {&arch_x86_64, "rbx", 1, 64, 3, 8},
    {&arch_x86_64, "rcx", 2, 64, 2, 16},
    {&arch_x86_64, "rdx", 3, 64, 1, 24},
    {&arch_x86_64, "rsi", 4, 64, 4, 32},
    {&arch_x86_64, "rdi", 5, 64, 5, 40},
    {&arch_x86_64, "rbp", 6, 64, 6, 48},
    {&arch_x86_64, "rsp", 7, 64, 7, 56},
    {&arch_x86_64, "r8", 8, 64, 8, 64},
    {&arch_x86_64, "r15", 15, 64, 15, 120},
    {&arch_x86_64, "rip", 16, 64, 16, 128},
    {&arch_x86_64, "eflags", 17, 32, 49, 136},
    {&arch_x86_64, "cs", 18, 32, 51, 140},
    {&arch_x86_64, "ss", 19, 32, 52, 144},
    {&arch_x86_64, "ds", 20, 32, 53, 148},
    {&arch_x86_64, "es", 21, 32, 50, 152},
    {&arch_x86_64, "fs", 22, 32, 54, 156},
    {&arch_x86_64, "gs", 23, 32, 55, 160},
    {&arch_x86_64, "st0", 24, 80, 33, 164},
    {&arch_x86_64, "st7", 31, 80, 40, 234},
    {&arch_x86_64, "fctrl", 32, 32, 65, 244},
    {&arch_x86_64, "fstat", 33, 32, 66, 248},
    {&arch_x86_64, "ftag", 34, 32, -1, 252},
    {&arch_x86_64, "fop", 39, 32, -1, 272},
    {&arch_x86_64, "xmm0", 40, 128, 17, 276},
    {&arch_x86_64, "xmm15", 55, 128, 32, 516},
    {&arch_x86_64, "mxcsr", 56, 32, 64, 532},
    {&arch_x86_64, "orig_rax", 57, 64, -1, 536},
    {&arch_x86_64, "fs_base", 58, 64, 58, 544},
    {&arch_x86_64, "gs_base", 59, 64, 59, 552},
    {&arch_x86_64, "ymm0h", -1, 0, 0, 0}, /* not in the plain variant */
    {&arch_x86_64_avx, "fs_base", 58, 64, 58, 544},
    {&arch_x86_64_avx, "ymm0h", 60, 128, -1, 560},
    {&arch_x86_64_avx, "ymm15h", 75, 128, -1, 800},
    {&arch_aarch64, "x0", 0, 64, 0, 0},
    {&arch_aarch64, "x30", 30, 64, 30, 240},
    {&arch_aarch64, "sp", 31, 64, 31, 248},
    {&arch_aarch64, "pc", 32, 64, 32, 256},
    {&arch_aarch64, "cpsr", 33, 32, -1, 264},
    {&arch_aarch64, "v0", 34, 128, 64, 268},
    {&arch_aarch64, "v31", 65, 128, 95, 764},
    {&arch_aarch64, "fpsr", 66, 32, -1, 780},
    {&arch_aarch64, "fpcr", 67, 32, -1, 784},
    {&arch_aarch64, "rip", -1, 0, 0, 0},
};

START_TEST(test_reg_numbering)
{
    const struct reg_expect *e = &reg_expects[_i];
    int regno = arch_regno_by_name(e->arch, e->name);
    ck_assert_msg(regno == e->regno, "%s %s: regno %d, expected %d", e->arch->name, e->name, regno,
                  e->regno);
    if (regno < 0)
        return;
    const struct arch_reg *r = &e->arch->regs[regno];
    ck_assert_uint_eq(r->size_bits, e->bits);
    ck_assert_int_eq(r->dwarf_regno, e->dwarf);
    ck_assert_uint_eq(r->g_off, e->g_off);
    if (e->dwarf >= 0)
        ck_assert_int_eq(arch_regno_by_dwarf(e->arch, e->dwarf), regno);
}
END_TEST

struct dwarf_expect {
    const struct arch_desc *arch;
    int dwarf;
    const char *name; /* NULL: no register */
};

static const struct dwarf_expect dwarf_expects[] = {
    {&arch_x86_64, 0, "rax"},      {&arch_x86_64, 1, "rdx"},    {&arch_x86_64, 2, "rcx"},
    {&arch_x86_64, 3, "rbx"},      {&arch_x86_64, 4, "rsi"},    {&arch_x86_64, 5, "rdi"},
    {&arch_x86_64, 6, "rbp"},      {&arch_x86_64, 7, "rsp"},    {&arch_x86_64, 14, "r14"},
    {&arch_x86_64, 16, "rip"},     {&arch_x86_64, 17, "xmm0"},  {&arch_x86_64, 32, "xmm15"},
    {&arch_x86_64, 33, "st0"},     {&arch_x86_64, 40, "st7"},   {&arch_x86_64, 49, "eflags"},
    {&arch_x86_64, 50, "es"},      {&arch_x86_64, 55, "gs"},    {&arch_x86_64, 58, "fs_base"},
    {&arch_x86_64, 59, "gs_base"}, {&arch_x86_64, 64, "mxcsr"}, {&arch_x86_64, 65, "fctrl"},
    {&arch_x86_64, 66, "fstat"},   {&arch_x86_64, 41, NULL},    {&arch_x86_64, -1, NULL},
    {&arch_x86_64, 1000, NULL},    {&arch_aarch64, 0, "x0"},    {&arch_aarch64, 29, "x29"},
    {&arch_aarch64, 31, "sp"},     {&arch_aarch64, 64, "v0"},   {&arch_aarch64, 95, "v31"},
    {&arch_aarch64, 96, NULL},     {&arch_aarch64, 33, NULL},
};

START_TEST(test_dwarf_lookup)
{
    const struct dwarf_expect *e = &dwarf_expects[_i];
    int regno = arch_regno_by_dwarf(e->arch, e->dwarf);
    if (e->name == NULL) {
        ck_assert_int_eq(regno, -1);
    } else {
        ck_assert_int_ge(regno, 0);
        ck_assert_str_eq(e->arch->regs[regno].name, e->name);
    }
}
END_TEST

START_TEST(test_dwarf_unique)
{
    const struct arch_desc *a = all_arches[_i];
    for (unsigned i = 0; i < a->nregs; i++)
        for (unsigned j = i + 1; j < a->nregs; j++) {
            ck_assert_str_ne(a->regs[i].name, a->regs[j].name);
            if (a->regs[i].dwarf_regno >= 0)
                ck_assert_int_ne(a->regs[i].dwarf_regno, a->regs[j].dwarf_regno);
        }
}
END_TEST

START_TEST(test_lldb_generics)
{
    static const struct {
        const struct arch_desc *arch;
        const char *generic, *name;
    } g[] = {
        {&arch_x86_64, "pc", "rip"},   {&arch_x86_64, "sp", "rsp"},
        {&arch_x86_64, "fp", "rbp"},   {&arch_x86_64, "flags", "eflags"},
        {&arch_x86_64, "arg1", "rdi"}, {&arch_x86_64, "arg2", "rsi"},
        {&arch_x86_64, "arg3", "rdx"}, {&arch_x86_64, "arg4", "rcx"},
        {&arch_x86_64, "arg5", "r8"},  {&arch_x86_64, "arg6", "r9"},
        {&arch_aarch64, "pc", "pc"},   {&arch_aarch64, "sp", "sp"},
        {&arch_aarch64, "fp", "x29"},  {&arch_aarch64, "ra", "x30"},
        {&arch_aarch64, "arg1", "x0"},
    };
    for (size_t k = 0; k < sizeof g / sizeof g[0]; k++) {
        int found = -1;
        for (unsigned i = 0; i < g[k].arch->nregs; i++)
            if (g[k].arch->regs[i].generic &&
                strcmp(g[k].arch->regs[i].generic, g[k].generic) == 0) {
                ck_assert_int_eq(found, -1); /* each generic names one register */
                found = (int)i;
            }
        ck_assert_int_ge(found, 0);
        ck_assert_str_eq(g[k].arch->regs[found].name, g[k].name);
    }
    ck_assert_int_eq(arch_x86_64.pc_regno, 16);
    ck_assert_int_eq(arch_x86_64.sp_regno, 7);
    ck_assert_int_eq(arch_x86_64.fp_regno, 6);
}
END_TEST

/* ------------------------------------------------------------------ where Linux keeps registers */

#if defined(__x86_64__)
#define UOFF(f) offsetof(struct user_regs_struct, f)
#define FXOFF(f) offsetof(struct user_fpregs_struct, f)
START_TEST(test_x86_regset_offsets)
{
    static const struct {
        const char *name;
        enum arch_regset set;
        size_t off, len;
    } e[] = {
        {"rax", ARCH_REGSET_GPR, UOFF(rax), 8},
        {"rbx", ARCH_REGSET_GPR, UOFF(rbx), 8},
        {"rcx", ARCH_REGSET_GPR, UOFF(rcx), 8},
        {"rdx", ARCH_REGSET_GPR, UOFF(rdx), 8},
        {"rsi", ARCH_REGSET_GPR, UOFF(rsi), 8},
        {"rdi", ARCH_REGSET_GPR, UOFF(rdi), 8},
        {"rbp", ARCH_REGSET_GPR, UOFF(rbp), 8},
        {"rsp", ARCH_REGSET_GPR, UOFF(rsp), 8},
        {"r8", ARCH_REGSET_GPR, UOFF(r8), 8},
        {"r9", ARCH_REGSET_GPR, UOFF(r9), 8},
        {"r10", ARCH_REGSET_GPR, UOFF(r10), 8},
        {"r11", ARCH_REGSET_GPR, UOFF(r11), 8},
        {"r12", ARCH_REGSET_GPR, UOFF(r12), 8},
        {"r13", ARCH_REGSET_GPR, UOFF(r13), 8},
        {"r14", ARCH_REGSET_GPR, UOFF(r14), 8},
        {"r15", ARCH_REGSET_GPR, UOFF(r15), 8},
        {"rip", ARCH_REGSET_GPR, UOFF(rip), 8},
        {"eflags", ARCH_REGSET_GPR, UOFF(eflags), 4},
        {"cs", ARCH_REGSET_GPR, UOFF(cs), 4},
        {"ss", ARCH_REGSET_GPR, UOFF(ss), 4},
        {"ds", ARCH_REGSET_GPR, UOFF(ds), 4},
        {"es", ARCH_REGSET_GPR, UOFF(es), 4},
        {"fs", ARCH_REGSET_GPR, UOFF(fs), 4},
        {"gs", ARCH_REGSET_GPR, UOFF(gs), 4},
        {"orig_rax", ARCH_REGSET_GPR, UOFF(orig_rax), 8},
        {"fs_base", ARCH_REGSET_GPR, UOFF(fs_base), 8},
        {"gs_base", ARCH_REGSET_GPR, UOFF(gs_base), 8},
        {"fctrl", ARCH_REGSET_FPR, FXOFF(cwd), 2},
        {"fstat", ARCH_REGSET_FPR, FXOFF(swd), 2},
        {"ftag", ARCH_REGSET_FTAG, FXOFF(ftw), 1},
        {"fop", ARCH_REGSET_FPR, FXOFF(fop), 2},
        {"fioff", ARCH_REGSET_FPR, FXOFF(rip), 4},
        {"fiseg", ARCH_REGSET_FPR, FXOFF(rip) + 4, 2},
        {"fooff", ARCH_REGSET_FPR, FXOFF(rdp), 4},
        {"foseg", ARCH_REGSET_FPR, FXOFF(rdp) + 4, 2},
        {"mxcsr", ARCH_REGSET_FPR, FXOFF(mxcsr), 4},
        {"st0", ARCH_REGSET_FPR, FXOFF(st_space), 10},
        {"st3", ARCH_REGSET_FPR, FXOFF(st_space) + 48, 10},
        {"xmm0", ARCH_REGSET_FPR, FXOFF(xmm_space), 16},
        {"xmm9", ARCH_REGSET_FPR, FXOFF(xmm_space) + 144, 16},
        {"ymm0h", ARCH_REGSET_XSTATE, 576, 16},
        {"ymm15h", ARCH_REGSET_XSTATE, 576 + 240, 16},
    };
    for (size_t k = 0; k < sizeof e / sizeof e[0]; k++) {
        int regno = arch_regno_by_name(&arch_x86_64_avx, e[k].name);
        ck_assert_msg(regno >= 0, "%s", e[k].name);
        const struct arch_reg *r = &arch_x86_64_avx.regs[regno];
        ck_assert_msg(r->regset == e[k].set && r->regset_off == e[k].off &&
                          r->regset_len == e[k].len,
                      "%s: set %d off %u len %u, expected %d %zu %zu", r->name, r->regset,
                      r->regset_off, r->regset_len, e[k].set, e[k].off, e[k].len);
    }
    ck_assert_uint_eq(sizeof(struct user_regs_struct), 216);
    ck_assert_uint_eq(sizeof(struct user_fpregs_struct), 512);
}
END_TEST
#endif

START_TEST(test_aarch64_regset_offsets)
{
    /* struct user_pt_regs { u64 regs[31], sp, pc, pstate; } and user_fpsimd_state
     * { __uint128_t vregs[32]; u32 fpsr, fpcr; } (arch/arm64/include/uapi/asm/ptrace.h). */
    static const struct {
        const char *name;
        enum arch_regset set;
        unsigned off, len;
    } e[] = {
        {"x0", ARCH_REGSET_GPR, 0, 8},     {"x30", ARCH_REGSET_GPR, 240, 8},
        {"sp", ARCH_REGSET_GPR, 248, 8},   {"pc", ARCH_REGSET_GPR, 256, 8},
        {"cpsr", ARCH_REGSET_GPR, 264, 4}, {"v0", ARCH_REGSET_FPR, 0, 16},
        {"v31", ARCH_REGSET_FPR, 496, 16}, {"fpsr", ARCH_REGSET_FPR, 512, 4},
        {"fpcr", ARCH_REGSET_FPR, 516, 4},
    };
    for (size_t k = 0; k < sizeof e / sizeof e[0]; k++) {
        int regno = arch_regno_by_name(&arch_aarch64, e[k].name);
        ck_assert_int_ge(regno, 0);
        const struct arch_reg *r = &arch_aarch64.regs[regno];
        ck_assert_int_eq(r->regset, e[k].set);
        ck_assert_uint_eq(r->regset_off, e[k].off);
        ck_assert_uint_eq(r->regset_len, e[k].len);
    }
}
END_TEST

/* ------------------------------------------------------------------ target.xml */

/* What the small checker collects from a document. */
#define MAX_XML_REGS 128
#define MAX_XML_FEATURES 16
struct xml_info {
    unsigned nregs;
    char reg_name[MAX_XML_REGS][16];
    long reg_bits[MAX_XML_REGS], reg_num[MAX_XML_REGS];
    unsigned nfeatures;
    char feature[MAX_XML_FEATURES][40];
    char architecture[32];
    bool has_include;
};

/* Copies attribute attr of the tag text [p, end) into out; false when absent. */
static bool xml_attr(const char *p, const char *end, const char *attr, char *out, size_t out_len)
{
    size_t alen = strlen(attr);
    for (const char *q = p; q + alen + 2 < end; q++) {
        if ((q[-1] == ' ' || q[-1] == '\n') && strncmp(q, attr, alen) == 0 && q[alen] == '=' &&
            q[alen + 1] == '"') {
            const char *v = q + alen + 2;
            const char *ve = memchr(v, '"', (size_t)(end - v));
            if (ve == NULL || (size_t)(ve - v) >= out_len)
                return false;
            memcpy(out, v, (size_t)(ve - v));
            out[ve - v] = '\0';
            return true;
        }
    }
    return false;
}

/* A deliberately small XML checker: tags balance, attributes quoted, text has no stray '<' or '&'.
 * Returns NULL when well-formed, else a description of the first problem. */
static const char *xml_check(const char *doc, struct xml_info *info)
{
    char stack[32][32];
    int depth = 0, roots = 0;
    const char *p = doc;

    memset(info, 0, sizeof *info);
    while (*p) {
        if (*p != '<') {
            if (*p == '&' || *p == '>')
                return "stray & or > in text";
            p++;
            continue;
        }
        const char *end = strchr(p, '>');
        if (end == NULL)
            return "unterminated tag";
        if (memchr(p + 1, '<', (size_t)(end - p - 1)))
            return "'<' inside a tag";
        if (p[1] == '?' || p[1] == '!') {
            if (p[1] == '?' && end[-1] != '?')
                return "bad processing instruction";
            p = end + 1;
            continue;
        }
        /* quotes balance inside the tag */
        unsigned quotes = 0;
        for (const char *q = p; q < end; q++)
            quotes += *q == '"';
        if (quotes % 2)
            return "unbalanced quotes";
        bool closing = p[1] == '/', empty = end[-1] == '/';
        const char *n = p + 1 + closing;
        size_t nlen = strcspn(n, " \n\t/>");
        if (nlen == 0 || nlen >= sizeof stack[0])
            return "bad tag name";
        char name[32];
        memcpy(name, n, nlen);
        name[nlen] = '\0';
        if (closing) {
            if (depth == 0 || strcmp(stack[depth - 1], name) != 0)
                return "mismatched closing tag";
            depth--;
        } else {
            if (depth == 0 && ++roots > 1)
                return "more than one root element";
            if (strcmp(name, "reg") == 0) {
                char v[32];
                unsigned i = info->nregs;
                if (i >= MAX_XML_REGS)
                    return "too many registers";
                if (!xml_attr(p, end, "name", info->reg_name[i], sizeof info->reg_name[i]))
                    return "reg without name";
                if (!xml_attr(p, end, "bitsize", v, sizeof v))
                    return "reg without bitsize";
                info->reg_bits[i] = strtol(v, NULL, 10);
                info->reg_num[i] =
                    xml_attr(p, end, "regnum", v, sizeof v) ? strtol(v, NULL, 10) : -1;
                info->nregs++;
            } else if (strcmp(name, "feature") == 0 && info->nfeatures < MAX_XML_FEATURES) {
                if (!xml_attr(p, end, "name", info->feature[info->nfeatures],
                              sizeof info->feature[0]))
                    return "feature without name";
                info->nfeatures++;
            } else if (strcmp(name, "xi:include") == 0) {
                info->has_include = true;
            } else if (strcmp(name, "architecture") == 0) {
                const char *t = end + 1, *te = strchr(t, '<');
                if (te == NULL || (size_t)(te - t) >= sizeof info->architecture)
                    return "bad architecture";
                memcpy(info->architecture, t, (size_t)(te - t));
                info->architecture[te - t] = '\0';
            }
            if (!empty) {
                if (depth >= 32)
                    return "too deep";
                strcpy(stack[depth++], name);
            }
        }
        p = end + 1;
    }
    if (depth != 0)
        return "unclosed element";
    if (roots != 1)
        return "no root element";
    return NULL;
}

START_TEST(test_xml_checker_rejects)
{
    static const char *const bad[] = {
        "<target><feature></target>",
        "<target><reg name=\"a\" bitsize=\"8\"/>",
        "<target><reg name=\"a bitsize=\"8\"/></target>",
        "<target></target><target></target>",
        "<target>a & b</target>",
        "<target><reg bitsize=\"8\"/></target>",
    };
    struct xml_info info;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(xml_check(bad[i], &info) != NULL, "accepted: %s", bad[i]);
    ck_assert_ptr_null(xml_check("<?xml version=\"1.0\"?>\n<target><reg name=\"a\" bitsize=\"8\" "
                                 "regnum=\"3\"/></target>",
                                 &info));
    ck_assert_uint_eq(info.nregs, 1);
    ck_assert_int_eq(info.reg_num[0], 3);
}
END_TEST

START_TEST(test_target_xml)
{
    const struct arch_desc *a = all_arches[_i];
    static struct xml_info info;
    const char *err = xml_check(a->target_xml, &info);
    ck_assert_msg(err == NULL, "%s: %s", a->name, err);
    ck_assert(!info.has_include);
    ck_assert_str_eq(info.architecture, a->gdb_arch);
    ck_assert_uint_eq(info.nregs, a->nregs);
    for (unsigned i = 0; i < a->nregs; i++) {
        ck_assert_str_eq(info.reg_name[i], a->regs[i].name);
        ck_assert_int_eq(info.reg_bits[i], a->regs[i].size_bits);
        ck_assert_int_eq(info.reg_num[i], i);
    }
    ck_assert(strstr(a->target_xml, "<osabi>GNU/Linux</osabi>") != NULL);
}
END_TEST

START_TEST(test_target_xml_features)
{
    static const char *const x86[] = {"org.gnu.gdb.i386.core", "org.gnu.gdb.i386.sse",
                                      "org.gnu.gdb.i386.linux", "org.gnu.gdb.i386.segments",
                                      "org.gnu.gdb.i386.avx"};
    static const char *const a64[] = {"org.gnu.gdb.aarch64.core", "org.gnu.gdb.aarch64.fpu"};
    static struct xml_info info;

    ck_assert_ptr_null(xml_check(arch_x86_64.target_xml, &info));
    ck_assert_uint_eq(info.nfeatures, 4);
    for (unsigned i = 0; i < 4; i++)
        ck_assert_str_eq(info.feature[i], x86[i]);
    ck_assert_ptr_null(xml_check(arch_x86_64_avx.target_xml, &info));
    ck_assert_uint_eq(info.nfeatures, 5);
    for (unsigned i = 0; i < 5; i++)
        ck_assert_str_eq(info.feature[i], x86[i]);
    ck_assert_ptr_null(xml_check(arch_aarch64.target_xml, &info));
    ck_assert_uint_eq(info.nfeatures, 2);
    for (unsigned i = 0; i < 2; i++)
        ck_assert_str_eq(info.feature[i], a64[i]);
    /* The types gdb's own 64bit-core.xml / 64bit-sse.xml define, used by the registers. */
    static const char *const types[] = {"<flags id=\"i386_eflags\"", "<flags id=\"i386_mxcsr\"",
                                        "<union id=\"vec128\"",      "type=\"i387_ext\"",
                                        "type=\"code_ptr\"",         "type=\"data_ptr\""};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        ck_assert_msg(strstr(arch_x86_64.target_xml, types[i]) != NULL, "%s", types[i]);
}
END_TEST

/* Real gdb loads each document (`set tdesc filename`) and its `maint print remote-registers` must
 * show every register with our number, size and 'g' offset, and no warning. gdb 13 on Debian knows
 * x86-64 only; gdb-multiarch reads the aarch64 document. Without them the test says so and passes.
 */
START_TEST(test_target_xml_in_gdb)
{
    const struct arch_desc *a = all_arches[_i];
    const char *gdb = a == &arch_aarch64 ? "gdb-multiarch" : "gdb";
    char path[] = "/tmp/test_arch_xml_XXXXXX";
    char cmd[512], line[512];

    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", gdb);
    if (system(cmd) != 0) {
        printf("test_target_xml_in_gdb: %s not installed, not checked\n", gdb);
        return;
    }
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    size_t len = strlen(a->target_xml);
    ck_assert_int_eq(write(fd, a->target_xml, len), (ssize_t)len);
    close(fd);
    snprintf(cmd, sizeof cmd,
             "%s -nx -batch -ex 'set tdesc filename %s' -ex 'maint print remote-registers' 2>&1",
             gdb, path);
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    unsigned matched = 0;
    while (fgets(line, sizeof line, f)) {
        ck_assert_msg(strstr(line, "warning") == NULL && strstr(line, "rror") == NULL, "gdb: %s",
                      line);
        char name[64], type[64];
        unsigned nr, rel, off, size, rmt, goff;
        if (sscanf(line, " %63s %u %u %u %u %63s %u %u", name, &nr, &rel, &off, &size, type, &rmt,
                   &goff) != 8)
            continue;
        int regno = arch_regno_by_name(a, name);
        if (regno < 0)
            continue; /* gdb's pseudo registers (eax, ymm0, w0...) have no remote number */
        const struct arch_reg *r = &a->regs[regno];
        ck_assert_msg(rmt == (unsigned)regno && goff == r->g_off && size == r->size_bits / 8,
                      "%s: gdb says remote %u offset %u size %u", name, rmt, goff, size);
        matched++;
    }
    pclose(f);
    unlink(path);
    ck_assert_uint_eq(matched, a->nregs);
}
END_TEST

/* ------------------------------------------------------------------ lookups and trap facts */

START_TEST(test_lookups)
{
    ck_assert_ptr_eq(arch_by_elf_machine(EM_X86_64, 0), &arch_x86_64);
    ck_assert_ptr_eq(arch_by_elf_machine(EM_X86_64, 0x3), &arch_x86_64);
    ck_assert_ptr_eq(arch_by_elf_machine(EM_X86_64, 0x7), &arch_x86_64_avx);
    ck_assert_ptr_eq(arch_by_elf_machine(EM_X86_64, 0x2e7), &arch_x86_64_avx);
    ck_assert_ptr_eq(arch_by_elf_machine(EM_AARCH64, 0), &arch_aarch64);
    ck_assert_ptr_null(arch_by_elf_machine(EM_386, 0));
    ck_assert_ptr_eq(arch_by_name("x86_64"), &arch_x86_64);
    ck_assert_ptr_eq(arch_by_name("i386:x86-64"), &arch_x86_64);
    ck_assert_ptr_eq(arch_by_name("aarch64"), &arch_aarch64);
    ck_assert_ptr_null(arch_by_name("mips"));
    ck_assert_ptr_null(arch_by_name(NULL));
    ck_assert_int_eq(arch_regno_by_name(&arch_x86_64, NULL), -1);
    ck_assert_int_eq(arch_regno_by_name(NULL, "rax"), -1);
}
END_TEST

START_TEST(test_trap_facts)
{
    ck_assert_uint_eq(arch_x86_64.trap_len, 1);
    ck_assert_uint_eq(arch_x86_64.trap[0], 0xcc);
    ck_assert_uint_eq(arch_x86_64.bp_kind, 1);
    ck_assert(arch_x86_64.pc_after_trap_advanced);
    ck_assert_uint_eq(arch_x86_64_avx.trap[0], 0xcc);
    static const uint8_t brk0[] = {0x00, 0x00, 0x20, 0xd4};
    ck_assert_uint_eq(arch_aarch64.trap_len, 4);
    ck_assert_mem_eq(arch_aarch64.trap, brk0, 4);
    ck_assert_uint_eq(arch_aarch64.bp_kind, 4);
    ck_assert(!arch_aarch64.pc_after_trap_advanced);
    /* expedite: rbp, rsp, rip */
    ck_assert_int_eq(arch_x86_64.expedite[0], 6);
    ck_assert_int_eq(arch_x86_64.expedite[1], 7);
    ck_assert_int_eq(arch_x86_64.expedite[2], 16);
    ck_assert_int_eq(arch_x86_64.expedite[3], -1);
    ck_assert_int_eq(arch_aarch64.expedite[2], 32);
}
END_TEST

/* ------------------------------------------------------------------ x86 debug registers */

struct dr7_case {
    unsigned slot;
    enum arch_x86_dr_type type;
    unsigned len;
    uint64_t dr7; /* from 0 */
};

// clang-format off
static const struct dr7_case dr7_cases[] = {
    /* enable bit 2*slot, LE 0x100, R/W at 16+4*slot, LEN at 18+4*slot */
    {0, ARCH_DR_EXEC, 1, 0x101},
    {0, ARCH_DR_EXEC, 4, 0x101}, /* exec forces LEN 00 */
    {0, ARCH_DR_WRITE, 1, 0x10101},
    {0, ARCH_DR_WRITE, 2, 0x50101},
    {0, ARCH_DR_WRITE, 4, 0xd0101},
    {0, ARCH_DR_WRITE, 8, 0x90101},
    {0, ARCH_DR_ACCESS, 8, 0xb0101},
    {1, ARCH_DR_WRITE, 4, 0xd00104},
    {2, ARCH_DR_ACCESS, 2, 0x7000110},
    {3, ARCH_DR_WRITE, 8, 0x90000140},
    {3, ARCH_DR_ACCESS, 4, 0xf0000140},
    {3, ARCH_DR_WRITE, 3, 0}, /* bad length: unchanged */
    {4, ARCH_DR_WRITE, 4, 0}, /* bad slot: unchanged */
};
// clang-format on

START_TEST(test_dr7_set)
{
    const struct dr7_case *c = &dr7_cases[_i];
    uint64_t dr7 = arch_x86_dr7_set(0, c->slot, c->type, c->len);
    ck_assert_msg(dr7 == c->dr7, "slot %u type %d len %u: %#llx, expected %#llx", c->slot, c->type,
                  c->len, (unsigned long long)dr7, (unsigned long long)c->dr7);
    for (unsigned s = 0; s < ARCH_X86_DR_SLOTS; s++)
        ck_assert(arch_x86_dr7_slot_enabled(dr7, s) == (c->dr7 != 0 && s == c->slot));
    ck_assert_uint_eq(arch_x86_dr7_clear(dr7, c->slot), 0);
}
END_TEST

START_TEST(test_dr7_multi)
{
    uint64_t dr7 = arch_x86_dr7_set(0, 0, ARCH_DR_WRITE, 4);
    dr7 = arch_x86_dr7_set(dr7, 2, ARCH_DR_EXEC, 1);
    dr7 = arch_x86_dr7_set(dr7, 0, ARCH_DR_ACCESS, 8); /* re-set slot 0: old bits replaced */
    ck_assert_uint_eq(dr7, 0xb0111);
    ck_assert(arch_x86_dr7_slot_enabled(dr7, 0));
    ck_assert(!arch_x86_dr7_slot_enabled(dr7, 1));
    ck_assert(arch_x86_dr7_slot_enabled(dr7, 2));
    dr7 = arch_x86_dr7_clear(dr7, 0);
    ck_assert_uint_eq(dr7, 0x110); /* LE stays while a slot is enabled */
    ck_assert(!arch_x86_dr7_slot_enabled(dr7, 0));
    ck_assert(!arch_x86_dr7_slot_enabled(dr7, 4));
    ck_assert_uint_eq(arch_x86_dr7_clear(dr7, 2), 0);
}
END_TEST

struct split_case {
    uint64_t addr, len;
    unsigned n;
    uint64_t a[8];
    unsigned l[8];
};

static const struct split_case split_cases[] = {
    {0x1000, 8, 1, {0x1000}, {8}},
    {0x1000, 4, 1, {0x1000}, {4}},
    {0x1001, 1, 1, {0x1001}, {1}},
    {0x1002, 2, 1, {0x1002}, {2}},
    {0x1004, 8, 2, {0x1004, 0x1008}, {4, 4}},
    {0x1001, 8, 4, {0x1001, 0x1002, 0x1004, 0x1008}, {1, 2, 4, 1}},
    {0x1003, 4, 3, {0x1003, 0x1004, 0x1006}, {1, 2, 1}},
    {0x1000, 16, 2, {0x1000, 0x1008}, {8, 8}},
    {0x1000, 3, 2, {0x1000, 0x1002}, {2, 1}},
    {0x1000, 7, 3, {0x1000, 0x1004, 0x1006}, {4, 2, 1}},
    {0x1000, 32, 4, {0x1000, 0x1008, 0x1010, 0x1018}, {8, 8, 8, 8}},
    {0x1000, 0, 0, {0}, {0}},
};

START_TEST(test_dr_split)
{
    const struct split_case *c = &split_cases[_i];
    uint64_t a[8];
    unsigned l[8];
    unsigned n = arch_x86_dr_split(c->addr, c->len, a, l, 8);
    ck_assert_uint_eq(n, c->n);
    for (unsigned i = 0; i < n; i++) {
        ck_assert_uint_eq(a[i], c->a[i]);
        ck_assert_uint_eq(l[i], c->l[i]);
        ck_assert_uint_eq(a[i] % l[i], 0);
    }
}
END_TEST

START_TEST(test_dr_split_overflow)
{
    uint64_t a[4] = {0};
    unsigned l[4] = {0};
    /* 40 bytes need 5 pieces: only 4 are written, 5 reported */
    ck_assert_uint_eq(arch_x86_dr_split(0x2000, 40, a, l, 4), 5);
    ck_assert_uint_eq(a[3], 0x2018);
    ck_assert_uint_eq(l[3], 8);
    /* a huge range is counted without spinning and reports more than fits */
    ck_assert_uint_gt(arch_x86_dr_split(0x1000, 1ull << 40, a, l, 4), 4);
    ck_assert_uint_gt(arch_x86_dr_split(0x1001, ~0ull - 0x2000, a, l, 4), 4);
    /* max 0: only counts */
    ck_assert_uint_eq(arch_x86_dr_split(0x1001, 8, NULL, NULL, 0), 4);
}
END_TEST

static Suite *arch_suite(void)
{
    Suite *s = suite_create("arch");
    TCase *tc = tcase_create("tables");
    tcase_add_loop_test(tc, test_g_layout_contiguous, 0, N_ARCHES);
    tcase_add_test(tc, test_g_len);
    tcase_add_loop_test(tc, test_reg_numbering, 0,
                        (int)(sizeof reg_expects / sizeof reg_expects[0]));
    tcase_add_loop_test(tc, test_dwarf_lookup, 0,
                        (int)(sizeof dwarf_expects / sizeof dwarf_expects[0]));
    tcase_add_loop_test(tc, test_dwarf_unique, 0, N_ARCHES);
    tcase_add_test(tc, test_lldb_generics);
#if defined(__x86_64__)
    tcase_add_test(tc, test_x86_regset_offsets);
#endif
    tcase_add_test(tc, test_aarch64_regset_offsets);
    tcase_add_test(tc, test_lookups);
    tcase_add_test(tc, test_trap_facts);
    suite_add_tcase(s, tc);

    tc = tcase_create("target_xml");
    tcase_add_test(tc, test_xml_checker_rejects);
    tcase_add_loop_test(tc, test_target_xml, 0, N_ARCHES);
    tcase_add_test(tc, test_target_xml_features);
    tcase_add_loop_test(tc, test_target_xml_in_gdb, 0, N_ARCHES);
    suite_add_tcase(s, tc);

    tc = tcase_create("x86_debug_registers");
    tcase_add_loop_test(tc, test_dr7_set, 0, (int)(sizeof dr7_cases / sizeof dr7_cases[0]));
    tcase_add_test(tc, test_dr7_multi);
    tcase_add_loop_test(tc, test_dr_split, 0, (int)(sizeof split_cases / sizeof split_cases[0]));
    tcase_add_test(tc, test_dr_split_overflow);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(arch_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
