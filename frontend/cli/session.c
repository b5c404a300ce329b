/*
 * frontend/cli/session.c - the session state behind the commands: the gomem adapter over struct
 * tgt, the per-stop thread and goroutine lists, selection of thread/goroutine/frame, godbg's
 * breakpoint table and the continue loop. See session.h. Prints nothing.
 */
#include "frontend/cli/session.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/sym/func.h"
#include "frontend/sym/line.h"
#include "frontend/sym/type.h"

/* Go keeps g at fs_base - 8 in a statically linked, non-cgo amd64 binary (runtime.tlsg; cgo
 * binaries put it elsewhere: not handled yet). */
#define GO_TLS_G_OFFSET (-8)

/* ---- gomem over struct tgt: the per-stop cache of target/ does the batching. */

static int mem_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
    return tgt_read_mem(ctx, addr, buf, len);
}

static int mem_read_many(void *ctx, size_t n, const uint64_t *addrs, const size_t *lens,
                         void *const *bufs, int *errs)
{
    return tgt_read_many(ctx, addrs, lens, bufs, n, errs);
}

static int mem_read_reg(void *ctx, int64_t tid, unsigned dwarf_regno, uint64_t *value)
{
    struct tgt *t = ctx;
    int regno = arch_regno_by_dwarf(t->arch, (int)dwarf_regno);
    if (regno < 0)
        return -ENODATA;
    return tgt_read_reg_u64(t, tid, (unsigned)regno, value);
}

static const struct gomem_ops tgt_gomem_ops = {mem_read, mem_read_many, mem_read_reg};

int ses_init(struct session *s, struct tgt *t, struct sym_image *img)
{
    memset(s, 0, sizeof(*s));
    s->t = t;
    s->img = img;
    s->mem.ops = &tgt_gomem_ops;
    s->mem.ctx = t;
    s->next_bp_id = 1;
    s->cur_tid = t->current_tid;
    int rc = gort_new(img, &s->mem, &s->rt, &s->rt_why);
    if (rc == -ENOMEM)
        return rc;
    if (rc < 0) {
        s->rt = NULL;
        if (!s->rt_why)
            s->rt_why = "the binary has no Go runtime information";
    }
    return 0;
}

void ses_fini(struct session *s)
{
    ses_invalidate(s);
    for (size_t i = 0; i < s->nbps; i++) {
        free(s->bps[i].hits);
        free(s->bps[i].file);
        free(s->bps[i].func);
    }
    free(s->bps);
    for (size_t i = 0; i < s->nsubst; i++) {
        free(s->subst[i].from);
        free(s->subst[i].to);
    }
    gort_free(s->rt);
    tgt_close(s->t);
    sym_image_free(s->img);
    memset(s, 0, sizeof(*s));
}

void ses_invalidate(struct session *s)
{
    free(s->threads);
    free(s->gs);
    s->threads = NULL;
    s->gs = NULL;
    s->nthreads = s->ngs = 0;
    s->loaded = false;
    s->gs_loaded = false;
    s->have_one = false;
}

static int load_threads(struct session *s)
{
    size_t n = 0, max = 64;
    for (;;) {
        struct tgt_thread *th = calloc(max, sizeof(*th));
        if (!th)
            return -ENOMEM;
        int rc = s->t->ops->threads(s->t, th, max, &n);
        if (rc < 0) {
            free(th);
            return rc;
        }
        if (n <= max || max >= SES_MAX_THREADS) {
            s->threads = th;
            s->nthreads = n < max ? n : max;
            return 0;
        }
        free(th);
        max = n < SES_MAX_THREADS ? n : SES_MAX_THREADS;
    }
}

int ses_refresh(struct session *s)
{
    if (s->loaded)
        return 0;
    if (s->t->exited)
        return -ESRCH;
    int rc = load_threads(s);
    if (rc < 0)
        return rc;
    s->loaded = true;
    return 0;
}

int ses_load_goroutines(struct session *s)
{
    int rc = ses_refresh(s);
    if (rc < 0 || s->gs_loaded || !s->rt)
        return rc;
    struct gort_thread *gt = calloc(s->nthreads ? s->nthreads : 1, sizeof(*gt));
    if (!gt)
        return -ENOMEM;
    for (size_t i = 0; i < s->nthreads; i++) {
        gt[i].tid = s->threads[i].tid;
        if (tgt_current_g(s->t, gt[i].tid, GO_TLS_G_OFFSET, &gt[i].tls_g) < 0)
            gt[i].tls_g = 0;
    }
    rc = gort_goroutines(s->rt, gt, s->nthreads, &s->gs, &s->ngs);
    free(gt);
    if (rc < 0) {
        s->gs = NULL;
        s->ngs = 0;
        return rc;
    }
    s->gs_loaded = true;
    return 0;
}

static bool live_g(const struct session *s, const struct gort_g *g)
{
    return !(g->flags & GORT_G_UNREADABLE) && !gort_status_is(s->rt, g->status, GORT_DEAD);
}

const struct gort_g *ses_find_g(struct session *s, int64_t goid)
{
    if (s->have_one && s->one_g.goid == goid)
        return &s->one_g;
    if (ses_load_goroutines(s) < 0)
        return NULL;
    for (size_t i = 0; i < s->ngs; i++)
        if (s->gs[i].goid == goid && live_g(s, &s->gs[i]))
            return &s->gs[i];
    return NULL;
}

const struct gort_g *ses_cur_g(struct session *s)
{
    return s->cur_goid ? ses_find_g(s, s->cur_goid) : NULL;
}

/* runtime.m's procid and curg, both 8 bytes (64-bit Go), looked up once per session. */
static bool m_offsets(struct session *s)
{
    static const char *const path[2] = {"procid", "curg"};
    uint64_t *out[2] = {&s->m_procid_off, &s->m_curg_off};
    if (s->m_offs != 0)
        return s->m_offs > 0;
    s->m_offs = -1;
    for (int i = 0; i < 2; i++) {
        const struct sym_type *t = NULL, *r = NULL;
        if (sym_field_offset(s->img, "runtime.m", path[i], out[i], &t) < 0 || !t)
            return false;
        if (sym_type_resolve(s->img, t, &r) < 0)
            r = t;
        if (!r || r->size != 8)
            return false;
    }
    s->m_offs = 1;
    return true;
}

/* Reads the g at GP into *g: true when it is a live user goroutine (goid above 0). */
static bool read_user_g(struct session *s, uint64_t gp, struct gort_g *g)
{
    return gort_g_at(s->rt, gp, g) == 0 && live_g(s, g) && g->goid > 0;
}

/* The goroutine thread TID runs, without the whole list: its g pointer (TLS slot or x28) and that
 * one g. A user g there is its m's curg (the runtime points the slot at g0 before it changes curg
 * either way), the one the list would match to TID. A g0 or gsignal there (the thread on the system
 * stack) leads through g.m: an m whose procid is TID and whose curg is 0 runs no goroutine; a curg
 * running (or in a syscall) on that m is the one the list matches through m.procid. true and the
 * selection made (s->one_g when a goroutine); false when anything is unusual or unreadable (no g
 * pointer, no runtime.m offsets, another procid, a curg in another state), and the caller goes
 * through the whole list as before. */
static bool select_by_tls(struct session *s, int64_t tid)
{
    uint64_t gp = 0;
    if (!s->rt || tgt_current_g(s->t, tid, GO_TLS_G_OFFSET, &gp) < 0 || gp == 0)
        return false;
    struct gort_g g;
    if (gort_g_at(s->rt, gp, &g) < 0 || (g.flags & GORT_G_UNREADABLE))
        return false;
    if (g.goid == 0) {
        if (g.m == 0 || !m_offsets(s))
            return false;
        uint64_t addrs[2] = {g.m + s->m_procid_off, g.m + s->m_curg_off}, vals[2] = {0, 0};
        size_t lens[2] = {8, 8};
        void *bufs[2] = {&vals[0], &vals[1]};
        int errs[2] = {0, 0};
        if (tgt_read_many(s->t, addrs, lens, bufs, 2, errs) < 0 || errs[0] < 0 || errs[1] < 0 ||
            (int64_t)vals[0] != tid)
            return false;
        if (vals[1] == 0)
            return true; /* the thread runs no goroutine: cur_goid stays 0 */
        uint64_t m = g.m;
        if (!read_user_g(s, vals[1], &g) || g.m != m ||
            !(gort_status_is(s->rt, g.status, GORT_RUNNING) ||
              gort_status_is(s->rt, g.status, GORT_SYSCALL)))
            return false;
    } else if (!live_g(s, &g) || g.goid < 0) {
        return false;
    }
    g.thread = tid;
    s->one_g = g;
    s->have_one = true;
    s->cur_goid = g.goid;
    return true;
}

void ses_select_thread(struct session *s, int64_t tid)
{
    s->cur_tid = tid;
    s->cur_goid = 0;
    s->cur_frame = 0;
    s->have_one = false;
    if (!s->gs_loaded && select_by_tls(s, tid))
        return;
    if (ses_load_goroutines(s) < 0)
        return;
    for (size_t i = 0; i < s->ngs; i++)
        if (s->gs[i].thread == tid && live_g(s, &s->gs[i])) {
            s->cur_goid = s->gs[i].goid;
            break;
        }
}

int ses_thread_frames(struct session *s, int64_t tid, struct gort_frame *out, size_t max, size_t *n)
{
    *n = 0;
    if (!s->rt)
        return -ENOTSUP;
    /* A stand-in goroutine that runs on TID with no stack bounds: the unwinder starts from the
     * thread's registers and stops at the first frame it cannot place. */
    struct gort_g g;
    memset(&g, 0, sizeof(g));
    g.thread = tid;
    g.stack_hi = UINT64_MAX;
    return gort_stack(s->rt, &g, out, max, n, NULL);
}

int ses_frames(struct session *s, struct gort_frame *out, size_t max, size_t *n)
{
    *n = 0;
    int rc = ses_refresh(s);
    if (rc < 0)
        return rc;
    const struct gort_g *g = ses_cur_g(s);
    if (!g)
        return ses_thread_frames(s, s->cur_tid, out, max, n);
    return gort_stack(s->rt, g, out, max, n, NULL);
}

const char *ses_subst_path(const struct session *s, const char *file, char *buf, size_t len)
{
    for (size_t i = 0; file && i < s->nsubst; i++) {
        size_t fl = strlen(s->subst[i].from);
        if (strncmp(file, s->subst[i].from, fl) == 0 &&
            (file[fl] == '/' || file[fl] == 0 || (fl && s->subst[i].from[fl - 1] == '/'))) {
            int w = snprintf(buf, len, "%s%s", s->subst[i].to, file + fl);
            if (w > 0 && (size_t)w < len)
                return buf;
        }
    }
    return file;
}

/* ---- breakpoints */

struct ses_bp *ses_bp_by_id(struct session *s, int id)
{
    for (size_t i = 0; i < s->nbps; i++)
        if (s->bps[i].id == id)
            return &s->bps[i];
    return NULL;
}

struct ses_bp *ses_bp_by_addr(struct session *s, uint64_t addr)
{
    for (size_t i = 0; i < s->nbps; i++)
        for (size_t j = 0; j < s->bps[i].naddrs; j++)
            if (s->bps[i].addrs[j] == addr)
                return &s->bps[i];
    return NULL;
}

int ses_bp_add(struct session *s, const uint64_t *addrs, size_t n, struct ses_bp **out)
{
    if (n == 0 || n > SES_MAX_BP_ADDRS)
        return -EINVAL;
    if (!s->t->ops->set_bp)
        return -EOPNOTSUPP;
    for (size_t i = 0; i < n; i++)
        if (ses_bp_by_addr(s, addrs[i])) {
            s->next_bp_id++; /* dlv 1.20 spends an id on a breakpoint that already exists */
            return -EEXIST;
        }
    struct ses_bp *nb = realloc(s->bps, (s->nbps + 1) * sizeof(*nb));
    if (!nb)
        return -ENOMEM;
    s->bps = nb;
    struct ses_bp *bp = &s->bps[s->nbps];
    memset(bp, 0, sizeof(*bp));
    size_t done = 0;
    int rc = 0;
    for (; done < n; done++) {
        rc = s->t->ops->set_bp(s->t, TGT_BP_SW, addrs[done], s->t->arch->bp_kind);
        if (rc < 0)
            break;
        bp->addrs[done] = addrs[done];
    }
    if (rc < 0) {
        while (done-- > 0)
            (void)s->t->ops->clear_bp(s->t, TGT_BP_SW, addrs[done], s->t->arch->bp_kind);
        return rc;
    }
    bp->naddrs = n;
    bp->id = s->next_bp_id++;
    struct gort_loc loc = {0};
    if (s->rt)
        gort_loc_at(s->rt, addrs[0], false, &loc);
    bp->func = loc.func ? strdup(loc.func) : NULL;
    bp->file = loc.file ? strdup(loc.file) : NULL;
    bp->line = loc.line;
    s->nbps++;
    tgt_invalidate(s->t);
    *out = bp;
    return 0;
}

int ses_bp_remove(struct session *s, int id)
{
    struct ses_bp *bp = ses_bp_by_id(s, id);
    if (!bp)
        return -ENOENT;
    int rc = 0;
    for (size_t i = 0; i < bp->naddrs; i++) {
        int r = s->t->ops->clear_bp(s->t, TGT_BP_SW, bp->addrs[i], s->t->arch->bp_kind);
        if (r < 0 && rc == 0 && !s->t->exited)
            rc = r;
    }
    free(bp->hits);
    free(bp->file);
    free(bp->func);
    size_t idx = (size_t)(bp - s->bps);
    memmove(bp, bp + 1, (s->nbps - idx - 1) * sizeof(*bp));
    s->nbps--;
    tgt_invalidate(s->t);
    return rc;
}

void ses_bp_hit(struct ses_bp *bp, int64_t goid)
{
    bp->total_hits++;
    for (size_t i = 0; i < bp->nhits; i++)
        if (bp->hits[i].goid == goid) {
            bp->hits[i].n++;
            return;
        }
    struct ses_bp_hit *nh = realloc(bp->hits, (bp->nhits + 1) * sizeof(*nh));
    if (!nh)
        return;
    bp->hits = nh;
    bp->hits[bp->nhits].goid = goid;
    bp->hits[bp->nhits].n = 1;
    bp->nhits++;
}

/* ---- run control */

static const int passed_signals[] = {SIGURG, SIGCHLD, SIGPROF, SIGWINCH, SIGPIPE, SIGALRM, SIGIO};

bool ses_signal_passed(int sig)
{
    /* As dlv: every signal but SIGTRAP (breakpoints, runtime.Breakpoint) goes back to the program,
     * whose runtime handles it (a nil dereference becomes a panic that may be recovered; a fatal
     * one ends the process, which continue then reports). */
    return sig != 0 && sig != SIGTRAP;
}

void ses_pass_signals(struct session *s)
{
    /* Not every server can (then ses_continue resumes them one by one). */
    if (tgt_rsp_pass_signals(s->t, passed_signals,
                             sizeof(passed_signals) / sizeof(passed_signals[0])) < 0)
        return;
}

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

int ses_continue(struct session *s, struct rsp_stop *stop, struct ses_bp **bp)
{
    *bp = NULL;
    if (s->t->exited)
        return -ESRCH;
    if (!s->t->ops->resume || !s->t->can_run)
        return -EOPNOTSUPP;
    struct tgt_resume r = {0};
    ses_invalidate(s);
    int rc;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    sigaction(SIGINT, &sa, &old);
    bool asked = false;
    for (;;) {
        rc = s->t->ops->resume(s->t, &r);
        if (rc < 0)
            break;
        for (;;) {
            rc = s->t->ops->wait(s->t, stop, 200);
            if (rc != -ETIMEDOUT && rc != -EINTR)
                break;
            if (interrupted && !asked) {
                asked = true;
                rc = s->t->ops->interrupt(s->t);
                if (rc < 0)
                    break;
            }
        }
        if (rc < 0 || stop->kind != RSP_STOP_SIGNAL || !ses_signal_passed(stop->signal) || asked)
            break;
        /* A signal for the program (SIGURG preempts goroutines, SIGSEGV becomes a panic): hand it
         * back and go on, as dlv does. */
        r.signal = stop->signal;
    }
    sigaction(SIGINT, &old, NULL);
    if (rc < 0)
        return rc;
    if (stop->kind != RSP_STOP_SIGNAL)
        return 0;
    rc = ses_refresh(s);
    if (rc < 0)
        return rc;
    ses_select_thread(s, stop->tid ? stop->tid : s->t->current_tid);
    uint64_t pc;
    if ((stop->reason == RSP_REASON_SWBREAK || stop->reason == RSP_REASON_HWBREAK) &&
        tgt_read_pc(s->t, s->cur_tid, &pc) == 0) {
        *bp = ses_bp_by_addr(s, pc);
        if (*bp)
            ses_bp_hit(*bp, s->cur_goid);
    }
    return 0;
}

int ses_reverse(struct session *s, int64_t step_tid, struct rsp_stop *stop, struct ses_bp **bp)
{
    *bp = NULL;
    if (!tgt_rsp_can_reverse(s->t))
        return -EOPNOTSUPP;
    ses_invalidate(s);
    int rc = tgt_rsp_reverse(s->t, step_tid);
    if (rc < 0)
        return rc;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    sigaction(SIGINT, &sa, &old);
    bool asked = false;
    for (;;) {
        rc = s->t->ops->wait(s->t, stop, 200);
        if (rc != -ETIMEDOUT && rc != -EINTR)
            break;
        if (interrupted && !asked) {
            asked = true;
            if ((rc = s->t->ops->interrupt(s->t)) < 0)
                break;
        }
    }
    sigaction(SIGINT, &old, NULL);
    if (rc < 0 || stop->kind != RSP_STOP_SIGNAL)
        return rc;
    if ((rc = ses_refresh(s)) < 0)
        return rc;
    ses_select_thread(s, stop->tid ? stop->tid : s->t->current_tid);
    uint64_t pc;
    if (step_tid == 0 &&
        (stop->reason == RSP_REASON_SWBREAK || stop->reason == RSP_REASON_HWBREAK) &&
        tgt_read_pc(s->t, s->cur_tid, &pc) == 0) {
        *bp = ses_bp_by_addr(s, pc);
        if (*bp)
            ses_bp_hit(*bp, s->cur_goid);
    }
    return 0;
}
