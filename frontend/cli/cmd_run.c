/*
 * frontend/cli/cmd_run.c - breakpoints and run control: break, breakpoints, clear, clearall,
 * continue, detach, exit. Output as dlv 1.20 prints it.
 *
 * Not for: stepping and the conditions themselves (cmd_step.c), reading the stopped process
 * (cmd_stack.c).
 */
#include "frontend/cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/sym/func.h"
#include "frontend/sym/line.h"

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

/* A breakpoint as dlv names it: its name, else its number. */
static const char *bp_label(const struct ses_bp *bp, char *buf, size_t len)
{
    if (bp->name[0])
        return bp->name;
    snprintf(buf, len, "%d", bp->id);
    return buf;
}

static void print_bp_addrs(const struct ses_bp *bp)
{
    for (size_t i = 0; i < bp->naddrs; i++)
        printf("%s%#" PRIx64, i ? "," : "", bp->addrs[i]);
}

static void print_bp_where(const struct ses_bp *bp)
{
    printf(" for %s() %s:%u", bp->func ? bp->func : "?", bp->file ? bp->file : "?", bp->line);
}

/* The file (and *line, optional) of the selected frame (for `break LINE`, `break +N`), or NULL. */
static const char *cur_file(struct session *s, uint32_t *line)
{
    struct gort_frame fr[SES_MAX_FRAMES];
    size_t n = 0;
    if (ses_frames(s, fr, SES_MAX_FRAMES, &n) < 0 || (size_t)s->cur_frame >= n)
        return NULL;
    if (line)
        *line = fr[s->cur_frame].line;
    return fr[s->cur_frame].file;
}

/* Resolves a dlv location spec into addresses. Returns 0, or -1 after printing the failure. */
static int resolve(struct cli *c, char *spec, uint64_t *addrs, size_t max, size_t *n)
{
    struct session *s = c->s;
    uint64_t v;
    *n = 0;
    if (spec[0] == '*') {
        if (!parse_u64(spec + 1, &v))
            return cli_fail("invalid address '%s' (use *0x...)", spec + 1);
        addrs[0] = v;
        *n = 1;
        return 0;
    }
    char *colon = strrchr(spec, ':');
    const char *file = NULL;
    uint64_t line = 0;
    if (colon && parse_u64(colon + 1, &line)) {
        *colon = 0;
        file = spec;
    } else if (parse_u64(spec, &line)) {
        file = cur_file(s, NULL);
        if (!file)
            return cli_fail("no current file to set a breakpoint on line %s: give FILE:LINE", spec);
    } else if ((spec[0] == '+' || spec[0] == '-') && parse_u64(spec + 1, &line)) {
        /* +N / -N: lines after or before the selected frame's */
        uint32_t cur = 0;
        file = cur_file(s, &cur);
        if (!file)
            return cli_fail("no current line to offset by %s: give FILE:LINE", spec);
        if (spec[0] == '-' && line >= cur)
            return cli_fail("%s goes before the start of %s", spec, file);
        line = spec[0] == '+' ? cur + line : cur - line;
    }
    if (file) {
        const char *matched = NULL;
        int rc = sym_line_addrs(s->img, file, (uint32_t)line, addrs, max, n, &matched);
        if (rc == -EINVAL)
            return cli_fail("%s matches several source files: give more of its path", file);
        if (rc < 0 || *n == 0)
            return cli_fail("could not find statement at %s:%" PRIu64
                            ", please use a line with a statement",
                            file, line);
        if (*n > max)
            *n = max;
        return 0;
    }
    int rc = sym_func_locations(s->img, spec, addrs, max, n);
    if (rc < 0 || *n == 0)
        return cli_fail("location \"%s\" not found", spec);
    if (*n > max)
        *n = max;
    return 0;
}

static int cmd_break(struct cli *c, char *args)
{
    struct session *s = c->s;
    if (!*args)
        return cli_fail("you must specify a location: break FUNC, FILE:LINE, LINE or *ADDR");
    if (!s->t->ops->set_bp || !s->t->can_run)
        return cli_fail("this target cannot set breakpoints (a core file, or a read-only server)");
    uint64_t addrs[SES_MAX_BP_ADDRS];
    size_t n;
    char words[2][1024] = {"", ""};
    char *save = NULL;
    /* `break [NAME] LOC if COND`: the condition is the rest of the line after the word "if" */
    const char *cond = NULL;
    for (char *p = args; (p = strstr(p, "if")) != NULL; p += 2)
        if (p > args && (p[-1] == ' ' || p[-1] == '\t') && (p[2] == ' ' || p[2] == '\t')) {
            p[-1] = 0;
            cond = p + 3;
            while (*cond == ' ' || *cond == '\t')
                cond++;
            if (!*cond)
                return cli_fail("missing condition after 'if'");
            break;
        }
    char *w1 = strtok_r(args, " \t", &save), *w2 = strtok_r(NULL, " \t", &save);
    if (strtok_r(NULL, " \t", &save))
        return cli_fail("too many arguments: break [NAME] LOCATION [if CONDITION]");
    snprintf(words[0], sizeof(words[0]), "%s", w2 ? w1 : "");
    snprintf(words[1], sizeof(words[1]), "%s", w2 ? w2 : w1);
    const char *name = words[0];
    if (*name) {
        uint64_t num;
        if (parse_u64(name, &num) || strlen(name) >= sizeof(((struct ses_bp *)0)->name) ||
            !(isalpha((unsigned char)name[0]) || name[0] == '_'))
            return cli_fail("breakpoint name '%s' must start with a letter (and be shorter than "
                            "64 bytes)",
                            name);
        for (size_t i = 0; i < s->nbps; i++)
            if (strcmp(s->bps[i].name, name) == 0)
                return cli_fail("breakpoint name \"%s\" already exists", name);
    }
    char *spec = words[1];
    if (resolve(c, spec, addrs, SES_MAX_BP_ADDRS, &n) < 0)
        return -1;
    struct ses_bp *bp = NULL;
    int rc = ses_bp_add(s, addrs, n, &bp);
    if (rc == -EEXIST) {
        struct ses_bp *old = ses_bp_by_addr(s, addrs[0]);
        for (size_t i = 0; !old && i < n; i++)
            old = ses_bp_by_addr(s, addrs[i]);
        return cli_fail("Breakpoint exists at %s:%u at %" PRIx64,
                        old && old->file ? old->file : "?", old ? old->line : 0, addrs[0]);
    }
    if (rc < 0)
        return cli_fail("could not set a breakpoint at %#" PRIx64 ": %s", addrs[0],
                        cli_strerror(rc));
    snprintf(bp->name, sizeof(bp->name), "%s", name);
    if (cond && cli_bp_set_cond(bp->id, cond) < 0)
        return cli_fail("out of memory");
    char lb[32];
    printf("Breakpoint %s set at ", bp_label(bp, lb, sizeof(lb)));
    print_bp_addrs(bp);
    print_bp_where(bp);
    printf("\n");
    return 0;
}

static int cmd_breakpoints(struct cli *c, char *args)
{
    (void)args;
    struct session *s = c->s;
    for (size_t i = 0; i < s->nbps; i++) {
        const struct ses_bp *bp = &s->bps[i];
        char lb[32];
        printf("Breakpoint %s (enabled) at ", bp_label(bp, lb, sizeof(lb)));
        print_bp_addrs(bp);
        print_bp_where(bp);
        printf(" (%" PRIu64 ")\n", bp->total_hits);
        cli_bp_print_cond(bp->id);
    }
    cli_watch_print();
    return 0;
}

static int clear_one(struct cli *c, struct ses_bp *bp)
{
    int id = bp->id;
    char line[1024], lb[32];
    int k = snprintf(line, sizeof(line), "Breakpoint %s cleared at ", bp_label(bp, lb, sizeof(lb)));
    for (size_t i = 0; i < bp->naddrs && k > 0 && (size_t)k < sizeof(line); i++)
        k +=
            snprintf(line + k, sizeof(line) - (size_t)k, "%s%#" PRIx64, i ? "," : "", bp->addrs[i]);
    if (k > 0 && (size_t)k < sizeof(line))
        snprintf(line + k, sizeof(line) - (size_t)k, " for %s() %s:%u", bp->func ? bp->func : "?",
                 bp->file ? bp->file : "?", bp->line);
    int rc = ses_bp_remove(c->s, id);
    if (rc < 0)
        return cli_fail("breakpoint %d: the server could not remove it: %s", id, cli_strerror(rc));
    cli_bp_forget(id);
    printf("%s\n", line);
    return 0;
}

static int cmd_clear(struct cli *c, char *args)
{
    uint64_t id;
    struct ses_bp *bp = NULL;
    if (parse_u64(args, &id) && id < 1u << 30) {
        bp = ses_bp_by_id(c->s, (int)id);
    } else if (*args) {
        for (size_t i = 0; i < c->s->nbps && !bp; i++)
            if (strcmp(c->s->bps[i].name, args) == 0)
                bp = &c->s->bps[i];
    } else {
        return cli_fail("clear needs a breakpoint number or name, as `breakpoints` lists them");
    }
    if (!bp) {
        int rc = cli_watch_clear(c, args);
        if (rc != -ENOENT)
            return rc;
        return cli_fail("Breakpoint %s does not exist", args);
    }
    return clear_one(c, bp);
}

static int cmd_clearall(struct cli *c, char *args)
{
    (void)args;
    int rc = 0;
    while (c->s->nbps && rc == 0)
        rc = clear_one(c, &c->s->bps[0]);
    return rc;
}

static int print_stop(struct cli *c, int rc, struct rsp_stop *stp, struct ses_bp *bp);

/* rewind: back to the previous breakpoint (rr). A condition that does not hold is passed. */
static int cmd_rewind(struct cli *c, char *args)
{
    (void)args;
    struct session *s = c->s;
    if (!tgt_rsp_can_reverse(s->t))
        return cli_fail("not a recording");
    struct rsp_stop st;
    struct ses_bp *bp;
    int rc;
    for (;;) {
        rc = ses_reverse(s, 0, &st, &bp);
        if (rc < 0 || st.kind != RSP_STOP_SIGNAL || !bp || cli_bp_should_stop(c, bp))
            break;
    }
    return print_stop(c, rc, &st, bp);
}

static int cmd_continue(struct cli *c, char *args)
{
    (void)args;
    struct rsp_stop st;
    struct ses_bp *bp;
    int rc = cli_resume(c, &st, &bp);
    return print_stop(c, rc, &st, bp);
}

static int print_stop(struct cli *c, int rc, struct rsp_stop *stp, struct ses_bp *bp)
{
    struct session *s = c->s;
    struct rsp_stop st = *stp;
    if (rc == -ESRCH)
        return cli_fail("the process has exited; nothing to continue");
    if (rc == -EOPNOTSUPP)
        return cli_fail("this target cannot run (a core file?)");
    if (rc < 0)
        return cli_fail("%s", cli_strerror(rc));
    if (st.kind == RSP_STOP_EXITED) {
        printf("Process %" PRId64 " has exited with status %d\n", s->t->pid, st.exit_code);
        return 0;
    }
    if (st.kind == RSP_STOP_KILLED) {
        printf("Process %" PRId64 " was killed by signal %d\n", s->t->pid, st.signal);
        return 0;
    }
    if (st.kind != RSP_STOP_SIGNAL) {
        printf("The process stopped with nothing left to run\n");
        return 0;
    }
    if (!bp && cli_watch_report(c, &st))
        return 0;
    char suffix[256] = "", prefix[80] = "";
    if (bp && bp->name[0])
        snprintf(prefix, sizeof(prefix), "[%s] ", bp->name);
    if (bp) {
        int k = snprintf(suffix, sizeof(suffix), " (hits goroutine(%" PRId64 "):", s->cur_goid);
        uint64_t mine = 0;
        for (size_t i = 0; i < bp->nhits; i++)
            if (bp->hits[i].goid == s->cur_goid)
                mine = bp->hits[i].n;
        if (k > 0 && (size_t)k < sizeof(suffix))
            snprintf(suffix + k, sizeof(suffix) - (size_t)k, "%" PRIu64 " total:%" PRIu64 ")", mine,
                     bp->total_hits);
    }
    cli_print_where(c, prefix, suffix);
    return 0;
}

static int cmd_detach(struct cli *c, char *args)
{
    (void)args;
    c->quit = CLI_QUIT_DETACH;
    return 0;
}

static int cmd_exit(struct cli *c, char *args)
{
    if (strcmp(args, "-k") == 0) {
        c->quit = CLI_QUIT_KILL;
        return 0;
    }
    if (*args && strcmp(args, "-c") != 0)
        return cli_fail("wrong argument: '%s' (exit [-k])", args);
    if (c->s->t->exited) {
        c->quit = CLI_QUIT_GONE;
        return 0;
    }
    if (c->s->launched && !*args) {
        if (c->batch || !c->interactive || cli_ask(c, "Would you like to kill the process? [Y/n] "))
            c->quit = CLI_QUIT_KILL;
        else
            c->quit = CLI_QUIT_DETACH;
        return 0;
    }
    c->quit = CLI_QUIT_DETACH;
    return 0;
}

/* clang-format off */
const struct cli_command cli_cmds_run[] = {
    /* name  aliases  help group  handler  one-line summary  full help */
    {"continue", "c", "Running the program", cmd_continue,
     "Run until breakpoint or program termination.",
     "Run until breakpoint or program termination.\n\n\tcontinue\n\n"
     "Ctrl-C stops the program again."},
    {"rewind", "rw", "Running the program", cmd_rewind,
     "Run backwards until breakpoint or start of recorded history.",
     "Run backwards until breakpoint or start of recorded history.\n\n\trewind\n\n"
     "Only where the server can run backwards (rr replaying a recording); anywhere else:\n"
     "\"not a recording\"."},
    {"break", "b", "Manipulating breakpoints", cmd_break, "Sets a breakpoint.",
     "Sets a breakpoint.\n\n\tbreak [name] <location> [if <condition>]\n\n"
     "<location> is one of:\n"
     "\t<function>\tfunction name: main.main, main.(*T).M, main.main.func1\n"
     "\t<file>:<line>\tsource line; <file> may be the end of the recorded path (main.go)\n"
     "\t<line>\t\ta line of the current frame's file\n"
     "\t+<n>, -<n>\tlines after or before the current frame's line\n"
     "\t*<address>\tan instruction address\n\n"
     "With if <condition> the program stops there only when the condition is true (see\n"
     "condition)."},
    {"breakpoints", "bp", "Manipulating breakpoints", cmd_breakpoints,
     "Print out info for active breakpoints.",
     "Print out info for active breakpoints.\n\n\tbreakpoints\n\n"
     "Each line shows the breakpoint's addresses, location and hit count."},
    {"clear", NULL, "Manipulating breakpoints", cmd_clear, "Deletes breakpoint.",
     "Deletes breakpoint.\n\n\tclear <breakpoint name or number>"},
    {"clearall", NULL, "Manipulating breakpoints", cmd_clearall, "Deletes multiple breakpoints.",
     "Deletes multiple breakpoints.\n\n\tclearall\n\nDeletes every breakpoint."},
    {"detach", NULL, "Other commands", cmd_detach, "Detach from the process and exit.",
     "Detach from the process and exit.\n\n\tdetach\n\n"
     "Removes every breakpoint and lets the process run on, attached or launched."},
    {"exit", "quit|q", "Other commands", cmd_exit, "Exit the debugger.",
     "Exit the debugger.\n\n\texit [-k]\n\n"
     "An attached process is detached and keeps running; -k kills it instead.\n"
     "A launched program (godbg exec) is killed after asking (always in batch mode)."},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
/* clang-format on */
