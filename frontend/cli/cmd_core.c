/*
 * frontend/cli/cmd_core.c - the postmortem side of the command line: `dump FILE` writes an ELF core
 * of the live, stopped process (target/dump.h) that `godbg core BINARY FILE`, gdb and `dlv core`
 * open. Opening a core is main.c's (`godbg core`); the refusal of run and write commands on a core
 * is in cli.c's dispatcher (refused_on_core).
 *
 * Not for: writing the core (target/dump.c), reading one (target/core.c, corefile.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "frontend/cli/cli.h"
#include "frontend/target/dump.h"

#define MIB (1024.0 * 1024.0)

struct dump_progress {
    bool tty;      /* stdout is a terminal: one line rewritten in place */
    bool printed;  /* a progress line is on the screen */
    bool finished; /* the done == total line is out (the dump may report it twice) */
};

/* dlv's "Dumping memory N / M..." line, in MiB; on a terminal rewritten with \r, else only the
 * last one (a batch transcript stays short and stable). */
static void on_progress(void *arg, uint64_t done, uint64_t total)
{
    struct dump_progress *p = arg;
    if ((!p->tty && done != total) || p->finished)
        return;
    p->finished = done == total;
    printf("%sDumping memory %.1f / %.1f MiB...", p->tty ? "\r" : "", (double)done / MIB,
           (double)total / MIB);
    if (!p->tty)
        putchar('\n');
    fflush(stdout);
    p->printed = true;
}

static int cmd_dump(struct cli *c, char *args)
{
    struct session *s = c->s;
    if (!*args)
        return cli_fail("dump needs a file name: dump <output file>");
    if (!s->t->can_run)
        return cli_fail("this is a core file already: dump writes a core of a live process");
    if (s->t->exited)
        return cli_fail("%s", cli_strerror(-ESRCH));
    struct dump_progress p = {.tty = isatty(1) != 0};
    struct tgt_dump_result res;
    memset(&res, 0, sizeof(res));
    char err[512] = "";
    int rc = tgt_dump_core_ex(s->t, args, NULL, on_progress, &p, &res, err, sizeof(err));
    if (p.tty && p.printed)
        putchar('\n');
    if (rc < 0)
        return cli_fail("could not write %s: %s", args, err[0] ? err : cli_strerror(rc));
    printf("Core dump written to %s: %zu threads, %zu mappings, %.1f MiB of memory", args,
           res.nthreads, res.nsegments, (double)res.bytes_total / MIB);
    if (res.pages_zeroed)
        printf(" (%" PRIu64 " unreadable pages left as zeros)", res.pages_zeroed);
    printf("\n");
    return 0;
}

/* clang-format off */
const struct cli_command cli_cmds_core[] = {
    /* name  aliases  help group  handler  one-line summary  full help */
    {"dump", NULL, "Other commands", cmd_dump, "Creates a core dump from the current process state",
     "Creates a core dump from the current process state\n\n"
     "\tdump <output file>\n\n"
     "The core dump is an ELF core file (threads, registers, the process's writable and anonymous\n"
     "memory, the first page of its read-only files) that `godbg core BINARY FILE`, gdb and\n"
     "`dlv core` open. The process stays stopped while it is written, then goes on as before.\n"
     "Not available on a core file."},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
/* clang-format on */
