/*
 * frontend/cli/cmd_step.c - breakpoint conditions (`break ... if COND`, condition/cond, -hitcount)
 * and goroutine-aware stepping: next, step, stepout, step-instruction. Output as dlv 1.20 prints
 * it (the location line and listing; si lists source, not dlv's disassembly).
 *
 * next: temporary breakpoints on every statement row of the current function and on the return
 * address; a hit counts only for the stepping goroutine (the goroutine the stopping thread runs,
 * compared by id, so the goroutine may move between threads) and in the same frame (CFA) - a
 * recursive call's hit, or another goroutine's, is resumed silently. step: single steps of the
 * stepping thread (the others stay stopped) until a statement row of another line starts; a call
 * into the runtime (morestack, write barriers...) is run to its return address instead.
 * stepout: a temporary breakpoint on the return address, taken when SP is above the frame.
 *
 * Not for (yet): deferred calls (next/stepout do not stop in a deferred function that runs at a
 * return; dlv does), "Values returned:" after stepout, watchpoints going out of scope.
 *
 * watch: the address of an expression (at most 8 bytes) onto the server's Z2/Z4; a stop with a
 * watch reason prints "> watchpoint on [EXPR] ..." with the hit counts, as dlv.
 */
#include "frontend/cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/goruntime/eval.h"
#include "frontend/sym/func.h"
#include "frontend/sym/line.h"
#include "frontend/sym/type.h"

/* ------------------------------------------------------------------ conditions */

enum hc_op { HC_NONE, HC_EQ, HC_NE, HC_LT, HC_LE, HC_GT, HC_GE, HC_MOD };
static const char *const hc_names[] = {"", "==", "!=", "<", "<=", ">", ">=", "%"};

struct bp_cond {
    int id;
    char *expr;
    enum hc_op op;
    uint64_t n;
};

static struct bp_cond *conds;
static size_t nconds;

static struct bp_cond *cond_for(int id, bool create)
{
    for (size_t i = 0; i < nconds; i++)
        if (conds[i].id == id)
            return &conds[i];
    if (!create)
        return NULL;
    struct bp_cond *n = realloc(conds, (nconds + 1) * sizeof(*conds));
    if (!n)
        return NULL;
    conds = n;
    conds[nconds] = (struct bp_cond){.id = id};
    return &conds[nconds++];
}

void cli_bp_forget(int id)
{
    for (size_t i = 0; i < nconds; i++)
        if (conds[i].id == id) {
            free(conds[i].expr);
            conds[i] = conds[--nconds];
            return;
        }
}

int cli_bp_set_cond(int id, const char *expr)
{
    struct bp_cond *bc = cond_for(id, true);
    if (!bc)
        return -ENOMEM;
    char *dup = NULL;
    if (expr && *expr && !(dup = strdup(expr)))
        return -ENOMEM;
    free(bc->expr);
    bc->expr = dup;
    return 0;
}

void cli_bp_print_cond(int id)
{
    const struct bp_cond *bc = cond_for(id, false);
    if (!bc)
        return;
    if (bc->expr)
        printf("\tcond %s\n", bc->expr);
    if (bc->op != HC_NONE)
        printf("\tcond -hitcount %s %" PRIu64 "\n", hc_names[bc->op], bc->n);
}

struct regctx {
    struct session *s;
    int64_t tid;
};

static int frame_reg(void *ctx, unsigned dwarf_regno, uint64_t *value)
{
    struct regctx *rc = ctx;
    return rc->s->mem.ops->read_reg(rc->s->mem.ctx, rc->tid, dwarf_regno, value);
}

/* Evaluates EXPR in the selected frame of the selected goroutine/thread into *R (VS: a fresh reader
 * the caller frees). 0, or -1 with ERR set. */
static int eval_here(struct session *s, const char *expr, struct gort_values **vs,
                     struct gort_eval_result *r, char *err, size_t errlen)
{
    struct gort_frame fr[SES_MAX_FRAMES];
    size_t n = 0;
    *vs = NULL;
    if (ses_frames(s, fr, SES_MAX_FRAMES, &n) < 0 || (size_t)s->cur_frame >= n) {
        snprintf(err, errlen, "no frame to evaluate %s in", expr);
        return -1;
    }
    const struct gort_frame *f = &fr[s->cur_frame];
    const struct sym_func *fn = NULL;
    if (sym_func_by_addr(s->img, f->lookup_pc, &fn) < 0)
        fn = NULL;
    struct regctx rc = {s, s->cur_tid};
    const struct gort_g *g = ses_cur_g(s);
    struct gort_eval_frame ef = {.fn = fn,
                                 .pc = f->lookup_pc,
                                 .cfa = f->cfa,
                                 .line = f->line,
                                 .read_reg = s->cur_frame == 0 ? frame_reg : NULL,
                                 .reg_ctx = &rc,
                                 .curg = g ? g->addr : 0};
    if (gort_values_new(s->img, &s->mem, vs) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (gort_eval(*vs, &ef, expr, r, err, errlen) < 0)
        return -1;
    return 0;
}

/* Evaluates EXPR as a bool in frame 0 of the selected goroutine/thread. 1 true, 0 false, -1 after
 * printing why it could not. */
static int eval_bool(struct session *s, const char *expr)
{
    struct gort_frame fr[2];
    size_t n = 0;
    s->cur_frame = 0;
    if (ses_frames(s, fr, 2, &n) < 0 || n == 0) {
        printf("error evaluating expression: no frame to evaluate %s in\n", expr);
        return -1;
    }
    const struct sym_func *fn = NULL;
    if (sym_func_by_addr(s->img, fr[0].lookup_pc, &fn) < 0)
        fn = NULL;
    struct regctx rc = {s, s->cur_tid};
    const struct gort_g *g = ses_cur_g(s);
    struct gort_eval_frame ef = {.fn = fn,
                                 .pc = fr[0].lookup_pc,
                                 .cfa = fr[0].cfa,
                                 .line = fr[0].line,
                                 .read_reg = frame_reg,
                                 .reg_ctx = &rc,
                                 .curg = g ? g->addr : 0};
    struct gort_values *vs = NULL;
    if (gort_values_new(s->img, &s->mem, &vs) < 0) {
        printf("error evaluating expression: out of memory\n");
        return -1;
    }
    struct gort_eval_result *r = calloc(1, sizeof(*r));
    char err[256] = "";
    int res = -1;
    if (!r) {
        snprintf(err, sizeof(err), "out of memory");
    } else if (gort_eval(vs, &ef, expr, r, err, sizeof(err)) == 0) {
        if (r->kind == GORT_EVAL_BOOL) {
            res = r->b;
        } else if (r->kind == GORT_EVAL_VALUE && (r->has_bytes ? r->len == 1 : r->addr != 0)) {
            uint8_t b = r->bytes[0];
            if (!r->has_bytes && gomem_read(&s->mem, r->addr, &b, 1) < 0)
                snprintf(err, sizeof(err), "could not read the value at %#" PRIx64, r->addr);
            else
                res = b != 0;
        } else {
            snprintf(err, sizeof(err), "condition expression not boolean");
        }
    }
    if (res < 0)
        printf("error evaluating expression: %s\n", err);
    free(r);
    gort_values_free(vs);
    return res;
}

static void unhit(struct ses_bp *bp, int64_t goid)
{
    if (bp->total_hits)
        bp->total_hits--;
    for (size_t i = 0; i < bp->nhits; i++)
        if (bp->hits[i].goid == goid && bp->hits[i].n)
            bp->hits[i].n--;
}

/* Whether a hit of BP (already counted by ses_continue) stops, as dlv decides: the condition first
 * (a false one uncounts the hit), then the hit-count condition on the total. */
bool cli_bp_should_stop(struct cli *c, struct ses_bp *bp)
{
    struct bp_cond *bc = cond_for(bp->id, false);
    if (!bc)
        return true;
    if (bc->expr) {
        int v = eval_bool(c->s, bc->expr);
        if (v == 0) {
            unhit(bp, c->s->cur_goid);
            return false;
        }
        if (v < 0)
            return true;
    }
    uint64_t h = bp->total_hits;
    switch (bc->op) {
    case HC_NONE:
        return true;
    case HC_EQ:
        return h == bc->n;
    case HC_NE:
        return h != bc->n;
    case HC_LT:
        return h < bc->n;
    case HC_LE:
        return h <= bc->n;
    case HC_GT:
        return h > bc->n;
    case HC_GE:
        return h >= bc->n;
    case HC_MOD:
        return bc->n && h % bc->n == 0;
    }
    return true;
}

int cli_resume(struct cli *c, struct rsp_stop *st, struct ses_bp **bp)
{
    for (;;) {
        int rc = ses_continue(c->s, st, bp);
        if (rc < 0 || st->kind != RSP_STOP_SIGNAL || !*bp || cli_bp_should_stop(c, *bp))
            return rc;
    }
}

static struct ses_bp *find_bp(struct session *s, const char *w)
{
    long long id;
    if (cli_parse_num(w, &id))
        return ses_bp_by_id(s, (int)id);
    for (size_t i = 0; i < s->nbps; i++)
        if (strcmp(s->bps[i].name, w) == 0)
            return &s->bps[i];
    return NULL;
}

static int cmd_condition(struct cli *c, char *args)
{
    char *save = NULL;
    char *w = strtok_r(args, " \t", &save);
    if (!w)
        return cli_fail("not enough arguments");
    if (strcmp(w, "-hitcount") == 0) {
        char *bw = strtok_r(NULL, " \t", &save), *op = strtok_r(NULL, " \t", &save);
        char *num = strtok_r(NULL, " \t", &save);
        long long n;
        if (!bw || !op || !num || strtok_r(NULL, " \t", &save))
            return cli_fail("not enough arguments: cond -hitcount BP OP N");
        struct ses_bp *bp = find_bp(c->s, bw);
        if (!bp)
            return cli_fail("no breakpoint with id %s", bw);
        enum hc_op o = HC_NONE;
        for (size_t i = 1; i < sizeof(hc_names) / sizeof(hc_names[0]); i++)
            if (strcmp(op, hc_names[i]) == 0)
                o = (enum hc_op)i;
        if (o == HC_NONE)
            return cli_fail("invalid operator %s", op);
        if (!cli_parse_num(num, &n))
            return cli_fail("hitcount must be a non-negative number: %s", num);
        struct bp_cond *bc = cond_for(bp->id, true);
        if (!bc)
            return cli_fail("out of memory");
        bc->op = o;
        bc->n = (uint64_t)n;
        return 0;
    }
    struct ses_bp *bp = find_bp(c->s, w);
    if (!bp)
        return cli_fail("no breakpoint with id %s", w);
    char *rest = save ? save : (char *)"";
    while (*rest == ' ' || *rest == '\t')
        rest++;
    if (!*rest)
        return cli_fail("not enough arguments");
    if (cli_bp_set_cond(bp->id, rest) < 0)
        return cli_fail("out of memory");
    return 0;
}

/* ------------------------------------------------------------------ stepping */

#define MAX_TEMP 4096

struct stepper {
    struct cli *c;
    int64_t goid, tid; /* the stepping goroutine (0: none) and thread */
    uint64_t cfa;      /* frame 0's CFA when the step began */
    uint64_t temp[MAX_TEMP];
    size_t ntemp;
    uint64_t ret;              /* the return address (also in temp), 0 when none */
    uint64_t wanted[MAX_TEMP]; /* stops at user breakpoints (not inserted twice) */
    size_t nwanted;
};

static bool is_wanted(const struct stepper *sp, uint64_t pc)
{
    for (size_t i = 0; i < sp->nwanted; i++)
        if (sp->wanted[i] == pc)
            return true;
    return false;
}

static int add_temp(struct stepper *sp, uint64_t addr)
{
    struct session *s = sp->c->s;
    if (ses_bp_by_addr(s, addr)) {
        /* a user breakpoint stops there anyway */
        if (sp->nwanted < MAX_TEMP)
            sp->wanted[sp->nwanted++] = addr;
        return 0;
    }
    for (size_t i = 0; i < sp->ntemp; i++)
        if (sp->temp[i] == addr)
            return 0;
    if (sp->ntemp == MAX_TEMP)
        return -ENOSPC;
    int rc = s->t->ops->set_bp(s->t, TGT_BP_SW, addr, 1);
    if (rc < 0)
        return rc;
    sp->temp[sp->ntemp++] = addr;
    return 0;
}

static void clear_temps(struct stepper *sp)
{
    struct session *s = sp->c->s;
    for (size_t i = 0; i < sp->ntemp; i++)
        if (s->t->ops->clear_bp(s->t, TGT_BP_SW, sp->temp[i], 1) < 0)
            printf("warning: could not remove a temporary breakpoint at %#" PRIx64 "\n",
                   sp->temp[i]);
    sp->ntemp = 0;
}

static bool is_temp(const struct stepper *sp, uint64_t pc)
{
    for (size_t i = 0; i < sp->ntemp; i++)
        if (sp->temp[i] == pc)
            return true;
    return false;
}

static bool same_goroutine(const struct stepper *sp)
{
    struct session *s = sp->c->s;
    return sp->goid ? s->cur_goid == sp->goid : s->cur_tid == sp->tid;
}

static int cur_sp_cfa(struct session *s, uint64_t *sp_out, uint64_t *cfa)
{
    struct gort_frame fr[1];
    size_t n = 0;
    int rc = ses_frames(s, fr, 1, &n);
    if (rc < 0)
        return rc;
    if (n == 0)
        return -ENOENT;
    *sp_out = fr[0].sp;
    *cfa = fr[0].cfa;
    return 0;
}

enum step_end { STEP_DONE, STEP_BP, STEP_GONE, STEP_FAIL };

/* Sets up SP for the selected goroutine's frame 0; fills fr0/fr1 (fr1.pc 0 when no caller). */
static int stepper_init(struct cli *c, struct stepper *sp, struct gort_frame *fr, size_t *n)
{
    struct session *s = c->s;
    if (!s->t->ops->resume || !s->t->can_run)
        return cli_fail("this target cannot run (a core file?)");
    if (s->t->exited)
        return cli_fail("the process has exited; nothing to step");
    if (cli_need_stop(c) < 0)
        return -1;
    const struct gort_g *g = ses_cur_g(s);
    if (g && !g->thread)
        return cli_fail("goroutine %" PRId64 " is not running on a thread: select it with "
                        "`goroutine` after it runs, or use continue",
                        g->goid);
    memset(sp, 0, sizeof(*sp));
    sp->c = c;
    sp->goid = s->cur_goid;
    sp->tid = s->cur_tid;
    s->cur_frame = 0;
    int rc = ses_frames(s, fr, 2, n);
    if (rc < 0 || *n == 0)
        return cli_fail("could not read the current frame: %s", cli_strerror(rc < 0 ? rc : -EIO));
    sp->cfa = fr[0].cfa;
    return 0;
}

/* Resumes until a temporary breakpoint is hit by the stepping goroutine in an acceptable frame, a
 * user breakpoint stops, or the process stops otherwise. */
static enum step_end run_to_temps(struct stepper *sp, struct rsp_stop *st, struct ses_bp **bp,
                                  bool same_frame_lines)
{
    struct session *s = sp->c->s;
    for (;;) {
        int rc = ses_continue(s, st, bp);
        if (rc < 0) {
            cli_fail("%s", cli_strerror(rc));
            return STEP_FAIL;
        }
        if (st->kind != RSP_STOP_SIGNAL)
            return STEP_GONE;
        if (*bp) {
            if (cli_bp_should_stop(sp->c, *bp))
                return STEP_BP;
        }
        uint64_t pc;
        if (tgt_read_pc(s->t, s->cur_tid, &pc) < 0)
            return STEP_BP;
        if (*bp) {
            /* a false condition on a line the step wanted anyway: judged as the step's own
             * breakpoint there (goroutine, frame), as dlv does */
            if (!is_wanted(sp, pc))
                continue;
        } else if (!is_temp(sp, pc)) {
            return STEP_BP; /* another reason (a signal, Ctrl-C): stop and show it */
        }
        if (!same_goroutine(sp))
            continue;
        uint64_t csp, cfa;
        if (cur_sp_cfa(s, &csp, &cfa) < 0)
            return STEP_DONE;
        if (pc == sp->ret) {
            if (csp >= sp->cfa)
                return STEP_DONE;
            continue;
        }
        if (!same_frame_lines || cfa == sp->cfa)
            return STEP_DONE;
    }
}

static int report(struct cli *c, enum step_end e, const struct rsp_stop *st, struct ses_bp *bp)
{
    struct session *s = c->s;
    if (e == STEP_FAIL)
        return -1;
    if (e == STEP_GONE) {
        if (st->kind == RSP_STOP_EXITED)
            printf("Process %" PRId64 " has exited with status %d\n", s->t->pid, st->exit_code);
        else if (st->kind == RSP_STOP_KILLED)
            printf("Process %" PRId64 " was killed by signal %d\n", s->t->pid, st->signal);
        return 0;
    }
    char suffix[256] = "", prefix[80] = "";
    uint64_t pc;
    if (!bp && tgt_read_pc(s->t, s->cur_tid, &pc) == 0)
        bp = ses_bp_by_addr(s, pc); /* dlv names a breakpoint the step ended on, uncounted */
    if (bp && bp->name[0])
        snprintf(prefix, sizeof(prefix), "[%s] ", bp->name);
    if (bp) {
        uint64_t mine = 0;
        for (size_t i = 0; i < bp->nhits; i++)
            if (bp->hits[i].goid == s->cur_goid)
                mine = bp->hits[i].n;
        snprintf(suffix, sizeof(suffix),
                 " (hits goroutine(%" PRId64 "):%" PRIu64 " total:%" PRIu64 ")", s->cur_goid, mine,
                 bp->total_hits);
    }
    cli_print_where(c, prefix, suffix);
    return 0;
}

/* Every statement row start of [lo, hi) except EXCEPT into the stepper. */
static int add_func_lines(struct stepper *sp, uint64_t lo, uint64_t hi, uint64_t except)
{
    struct session *s = sp->c->s;
    struct sym_line cur;
    if (sym_line_for_addr(s->img, except, &cur) < 0)
        cur = (struct sym_line){0};
    uint64_t a = lo;
    while (a < hi) {
        struct sym_line l;
        if (sym_line_for_addr(s->img, a, &l) < 0) {
            a++;
            continue;
        }
        /* as dlv: not the current line's other rows (a loop header's condition) */
        if (l.addr == a && l.is_stmt && l.line && a != except &&
            !(l.line == cur.line && l.file == cur.file)) {
            int rc = add_temp(sp, a);
            if (rc < 0)
                return rc;
        }
        a++;
    }
    return 0;
}

static int cmd_next(struct cli *c, char *args)
{
    (void)args;
    struct session *s = c->s;
    struct stepper *sp = calloc(1, sizeof(*sp));
    struct gort_frame fr[2];
    size_t n = 0;
    if (!sp)
        return cli_fail("out of memory");
    if (stepper_init(c, sp, fr, &n) < 0) {
        free(sp);
        return -1;
    }
    const struct sym_func *fn = NULL;
    int rc = sym_func_by_addr(s->img, fr[0].lookup_pc, &fn);
    if (rc < 0) {
        free(sp);
        return cli_fail("no function at %#" PRIx64 ": use step-instruction or continue", fr[0].pc);
    }
    rc = add_func_lines(sp, fn->lowpc, fn->highpc, fr[0].pc);
    if (rc == 0 && n > 1 && fr[1].pc) {
        rc = add_temp(sp, fr[1].pc);
        sp->ret = fr[1].pc;
    }
    struct rsp_stop st;
    struct ses_bp *bp = NULL;
    enum step_end e = STEP_FAIL;
    if (rc < 0)
        cli_fail("could not set a temporary breakpoint: %s", cli_strerror(rc));
    else
        e = run_to_temps(sp, &st, &bp, true);
    if (!s->t->exited)
        clear_temps(sp);
    free(sp);
    return report(c, e, &st, bp);
}

static int cmd_stepout(struct cli *c, char *args)
{
    (void)args;
    struct stepper *sp = calloc(1, sizeof(*sp));
    struct gort_frame fr[2];
    size_t n = 0;
    if (!sp)
        return cli_fail("out of memory");
    if (stepper_init(c, sp, fr, &n) < 0) {
        free(sp);
        return -1;
    }
    if (n < 2 || !fr[1].pc) {
        free(sp);
        return cli_fail("could not find the return address: the frame has no caller");
    }
    int rc = add_temp(sp, fr[1].pc);
    sp->ret = fr[1].pc;
    struct rsp_stop st;
    struct ses_bp *bp = NULL;
    enum step_end e = STEP_FAIL;
    if (rc < 0)
        cli_fail("could not set a temporary breakpoint: %s", cli_strerror(rc));
    else
        e = run_to_temps(sp, &st, &bp, false);
    if (!c->s->t->exited)
        clear_temps(sp);
    free(sp);
    return report(c, e, &st, bp);
}

/* One instruction of thread TID, the others stopped. 0, or -errno; *st the stop. */
static int step_one(struct session *s, int64_t tid, struct rsp_stop *st)
{
    struct tgt_resume r = {.step_tid = tid, .others_stopped = true};
    ses_invalidate(s);
    for (int tries = 0;; tries++) {
        int rc = s->t->ops->resume(s->t, &r);
        if (rc < 0)
            return rc;
        rc = s->t->ops->wait(s->t, st, -1);
        if (rc < 0)
            return rc;
        /* SIGURG (the runtime's preemption request; gdbserver reports it at times although it is
         * passed) came instead of the step's trap: dropped, as delivering it would step into the
         * signal handler; the scheduler asks again. Any other signal ends the step. */
        if (st->kind != RSP_STOP_SIGNAL || st->signal != SIGURG || tries == 16)
            return 0;
    }
}

/* After a single step: the thread's goroutine selected, as after a continue. */
static int reselect(struct session *s, int64_t tid)
{
    int rc = ses_refresh(s);
    if (rc < 0)
        return rc;
    ses_select_thread(s, tid);
    return 0;
}

static int cmd_si(struct cli *c, char *args)
{
    (void)args;
    struct session *s = c->s;
    struct stepper sp0;
    struct gort_frame fr[2];
    size_t n = 0;
    if (stepper_init(c, &sp0, fr, &n) < 0)
        return -1;
    struct rsp_stop st;
    int rc = step_one(s, sp0.tid, &st);
    if (rc < 0)
        return cli_fail("%s", cli_strerror(rc));
    if (st.kind != RSP_STOP_SIGNAL)
        return report(c, STEP_GONE, &st, NULL);
    rc = reselect(s, sp0.tid);
    if (rc < 0)
        return cli_fail("%s", cli_strerror(rc));
    return report(c, STEP_DONE, &st, NULL);
}

/* ---- reverse execution (rr): rewind lives in cmd_run.c, rev here */

#define REV_MAX_STEPS 200000 /* instructions one rev next/step/stepout steps back at most */

/* Where the selected thread is after a move: frame 0's line and CFA. */
static int rev_where(struct session *s, int64_t tid, const char **file, uint32_t *line,
                     uint64_t *cfa)
{
    int rc = reselect(s, tid);
    if (rc < 0)
        return rc;
    struct gort_frame fr[1];
    size_t n = 0;
    rc = ses_frames(s, fr, 1, &n);
    if (rc < 0)
        return rc;
    if (n == 0)
        return -EIO;
    *file = fr[0].file;
    *line = fr[0].line;
    *cfa = fr[0].cfa;
    return 0;
}

static bool same_line(const char *fa, uint32_t la, const char *fb, uint32_t lb)
{
    return la == lb && (fa == fb || (fa && fb && strcmp(fa, fb) == 0));
}

/* One instruction back; STEP_GONE when the recording's end stopped it, STEP_BP when anything but
 * the step's own trap did, or when the PC did not move (rr at the start of the recording answers
 * bs with a stop where it is; *last_pc is the PC before the step). */
static enum step_end rev_one(struct session *s, int64_t tid, struct rsp_stop *st, uint64_t *last_pc)
{
    struct ses_bp *bp;
    int rc = ses_reverse(s, tid, st, &bp);
    if (rc < 0) {
        cli_fail("%s", cli_strerror(rc));
        return STEP_FAIL;
    }
    if (st->kind != RSP_STOP_SIGNAL)
        return STEP_GONE;
    if (st->signal != SIGTRAP)
        return STEP_BP;
    uint64_t pc;
    if (tgt_read_pc(s->t, tid, &pc) == 0 && pc == *last_pc)
        return STEP_BP; /* nothing moved: the start of the recording */
    *last_pc = pc;
    return STEP_DONE;
}

/* rev next / rev step: back to the start of the previous line of this function (a call on it is
 * stepped back over: gdb's reverse-next; rev step does the same, it does not enter the callee
 * from its end). Going back past the function's entry stops in the caller, on the call. With
 * rr's bs one instruction at a time, then one instruction forward to the line's first one. */
static int rev_line(struct cli *c, struct stepper *sp, struct rsp_stop *st)
{
    struct session *s = c->s;
    const char *f0, *f1 = NULL, *f;
    uint32_t l0, l1 = 0, l;
    uint64_t cfa0, cfa;
    int rc = rev_where(s, sp->tid, &f0, &l0, &cfa0);
    if (rc < 0)
        return cli_fail("could not read the current frame: %s", cli_strerror(rc));
    bool found = false;
    uint64_t last_pc = 0;
    if (tgt_read_pc(s->t, sp->tid, &last_pc) < 0)
        return cli_fail("could not read the PC");
    for (long i = 0; i < REV_MAX_STEPS; i++) {
        enum step_end e = rev_one(s, sp->tid, st, &last_pc);
        if (e != STEP_DONE)
            return report(c, e, st, NULL);
        if ((rc = rev_where(s, sp->tid, &f, &l, &cfa)) < 0)
            return cli_fail("%s", cli_strerror(rc));
        if (cfa < cfa0 || l == 0)
            continue; /* inside a call made by the line, or code without a line */
        if (cfa > cfa0)
            return report(c, STEP_DONE, st, NULL); /* back in the caller, at the call */
        if (!found) {
            if (same_line(f, l, f0, l0))
                continue;
            found = true;
            f1 = f;
            l1 = l;
            continue;
        }
        if (same_line(f, l, f1, l1))
            continue;
        /* one instruction before the line: forward to its first instruction */
        rc = step_one(s, sp->tid, st);
        if (rc < 0)
            return cli_fail("%s", cli_strerror(rc));
        if (st->kind != RSP_STOP_SIGNAL)
            return report(c, STEP_GONE, st, NULL);
        if ((rc = reselect(s, sp->tid)) < 0)
            return cli_fail("%s", cli_strerror(rc));
        return report(c, STEP_DONE, st, NULL);
    }
    return cli_fail("gave up after stepping back %d instructions", REV_MAX_STEPS);
}

/* rev stepout: back to the call of the current function, in the caller. */
static int rev_stepout(struct cli *c, struct stepper *sp, struct rsp_stop *st)
{
    struct session *s = c->s;
    const char *f;
    uint32_t l;
    uint64_t cfa0, cfa;
    int rc = rev_where(s, sp->tid, &f, &l, &cfa0);
    if (rc < 0)
        return cli_fail("could not read the current frame: %s", cli_strerror(rc));
    uint64_t last_pc = 0;
    if (tgt_read_pc(s->t, sp->tid, &last_pc) < 0)
        return cli_fail("could not read the PC");
    for (long i = 0; i < REV_MAX_STEPS; i++) {
        enum step_end e = rev_one(s, sp->tid, st, &last_pc);
        if (e != STEP_DONE)
            return report(c, e, st, NULL);
        if ((rc = rev_where(s, sp->tid, &f, &l, &cfa)) < 0)
            return cli_fail("%s", cli_strerror(rc));
        if (cfa > cfa0)
            return report(c, STEP_DONE, st, NULL);
    }
    return cli_fail("gave up after stepping back %d instructions", REV_MAX_STEPS);
}

static int cmd_rev(struct cli *c, char *args)
{
    struct session *s = c->s;
    char *sub = strtok(args, " \t");
    if (!sub)
        return cli_fail("not enough arguments");
    if (!tgt_rsp_can_reverse(s->t))
        return cli_fail("not a recording");
    struct stepper sp0;
    struct gort_frame fr[2];
    size_t n = 0;
    if (stepper_init(c, &sp0, fr, &n) < 0)
        return -1;
    struct rsp_stop st;
    if (strcmp(sub, "step-instruction") == 0 || strcmp(sub, "si") == 0) {
        uint64_t last_pc = 0;
        enum step_end e = rev_one(s, sp0.tid, &st, &last_pc);
        if (e == STEP_DONE || e == STEP_BP) {
            int rc = reselect(s, sp0.tid);
            if (rc < 0)
                return cli_fail("%s", cli_strerror(rc));
        }
        return report(c, e, &st, NULL);
    }
    if (strcmp(sub, "next") == 0 || strcmp(sub, "n") == 0 || strcmp(sub, "step") == 0 ||
        strcmp(sub, "s") == 0)
        return rev_line(c, &sp0, &st);
    if (strcmp(sub, "stepout") == 0 || strcmp(sub, "so") == 0)
        return rev_stepout(c, &sp0, &st);
    return cli_fail("%s can not be reversed", sub);
}

static bool runtime_func(const struct sym_func *fn)
{
    return fn->cu_name && (strcmp(fn->cu_name, "runtime") == 0 ||
                           strncmp(fn->cu_name, "runtime/internal", 16) == 0 ||
                           strncmp(fn->cu_name, "internal/", 9) == 0);
}

#define STEP_MAX_INSNS 200000

static int cmd_step(struct cli *c, char *args)
{
    (void)args;
    struct session *s = c->s;
    struct stepper *sp = calloc(1, sizeof(*sp));
    struct gort_frame fr[2];
    size_t n = 0;
    if (!sp)
        return cli_fail("out of memory");
    if (stepper_init(c, sp, fr, &n) < 0) {
        free(sp);
        return -1;
    }
    struct sym_line start;
    if (sym_line_for_addr(s->img, fr[0].pc, &start) < 0)
        start = (struct sym_line){0};
    struct rsp_stop st;
    struct ses_bp *bp = NULL;
    enum step_end e = STEP_FAIL;
    uint64_t start_cfa = sp->cfa;
    int i;
    for (i = 0; i < STEP_MAX_INSNS; i++) {
        int rc = step_one(s, sp->tid, &st);
        if (rc < 0) {
            cli_fail("%s", cli_strerror(rc));
            break;
        }
        if (st.kind != RSP_STOP_SIGNAL) {
            e = STEP_GONE;
            break;
        }
        uint64_t pc;
        if (st.signal != SIGTRAP || tgt_read_pc(s->t, sp->tid, &pc) < 0) {
            rc = reselect(s, sp->tid);
            e = rc < 0 ? STEP_FAIL : STEP_DONE;
            break;
        }
        const struct sym_func *fn = NULL;
        if (sym_func_by_addr(s->img, pc, &fn) < 0)
            fn = NULL;
        if (fn && pc == fn->lowpc && runtime_func(fn)) {
            /* a call into the runtime: run it to its return address on this goroutine */
            uint64_t rsp = 0, ret = 0;
            int rspno = arch_regno_by_name(s->t->arch, "rsp");
            if (rspno < 0 || tgt_read_reg_u64(s->t, sp->tid, (unsigned)rspno, &rsp) < 0 ||
                tgt_read_u64(s->t, rsp, &ret) < 0) {
                cli_fail("could not read the return address of %s", fn->name);
                break;
            }
            if ((rc = reselect(s, sp->tid)) < 0) {
                cli_fail("%s", cli_strerror(rc));
                break;
            }
            sp->goid = s->cur_goid;
            sp->cfa = rsp + 8;
            sp->ntemp = 0;
            rc = add_temp(sp, ret);
            sp->ret = ret;
            if (rc < 0) {
                cli_fail("could not set a temporary breakpoint: %s", cli_strerror(rc));
                break;
            }
            e = run_to_temps(sp, &st, &bp, false);
            clear_temps(sp);
            if (e != STEP_DONE)
                break;
            sp->tid = s->cur_tid; /* the goroutine may have moved */
            e = STEP_FAIL;
            if (tgt_read_pc(s->t, sp->tid, &pc) < 0)
                break;
        }
        if (fn && pc == fn->lowpc && !runtime_func(fn)) {
            /* entered a function: stop past its prologue */
            uint64_t body;
            if (sym_func_body_addr(s->img, fn->lowpc, &body) < 0 || body == pc) {
                rc = reselect(s, sp->tid);
                e = rc < 0 ? STEP_FAIL : STEP_DONE;
                break;
            }
            if ((rc = reselect(s, sp->tid)) < 0)
                break;
            sp->goid = s->cur_goid;
            sp->ntemp = 0;
            sp->ret = 0;
            if (add_temp(sp, body) < 0)
                break;
            e = run_to_temps(sp, &st, &bp, false);
            clear_temps(sp);
            break;
        }
        struct sym_line l;
        if (sym_line_for_addr(s->img, pc, &l) < 0 || l.addr != pc || !l.is_stmt || !l.line)
            continue;
        if (l.line == start.line && l.file == start.file && fn && fn->lowpc <= start.addr &&
            start.addr < fn->highpc) {
            /* same line, same function: go on unless a recursion or a return changed frames */
            uint64_t csp, cfa;
            if ((rc = reselect(s, sp->tid)) < 0)
                break;
            if (cur_sp_cfa(s, &csp, &cfa) == 0 && cfa == start_cfa)
                continue;
        }
        rc = reselect(s, sp->tid);
        e = rc < 0 ? STEP_FAIL : STEP_DONE;
        break;
    }
    free(sp);
    if (i == STEP_MAX_INSNS) {
        if (reselect(s, s->cur_tid) == 0)
            cli_print_where(c, "", "");
        return cli_fail("step gave up after %d instructions without reaching another line "
                        "(use next, stepout or a breakpoint)",
                        STEP_MAX_INSNS);
    }
    return report(c, e, &st, bp);
}

/* ------------------------------------------------------------------ watchpoints */

struct watchp {
    int id;
    char expr[256];
    uint64_t addr, len;
    enum tgt_bp_type type;
    uint64_t total;
    struct ses_bp_hit hits[64]; /* per goroutine; the first 64 goroutines counted */
    size_t nhits;
};

#define MAX_WATCH 4 /* x86's debug registers */
static struct watchp watches[MAX_WATCH];
static size_t nwatches;

static int cmd_watch(struct cli *c, char *args)
{
    struct session *s = c->s;
    enum tgt_bp_type type;
    char *sp = strchr(args, ' ');
    const char *usage = "wrong number of arguments: watch [-r|-w|-rw] <expr>";
    if (!sp)
        return cli_fail("%s", usage);
    *sp = 0;
    if (strcmp(args, "-r") == 0) {
        c->s->next_bp_id++;                                  /* dlv 1.20 spends an id on it too */
        return cli_fail("break on read only not supported"); /* x86 has no read-only watch */
    } else if (strcmp(args, "-w") == 0)
        type = TGT_WATCH_WRITE;
    else if (strcmp(args, "-rw") == 0)
        type = TGT_WATCH_ACCESS;
    else
        return cli_fail("%s", usage);
    char *expr = sp + 1;
    while (*expr == ' ' || *expr == '\t')
        expr++;
    if (!*expr)
        return cli_fail("%s", usage);
    if (!s->t->ops->set_bp || !s->t->can_run)
        return cli_fail("this target cannot set watchpoints");
    if (nwatches == MAX_WATCH)
        return cli_fail("no more hardware watchpoints (at most %d)", MAX_WATCH);
    if (cli_need_stop(c) < 0)
        return -1;
    struct gort_values *vs = NULL;
    struct gort_eval_result *r = calloc(1, sizeof(*r));
    char err[256] = "";
    uint64_t addr = 0, len = 0;
    if (!r)
        snprintf(err, sizeof(err), "out of memory");
    else if (eval_here(s, expr, &vs, r, err, sizeof(err)) == 0) {
        const struct sym_type *ty = NULL;
        if (r->kind != GORT_EVAL_VALUE || r->has_bytes || !r->addr)
            snprintf(err, sizeof(err), "can not watch %s: it has no address", expr);
        else if (sym_type_by_id(s->img, r->type_id, &ty) < 0 || !ty->size)
            snprintf(err, sizeof(err), "can not watch %s: its size is unknown", expr);
        else {
            addr = r->addr;
            len = ty->size > 8 ? 8 : ty->size;
            while (len & (len - 1))
                len++; /* 3 -> 4, 5..7 -> 8 */
        }
    }
    free(r);
    gort_values_free(vs);
    if (!addr)
        return cli_fail("%s", err);
    if (addr % len)
        return cli_fail("can not watch %s: %#" PRIx64 " is not aligned to its size %" PRIu64, expr,
                        addr, len);
    int rc = s->t->ops->set_bp(s->t, type, addr, len);
    if (rc < 0)
        return cli_fail("could not set the watchpoint: %s", cli_strerror(rc));
    struct watchp *w = &watches[nwatches++];
    memset(w, 0, sizeof(*w));
    w->id = s->next_bp_id++;
    snprintf(w->expr, sizeof(w->expr), "%s", expr);
    w->addr = addr;
    w->len = len;
    w->type = type;
    printf("Watchpoint %s set at %#" PRIx64 "\n", w->expr, addr);
    return 0;
}

void cli_watch_print(void)
{
    for (size_t i = 0; i < nwatches; i++)
        printf("Watchpoint %s (enabled) at %#" PRIx64 " (%" PRIu64 ")\n", watches[i].expr,
               watches[i].addr, watches[i].total);
}

int cli_watch_clear(struct cli *c, const char *what)
{
    long long id = -1;
    (void)cli_parse_num(what, &id);
    for (size_t i = 0; i < nwatches; i++) {
        struct watchp *w = &watches[i];
        if (w->id != id && strcmp(w->expr, what) != 0)
            continue;
        int rc = c->s->t->ops->clear_bp(c->s->t, w->type, w->addr, w->len);
        if (rc < 0)
            return cli_fail("the server could not remove the watchpoint: %s", cli_strerror(rc));
        printf("Watchpoint %s cleared at %#" PRIx64 "\n", w->expr, w->addr);
        watches[i] = watches[--nwatches];
        return 0;
    }
    return -ENOENT;
}

int cli_watch_report(struct cli *c, const struct rsp_stop *st)
{
    if (st->reason != RSP_REASON_WATCH && st->reason != RSP_REASON_RWATCH &&
        st->reason != RSP_REASON_AWATCH)
        return 0;
    struct watchp *w = NULL;
    for (size_t i = 0; i < nwatches && !w; i++)
        if (st->watch_addr >= watches[i].addr && st->watch_addr < watches[i].addr + watches[i].len)
            w = &watches[i];
    if (!w && nwatches == 1)
        w = &watches[0]; /* a server that does not say which address */
    if (!w)
        return 0;
    int64_t goid = c->s->cur_goid;
    w->total++;
    uint64_t mine = 0;
    size_t i;
    for (i = 0; i < w->nhits; i++)
        if (w->hits[i].goid == goid)
            break;
    if (i == w->nhits && w->nhits < sizeof(w->hits) / sizeof(w->hits[0]))
        w->hits[w->nhits++] = (struct ses_bp_hit){goid, 0};
    if (i < w->nhits)
        mine = ++w->hits[i].n;
    char prefix[300], suffix[128];
    snprintf(prefix, sizeof(prefix), "watchpoint on [%s] ", w->expr);
    snprintf(suffix, sizeof(suffix), " (hits goroutine(%" PRId64 "):%" PRIu64 " total:%" PRIu64 ")",
             goid, mine, w->total);
    cli_print_where(c, prefix, suffix);
    return 1;
}

/* clang-format off */
const struct cli_command cli_cmds_step[] = {
    /* name  aliases  help group  handler  one-line summary  full help */
    {"next", "n", "Running the program", cmd_next, "Step over to next source line.",
     "Step over to next source line.\n\n\tnext\n\n"
     "Stays on the current goroutine: another goroutine reaching the same lines does not stop it."},
    {"step", "s", "Running the program", cmd_step, "Single step through program.",
     "Single step through program.\n\n\tstep\n\n"
     "Like next, but enters the functions the line calls (past their prologue); calls into the\n"
     "runtime are stepped over."},
    {"stepout", "so", "Running the program", cmd_stepout,
     "Step out of the current function.",
     "Step out of the current function.\n\n\tstepout\n\n"
     "Runs the current goroutine until the current frame returns to its caller."},
    {"step-instruction", "si", "Running the program", cmd_si, "Single step a single cpu instruction.",
     "Single step a single cpu instruction.\n\n\tstep-instruction\n\n"
     "Only the current thread moves."},
    {"rev", NULL, "Running the program", cmd_rev,
     "Reverses the execution of the target program for the command specified.",
     "Reverses the execution of the target program for the command specified.\n\n"
     "\trev next | step | step-instruction | stepout\n\n"
     "Only where the server can run backwards (rr replaying a recording: ReverseContinue+ and\n"
     "ReverseStep+); anywhere else: \"not a recording\". rev next and rev step go back to the start\n"
     "of the previous line of the current function (calls on it are stepped back over); stepout\n"
     "goes back to the call of the current function. They step back one instruction at a time."},
    {"condition", "cond", "Manipulating breakpoints", cmd_condition,
     "Set breakpoint condition.",
     "Set breakpoint condition.\n\n"
     "\tcondition <breakpoint name or id> <boolean expression>.\n"
     "\tcondition -hitcount <breakpoint name or id> <operator> <argument>.\n\n"
     "Specifies that the breakpoint should break only if the boolean\n"
     "expression is true. With -hitcount: only when the breakpoint's hit count satisfies\n"
     "<operator> <argument> (==, !=, <, <=, >, >=, %)."},
    {"watch", NULL, "Manipulating breakpoints", cmd_watch, "Set watchpoint.",
     "Set watchpoint.\n\n\twatch [-r|-w|-rw] <expr>\n\n"
     "\t-r\tstops when the memory location is read (not supported on x86)\n"
     "\t-w\tstops when the memory location is written\n"
     "\t-rw\tstops when the memory location is read or written\n\n"
     "The memory location is the address of <expr> (at most its first 8 bytes), watched by the\n"
     "server's hardware watchpoints (Z2/Z4). Delete it with clear <id or expr>."},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};
/* clang-format on */
