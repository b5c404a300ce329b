/*
 * frontend/cli/cmd_stack.c - the commands that look at a stopped process without changing it:
 * goroutines/goroutine, threads/thread, stack/frame/up/down, list, regs. Output shaped as dlv
 * 1.20 prints it (verified side by side by tests/integration/godbg_session.sh).
 *
 * Not for: run control and breakpoints (cmd_run.c), memory and disassembly (cmd_mem.c).
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
static bool parse_num(const char *s, long long *out)
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

static int need_stop(struct cli *c)
{
    int rc = ses_refresh(c->s);
    if (rc < 0)
        return cli_fail("%s", cli_strerror(rc));
    return 0;
}

static int need_rt(struct cli *c)
{
    if (!c->s->rt)
        return cli_fail("no goroutine information: %s", c->s->rt_why);
    return need_stop(c);
}

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
        } else if (depth >= 0 && parse_num(w, &depth))
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
    if (need_rt(c) < 0)
        return -1;
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

static int frame_cmd_in(struct cli *c, int64_t goid, char *rest);

static int cmd_goroutine(struct cli *c, char *args)
{
    struct session *s = c->s;
    if (need_rt(c) < 0)
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
    if (!parse_num(w, &id))
        return cli_fail("invalid goroutine id '%s': give a number, as `goroutines` lists them", w);
    const struct gort_g *g = ses_find_g(s, id);
    if (!g)
        return cli_fail("unknown goroutine %lld", id);
    char *rest = save ? save : (char *)"";
    while (isspace((unsigned char)*rest))
        rest++;
    if (*rest)
        return frame_cmd_in(c, id, rest);
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
    if (need_stop(c) < 0)
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
    if (!parse_num(args, &tid))
        return cli_fail("you must specify a thread id, as `threads` lists them");
    if (need_stop(c) < 0)
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
        if (!parse_num(w, &depth) || depth > SES_MAX_FRAMES - 2)
            return cli_fail("wrong argument: '%s' (stack [depth], depth at most %d)", w,
                            SES_MAX_FRAMES - 2);
    }
    if (need_stop(c) < 0)
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
static int run_in(struct cli *c, int64_t goid, int frame, const char *cmd)
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

static int frame_cmd_in(struct cli *c, int64_t goid, char *rest)
{
    return run_in(c, goid, 0, rest);
}

static int cmd_frame(struct cli *c, char *args)
{
    char *save = NULL;
    char *w = strtok_r(args, " \t", &save);
    long long idx;
    if (!w || !parse_num(w, &idx) || idx >= SES_MAX_FRAMES)
        return cli_fail("the frame command needs a frame number (frame N [command])");
    if (need_stop(c) < 0)
        return -1;
    char *rest = save ? save : (char *)"";
    while (isspace((unsigned char)*rest))
        rest++;
    if (*rest)
        return run_in(c, 0, (int)idx, rest);
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
    if (*args && !parse_num(args, &k))
        return cli_fail("wrong argument: '%s' (a number of frames)", args);
    if (need_stop(c) < 0)
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
        if (colon && parse_num(colon + 1, &line)) {
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
    if (need_stop(c) < 0)
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
    if (need_stop(c) < 0)
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
