/*
 * frontend/cli/cli.h - godbg's command line: the command table, the readline loop (history and
 * command-name completion when interactive), `--init` files and batch input, and every line godbg
 * prints to the user. Commands live in cmd_*.c and share the helpers declared here.
 *
 * Not for: options (main.c), session state (session.h).
 */
#ifndef FRONTEND_CLI_CLI_H
#define FRONTEND_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "frontend/cli/session.h"

enum cli_exit { CLI_GO_ON = 0, CLI_QUIT_DETACH, CLI_QUIT_KILL, CLI_QUIT_GONE };

struct cli {
    struct session *s;
    bool interactive; /* a person at a terminal: prompts, questions */
    bool batch;       /* --batch or stdin not a terminal: never ask */
    enum cli_exit quit;
};

/* A command handler: ARGS is the rest of the line after the command name (leading blanks
 * removed, never NULL). Prints its own output and errors; returns 0, or -1 after it printed
 * "Command failed: ..." */
typedef int cli_handler_fn(struct cli *c, char *args);

struct cli_command {
    const char *name;    /* what the user types */
    const char *aliases; /* "c" or "quit|q": other names, '|'-separated, NULL for none */
    const char *group;   /* the help section it is listed under */
    cli_handler_fn *fn;
    const char *summary; /* one line for `help` */
    const char *help;    /* full text for `help NAME` */
};

/* Runs one command line. Returns 0, or -1 when the command failed (already printed). */
int cli_exec(struct cli *c, const char *line);
/* Runs the commands of FILE (dlv's --init): a failing line prints "FILE:N: error" and the rest
 * still run. -errno when FILE cannot be read (nothing printed). */
int cli_source(struct cli *c, const char *path);
/* Reads commands until exit/quit or end of input: readline when interactive, else stdin lines. */
void cli_loop(struct cli *c);
/* Prints the help text for every command (as `godbg help` / `help`). */
void cli_print_help(void);

/* ---- for cmd_*.c */
/* "Command failed: MSG" on stderr-like output, as dlv prints a failed command. Returns -1. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Text for an -errno from the target or the runtime reader. */
const char *cli_strerror(int err);
/* Prints dlv's source listing of FILE around LINE (`=>` on LINE), with substitute-path applied. */
void cli_print_source(struct cli *c, const char *file, uint32_t line, int before, int after);
/* Prints dlv's "> PREFIXFUNC() FILE:LINESUFFIX (PC: 0x...)" current-location line (PREFIX is
 * "[name] " for a named breakpoint) and the source listing around it. */
void cli_print_where(struct cli *c, const char *prefix, const char *suffix);
/* Whether the user answered yes to QUESTION (always false in batch mode). */
bool cli_ask(struct cli *c, const char *question);

/* cmd_stack.c: a non-negative decimal (false when S is not one); the current stop's threads and
 * goroutines loaded, or -1 after printing why (cli_need_rt: and the runtime is known); CMD run with
 * goroutine GOID (0: the selected one) and frame FRAME selected, the selection restored after. */
bool cli_parse_num(const char *s, long long *out);
int cli_need_stop(struct cli *c);
int cli_need_rt(struct cli *c);
int cli_run_in(struct cli *c, int64_t goid, int frame, const char *cmd);

extern const struct cli_command cli_cmds_stack[], cli_cmds_goroutines[], cli_cmds_run[],
    cli_cmds_mem[], cli_cmds_data[];
/* cmd_data.c: `config KEY VALUE` for the value limits (max-string-len, max-array-values,
 * max-variable-recurse) and `config -list`. 0, -1 after printing why, -ENOENT for another key. */
int cli_config_data(const char *key, const char *val);
extern const struct cli_command cli_cmds_core[]; /* cmd_core.c: dump */

/* cmd_step.c: next, step, stepout, si, condition. Breakpoint conditions live there: set (EXPR NULL
 * or empty: none), forgotten when the breakpoint is cleared, printed under `breakpoints` as dlv
 * does; cli_bp_should_stop decides a hit ses_continue counted (a false condition uncounts it);
 * cli_resume is ses_continue that resumes silently past such hits. */
extern const struct cli_command cli_cmds_step[];
int cli_bp_set_cond(int id, const char *expr);
void cli_bp_forget(int id);
void cli_bp_print_cond(int id);
bool cli_bp_should_stop(struct cli *c, struct ses_bp *bp);
int cli_resume(struct cli *c, struct rsp_stop *st, struct ses_bp **bp);
/* Watchpoints (cmd_step.c): listed under `breakpoints`; cleared by id or expression (-ENOENT: no
 * such watchpoint, nothing printed); a stop by one printed as dlv does (1), else 0. */
void cli_watch_print(void);
int cli_watch_clear(struct cli *c, const char *what);
int cli_watch_report(struct cli *c, const struct rsp_stop *st);

#endif
