/*
 * frontend/cli/cli.c - the command loop: the table of every command (joined from cmd_*.c), dlv's
 * `help` layout, readline with history and command-name completion, `--init` files, batch input
 * from a pipe, and the shared printing helpers (failures, source listings, current location).
 *
 * Not for: what a command does (cmd_*.c), session state (session.c).
 */
#include "frontend/cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#define CLI_MAX_LINE 4096

/* Commands of this file: help, config, source-less helpers. */
static int cmd_help(struct cli *c, char *args);
static int cmd_config(struct cli *c, char *args);
static int cmd_source(struct cli *c, char *args);

/* clang-format off */
static const struct cli_command cli_cmds_other[] = {
    /* name      aliases  group     handler      summary / help */
    {"config", NULL, "Other commands", cmd_config, "Changes configuration parameters.",
     "Changes configuration parameters.\n\n"
     "\tconfig substitute-path <from> <to>\n"
     "\tconfig substitute-path <from>\n"
     "\tconfig substitute-path -clear\n"
     "\tconfig max-string-len <n>\n"
     "\tconfig max-array-values <n>\n"
     "\tconfig max-variable-recurse <n>\n"
     "\tconfig -list\n\n"
     "Adds or removes a path substitution rule: source files recorded under <from> are read from <to>\n"
     "(list, stack listings). With only <from> the rule is removed; -clear removes every rule.\n"
     "Without arguments the rules are listed.\n"
     "max-string-len, max-array-values and max-variable-recurse limit what print and vars -v load\n"
     "(dlv's defaults 64, 64, 1); -list shows every setting."},
    {"help", "h", "Other commands", cmd_help, "Prints the help message.",
     "Prints the help message.\n\n\thelp [command]\n\n"
     "Type \"help\" followed by the name of a command for more information about it."},
    {"source", NULL, "Other commands", cmd_source,
     "Executes a file containing a list of godbg commands.",
     "Executes a file containing a list of godbg commands.\n\n\tsource <path>\n\n"
     "One command a line, as --init runs them; a failing line does not stop the others."},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
/* clang-format on */

/* The help sections, in dlv's order. */
static const char *const groups[] = {
    "Running the program",
    "Manipulating breakpoints",
    "Viewing program variables and memory",
    "Listing and switching between threads and goroutines",
    "Viewing the call stack and selecting frames",
    "Other commands",
};

static const struct cli_command *const tables[] = {
    cli_cmds_run,   cli_cmds_step, cli_cmds_mem,  cli_cmds_goroutines,
    cli_cmds_stack, cli_cmds_core, cli_cmds_data, cli_cmds_other};

#define FOREACH_CMD(cmd)                                                                           \
    for (size_t ti_ = 0; ti_ < sizeof(tables) / sizeof(tables[0]); ti_++)                          \
        for (const struct cli_command *cmd = tables[ti_]; cmd->name; cmd++)

static bool alias_matches(const char *aliases, const char *word, size_t len)
{
    const char *p = aliases;
    while (p && *p) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == len && strncmp(p, word, len) == 0)
            return true;
        p = bar ? bar + 1 : NULL;
    }
    return false;
}

static const struct cli_command *find_cmd(const char *word, size_t len)
{
    FOREACH_CMD(cmd)
    {
        if ((strlen(cmd->name) == len && strncmp(cmd->name, word, len) == 0) ||
            alias_matches(cmd->aliases, word, len))
            return cmd;
    }
    return NULL;
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("Command failed: ", stdout);
    vfprintf(stdout, fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
    return -1;
}

const char *cli_strerror(int err)
{
    switch (err) {
    case -EIO:
    case -EFAULT:
        return "could not read the process's memory or registers there";
    case -ESRCH:
        return "the process has exited: nothing left to examine (exit, and start it again)";
    case -EPIPE:
    case -ECONNRESET:
        return "the connection to the debug server is lost; start a new session";
    case -ETIMEDOUT:
        return "the debug server did not answer in time; the session cannot go on";
    case -EOPNOTSUPP:
        return "the debug server cannot do this";
    case -ENOMEM:
        return "out of memory";
    case -EPERM:
    case -EACCES:
        return "the debug server refused (is it --read-only?)";
    case -EROFS:
        return "a core file is read-only: nothing can be written or run";
    case -E2BIG:
        return "runtime.allglen is implausibly large: the process's memory looks damaged";
    default:
        return strerror(-err);
    }
}

/* dlv's "    name (alias: a | b) ---- summary" lines, name column as wide as its section's widest.
 */
void cli_print_help(void)
{
    printf("The following commands are available:\n");
    for (size_t gi = 0; gi < sizeof(groups) / sizeof(groups[0]); gi++) {
        char cols[64][64];
        const struct cli_command *rows[64];
        size_t n = 0, width = 0;
        FOREACH_CMD(cmd)
        {
            if (strcmp(cmd->group, groups[gi]) != 0 || n == 64)
                continue;
            char al[48] = "";
            if (cmd->aliases) {
                size_t k = 0;
                for (const char *p = cmd->aliases; *p && k + 4 < sizeof(al); p++) {
                    if (*p == '|') {
                        memcpy(al + k, " | ", 3);
                        k += 3;
                    } else {
                        al[k++] = *p;
                    }
                }
                al[k] = 0;
                snprintf(cols[n], sizeof(cols[n]), "%s (alias: %s)", cmd->name, al);
            } else {
                snprintf(cols[n], sizeof(cols[n]), "%s", cmd->name);
            }
            rows[n] = cmd;
            if (strlen(cols[n]) > width)
                width = strlen(cols[n]);
            n++;
        }
        if (n == 0)
            continue;
        /* alphabetical inside a section, as dlv lists them */
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && strcmp(rows[j]->name, rows[j - 1]->name) < 0; j--) {
                const struct cli_command *tr = rows[j];
                rows[j] = rows[j - 1];
                rows[j - 1] = tr;
                char tc[64];
                memcpy(tc, cols[j], sizeof(tc));
                memcpy(cols[j], cols[j - 1], sizeof(tc));
                memcpy(cols[j - 1], tc, sizeof(tc));
            }
        printf("\n%s:\n", groups[gi]);
        for (size_t i = 0; i < n; i++) {
            printf("    %s ", cols[i]);
            for (size_t k = strlen(cols[i]); k < width; k++)
                putchar('-');
            printf(" %s\n", rows[i]->summary);
        }
    }
    printf("\nType help followed by a command for full documentation.\n");
}

static int cmd_help(struct cli *c, char *args)
{
    (void)c;
    if (!*args) {
        cli_print_help();
        return 0;
    }
    size_t len = strcspn(args, " \t");
    const struct cli_command *cmd = find_cmd(args, len);
    if (!cmd)
        return cli_fail("command not available");
    printf("%s\n", cmd->help);
    return 0;
}

static int cmd_config(struct cli *c, char *args)
{
    struct session *s = c->s;
    char *save = NULL;
    char *what = strtok_r(args, " \t", &save);
    if (!what) {
        for (size_t i = 0; i < s->nsubst; i++)
            printf("substitute-path %s -> %s\n", s->subst[i].from, s->subst[i].to);
        return 0;
    }
    if (strcmp(what, "substitute-path") != 0) {
        /* the value limits and -list (dlv's layout): cmd_data.c */
        if (strcmp(what, "-list") == 0) {
            printf("%-25s [", "substitute-path");
            for (size_t i = 0; i < s->nsubst; i++)
                printf("%s{%s %s}", i ? " " : "", s->subst[i].from, s->subst[i].to);
            printf("]\n");
        }
        int rc = cli_config_data(what, strtok_r(NULL, " \t", &save));
        if (rc == -ENOENT)
            return cli_fail("\"%s\" is not a configuration parameter (godbg knows substitute-path, "
                            "max-string-len, max-array-values, max-variable-recurse)",
                            what);
        return rc;
    }
    char *from = strtok_r(NULL, " \t", &save);
    char *to = strtok_r(NULL, " \t", &save);
    if (!from) {
        for (size_t i = 0; i < s->nsubst; i++)
            printf("%s -> %s\n", s->subst[i].from, s->subst[i].to);
        return 0;
    }
    if (strcmp(from, "-clear") == 0 || !to) {
        for (size_t i = 0; i < s->nsubst;) {
            if (strcmp(from, "-clear") == 0 || strcmp(s->subst[i].from, from) == 0) {
                free(s->subst[i].from);
                free(s->subst[i].to);
                s->subst[i] = s->subst[--s->nsubst];
            } else {
                i++;
            }
        }
        return 0;
    }
    if (s->nsubst == SES_MAX_SUBST)
        return cli_fail("too many substitute-path rules (at most %d); remove one first",
                        SES_MAX_SUBST);
    s->subst[s->nsubst].from = strdup(from);
    s->subst[s->nsubst].to = strdup(to);
    if (!s->subst[s->nsubst].from || !s->subst[s->nsubst].to)
        return cli_fail("out of memory");
    s->nsubst++;
    return 0;
}

static int source_depth; /* a file that sources itself must not recurse forever */

static int cmd_source(struct cli *c, char *args)
{
    if (!*args)
        return cli_fail("source needs a file of commands");
    if (source_depth >= 8)
        return cli_fail("source files nested more than 8 deep (does %s source itself?)", args);
    source_depth++;
    int rc = cli_source(c, args);
    source_depth--;
    if (rc < 0)
        return cli_fail("cannot read %s: %s", args, strerror(-rc));
    return 0;
}

/* Why command NAME cannot run on a target that cannot run (a core file), or NULL when it can: it
 * would resume the process, insert a breakpoint or write memory. dlv 1.20's wording. */
static const char *refused_on_core(const char *name)
{
    static const char *const run[] = {"continue", "next",    "step", "stepout", "step-instruction",
                                      "restart",  "rebuild", "call", "rev",     "rewind",
                                      NULL};
    static const char *const bp[] = {"break", "trace", "watch", NULL};
    for (size_t i = 0; run[i]; i++)
        if (strcmp(name, run[i]) == 0)
            return "can not continue execution of core process";
    for (size_t i = 0; bp[i]; i++)
        if (strcmp(name, bp[i]) == 0)
            return "cannot write a breakpoint to a core file";
    if (strcmp(name, "set") == 0)
        return "cannot write to the memory of a core file";
    return NULL;
}

/* Runs LINE; on failure the handler printed "Command failed: ..." already. */
static int run_line(struct cli *c, const char *line, const char *src, unsigned lineno)
{
    char buf[CLI_MAX_LINE];
    while (isspace((unsigned char)*line))
        line++;
    size_t n = strlen(line);
    while (n && isspace((unsigned char)line[n - 1]))
        n--;
    if (n == 0 || line[0] == '#')
        return 0;
    if (n >= sizeof(buf)) {
        if (src)
            printf("%s:%u: line too long\n", src, lineno);
        return src ? -1 : cli_fail("line too long (at most %d bytes)", CLI_MAX_LINE - 1);
    }
    memcpy(buf, line, n);
    buf[n] = 0;
    size_t wl = strcspn(buf, " \t");
    const struct cli_command *cmd = find_cmd(buf, wl);
    if (!cmd) {
        if (src) {
            printf("%s:%u: command not available\n", src, lineno);
            return -1;
        }
        return cli_fail("command not available");
    }
    char *args = buf + wl;
    while (isspace((unsigned char)*args))
        args++;
    /* A core (or any target that cannot run): commands that would run or write are refused here,
     * in dlv's words, so the handlers never reach a NULL run-control slot. */
    /* (a process that exited cannot run either, but says so itself: not as a core file) */
    const char *no_run = c->s->t->can_run || c->s->t->exited ? NULL : refused_on_core(cmd->name);
    if (no_run)
        return cli_fail("%s", no_run);
    fflush(stdout);
    int rc = cmd->fn(c, args);
    fflush(stdout);
    return rc;
}

int cli_exec(struct cli *c, const char *line)
{
    return run_line(c, line, NULL, 0);
}

int cli_source(struct cli *c, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -errno;
    char line[CLI_MAX_LINE];
    unsigned n = 0;
    while (c->quit == CLI_GO_ON && fgets(line, sizeof(line), f)) {
        n++;
        (void)run_line(c, line, path, n);
    }
    fclose(f);
    return 0;
}

/* ---- readline */

static char *complete_name(const char *text, int state)
{
    static size_t ti, len;
    static const struct cli_command *cur;
    if (state == 0) {
        ti = 0;
        cur = tables[0];
        len = strlen(text);
    }
    while (ti < sizeof(tables) / sizeof(tables[0])) {
        if (!cur->name) {
            if (++ti < sizeof(tables) / sizeof(tables[0]))
                cur = tables[ti];
            continue;
        }
        const struct cli_command *cmd = cur++;
        if (strncmp(cmd->name, text, len) == 0)
            return strdup(cmd->name);
    }
    return NULL;
}

static char **complete(const char *text, int start, int end)
{
    (void)end;
    rl_attempted_completion_over = 1; /* no file names */
    if (start != 0)
        return NULL;
    return rl_completion_matches(text, complete_name);
}

static char history_path[1024];

void cli_loop(struct cli *c)
{
    if (c->interactive) {
        rl_readline_name = "godbg";
        rl_attempted_completion_function = complete;
        const char *home = getenv("HOME");
        if (home && snprintf(history_path, sizeof(history_path), "%s/.godbg_history", home) <
                        (int)sizeof(history_path))
            (void)read_history(history_path);
        else
            history_path[0] = 0;
        printf("Type 'help' for list of commands.\n");
    }
    char *prev = NULL;
    while (c->quit == CLI_GO_ON) {
        char *line;
        if (c->interactive) {
            line = readline("(godbg) ");
            if (!line) {
                putchar('\n');
                (void)cli_exec(c, "exit");
                break;
            }
            if (*line) {
                add_history(line);
                free(prev);
                prev = strdup(line);
            } else if (prev) {
                /* An empty line repeats the last command, as in dlv. */
                free(line);
                line = strdup(prev);
                if (!line)
                    break;
            }
        } else {
            static char buf[CLI_MAX_LINE];
            if (!fgets(buf, sizeof(buf), stdin)) {
                (void)cli_exec(c, "exit");
                break;
            }
            line = strdup(buf);
            if (!line)
                break;
        }
        (void)cli_exec(c, line);
        free(line);
    }
    free(prev);
    if (c->interactive && history_path[0])
        (void)write_history(history_path);
}

bool cli_ask(struct cli *c, const char *question)
{
    if (c->batch || !c->interactive)
        return false;
    char *ans = readline(question);
    bool yes = !ans || !*ans || ans[0] == 'y' || ans[0] == 'Y';
    free(ans);
    return yes;
}

/* ---- source listings */

void cli_print_source(struct cli *c, const char *file, uint32_t line, int before, int after)
{
    char sub[4096];
    const char *path = ses_subst_path(c->s, file, sub, sizeof(sub));
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("Command failed: open %s: %s\n", path, strerror(errno));
        return;
    }
    uint32_t lo = line > (uint32_t)before ? line - (uint32_t)before : 1;
    uint32_t hi = line + (uint32_t)after;
    char buf[8192];
    uint32_t n = 0;
    bool bol = true;
    while (fgets(buf, sizeof(buf), f)) {
        bool was_bol = bol;
        size_t len = strlen(buf);
        bol = len && buf[len - 1] == '\n';
        if (!was_bol)
            continue; /* the tail of a very long line */
        n++;
        if (n < lo)
            continue;
        if (n > hi)
            break;
        if (bol)
            buf[len - 1] = 0;
        printf("%s%4u:\t%s\n", n == line ? "=>" : "  ", n, buf);
    }
    fclose(f);
}

void cli_print_where(struct cli *c, const char *prefix, const char *suffix)
{
    struct gort_frame fr[1];
    size_t n = 0;
    int rc = ses_frames(c->s, fr, 1, &n);
    if (rc < 0 || n == 0) {
        printf("> ?? (%s)\n", rc < 0 ? cli_strerror(rc) : "no frames");
        return;
    }
    printf("> %s%s() %s:%u%s (PC: %#" PRIx64 ")\n", prefix ? prefix : "",
           fr[0].func ? fr[0].func : "??", fr[0].file ? fr[0].file : "?", fr[0].line,
           suffix ? suffix : "", fr[0].pc);
    if (fr[0].file)
        cli_print_source(c, fr[0].file, fr[0].line, 5, 5);
}
