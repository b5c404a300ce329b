/*
 * frontend/cli/cmd_data.c - the commands that look at and change Go values: print/p, whatis,
 * locals, args, vars, set, and the value limits of `config` (max-string-len, max-array-values,
 * max-variable-recurse). Everything is evaluated in the selected goroutine's selected frame (as
 * frame/up/down and `goroutine N CMD` / `frame N CMD` keep it) through goruntime/eval.h, and
 * printed as dlv 1.20 prints it (checked side by side by tests/integration/godbg_values.sh).
 *
 * Not for: evaluating or formatting values (goruntime/value.c, eval.c), memory dumps (cmd_mem.c).
 */
#include "frontend/cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/goruntime/eval.h"
#include "frontend/sym/func.h"
#include "frontend/sym/type.h"

#define OUT_MAX (16u << 20) /* one command's text */

/* dlv's `config` load configuration for print and vars -v (locals and args keep dlv's short one).
 */
static struct gort_load_config load_cfg = {true, 1, 64, 64, -1};
static bool load_cfg_set; /* load_cfg copied from gort_load_print */

static const struct gort_load_config *print_cfg(void)
{
    if (!load_cfg_set) {
        load_cfg = gort_load_print;
        load_cfg_set = true;
    }
    return &load_cfg;
}

/* ---- the selected frame as goruntime/eval sees it */

struct data_ctx {
    struct session *s;
    int64_t tid; /* the thread whose registers frame 0 has; 0: none */
    struct gort_values *vs;
    struct gort_eval_frame fr;
};

static int frame_read_reg(void *ctx, unsigned dwarf_regno, uint64_t *value)
{
    struct data_ctx *d = ctx;
    return gomem_read_reg(&d->s->mem, d->tid, dwarf_regno, value);
}

static int frame_write_mem(void *ctx, uint64_t addr, const void *buf, size_t len)
{
    struct session *s = ctx;
    return tgt_write_mem(s->t, addr, buf, len);
}

/* Sets D up for the current selection: a value reader for this stop and the selected frame (with
 * WANT_FRAME; else package variables only). -1 after printing why. */
static int data_open(struct cli *c, struct data_ctx *d, bool want_frame)
{
    struct session *s = c->s;
    memset(d, 0, sizeof(*d));
    d->s = s;
    if (cli_need_stop(c) < 0)
        return -1;
    int rc = gort_values_new(s->img, &s->mem, &d->vs);
    if (rc < 0)
        return cli_fail("%s", cli_strerror(rc));
    if (!want_frame)
        return 0;
    const struct gort_g *g = ses_cur_g(s);
    d->fr.curg = g ? g->addr : 0;
    struct gort_frame fr[SES_MAX_FRAMES];
    size_t n = 0;
    rc = ses_frames(s, fr, SES_MAX_FRAMES, &n);
    if (rc < 0 || (size_t)s->cur_frame >= n) {
        /* no stack: package variables still evaluate */
        return 0;
    }
    const struct gort_frame *f = &fr[s->cur_frame];
    const struct sym_func *fn = NULL;
    if (sym_func_by_addr(s->img, f->lookup_pc, &fn) < 0)
        fn = NULL;
    d->fr.fn = fn;
    d->fr.pc = f->lookup_pc;
    d->fr.cfa = f->cfa;
    d->fr.line = f->line;
    /* Registers are known for frame 0 of a thread (running goroutine or none). */
    if (s->cur_frame == 0 && (!g || g->thread)) {
        d->tid = g ? g->thread : s->cur_tid;
        d->fr.read_reg = frame_read_reg;
        d->fr.reg_ctx = d;
    }
    return 0;
}

static void data_close(struct data_ctx *d)
{
    gort_values_free(d->vs);
    d->vs = NULL;
}

/* Prints B (a newline added when missing) and frees it. */
static void put_buf(struct rsp_buf *b)
{
    if (b->len) {
        fwrite(b->data, 1, b->len, stdout);
        if (b->data[b->len - 1] != '\n')
            putchar('\n');
    }
    rsp_buf_fini(b);
}

/* ---- print, whatis */

static int cmd_print(struct cli *c, char *args)
{
    if (!*args)
        return cli_fail("not enough arguments");
    struct data_ctx d;
    if (data_open(c, &d, true) < 0)
        return -1;
    struct gort_eval_result *r = calloc(1, sizeof(*r));
    if (!r) {
        data_close(&d);
        return cli_fail("out of memory");
    }
    char err[512] = "";
    int rc = gort_eval(d.vs, &d.fr, args, r, err, sizeof(err));
    if (rc < 0) {
        free(r);
        data_close(&d);
        return cli_fail("%s", err[0] ? err : cli_strerror(rc));
    }
    struct rsp_buf b;
    rsp_buf_init(&b, OUT_MAX);
    rc = gort_eval_format(d.vs, r, print_cfg(), true, &b);
    free(r);
    data_close(&d);
    if (rc < 0) {
        rsp_buf_fini(&b);
        return cli_fail("%s", cli_strerror(rc));
    }
    put_buf(&b);
    return 0;
}

static int cmd_whatis(struct cli *c, char *args)
{
    if (!*args)
        return cli_fail("not enough arguments");
    struct data_ctx d;
    if (data_open(c, &d, true) < 0)
        return -1;
    struct gort_eval_result *r = calloc(1, sizeof(*r));
    if (!r) {
        data_close(&d);
        return cli_fail("out of memory");
    }
    char err[512] = "";
    int rc = gort_eval(d.vs, &d.fr, args, r, err, sizeof(err));
    if (rc < 0) {
        free(r);
        data_close(&d);
        return cli_fail("%s", err[0] ? err : cli_strerror(rc));
    }
    struct rsp_buf b;
    rsp_buf_init(&b, 1 << 16);
    rc = gort_eval_whatis(d.vs, r, &b);
    free(r);
    data_close(&d);
    if (rc < 0) {
        rsp_buf_fini(&b);
        return cli_fail("%s", cli_strerror(rc));
    }
    put_buf(&b);
    return 0;
}

/* ---- locals, args */

/* Prints NAME's value as `print` does (dlv's `locals -v`): "NAME = " and the multi-line text.
 * False when NAME does not evaluate (the one-line text is kept then). */
static bool put_verbose(struct data_ctx *d, const char *name)
{
    struct gort_eval_result *r = calloc(1, sizeof(*r));
    if (!r)
        return false;
    char err[256];
    struct rsp_buf b;
    rsp_buf_init(&b, OUT_MAX);
    bool ok = gort_eval(d->vs, &d->fr, name, r, err, sizeof(err)) == 0 &&
              rsp_buf_addf(&b, "%s = ", name) == 0 &&
              gort_eval_format(d->vs, r, print_cfg(), true, &b) == 0;
    free(r);
    if (ok)
        put_buf(&b);
    else
        rsp_buf_fini(&b);
    return ok;
}

/* Prints the lines of B ("name = value", a shadowed one "(name) = value") whose name matches RE,
 * with VERBOSE each (not shadowed) value again as print shows it. "(no WHAT)" when none is left. */
static void put_filtered(struct data_ctx *d, struct rsp_buf *b, const regex_t *re, bool verbose,
                         const char *what)
{
    bool any = false;
    size_t i = 0;
    while (i < b->len) {
        const uint8_t *nl = memchr(b->data + i, '\n', b->len - i);
        size_t end = nl ? (size_t)(nl - b->data) : b->len;
        char name[256];
        size_t k = 0;
        const char *p = (const char *)b->data + i;
        bool shadowed = *p == '(';
        if (shadowed)
            p++;
        while (p < (const char *)b->data + end && *p != ' ' && *p != ')' && k + 1 < sizeof(name))
            name[k++] = *p++;
        name[k] = 0;
        bool keep = strncmp((const char *)b->data + i, "(no ", 4) != 0 &&
                    (!re || regexec(re, name, 0, NULL, 0) == 0);
        if (keep) {
            if (!verbose || shadowed || !put_verbose(d, name)) {
                fwrite(b->data + i, 1, end - i, stdout);
                putchar('\n');
            }
            any = true;
        }
        i = end + 1;
    }
    if (!any)
        printf("(no %s)\n", what);
    rsp_buf_fini(b);
}

/* Parses dlv's `[-v] [REGEX]`: *verbose, and *re compiled when a filter is given. */
static int parse_var_args(char *args, bool *verbose, regex_t *re, bool *have_re)
{
    *verbose = false;
    *have_re = false;
    if (strncmp(args, "-v", 2) == 0 && (args[2] == 0 || isspace((unsigned char)args[2]))) {
        *verbose = true;
        args += 2;
        while (isspace((unsigned char)*args))
            args++;
    }
    if (*args) {
        int rc = regcomp(re, args, REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char msg[128];
            regerror(rc, re, msg, sizeof(msg));
            return cli_fail("invalid regular expression %s: %s", args, msg);
        }
        *have_re = true;
    }
    return 0;
}

static int locals_or_args(struct cli *c, char *args, bool want_args)
{
    bool verbose, have_re;
    regex_t re;
    if (parse_var_args(args, &verbose, &re, &have_re) < 0)
        return -1;
    struct data_ctx d;
    if (data_open(c, &d, true) < 0) {
        if (have_re)
            regfree(&re);
        return -1;
    }
    int rc;
    struct rsp_buf b;
    rsp_buf_init(&b, OUT_MAX);
    if (!d.fr.fn)
        rc = -ENOENT;
    else
        rc = gort_eval_locals(d.vs, &d.fr, want_args, &gort_load_locals, &b);
    if (rc == 0)
        put_filtered(&d, &b, have_re ? &re : NULL, verbose, want_args ? "args" : "locals");
    else
        rsp_buf_fini(&b);
    data_close(&d);
    if (have_re)
        regfree(&re);
    if (rc == -ENOENT)
        return cli_fail("no function at the selected frame's pc");
    if (rc < 0)
        return cli_fail("%s", cli_strerror(rc));
    return 0;
}

static int cmd_locals(struct cli *c, char *args)
{
    return locals_or_args(c, args, false);
}

static int cmd_args(struct cli *c, char *args)
{
    return locals_or_args(c, args, true);
}

/* ---- vars */

struct vars_walk {
    const regex_t *re;
    struct sym_global *v; /* the matching variables */
    size_t n, cap;
};

static int vars_match(const struct sym_global *g, void *ctx)
{
    struct vars_walk *w = ctx;
    if (!g->name || (w->re && regexec(w->re, g->name, 0, NULL, 0) != 0))
        return 0;
    /* dlv lists only variables with a Go name: skip the linker's "go:..." / "type:..." symbols */
    if (strchr(g->name, ':'))
        return 0;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        struct sym_global *v = realloc(w->v, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        w->v = v;
        w->cap = cap;
    }
    w->v[w->n++] = *g;
    return 0;
}

/* dlv lists package variables in DWARF order (as its loader met them). */
static int by_die(const void *a, const void *b)
{
    const struct sym_global *x = a, *y = b;
    if (x->die != y->die)
        return x->die < y->die ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int cmd_vars(struct cli *c, char *args)
{
    bool verbose, have_re;
    regex_t re;
    if (parse_var_args(args, &verbose, &re, &have_re) < 0)
        return -1;
    struct data_ctx d;
    if (data_open(c, &d, false) < 0) {
        if (have_re)
            regfree(&re);
        return -1;
    }
    struct vars_walk w = {have_re ? &re : NULL, NULL, 0, 0};
    int rc = sym_globals_foreach(c->s->img, vars_match, &w);
    if (have_re)
        regfree(&re);
    if (rc < 0) {
        free(w.v);
        data_close(&d);
        return cli_fail("%s", cli_strerror(rc));
    }
    if (w.n > 1) /* qsort of a NULL array is undefined even for 0 elements */
        qsort(w.v, w.n, sizeof(*w.v), by_die);
    struct rsp_buf b;
    rsp_buf_init(&b, OUT_MAX);
    size_t shown = 0;
    for (size_t i = 0; i < w.n && rc == 0; i++) {
        struct gort_value_src src = {w.v[i].addr, NULL, 0};
        size_t mark = b.len;
        rc = rsp_buf_addf(&b, "%s = ", w.v[i].name);
        if (rc == 0)
            rc = gort_value_format(d.vs, w.v[i].type, &src,
                                   verbose ? print_cfg() : &gort_load_locals, verbose, &b);
        if (rc == -ENOENT) { /* a type we cannot name: leave it out */
            b.len = mark;
            rc = 0;
            continue;
        }
        if (rc == 0)
            rc = rsp_buf_addc(&b, '\n');
        shown++;
    }
    free(w.v);
    data_close(&d);
    if (rc < 0) {
        rsp_buf_fini(&b);
        return cli_fail("%s", cli_strerror(rc));
    }
    if (shown == 0)
        printf("(no vars)\n");
    put_buf(&b);
    return 0;
}

/* ---- set */

static int cmd_set(struct cli *c, char *args)
{
    char *eq = strchr(args, '=');
    /* `==` is a comparison, not the assignment */
    while (eq && eq[1] == '=')
        eq = strchr(eq + 2, '=');
    if (!eq)
        return cli_fail("syntax error '=' not found");
    *eq = 0;
    char *lhs = args, *rhs = eq + 1;
    size_t n = strlen(lhs);
    while (n && isspace((unsigned char)lhs[n - 1]))
        lhs[--n] = 0;
    while (isspace((unsigned char)*rhs))
        rhs++;
    if (!*lhs)
        return cli_fail("syntax error '=' not found");
    struct data_ctx d;
    if (data_open(c, &d, true) < 0)
        return -1;
    char err[512] = "";
    int rc = gort_eval_set(d.vs, &d.fr, lhs, rhs, frame_write_mem, c->s, err, sizeof(err));
    data_close(&d);
    if (rc < 0)
        return cli_fail("%s", err[0] ? err : cli_strerror(rc));
    return 0; /* tgt_write_mem dropped the per-stop memory cache */
}

/* ---- config (value limits; cli.c's cmd_config hands these keys over) */

int cli_config_data(const char *key, const char *val)
{
    struct gort_load_config *cfg = (struct gort_load_config *)print_cfg();
    if (strcmp(key, "-list") == 0) {
        printf("%-25s %d\n", "max-string-len", cfg->max_string_len);
        printf("%-25s %d\n", "max-array-values", cfg->max_array_values);
        printf("%-25s %d\n", "max-variable-recurse", cfg->max_recurse);
        return 0;
    }
    int *field = NULL;
    if (strcmp(key, "max-string-len") == 0)
        field = &cfg->max_string_len;
    else if (strcmp(key, "max-array-values") == 0)
        field = &cfg->max_array_values;
    else if (strcmp(key, "max-variable-recurse") == 0)
        field = &cfg->max_recurse;
    else
        return -ENOENT;
    long long v;
    if (!val || !cli_parse_num(val, &v) || v > 1000000000)
        return cli_fail("argument to \"%s\" must be a number", key);
    *field = (int)v;
    return 0;
}

/* clang-format off */
const struct cli_command cli_cmds_data[] = {
    /* name  aliases  help group  handler  one-line summary  full help */
    {"print", "p", "Viewing program variables and memory", cmd_print, "Evaluate an expression.",
     "Evaluate an expression.\n\n\t[goroutine <n>] [frame <m>] print <expression>\n\n"
     "Go expressions: variables (locals, arguments, package variables as pkg.Name), fields,\n"
     "pointer dereference, indexing and slicing of arrays, slices, strings and maps, len and cap,\n"
     "arithmetic, comparisons, &&, ||, !, literals, nil, casts such as (*main.T)(0xc000010000),\n"
     "CPU registers (RAX, RSP, RIP...). Limits: config max-string-len, max-array-values,\n"
     "max-variable-recurse."},
    {"whatis", NULL, "Viewing program variables and memory", cmd_whatis,
     "Prints type of an expression.",
     "Prints type of an expression.\n\n\twhatis <expression>\n\n"
     "For an interface also its concrete type."},
    {"locals", NULL, "Viewing program variables and memory", cmd_locals,
     "Print local variables.",
     "Print local variables.\n\n\t[goroutine <n>] [frame <m>] locals [-v] [<regex>]\n\n"
     "The name of every local variable of the selected frame that matches <regex>, with its value\n"
     "on one line; -v prints values in full (print's limits). A shadowed variable is shown in\n"
     "parentheses."},
    {"args", NULL, "Viewing program variables and memory", cmd_args,
     "Print function arguments.",
     "Print function arguments.\n\n\t[goroutine <n>] [frame <m>] args [-v] [<regex>]\n\n"
     "The arguments and results of the selected frame's function that match <regex>; -v prints\n"
     "values in full."},
    {"vars", NULL, "Viewing program variables and memory", cmd_vars,
     "Print package variables.",
     "Print package variables.\n\n\tvars [-v] [<regex>]\n\n"
     "Every package variable whose full name (main.hits) matches <regex>, with its value;\n"
     "-v prints values in full."},
    {"set", NULL, "Viewing program variables and memory", cmd_set,
     "Changes the value of a variable.",
     "Changes the value of a variable.\n\n\t[goroutine <n>] [frame <m>] set <variable> = <value>\n\n"
     "Numbers, bools and pointers (nil, another pointer of the same type, an address) can be set;\n"
     "the variable or field must live in memory."},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
/* clang-format on */
