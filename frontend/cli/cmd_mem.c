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
    if (!s || !*s || *s == '-')
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

/* Capstone's Intel text moved towards the Go disassembler's that dlv prints: "[rsp+0x20]" without
 * blanks, and a direct call or jump to a function's entry as "$name". */
static void format_insn(struct session *s, const char *mn, const char *ops, char *out, size_t len)
{
    char o[200];
    size_t k = 0;
    int depth = 0;
    for (const char *q = ops; *q && k + 1 < sizeof(o); q++) {
        if (*q == '[')
            depth++;
        else if (*q == ']')
            depth--;
        if (depth > 0 && *q == ' ' && (q[1] == '+' || q[1] == '-' || q[-1] == '+' || q[-1] == '-'))
            continue;
        o[k++] = *q;
    }
    o[k] = 0;
    uint64_t target;
    const struct sym_func *fn;
    char *end;
    if ((mn[0] == 'j' || strcmp(mn, "call") == 0) && strncmp(o, "0x", 2) == 0 &&
        (target = strtoull(o, &end, 16), *end == 0) && sym_func_by_addr(s->img, target, &fn) == 0 &&
        fn->lowpc == target) {
        snprintf(out, len, "%s $%s", mn, fn->name);
        return;
    }
    snprintf(out, len, "%s%s%s", mn, o[0] ? " " : "", o);
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
        char text[256];
        if (!cs_disasm_iter(h, &p, &left, &a, insn)) {
            snprintf(hex, sizeof(hex), "%02x", *p);
            snprintf(text, sizeof(text), "?");
            p++, left--, a++;
        } else {
            for (size_t k = 0; k < insn->size && 2 * k + 2 < sizeof(hex); k++)
                snprintf(hex + 2 * k, 3, "%02x", insn->bytes[k]);
            format_insn(c->s, insn->mnemonic, insn->op_str, text, sizeof(text));
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
        pc = fr[s->cur_frame].pc;
        if (sym_func_by_addr(s->img, fr[s->cur_frame].lookup_pc, &fn) < 0)
            return cli_fail("no function contains %#" PRIx64 " (use disassemble -a START END)", pc);
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
     "Without arguments: the function of the selected frame, `=>` at its pc.\n"
     "-a disassembles the given address range, -l the named function. Intel syntax (capstone)."},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
/* clang-format on */
