/*
 * frontend/cli/cmd_stack.c - the commands that look at one goroutine's (or thread's) stack without
 * changing the process: stack/frame/up/down, list, regs. Output shaped as dlv 1.20 prints it
 * (verified side by side by tests/integration/godbg_session.sh).
 *
 * Not for: goroutine and thread lists (cmd_goroutines.c), run control and breakpoints
 * (cmd_run.c), memory and disassembly (cmd_mem.c).
 */
#include "frontend/cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/sym/func.h"

#define DEFAULT_DEPTH 10

/* Parses a non-negative decimal; false when S is not one. */
bool cli_parse_num(const char *s, long long *out)
{
    if (!s || !*s)
        return false;
    long long v = 0;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p) || v > (1LL << 50))
            return false;
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return true;
}

int cli_need_stop(struct cli *c)
{
    int rc = ses_refresh(c->s);
    if (rc < 0)
        return cli_fail("%s", cli_strerror(rc));
    return 0;
}

int cli_need_rt(struct cli *c)
{
    if (!c->s->rt)
        return cli_fail("no goroutine information: %s", c->s->rt_why);
    return cli_need_stop(c);
}

/* ---- stack and frames */

static void print_frames(const struct gort_frame *fr, size_t n, size_t shown)
{
    int d = 1;
    size_t last = (n < shown ? n : shown);
    for (size_t m = last ? last - 1 : 0; m >= 10; m /= 10)
        d++;
    for (size_t i = 0; i < shown && i < n; i++)
        printf("%*zu  0x%016" PRIx64 " in %s\n%*sat %s:%u\n", d, i, fr[i].pc,
               fr[i].func ? fr[i].func : "?", d + 2, "", fr[i].file ? fr[i].file : "?", fr[i].line);
    if (n > shown)
        printf("(truncated)\n");
}

static int cmd_stack(struct cli *c, char *args)
{
    long long depth = DEFAULT_DEPTH;
    char *save = NULL;
    for (char *w = strtok_r(args, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        if (!cli_parse_num(w, &depth) || depth > SES_MAX_FRAMES - 2)
            return cli_fail("wrong argument: '%s' (stack [depth], depth at most %d)", w,
                            SES_MAX_FRAMES - 2);
    }
    if (cli_need_stop(c) < 0)
        return -1;
    struct gort_frame fr[SES_MAX_FRAMES];
    size_t n = 0;
    int rc = ses_frames(c->s, fr, (size_t)depth + 2, &n);
    if (rc < 0)
        return cli_fail("could not unwind the stack: %s", cli_strerror(rc));
    print_frames(fr, n, (size_t)depth + 1);
    return 0;
}

static bool frame_optimized(struct session *s, const struct gort_frame *f)
{
    const struct sym_func *fn;
    return sym_func_by_addr(s->img, f->lookup_pc, &fn) == 0 && fn->optimized;
}

/* dlv's output after frame/up/down: the goroutine's location, then the selected frame's. */
static int show_frame(struct cli *c, int idx)
{
    struct gort_frame fr[SES_MAX_FRAMES];
    size_t n = 0;
    int rc = ses_frames(c->s, fr, SES_MAX_FRAMES, &n);
    if (rc < 0)
        return cli_fail("could not unwind the stack: %s", cli_strerror(rc));
    if (idx < 0 || (size_t)idx >= n)
        return cli_fail("Invalid frame %d", idx);
    printf("> %s() %s:%u (PC: %#" PRIx64 ")\n", fr[0].func ? fr[0].func : "?",
           fr[0].file ? fr[0].file : "?", fr[0].line, fr[0].pc);
    if (frame_optimized(c->s, &fr[idx]))
        printf("Warning: debugging optimized function\n");
    printf("Frame %d: %s:%u (PC: %" PRIx64 ")\n", idx, fr[idx].file ? fr[idx].file : "?",
           fr[idx].line, fr[idx].pc);
    if (fr[idx].file)
        cli_print_source(c, fr[idx].file, fr[idx].line, 5, 5);
    return 0;
}

/* `frame N CMD` / `goroutine G CMD`: runs CMD with another selection, then restores it. */
int cli_run_in(struct cli *c, int64_t goid, int frame, const char *cmd)
{
    struct session *s = c->s;
    int64_t og = s->cur_goid, ot = s->cur_tid;
    int of = s->cur_frame;
    if (goid) {
        const struct gort_g *g = ses_find_g(s, goid);
        s->cur_goid = goid;
        if (g && g->thread)
            s->cur_tid = g->thread;
    }
    s->cur_frame = frame;
    int rc = cli_exec(c, cmd);
    s->cur_goid = og;
    s->cur_tid = ot;
    s->cur_frame = of;
    return rc;
}

static int cmd_frame(struct cli *c, char *args)
{
    char *save = NULL;
    char *w = strtok_r(args, " \t", &save);
    long long idx;
    if (!w || !cli_parse_num(w, &idx) || idx >= SES_MAX_FRAMES)
        return cli_fail("the frame command needs a frame number (frame N [command])");
    if (cli_need_stop(c) < 0)
        return -1;
    char *rest = save ? save : (char *)"";
    while (isspace((unsigned char)*rest))
        rest++;
    if (*rest)
        return cli_run_in(c, 0, (int)idx, rest);
    struct gort_frame fr[SES_MAX_FRAMES];
    size_t n = 0;
    if (ses_frames(c->s, fr, SES_MAX_FRAMES, &n) == 0 && (size_t)idx >= n)
        return cli_fail("Invalid frame %lld", idx);
    c->s->cur_frame = (int)idx;
    return show_frame(c, (int)idx);
}

static int move_frame(struct cli *c, char *args, int dir)
{
    long long k = 1;
    if (*args && !cli_parse_num(args, &k))
        return cli_fail("wrong argument: '%s' (a number of frames)", args);
    if (cli_need_stop(c) < 0)
        return -1;
    struct gort_frame fr[SES_MAX_FRAMES];
    size_t n = 0;
    int rc = ses_frames(c->s, fr, SES_MAX_FRAMES, &n);
    if (rc < 0)
        return cli_fail("could not unwind the stack: %s", cli_strerror(rc));
    long long to = c->s->cur_frame + dir * k;
    if (to < 0 || (size_t)to >= n)
        return cli_fail("Invalid frame %lld", to);
    c->s->cur_frame = (int)to;
    return show_frame(c, (int)to);
}

static int cmd_up(struct cli *c, char *args)
{
    return move_frame(c, args, 1);
}

static int cmd_down(struct cli *c, char *args)
{
    return move_frame(c, args, -1);
}

/* ---- list */

static int cmd_list(struct cli *c, char *args)
{
    struct session *s = c->s;
    if (*args) {
        /* list FILE:LINE or list FUNC */
        char *colon = strrchr(args, ':');
        long long line;
        if (colon && cli_parse_num(colon + 1, &line)) {
            *colon = 0;
            printf("Showing %s:%lld:\n", args, line);
            cli_print_source(c, args, (uint32_t)line, 5, 5);
            return 0;
        }
        const struct sym_func *fn;
        if (sym_func_by_name(s->img, args, &fn) < 0)
            return cli_fail("location \"%s\" not found", args);
        struct gort_loc l = {0};
        if (s->rt)
            gort_loc_at(s->rt, fn->lowpc, false, &l);
        if (!l.file)
            return cli_fail("no source line for %s", args);
        printf("Showing %s:%u (PC: %#" PRIx64 ")\n", l.file, l.line, fn->lowpc);
        cli_print_source(c, l.file, l.line, 5, 5);
        return 0;
    }
    if (cli_need_stop(c) < 0)
        return -1;
    struct gort_frame fr[SES_MAX_FRAMES];
    size_t n = 0;
    int rc = ses_frames(s, fr, SES_MAX_FRAMES, &n);
    if (rc < 0)
        return cli_fail("could not unwind the stack: %s", cli_strerror(rc));
    int idx = s->cur_frame;
    if ((size_t)idx >= n)
        return cli_fail("Invalid frame %d", idx);
    if (idx == 0)
        printf("> %s() %s:%u (PC: %#" PRIx64 ")\n", fr[0].func ? fr[0].func : "?",
               fr[0].file ? fr[0].file : "?", fr[0].line, fr[0].pc);
    else
        printf("Goroutine %" PRId64 " frame %d at %s:%u (PC: %#" PRIx64 ")\n", s->cur_goid, idx,
               fr[idx].file ? fr[idx].file : "?", fr[idx].line, fr[idx].pc);
    if (!fr[idx].file)
        return cli_fail("no source for %#" PRIx64, fr[idx].pc);
    cli_print_source(c, fr[idx].file, fr[idx].line, 5, 5);
    return 0;
}

/* ---- regs */

static void cap_name(const char *name, char *out, size_t len)
{
    snprintf(out, len, "%s", name);
    if (out[0])
        out[0] = (char)toupper((unsigned char)out[0]);
}

/* dlv's "\t[IF IOPL=0]": the names of the set flags in bit order, IOPL at its place. */
static void print_eflags(uint64_t v)
{
    static const char *const names[22] = {"CF", NULL, "PF", NULL,  "AF",  NULL, "ZF", "SF",
                                          "TF", "IF", "DF", "OF",  NULL,  NULL, "NT", NULL,
                                          "RF", "VM", "AC", "VIF", "VIP", "ID"};
    printf("\t[");
    bool first = true;
    for (unsigned b = 0; b < 22; b++) {
        if (b == 12) {
            printf("%sIOPL=%u", first ? "" : " ", (unsigned)((v >> 12) & 3));
            first = false;
        }
        if (names[b] && (v >> b) & 1) {
            printf("%s%s", first ? "" : " ", names[b]);
            first = false;
        }
    }
    printf("]");
}

static int cmd_regs(struct cli *c, char *args)
{
    struct session *s = c->s;
    bool all = strcmp(args, "-a") == 0;
    if (*args && !all)
        return cli_fail("wrong argument: '%s' (regs [-a])", args);
    if (cli_need_stop(c) < 0)
        return -1;
    const struct arch_desc *a = s->t->arch;
    if (s->cur_frame != 0) {
        struct gort_frame fr[SES_MAX_FRAMES];
        size_t n = 0;
        int rc = ses_frames(s, fr, SES_MAX_FRAMES, &n);
        if (rc < 0 || (size_t)s->cur_frame >= n)
            return cli_fail("could not unwind the stack");
        const struct gort_frame *f = &fr[s->cur_frame];
        printf("Rip = 0x%016" PRIx64 "\nRsp = 0x%016" PRIx64 "\nRbp = 0x%016" PRIx64 "\n\n", f->pc,
               f->sp, f->bp);
        return 0;
    }
    int64_t tid = s->cur_tid;
    const struct gort_g *g = ses_cur_g(s);
    if (g && !g->thread) {
        /* a parked goroutine: only what g.sched saved */
        printf("Rip = 0x%016" PRIx64 "\nRsp = 0x%016" PRIx64 "\nRbp = 0x%016" PRIx64 "\n\n", g->pc,
               g->sp, g->bp);
        return 0;
    }
    /* dlv's order on amd64 first (general registers, flags, segments, bases); the rest with -a. */
    static const char *const order[] = {"rip", "rsp", "rax", "rbx",     "rcx",    "rdx", "rdi",
                                        "rsi", "rbp", "r8",  "r9",      "r10",    "r11", "r12",
                                        "r13", "r14", "r15", "eflags",  "es",     "cs",  "ss",
                                        "ds",  "fs",  "gs",  "fs_base", "gs_base"};
    size_t norder = sizeof(order) / sizeof(order[0]);
    unsigned *list = calloc(a->nregs + norder, sizeof(*list));
    if (!list)
        return cli_fail("out of memory");
    size_t nl = 0;
    bool *used = calloc(a->nregs, sizeof(*used));
    if (!used) {
        free(list);
        return cli_fail("out of memory");
    }
    for (size_t i = 0; i < norder; i++) {
        int r = arch_regno_by_name(a, order[i]);
        if (r >= 0 && (unsigned)r < a->nregs && !used[r]) {
            used[r] = true;
            list[nl++] = (unsigned)r;
        }
    }
    if (nl == 0 || all)
        for (unsigned r = 0; r < a->nregs; r++)
            if (!used[r])
                list[nl++] = r;
    size_t width = 0;
    for (size_t i = 0; i < nl; i++) {
        size_t w = strcmp(a->regs[list[i]].name, "eflags") == 0 ? 6 : strlen(a->regs[list[i]].name);
        if (w > width)
            width = w;
    }
    for (size_t i = 0; i < nl; i++) {
        const struct arch_reg *reg = &a->regs[list[i]];
        uint8_t buf[64];
        unsigned len = reg->size_bits / 8;
        if (len > sizeof(buf) || len == 0)
            continue;
        int rc = s->t->ops->read_reg(s->t, tid, list[i], buf, len);
        char nm[32];
        cap_name(strcmp(reg->name, "eflags") == 0 ? "rflags" : reg->name, nm, sizeof(nm));
        if (rc < 0)
            continue;
        if (len <= 8) {
            uint64_t v = gomem_le(buf, len);
            printf("%*s = 0x%016" PRIx64, (int)width, nm, v);
            if (strcmp(reg->name, "eflags") == 0)
                print_eflags(v);
            printf("\n");
        } else {
            printf("%*s = 0x", (int)width, nm);
            for (unsigned k = len; k-- > 0;)
                printf("%02x", buf[k]);
            printf("\n");
        }
    }
    printf("\n");
    free(list);
    free(used);
    return 0;
}

/* clang-format off */
const struct cli_command cli_cmds_stack[] = {
    /* name  aliases  help group  handler  one-line summary  full help */
    {"stack", "bt", "Viewing the call stack and selecting frames", cmd_stack,
     "Print stack trace.",
     "Print stack trace.\n\n\t[goroutine <n>] [frame <m>] stack [<depth>]\n\n"
     "Shows frames 0 to <depth> (default 10) of the current goroutine."},
    {"frame", NULL, "Viewing the call stack and selecting frames", cmd_frame,
     "Set the current frame, or execute command on a different frame.",
     "Set the current frame, or execute command on a different frame.\n\n"
     "\tframe <m>\n\tframe <m> <command>\n\n"
     "The first form sets frame used by subsequent commands such as \"list\" or \"regs\".\n"
     "The second form runs the command on the given frame."},
    {"up", NULL, "Viewing the call stack and selecting frames", cmd_up,
     "Move the current frame up.",
     "Move the current frame up.\n\n\tup [<m>]\n\nMove the current frame up by <m>. The default value is 1."},
    {"down", NULL, "Viewing the call stack and selecting frames", cmd_down,
     "Move the current frame down.",
     "Move the current frame down.\n\n\tdown [<m>]\n\nMove the current frame down by <m>. The default value is 1."},
    {"list", "ls|l", "Other commands", cmd_list, "Show source code.",
     "Show source code.\n\n\t[goroutine <n>] [frame <m>] list [<location>]\n\n"
     "Show source around the current frame's line (with => on it), or around <location>:\n"
     "FILE:LINE or a function name. `config substitute-path` maps recorded paths to local ones."},
    {"regs", NULL, "Viewing program variables and memory", cmd_regs,
     "Print contents of CPU registers.",
     "Print contents of CPU registers.\n\n\tregs [-a]\n\n"
     "Argument -a shows more registers (floating point and vector). In a frame other than 0\n"
     "only the pc, stack pointer and frame pointer of that frame are known."},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
/* clang-format on */
