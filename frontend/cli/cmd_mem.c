/*
 * frontend/cli/cmd_mem.c - raw views of the process: examinemem (dlv's hex dump) and disassemble
 * (capstone, Intel syntax, one function with file:line of every instruction and `=>` at the pc).
 *
 * Not for: typed values (goruntime/ and a later print command).
 */
#include "frontend/cli/cli.h"

#include <capstone/capstone.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/sym/func.h"
#include "frontend/sym/line.h"

#define X_MAX_LEN (1u << 20)   /* examinemem reads at most this many bytes */
#define DIS_MAX_LEN (1u << 20) /* and disassemble at most this many */

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!s || !isdigit((unsigned char)*s))
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

static int cmd_x(struct cli *c, char *args)
{
    const char *fmt = "hex";
    uint64_t count = 1, size = 1, addr = 0;
    bool have_addr = false;
    char *save = NULL;
    for (char *w = strtok_r(args, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        if (strcmp(w, "-fmt") == 0) {
            fmt = strtok_r(NULL, " \t", &save);
            if (!fmt || (strcmp(fmt, "hex") && strcmp(fmt, "dec") && strcmp(fmt, "oct") &&
                         strcmp(fmt, "bin")))
                return cli_fail("-fmt takes hex, dec, oct or bin");
        } else if (strcmp(w, "-count") == 0 || strcmp(w, "-len") == 0) {
            if (!parse_u64(strtok_r(NULL, " \t", &save), &count) || count == 0)
                return cli_fail("%s takes a positive number", w);
        } else if (strcmp(w, "-size") == 0) {
            if (!parse_u64(strtok_r(NULL, " \t", &save), &size) ||
                (size != 1 && size != 2 && size != 4 && size != 8))
                return cli_fail("-size takes 1, 2, 4 or 8");
        } else if (!have_addr && parse_u64(w, &addr)) {
            have_addr = true;
        } else {
            return cli_fail("wrong argument: '%s' (x [-fmt FMT] [-count N] [-size S] ADDRESS)", w);
        }
    }
    if (!have_addr)
        return cli_fail("no address specified (an address such as 0xc000012345)");
    if (c->s->t->exited)
        return cli_fail("%s", cli_strerror(-ESRCH));
    if (count > X_MAX_LEN / size)
        return cli_fail("too much memory: at most %u bytes at once", X_MAX_LEN);
    size_t len = (size_t)(count * size);
    uint8_t *buf = malloc(len);
    if (!buf)
        return cli_fail("out of memory");
    int rc = tgt_read_mem(c->s->t, addr, buf, len);
    if (rc < 0) {
        free(buf);
        return cli_fail("could not read %zu bytes at %#" PRIx64 ": %s", len, addr,
                        cli_strerror(rc));
    }
    for (uint64_t i = 0; i < count; i++) {
        if (i % 8 == 0)
            printf("%s%#" PRIx64 ":   ", i ? "\n" : "", addr + i * size);
        uint64_t v = gomem_le(buf + i * size, (size_t)size);
        if (strcmp(fmt, "hex") == 0)
            printf("0x%0*" PRIx64 "   ", (int)size * 2, v);
        else if (strcmp(fmt, "oct") == 0)
            printf("0%0*" PRIo64 "   ", (int)((size * 8 + 2) / 3), v);
        else if (strcmp(fmt, "dec") == 0)
            printf("%" PRIu64 "   ", v);
        else {
            printf("0b");
            for (unsigned b = (unsigned)size * 8; b-- > 0;)
                putchar((v >> b) & 1 ? '1' : '0');
            printf("   ");
        }
    }
    printf("\n");
    free(buf);
    return 0;
}

static const char *base_name(const char *p)
{
    const char *s = p ? strrchr(p, '/') : NULL;
    return s ? s + 1 : (p ? p : "?");
}

/* Go's names of the condition codes (golang.org/x/arch x86asm, which dlv prints) for capstone's. */
static const char *const cc_map[][2] = {
    {"e", "z"},   {"ne", "nz"}, {"a", "nbe"}, {"ae", "nb"}, {"g", "nle"},
    {"ge", "nl"}, {"na", "be"}, {"nae", "b"}, {"c", "b"},   {"nc", "nb"},
};

static void go_mnemonic(const char *mn, char *out, size_t len)
{
    static const char *const prefixes[] = {"j", "set", "cmov"};
    snprintf(out, len, "%s", mn);
    for (size_t p = 0; p < 3; p++) {
        size_t pl = strlen(prefixes[p]);
        if (strncmp(mn, prefixes[p], pl) != 0)
            continue;
        for (size_t i = 0; i < sizeof(cc_map) / sizeof(cc_map[0]); i++)
            if (strcmp(mn + pl, cc_map[i][0]) == 0) {
                snprintf(out, len, "%s%s", prefixes[p], cc_map[i][1]);
                return;
            }
    }
}

/* Capstone's Intel text moved towards the Go disassembler's that dlv prints: numbers in hex,
 * "[rsp+0x20]" without blanks and negative displacements as Go's 32-bit "+0xfffffe98", "ptr" on
 * memory operands without a size, rip-relative operands as "[symbol+off]", condition codes by Go's
 * names, and a direct call or jump to a function's entry as "$name". NEXT is the address after the
 * instruction. */
static void format_insn(struct session *s, const char *mn, const char *ops, uint64_t next,
                        char *out, size_t len)
{
    char o[256];
    size_t k = 0;
    int depth = 0;
    char gm[32];
    go_mnemonic(mn, gm, sizeof(gm));
    for (const char *q = ops; *q && k + 40 < sizeof(o);) {
        if (*q == '[') {
            /* rip-relative: the symbol it reaches */
            unsigned long long d;
            char *end;
            if (strncmp(q, "[rip + 0x", 9) == 0 && (d = strtoull(q + 7, &end, 16), *end == ']')) {
                const struct sym_symbol *sym;
                uint64_t off;
                size_t nl;
                /* dlv names variables, not the linker's aggregates (go.string.*, type.*) */
                if (sym_symbol_by_addr(s->img, next + d, &sym, &off) == 0 &&
                    (nl = strlen(sym->name)) > 0 &&
                    !(nl >= 2 && strcmp(sym->name + nl - 2, ".*") == 0)) {
                    if (k < 4 || strncmp(o + k - 4, "ptr ", 4) != 0)
                        k += (size_t)snprintf(o + k, sizeof(o) - k, "ptr ");
                    k += (size_t)snprintf(o + k, sizeof(o) - k, off ? "[%s+%llu]" : "[%s]",
                                          sym->name, (unsigned long long)off);
                    q = end + 1;
                    continue;
                }
            }
            if ((k < 4 || strncmp(o + k - 4, "ptr ", 4) != 0) && (k == 0 || o[k - 1] != ':'))
                k += (size_t)snprintf(o + k, sizeof(o) - k, "ptr ");
            depth++;
        } else if (*q == ']') {
            depth--;
        }
        if (depth > 0 && *q == ' ' &&
            (q[1] == '+' || q[1] == '-' || (q > ops && (q[-1] == '+' || q[-1] == '-')))) {
            q++;
            continue;
        }
        bool start_num = isdigit((unsigned char)*q) &&
                         (q == ops || !(isalnum((unsigned char)q[-1]) || q[-1] == '_'));
        if (start_num) {
            char *end;
            unsigned long long v = strtoull(q, &end, 0);
            if (!isalpha((unsigned char)*end) && *end != '_') {
                bool neg = k > 0 && o[k - 1] == '-';
                if (neg && depth > 0) { /* Go shows a displacement as an unsigned 32-bit number */
                    o[k - 1] = '+';
                    v = (0x100000000ull - v) & 0xffffffffull;
                }
                k += (size_t)snprintf(o + k, sizeof(o) - k, "0x%llx", v);
                q = end;
                continue;
            }
        }
        o[k++] = *q++;
    }
    o[k] = 0;
    uint64_t target;
    const struct sym_func *fn;
    char *end;
    if ((gm[0] == 'j' || strcmp(gm, "call") == 0) && strncmp(o, "0x", 2) == 0 &&
        (target = strtoull(o, &end, 16), *end == 0) && sym_func_by_addr(s->img, target, &fn) == 0 &&
        fn->lowpc == target) {
        snprintf(out, len, "%s $%s", gm, fn->name);
        return;
    }
    snprintf(out, len, "%s%s%s", gm, o[0] ? " " : "", o);
}

/* What Go's x86asm prints and capstone leaves out: the register operand of the multi-byte nop
 * (0f 1f /0: "nop dword ptr [rax], eax"), "data16 nop" for 66 90, and an index's "*1" scale. */
static void go_x86_quirks(const cs_insn *insn, char *text, size_t len)
{
    size_t n = strlen(text);
    if (insn->size == 2 && insn->bytes[0] == 0x66 && insn->bytes[1] == 0x90) {
        snprintf(text, len, "data16 nop");
        return;
    }
    const cs_x86 *x = insn->detail ? &insn->detail->x86 : NULL;
    for (unsigned i = 0; x && i < x->op_count; i++) {
        const cs_x86_op *op = &x->operands[i];
        if (op->type == X86_OP_MEM && op->mem.index != X86_REG_INVALID && op->mem.scale == 1) {
            char *rb = strchr(text, ']');
            if (rb && !memchr(text, '*', (size_t)(rb - text)) && n + 3 < len) {
                memmove(rb + 2, rb, strlen(rb) + 1);
                rb[0] = '*';
                rb[1] = '1';
                n += 2;
            }
        }
    }
    if (strncmp(text, "nop ", 4) == 0 && strchr(text, '[') && !strchr(text, ',') && n + 6 < len)
        snprintf(text + n, len - n, strstr(text, "nop word ") ? ", ax" : ", eax");
}

static int disassemble(struct cli *c, uint64_t lo, uint64_t hi, uint64_t pc, const char *title)
{
    struct session *s = c->s;
    if (hi <= lo || hi - lo > DIS_MAX_LEN)
        return cli_fail("bad range %#" PRIx64 "-%#" PRIx64 " (at most %u bytes)", lo, hi,
                        DIS_MAX_LEN);
    size_t len = (size_t)(hi - lo);
    uint8_t *code = malloc(len);
    if (!code)
        return cli_fail("out of memory");
    /* The file's bytes: never our breakpoints' int3. Fall back to memory for code not in it. */
    if (sym_image_read(s->img, lo, code, len) < 0 && tgt_read_mem(s->t, lo, code, len) < 0) {
        free(code);
        return cli_fail("could not read code at %#" PRIx64, lo);
    }
    csh h;
    cs_mode mode = CS_MODE_64;
    cs_arch arch = CS_ARCH_X86;
    if (s->t->arch->elf_machine == 183 /* EM_AARCH64 */) {
        arch = CS_ARCH_ARM64;
        mode = CS_MODE_LITTLE_ENDIAN;
    }
    if (cs_open(arch, mode, &h) != CS_ERR_OK) {
        free(code);
        return cli_fail("the disassembler (capstone) could not start");
    }
    (void)cs_option(h, CS_OPT_DETAIL, CS_OPT_ON); /* operand details: go_x86_quirks */
    cs_insn *insn = cs_malloc(h);
    if (!insn) {
        cs_close(&h);
        free(code);
        return cli_fail("out of memory");
    }
    if (title)
        printf("%s\n", title);
    /* dlv lays the columns out with Go's tabwriter (tabs as padding): the bytes column is as wide
     * as the longest encoding plus one, rounded up to a tab stop. */
    size_t maxhex = 2;
    {
        const uint8_t *p = code;
        size_t left = len;
        uint64_t a = lo;
        while (left > 0) {
            if (cs_disasm_iter(h, &p, &left, &a, insn)) {
                if (2u * insn->size > maxhex)
                    maxhex = 2u * insn->size;
            } else {
                p++, left--, a++;
            }
        }
    }
    size_t colw = (maxhex + 1 + 7) / 8 * 8;
    const uint8_t *p = code;
    size_t left = len;
    uint64_t a = lo;
    while (left > 0) {
        uint64_t at = a;
        struct sym_line ln;
        const char *file = "?";
        uint32_t line = 0;
        if (sym_line_for_addr(s->img, at, &ln) == 0) {
            file = base_name(ln.file);
            line = ln.line;
        }
        char hex[64] = "";
        char text[512];
        if (!cs_disasm_iter(h, &p, &left, &a, insn)) {
            snprintf(hex, sizeof(hex), "%02x", *p);
            snprintf(text, sizeof(text), "?");
            p++, left--, a++;
        } else {
            for (size_t k = 0; k < insn->size && 2 * k + 2 < sizeof(hex); k++)
                snprintf(hex + 2 * k, 3, "%02x", insn->bytes[k]);
            format_insn(c->s, insn->mnemonic, insn->op_str, a, text, sizeof(text));
            if (arch == CS_ARCH_X86)
                go_x86_quirks(insn, text, sizeof(text));
        }
        size_t hl = strlen(hex);
        printf("%s\t%s:%u\t%#" PRIx64 "\t%s", at == pc ? "=>" : "", file, line, at, hex);
        for (size_t k = (colw - hl + 7) / 8; k > 0; k--)
            putchar('\t');
        printf("%s\n", text);
    }
    cs_free(insn, 1);
    cs_close(&h);
    free(code);
    return 0;
}

static int cmd_disassemble(struct cli *c, char *args)
{
    struct session *s = c->s;
    char *save = NULL;
    char *w = strtok_r(args, " \t", &save);
    uint64_t pc = 0;
    if (w && strcmp(w, "-a") == 0) {
        uint64_t lo, hi;
        if (!parse_u64(strtok_r(NULL, " \t", &save), &lo) ||
            !parse_u64(strtok_r(NULL, " \t", &save), &hi))
            return cli_fail("disassemble -a needs a start and an end address");
        const struct sym_func *f0;
        struct sym_line l0;
        char t0[1024];
        if (sym_func_by_addr(s->img, lo, &f0) == 0)
            snprintf(t0, sizeof(t0), "TEXT %s(SB) %s", f0->name,
                     sym_line_for_addr(s->img, f0->lowpc, &l0) == 0 ? l0.file : "?");
        return disassemble(c, lo, hi, 0, sym_func_by_addr(s->img, lo, &f0) == 0 ? t0 : NULL);
    }
    const struct sym_func *fn = NULL;
    if (w && strcmp(w, "-l") == 0) {
        char *loc = strtok_r(NULL, " \t", &save);
        if (!loc || sym_func_by_name(s->img, loc, &fn) < 0)
            return cli_fail("location \"%s\" not found (disassemble -l FUNCTION)", loc ? loc : "");
    } else if (w) {
        return cli_fail("wrong argument: '%s' (disassemble [-a START END] [-l FUNCTION])", w);
    } else {
        struct gort_frame fr[SES_MAX_FRAMES];
        size_t n = 0;
        int rc = ses_frames(s, fr, SES_MAX_FRAMES, &n);
        if (rc < 0 || (size_t)s->cur_frame >= n)
            return cli_fail("no current location to disassemble: %s",
                            rc < 0 ? cli_strerror(rc) : "no frames");
        /* dlv puts "=>" at the selected thread's pc only (not at a parked goroutine's) */
        if (tgt_read_pc(s->t, s->cur_tid, &pc) < 0)
            pc = 0;
        if (sym_func_by_addr(s->img, fr[s->cur_frame].lookup_pc, &fn) < 0)
            return cli_fail("no function contains %#" PRIx64 " (use disassemble -a START END)",
                            fr[s->cur_frame].pc);
    }
    char title[1024];
    struct sym_line ln;
    snprintf(title, sizeof(title), "TEXT %s(SB) %s", fn->name,
             sym_line_for_addr(s->img, fn->lowpc, &ln) == 0 ? ln.file : "?");
    return disassemble(c, fn->lowpc, fn->highpc, pc, title);
}

/* clang-format off */
const struct cli_command cli_cmds_mem[] = {
    /* name  aliases  help group  handler  one-line summary  full help */
    {"examinemem", "x", "Viewing program variables and memory", cmd_x,
     "Examine raw memory at the given address.",
     "Examine raw memory at the given address.\n\n"
     "\texaminemem [-fmt <format>] [-count|-len <count>] [-size <size>] <address>\n\n"
     "<format> is hex (default), dec, oct or bin; <count> elements (default 1) of <size> bytes\n"
     "(1, 2, 4 or 8; default 1), eight to a line. <address> is a number (0x... for hex)."},
    {"disassemble", "disass", "Other commands", cmd_disassemble, "Disassembler.",
     "Disassembler.\n\n"
     "\t[goroutine <n>] [frame <m>] disassemble [-a <start> <end>] [-l <function>]\n\n"
     "Without arguments: the function of the selected frame, `=>` at the selected thread's pc.\n"
     "-a disassembles the given address range, -l the named function. Intel syntax (capstone)."},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
/* clang-format on */
