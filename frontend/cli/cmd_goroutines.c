/*
 * frontend/cli/cmd_goroutines.c - goroutines (the dlv line format, -u/-r/-g/-s, -t, -with/-without,
 * -group), goroutine (show, switch, run a command on one), threads, thread. Output shaped as dlv
 * 1.20 prints it (verified side by side by tests/integration/godbg_session.sh).
 *
 * Not for: stacks and frames of the selected goroutine (cmd_stack.c).
 */
#include "frontend/cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_DEPTH 10

static void print_loc(const struct gort_loc *l)
{
    printf("%s:%u %s (%#" PRIx64 ")", l->file ? l->file : "?", l->line, l->func ? l->func : "?",
           l->pc);
}

/* ---- goroutines */

enum loc_kind { LOC_USER, LOC_RUNTIME, LOC_GO, LOC_START };
static const char *const loc_kind_names[] = {"User", "Runtime", "Go", "Start"};

struct gr_filter {
    int kind; /* 0 userloc, 1 curloc, 2 goloc, 3 startloc, 4 running, 5 user */
    bool without;
    const char *arg;
};

static bool loc_has(const struct gort_loc *l, const char *sub)
{
    char buf[1024];
    snprintf(buf, sizeof(buf), "%s:%u %s", l->file ? l->file : "", l->line, l->func ? l->func : "");
    return strstr(buf, sub) != NULL;
}

/* goroutines -group: every listed goroutine's line under its group's key. */
struct member {
    char *key, *line;
    size_t order;
};

#define GROUP_SHOWN 5 /* dlv lists this many goroutines of a group, then its total */

static int add_member(struct member **m, size_t *n, const char *key, const char *line)
{
    struct member *nm = realloc(*m, (*n + 1) * sizeof(*nm));
    if (!nm)
        return -ENOMEM;
    *m = nm;
    nm[*n].key = strdup(key);
    nm[*n].line = strdup(line);
    nm[*n].order = *n;
    if (!nm[*n].key || !nm[*n].line) {
        free(nm[*n].key);
        free(nm[*n].line);
        return -ENOMEM;
    }
    (*n)++;
    return 0;
}

static int member_cmp(const void *a, const void *b)
{
    const struct member *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* dlv's layout: groups sorted by key, a blank line between them. */
static void print_groups(struct member *m, size_t n)
{
    if (n > 1) /* a NULL array is undefined for qsort even with 0 elements */
        qsort(m, n, sizeof(*m), member_cmp);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(m[j].key, m[i].key) == 0)
            j++;
        printf("%s%s\n", i ? "\n" : "", m[i].key);
        for (size_t k = i; k < j && k < i + GROUP_SHOWN; k++)
            printf("\t%s\n", m[k].line);
        printf("\tTotal: %zu\n", j - i);
        i = j;
    }
}

static int cmd_goroutines(struct cli *c, char *args)
{
    struct session *s = c->s;
    enum loc_kind kind = LOC_USER;
    long long depth = -1;
    int group = -1;
    struct gr_filter filt[8];
    size_t nfilt = 0;
    char *save = NULL;
    for (char *w = strtok_r(args, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        if (strcmp(w, "-u") == 0)
            kind = LOC_USER;
        else if (strcmp(w, "-r") == 0)
            kind = LOC_RUNTIME;
        else if (strcmp(w, "-g") == 0)
            kind = LOC_GO;
        else if (strcmp(w, "-s") == 0)
            kind = LOC_START;
        else if (strcmp(w, "-t") == 0)
            depth = DEFAULT_DEPTH;
        else if (strcmp(w, "-group") == 0) {
            char *k = strtok_r(NULL, " \t", &save);
            static const char *const keys[] = {"userloc",  "curloc",  "goloc",
                                               "startloc", "running", "user"};
            group = -1;
            for (int i = 0; k && i < 6; i++)
                if (strcmp(k, keys[i]) == 0)
                    group = i;
            if (group < 0)
                return cli_fail("wrong argument: '-group %s' (userloc, curloc, goloc, startloc, "
                                "running or user)",
                                k ? k : "");
        } else if (depth >= 0 && cli_parse_num(w, &depth))
            ;
        else if (strcmp(w, "-with") == 0 || strcmp(w, "-w") == 0 || strcmp(w, "-without") == 0 ||
                 strcmp(w, "-wo") == 0) {
            if (nfilt == 8)
                return cli_fail("too many filters");
            struct gr_filter *f = &filt[nfilt];
            f->without = strcmp(w, "-without") == 0 || strcmp(w, "-wo") == 0;
            char *k = strtok_r(NULL, " \t", &save);
            static const char *const keys[] = {"userloc",  "curloc",  "goloc",
                                               "startloc", "running", "user"};
            static const char *const shortk[] = {"u", "c", "g", "s", "r", NULL};
            f->kind = -1;
            for (int i = 0; k && i < 6; i++)
                if (strcmp(k, keys[i]) == 0 || (shortk[i] && strcmp(k, shortk[i]) == 0))
                    f->kind = i;
            if (f->kind < 0)
                return cli_fail("wrong argument: '%s' (godbg filters on userloc, curloc, goloc, "
                                "startloc, running, user)",
                                k ? k : "");
            f->arg = NULL;
            if (f->kind < 4) {
                f->arg = strtok_r(NULL, " \t", &save);
                if (!f->arg)
                    return cli_fail("%s %s needs a string to look for", w, k);
            }
            nfilt++;
        } else
            return cli_fail("wrong argument: '%s'", w);
    }
    if (cli_need_rt(c) < 0)
        return -1;
    int lrc = ses_load_goroutines(s);
    if (lrc < 0)
        return cli_fail("%s", cli_strerror(lrc));
    size_t n = s->ngs;
    struct gort_loc *cur = calloc(n ? n : 1, sizeof(*cur));
    struct gort_loc *user = calloc(n ? n : 1, sizeof(*user));
    if (!cur || !user) {
        free(cur);
        free(user);
        return cli_fail("out of memory");
    }
    int rc = gort_user_locs(s->rt, s->gs, n, cur, user);
    if (rc < 0) {
        free(cur);
        free(user);
        return cli_fail("%s", cli_strerror(rc));
    }
    /* dlv stars the goroutine of the selected thread, even after `goroutine N` chose a parked one
     */
    const struct gort_g *curg = NULL;
    for (size_t i = 0; i < n && !curg; i++)
        if (!(s->gs[i].flags & GORT_G_UNREADABLE) && s->gs[i].thread == s->cur_tid &&
            !gort_status_is(s->rt, s->gs[i].status, GORT_DEAD))
            curg = &s->gs[i];
    size_t shown = 0;
    struct member *members = NULL;
    size_t nmembers = 0;
    struct gort_frame *fr = depth >= 0 ? calloc((size_t)depth + 2, sizeof(*fr)) : NULL;
    for (size_t i = 0; i < n; i++) {
        const struct gort_g *g = &s->gs[i];
        if ((g->flags & GORT_G_UNREADABLE) || gort_status_is(s->rt, g->status, GORT_DEAD))
            continue;
        struct gort_loc go, start;
        gort_go_loc(s->rt, g, &go);
        gort_start_loc(s->rt, g, &start);
        bool keep = true;
        for (size_t k = 0; k < nfilt && keep; k++) {
            bool m;
            switch (filt[k].kind) {
            case 0:
                m = loc_has(&user[i], filt[k].arg);
                break;
            case 1:
                m = loc_has(&cur[i], filt[k].arg);
                break;
            case 2:
                m = loc_has(&go, filt[k].arg);
                break;
            case 3:
                m = loc_has(&start, filt[k].arg);
                break;
            case 4:
                m = g->thread != 0;
                break;
            default:
                m = user[i].func && cur[i].func && gort_is_user_func(cur[i].func);
                break;
            }
            if (filt[k].kind == 5) /* dlv: -with user = the user frame is not the runtime frame */
                m = user[i].func && !(cur[i].pc == user[i].pc && !gort_is_user_func(user[i].func));
            keep = filt[k].without ? !m : m;
        }
        if (!keep)
            continue;
        const struct gort_loc *l = kind == LOC_USER      ? &user[i]
                                   : kind == LOC_RUNTIME ? &cur[i]
                                   : kind == LOC_GO      ? &go
                                                         : &start;
        char line[2048];
        gort_format_goroutine(s->rt, g, loc_kind_names[kind], l, curg == g, line, sizeof(line));
        if (group >= 0) {
            bool is_user =
                user[i].func && !(cur[i].pc == user[i].pc && !gort_is_user_func(user[i].func));
            const struct gort_loc *gl = group == 0   ? &user[i]
                                        : group == 1 ? &cur[i]
                                        : group == 2 ? &go
                                                     : &start;
            char key[1024];
            if (group == 4)
                snprintf(key, sizeof(key), "running=%s", g->thread ? "true" : "false");
            else if (group == 5)
                snprintf(key, sizeof(key), "user=%s", is_user ? "true" : "false");
            else
                snprintf(key, sizeof(key), "%s:%u in %s", gl->file ? gl->file : "?", gl->line,
                         gl->func ? gl->func : "?");
            if (add_member(&members, &nmembers, key, line) < 0) {
                rc = -ENOMEM;
                break;
            }
            continue;
        }
        printf("%s\n", line);
        shown++;
        if (fr) {
            size_t nf = 0;
            rc = gort_stack(s->rt, g, fr, (size_t)depth + 2, &nf, NULL);
            size_t lim = nf > (size_t)depth + 1 ? (size_t)depth + 1 : nf;
            for (size_t f = 0; rc == 0 && f < lim; f++)
                printf("\t%zu  0x%016" PRIx64 " in %s\n\t    at %s:%u\n", f, fr[f].pc,
                       fr[f].func ? fr[f].func : "?", fr[f].file ? fr[f].file : "?", fr[f].line);
            if (rc == 0 && nf > lim)
                printf("\t(truncated)\n");
        }
    }
    if (group >= 0)
        print_groups(members, nmembers);
    else
        printf("[%zu goroutines]\n", shown);
    for (size_t i = 0; i < nmembers; i++) {
        free(members[i].key);
        free(members[i].line);
    }
    free(members);
    free(fr);
    free(cur);
    free(user);
    return 0;
}

static void print_goroutine_info(struct cli *c, const struct gort_g *g)
{
    struct session *s = c->s;
    struct gort_loc cur, user, go, start;
    if (gort_user_locs(s->rt, g, 1, &cur, &user) < 0)
        memset(&cur, 0, sizeof(cur)), memset(&user, 0, sizeof(user));
    gort_go_loc(s->rt, g, &go);
    gort_start_loc(s->rt, g, &start);
    printf("Goroutine %" PRId64 ":\n\tRuntime: ", g->goid);
    print_loc(&cur);
    printf("\n\tUser: ");
    print_loc(&user);
    printf("\n\tGo: ");
    print_loc(&go);
    printf("\n\tStart: ");
    print_loc(&start);
    printf("\n");
}

static int cmd_goroutine(struct cli *c, char *args)
{
    struct session *s = c->s;
    if (cli_need_rt(c) < 0)
        return -1;
    if (!*args) {
        struct gort_frame fr;
        size_t nf = 0;
        if (ses_thread_frames(s, s->cur_tid, &fr, 1, &nf) == 0 && nf)
            printf("Thread %" PRId64 " at %s:%u\n", s->cur_tid, fr.file ? fr.file : "?", fr.line);
        const struct gort_g *g = ses_cur_g(s);
        if (!g)
            return cli_fail("thread %" PRId64 " runs no goroutine", s->cur_tid);
        print_goroutine_info(c, g);
        return 0;
    }
    char *save = NULL;
    char *w = strtok_r(args, " \t", &save);
    long long id;
    if (!cli_parse_num(w, &id))
        return cli_fail("invalid goroutine id '%s': give a number, as `goroutines` lists them", w);
    if (!(s->have_one && s->one_g.goid == id)) {
        int lrc = ses_load_goroutines(s);
        if (lrc < 0)
            return cli_fail("%s", cli_strerror(lrc));
    }
    const struct gort_g *g = ses_find_g(s, id);
    if (!g)
        return cli_fail("unknown goroutine %lld", id);
    char *rest = save ? save : (char *)"";
    while (isspace((unsigned char)*rest))
        rest++;
    if (*rest)
        return cli_run_in(c, id, 0, rest);
    int64_t from = s->cur_goid;
    s->cur_goid = id;
    s->cur_frame = 0;
    if (g->thread)
        s->cur_tid = g->thread;
    printf("Switched from %" PRId64 " to %" PRId64 " (thread %" PRId64 ")\n", from, g->goid,
           s->cur_tid);
    return 0;
}

/* ---- threads */

static int cmd_threads(struct cli *c, char *args)
{
    (void)args;
    struct session *s = c->s;
    if (cli_need_stop(c) < 0)
        return -1;
    for (size_t i = 0; i < s->nthreads; i++) {
        int64_t tid = s->threads[i].tid;
        struct gort_frame fr;
        size_t nf = 0;
        uint64_t pc = 0;
        int rc = tgt_read_pc(s->t, tid, &pc);
        printf("%c Thread %" PRId64 " at ", tid == s->cur_tid ? '*' : ' ', tid);
        if (rc < 0) {
            printf("?? (%s)\n", cli_strerror(rc));
            continue;
        }
        struct gort_loc l = {0};
        if (s->rt)
            gort_loc_at(s->rt, pc, false, &l);
        (void)fr, (void)nf;
        printf("%#" PRIx64 " %s:%u %s\n", pc, l.file ? l.file : "?", l.line, l.func ? l.func : "?");
    }
    return 0;
}

static int cmd_thread(struct cli *c, char *args)
{
    struct session *s = c->s;
    long long tid;
    if (!cli_parse_num(args, &tid))
        return cli_fail("you must specify a thread id, as `threads` lists them");
    if (cli_need_stop(c) < 0)
        return -1;
    bool found = false;
    for (size_t i = 0; i < s->nthreads; i++)
        found |= s->threads[i].tid == tid;
    if (!found)
        return cli_fail("unknown thread %lld", tid);
    int64_t from = s->cur_tid;
    ses_select_thread(s, tid);
    printf("Switched from %" PRId64 " to %lld\n", from, tid);
    return 0;
}

/* clang-format off */
const struct cli_command cli_cmds_goroutines[] = {
    /* name  aliases  help group  handler  one-line summary  full help */
    {"goroutines", "grs", "Listing and switching between threads and goroutines", cmd_goroutines,
     "List program goroutines.",
     "List program goroutines.\n\n"
     "\tgoroutines [-u|-r|-g|-s] [-t [depth]] [-with|-without FILTER]... [-group KEY]\n\n"
     "Print out info for every goroutine. The location shown is chosen by:\n\n"
     "\t-u\tdisplays location of topmost stackframe in user code (default)\n"
     "\t-r\tdisplays location of topmost stackframe (including frames inside private runtime functions)\n"
     "\t-g\tdisplays location of go instruction that created the goroutine\n"
     "\t-s\tdisplays location of the start function\n"
     "\t-t\tdisplays goroutine's stacktrace (an optional depth value can be specified, default: 10)\n\n"
     "FILTER is one of: userloc STR, curloc STR, goloc STR, startloc STR (the location contains\n"
     "STR), running (the goroutine runs on a thread), user (a user goroutine). -with keeps the\n"
     "goroutines that match, -without drops them. The last line counts the goroutines shown.\n\n"
     "-group KEY groups the goroutines by userloc, curloc, goloc, startloc, running or user:\n"
     "each group's key, its first 5 goroutines and its total."},
    {"goroutine", "gr", "Listing and switching between threads and goroutines", cmd_goroutine,
     "Shows or changes current goroutine",
     "Shows or changes current goroutine\n\n"
     "\tgoroutine\n\tgoroutine <id>\n\tgoroutine <id> <command>\n\n"
     "Called without arguments it will show information about the current goroutine.\n"
     "Called with a single argument it will switch to the specified goroutine.\n"
     "Called with more arguments it will execute a command on the specified goroutine."},
    {"threads", NULL, "Listing and switching between threads and goroutines", cmd_threads,
     "Print out info for every traced thread.", "Print out info for every traced thread."},
    {"thread", "tr", "Listing and switching between threads and goroutines", cmd_thread,
     "Switch to the specified thread.",
     "Switch to the specified thread.\n\n\tthread <id>"},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
/* clang-format on */
