/*
 * goruntime/unwind.c - goroutine stacks. One unwinding step is split in two so that the same code
 * serves a single stack (gort_stack: plan, read, advance) and thousands of stacks in lockstep
 * (gort_user_locs: plan every stack, one read_many, advance every stack): plan() finds the
 * function, the CFA and the slots to read for one frame, or decides a stack switch or the end;
 * advance() moves to the caller with the bytes read. Design notes: doc/internals/goroutines.md.
 */
#include "frontend/goruntime/unwind.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/goruntime/unwind_priv.h"
#include "frontend/sym/cfi.h"
#include "frontend/sym/func.h"
#include "frontend/sym/line.h"

#define MAX_SWITCHES 4
#define MAX_INLINE 16
/* A frame larger than this is garbage: Go's largest goroutine stack is 1 GB, but no single frame
 * that a sane program makes comes near it. */
#define MAX_FRAME_LEN ((uint64_t)256 << 20)

enum action { ACT_READ, ACT_SWITCH, ACT_END };

struct uw {
    uint64_t pc, sp, bp, lr;
    bool ret_addr;       /* pc is a return address: look up pc - 1 */
    bool after_sigpanic; /* the callee was an injected call: pc is the interrupted instruction */
    bool on_system;      /* on the thread's g0 stack, not the goroutine's */
    bool lr_valid;       /* arm64: lr still holds this frame's return address */
    unsigned nswitch;
    /* the planned step */
    enum action act;
    enum gort_stack_end end;
    struct gort_frame fr;
    const struct sym_func *fn;
    uint64_t cfa, ra_addr, bp_addr, need_addr;
    size_t need_len;
    bool ra_in_lr, has_bp_slot;
    bool sig; /* the slot to read is sigtramp's ctx argument (a ucontext_t *) */
};

// clang-format off
static const char *const special_names[GORT_NSPECIAL] = {
    [GORT_FN_GOEXIT]       = "runtime.goexit",
    [GORT_FN_RT0_GO]       = "runtime.rt0_go",
    [GORT_FN_MSTART]       = "runtime.mstart",
    [GORT_FN_SYSTEMSTACK]  = "runtime.systemstack",
    [GORT_FN_MCALL]        = "runtime.mcall",
    [GORT_FN_MORESTACK]    = "runtime.morestack",
    [GORT_FN_SIGPANIC]     = "runtime.sigpanic",
    [GORT_FN_ASYNCPREEMPT] = "runtime.asyncPreempt",
    [GORT_FN_DEBUGCALL]    = "runtime.debugCallV2",
    [GORT_FN_SIGTRAMP]     = "runtime.sigtramp",
};
// clang-format on

int gort_unwind_init(struct gort *rt)
{
    switch (rt->machine) {
    case 62: /* EM_X86_64: DWARF numbering of the psABI, table 3.36 */
        rt->reg_pc = 16;
        rt->reg_sp = 7;
        rt->reg_bp = 6;
        rt->reg_lr = 16; /* the return-address column */
        break;
    case 183: /* EM_AARCH64: DWARF for the Arm 64-bit Architecture, section 4.1 */
        rt->reg_pc = 32;
        rt->reg_sp = 31;
        rt->reg_bp = 29;
        rt->reg_lr = 30;
        break;
    default:
        return -ENOTSUP;
    }
    for (int i = 0; i < GORT_NSPECIAL; i++) {
        const struct sym_func *fn;
        assert(special_names[i] != NULL); /* every enum gort_special has its name */
        rt->special[i] = sym_func_by_name(rt->img, special_names[i], &fn) == 0 ? fn->lowpc : 0;
    }
    return 0;
}

const char *gort_stack_end_name(enum gort_stack_end end)
{
    switch (end) {
    case GORT_END_GOEXIT:
        return "goexit";
    case GORT_END_OUTERMOST:
        return "outermost";
    case GORT_END_MAX:
        return "depth limit";
    case GORT_END_NO_FUNC:
        return "pc outside every function";
    case GORT_END_NO_RULE:
        return "no unwind rule";
    case GORT_END_BAD_SP:
        return "stack pointer out of order";
    case GORT_END_UNREADABLE:
        return "unreadable stack";
    }
    return "?";
}

bool gort_is_user_func(const char *name)
{
    if (!name || !strchr(name, '.'))
        return false;
    if (strncmp(name, "runtime.", 8) == 0)
        return name[8] >= 'A' && name[8] <= 'Z'; /* exported: runtime.Gosched is the user's call */
    if (strncmp(name, "runtime/internal/", 17) == 0 || strncmp(name, "internal/", 9) == 0)
        return false;
    return true;
}

static bool is_special(const struct gort *rt, const struct sym_func *fn, enum gort_special s)
{
    return rt->special[s] != 0 && fn->lowpc == rt->special[s];
}

static bool in_stack(const struct gort_g *g, uint64_t sp)
{
    return g->stack_lo < g->stack_hi && sp >= g->stack_lo && sp <= g->stack_hi;
}

static int uw_start(struct gort *rt, const struct gort_g *g, struct uw *u)
{
    memset(u, 0, sizeof(*u));
    if (g->flags & GORT_G_UNREADABLE)
        return -EIO;
    u->pc = g->pc;
    u->sp = g->sp;
    u->bp = g->bp;
    u->lr = g->lr;
    u->lr_valid = g->lr != 0;
    if (g->thread) {
        uint64_t pc, sp, bp, lr = 0;
        int rc = gomem_read_reg(&rt->mem, g->thread, rt->reg_pc, &pc);
        if (rc == 0)
            rc = gomem_read_reg(&rt->mem, g->thread, rt->reg_sp, &sp);
        if (rc == 0)
            rc = gomem_read_reg(&rt->mem, g->thread, rt->reg_bp, &bp);
        if (rc == 0 && rt->machine == 183)
            rc = gomem_read_reg(&rt->mem, g->thread, rt->reg_lr, &lr);
        if (rc < 0)
            return rc;
        u->pc = pc;
        u->sp = sp;
        u->bp = bp;
        u->lr = lr;
        u->lr_valid = rt->machine == 183;
        /* A thread whose sp is outside the goroutine's stack runs on its m's g0 (systemstack,
         * mcall, a syscall wrapper such as the vDSO calls) or signal stack. */
        u->on_system = !in_stack(g, sp);
    }
    return 0;
}

static void end(struct uw *u, enum gort_stack_end why)
{
    u->act = ACT_END;
    u->end = why;
}

/* Plans one step from the frame at u->pc/sp: fills u->fr and decides what comes next. */
static void plan(struct gort *rt, const struct gort_g *g, struct uw *u)
{
    uint64_t lookup = u->pc;
    if (u->ret_addr && !u->after_sigpanic && u->pc > 0)
        lookup = u->pc - 1;
    memset(&u->fr, 0, sizeof(u->fr));
    u->fr.pc = u->pc;
    u->fr.lookup_pc = lookup;
    u->fr.sp = u->sp;
    u->fr.bp = u->bp;
    u->fr.flags = u->on_system ? GORT_FRAME_SYSTEM : 0;
    u->fn = NULL;
    u->has_bp_slot = false;
    u->ra_in_lr = false;
    u->sig = false;
    if (u->pc == 0 || sym_func_by_addr(rt->img, lookup, &u->fn) != 0) {
        u->fn = NULL;
        end(u, GORT_END_NO_FUNC);
        return;
    }
    u->fr.func = u->fn->name;
    struct sym_line l;
    if (sym_line_for_addr(rt->img, lookup, &l) == 0) {
        u->fr.file = l.file;
        u->fr.line = l.line;
    }
    if (is_special(rt, u->fn, GORT_FN_GOEXIT))
        return end(u, GORT_END_GOEXIT);
    if (is_special(rt, u->fn, GORT_FN_RT0_GO) || is_special(rt, u->fn, GORT_FN_MSTART))
        return end(u, GORT_END_OUTERMOST);
    /* systemstack and mcall saved the goroutine's registers in g.sched before switching to g0;
     * morestack saved those of the function that overflowed (m.morebuf holds its caller's). */
    if (u->on_system &&
        (is_special(rt, u->fn, GORT_FN_SYSTEMSTACK) || is_special(rt, u->fn, GORT_FN_MCALL) ||
         is_special(rt, u->fn, GORT_FN_MORESTACK))) {
        u->act = ACT_SWITCH;
        return;
    }
    /* The signal handler's entry (amd64 Linux): sigtramp stored its arguments sig, info, ctx at
     * 0, 8, 16(SP) for sigtrampgo, so at its frame ctx is the word at sp + 16; the interrupted
     * registers are in ctx's uc_mcontext. The return address the kernel pushed leads only to
     * the sigreturn trampoline. */
    if (is_special(rt, u->fn, GORT_FN_SIGTRAMP) && rt->machine == 62) {
        u->sig = true;
        u->act = ACT_READ;
        u->need_addr = u->sp + 16;
        u->need_len = 8;
        return;
    }
    struct sym_cfi_row row;
    int rc = sym_cfi_at(rt->img, lookup, &row);
    if (rc == 0 && row.cfa.kind == SYM_CFI_CFA_REG &&
        (row.cfa.regno == rt->reg_sp || row.cfa.regno == rt->reg_bp)) {
        uint64_t base = row.cfa.regno == rt->reg_sp ? u->sp : u->bp;
        u->cfa = base + (uint64_t)row.cfa.offset;
        if (row.ra.kind == SYM_CFI_OFFSET) {
            u->ra_addr = u->cfa + (uint64_t)row.ra.offset;
        } else if ((row.ra.kind == SYM_CFI_SAME ||
                    (row.ra.kind == SYM_CFI_REGISTER && row.ra.regno == rt->reg_lr)) &&
                   u->lr_valid) {
            u->ra_in_lr = true;
        } else if (row.ra.kind == SYM_CFI_UNDEFINED) {
            return end(u, GORT_END_OUTERMOST);
        } else {
            return end(u, GORT_END_NO_RULE);
        }
        /* amd64: Go stores the caller's BP just below the return address once the frame is made
         * (cmd/internal/obj/x86 preprocess); the CFI leaves BP to the unwinder ("same value"). */
        if (rt->machine == 62 && u->cfa - u->sp > 8) {
            u->has_bp_slot = true;
            u->bp_addr = u->cfa - 16;
        }
    } else if (u->bp > u->sp && (u->on_system || u->bp < g->stack_hi)) {
        /* No CFI: the frame pointer chain, [bp] = caller's bp, [bp + 8] = return address. */
        u->cfa = u->bp + 16;
        u->ra_addr = u->bp + 8;
        u->has_bp_slot = true;
        u->bp_addr = u->bp;
        u->fr.flags |= GORT_FRAME_FP;
    } else {
        return end(u, GORT_END_NO_RULE);
    }
    u->fr.cfa = u->cfa;
    /* The CFA is above SP, except at an arm64 entry (or leaf) where nothing is pushed yet and the
     * return address is still in LR: LR serves once, so this cannot repeat. */
    if (u->cfa < u->sp || (u->cfa == u->sp && !u->ra_in_lr) || u->cfa - u->sp > MAX_FRAME_LEN ||
        (!u->on_system && g->stack_hi > g->stack_lo && u->cfa > g->stack_hi))
        return end(u, GORT_END_BAD_SP);
    if (u->ra_in_lr && !u->has_bp_slot) {
        u->need_len = 0;
    } else {
        uint64_t lo = u->ra_in_lr ? u->bp_addr : u->ra_addr, hi = lo + 8;
        if (u->has_bp_slot && u->bp_addr < lo)
            lo = u->bp_addr;
        if (u->has_bp_slot && u->bp_addr + 8 > hi)
            hi = u->bp_addr + 8;
        if (hi < lo || hi - lo > 64)
            return end(u, GORT_END_NO_RULE);
        u->need_addr = lo;
        u->need_len = (size_t)(hi - lo);
    }
    u->act = ACT_READ;
}

/* Linux x86-64 ucontext_t: uc_flags, uc_link, uc_stack (24 bytes), then uc_mcontext.gregs[23] in
 * the order of <sys/ucontext.h> REG_R8..REG_CR2: RBP is gregs[10], RSP gregs[15], RIP gregs[16]. */
#define UC_GREGS 40u
#define UC_RBP (UC_GREGS + 8u * 10u)
#define UC_RSP (UC_GREGS + 8u * 15u)
#define UC_RIP (UC_GREGS + 8u * 16u)

/* Continues at the registers the signal interrupted (a stack switch: bounded by MAX_SWITCHES). */
static void leave_signal(struct gort *rt, const struct gort_g *g, struct uw *u, uint64_t ctx)
{
    uint8_t regs[UC_RIP + 8 - UC_RBP];
    if (ctx == 0 || ctx + UC_RIP + 8 < ctx ||
        gomem_read(&rt->mem, ctx + UC_RBP, regs, sizeof(regs)) < 0)
        return end(u, GORT_END_UNREADABLE);
    if (++u->nswitch > MAX_SWITCHES)
        return end(u, GORT_END_BAD_SP);
    u->bp = gomem_le(regs, 8);
    u->sp = gomem_le(regs + (UC_RSP - UC_RBP), 8);
    u->pc = gomem_le(regs + (UC_RIP - UC_RBP), 8);
    u->on_system = !in_stack(g, u->sp);
    u->ret_addr = false; /* the interrupted instruction itself */
    u->after_sigpanic = false;
    u->lr_valid = false;
    if (u->pc == 0)
        end(u, GORT_END_NO_FUNC);
}

/* Moves to the caller. BYTES holds need_len bytes from need_addr (ERR < 0: unreadable). */
static void advance(struct gort *rt, const struct gort_g *g, struct uw *u, const uint8_t *bytes,
                    int err)
{
    if (u->act == ACT_SWITCH) {
        if (++u->nswitch > MAX_SWITCHES || !in_stack(g, g->sp))
            return end(u, GORT_END_BAD_SP);
        u->pc = g->pc;
        u->sp = g->sp;
        u->bp = g->bp;
        u->lr = g->lr;
        u->lr_valid = g->lr != 0;
        u->on_system = false;
        /* systemstack and mcall leave g.sched as a parked goroutine's: its pc is shown and looked
         * up as frame 0 of a parked goroutine is (dlv takes systemstack_switch's pc as is, there
         * being no call before it); morestack's g.sched.pc returns into the function that grew. */
        u->ret_addr = is_special(rt, u->fn, GORT_FN_MORESTACK);
        u->after_sigpanic = false;
        return;
    }
    if (err < 0)
        return end(u, GORT_END_UNREADABLE);
    if (u->sig)
        return leave_signal(rt, g, u, gomem_le(bytes, 8));
    uint64_t ra = u->lr, bp = u->bp;
    if (!u->ra_in_lr)
        ra = gomem_le(bytes + (u->ra_addr - u->need_addr), 8);
    if (u->has_bp_slot)
        bp = gomem_le(bytes + (u->bp_addr - u->need_addr), 8);
    /* Calls the runtime injects from a signal handler (sigctxt.pushCall / preparePanic) push the
     * interrupted pc as the return address: there is no call before it (Go's traceback treats
     * sigpanic, asyncPreempt and debugCallV2 alike). */
    u->after_sigpanic = is_special(rt, u->fn, GORT_FN_SIGPANIC) ||
                        is_special(rt, u->fn, GORT_FN_ASYNCPREEMPT) ||
                        is_special(rt, u->fn, GORT_FN_DEBUGCALL);
    u->pc = ra;
    u->sp = u->cfa;
    u->bp = bp;
    u->lr_valid = false;
    u->ret_addr = true;
    if (ra == 0)
        end(u, GORT_END_NO_FUNC);
}

/* The physical frame U->fr and the inlined calls inside it, innermost first, into OUT[0..max). */
static size_t expand(struct gort *rt, const struct uw *u, struct gort_frame *out, size_t max)
{
    struct sym_inline chain[MAX_INLINE];
    size_t c = 0, k = 0;
    if (max == 0)
        return 0;
    if (u->fn && sym_inline_chain(rt->img, u->fr.lookup_pc, chain, MAX_INLINE, &c) < 0)
        c = 0;
    if (c > MAX_INLINE)
        c = MAX_INLINE;
    const char *file = u->fr.file;
    uint32_t line = u->fr.line;
    for (size_t i = 0; i < c && k < max; i++) {
        out[k] = u->fr;
        out[k].func = chain[i].name;
        out[k].file = file;
        out[k].line = line;
        out[k++].flags |= GORT_FRAME_INLINED;
        file = chain[i].call_file;
        line = chain[i].call_line;
    }
    if (k < max) {
        out[k] = u->fr;
        out[k].file = file;
        out[k++].line = line;
    }
    return k;
}

int gort_stack(struct gort *rt, const struct gort_g *g, struct gort_frame *out, size_t max,
               size_t *count, enum gort_stack_end *endp)
{
    struct uw u;
    enum gort_stack_end dummy;
    if (!endp)
        endp = &dummy;
    *count = 0;
    *endp = GORT_END_MAX;
    int rc = uw_start(rt, g, &u);
    if (rc < 0)
        return rc;
    size_t n = 0;
    while (n < max) {
        plan(rt, g, &u);
        if (u.pc != 0)
            n += expand(rt, &u, out + n, max - n);
        if (u.act == ACT_END) {
            *endp = u.end;
            break;
        }
        uint8_t buf[64];
        int err = 0;
        if (u.act == ACT_READ && u.need_len)
            err = gomem_read(&rt->mem, u.need_addr, buf, u.need_len);
        advance(rt, g, &u, buf, err);
        if (u.act == ACT_END) {
            *endp = u.end;
            break;
        }
    }
    *count = n;
    return 0;
}

/* Called with each planned frame of goroutine I (its DEPTH-th physical frame); true: done with I.
 */
typedef bool (*lockstep_visit)(struct uw *u, size_t i, unsigned depth, void *arg);

struct lockstep_bufs {
    struct uw *uws;
    bool *active;
    uint64_t *addrs;
    size_t *lens, *idx;
    void **bufs;
    int *errs;
    uint8_t (*raw)[64];
};

static void lockstep_free(struct lockstep_bufs *b)
{
    free(b->uws);
    free(b->active);
    free(b->addrs);
    free(b->lens);
    free(b->idx);
    free(b->bufs);
    free(b->errs);
    free(b->raw);
}

static int lockstep_alloc(struct lockstep_bufs *b)
{
    const size_t B = GOMEM_BATCH_MAX;
    b->uws = calloc(B, sizeof(*b->uws));
    b->active = calloc(B, sizeof(*b->active));
    b->addrs = calloc(B, sizeof(*b->addrs));
    b->lens = calloc(B, sizeof(*b->lens));
    b->idx = calloc(B, sizeof(*b->idx));
    b->bufs = calloc(B, sizeof(*b->bufs));
    b->errs = calloc(B, sizeof(*b->errs));
    b->raw = calloc(B, sizeof(*b->raw));
    if (b->uws && b->active && b->addrs && b->lens && b->idx && b->bufs && b->errs && b->raw)
        return 0;
    lockstep_free(b);
    return -ENOMEM;
}

/* Unwinds GS[0..n) (n <= GOMEM_BATCH_MAX) together, up to MAX_DEPTH physical frames each: every
 * round plans one frame of each live goroutine, visits it, and reads all the slots in one batch.
 * On return b->uws[i] holds each goroutine's final state (act ACT_END with end, or still going). */
static int lockstep(struct gort *rt, const struct gort_g *gs, size_t n, unsigned max_depth,
                    lockstep_visit visit, void *arg, struct lockstep_bufs *b)
{
    size_t live = 0;
    for (size_t i = 0; i < n; i++) {
        b->active[i] = uw_start(rt, &gs[i], &b->uws[i]) == 0;
        if (!b->active[i])
            end(&b->uws[i], GORT_END_UNREADABLE);
        live += b->active[i];
    }
    for (unsigned depth = 0; depth < max_depth && live > 0; depth++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (!b->active[i])
                continue;
            struct uw *u = &b->uws[i];
            plan(rt, &gs[i], u);
            if (visit(u, i, depth, arg) || u->act == ACT_END) {
                b->active[i] = false;
                live--;
                continue;
            }
            if (u->act == ACT_SWITCH || u->need_len == 0) {
                advance(rt, &gs[i], u, NULL, 0);
                continue;
            }
            b->addrs[k] = u->need_addr;
            b->lens[k] = u->need_len;
            b->bufs[k] = b->raw[k];
            b->idx[k++] = i;
        }
        int rc = gomem_read_many(&rt->mem, k, b->addrs, b->lens, b->bufs, b->errs);
        if (rc < 0)
            return rc;
        for (size_t j = 0; j < k; j++)
            advance(rt, &gs[b->idx[j]], &b->uws[b->idx[j]], b->raw[j], b->errs[j]);
        for (size_t i = 0; i < n; i++) {
            if (b->active[i] && b->uws[i].act == ACT_END) {
                b->active[i] = false;
                live--;
            }
        }
    }
    return 0;
}

struct user_arg {
    struct gort_loc *cur, *user;
};

static bool visit_user(struct uw *u, size_t i, unsigned depth, void *arg)
{
    struct user_arg *a = arg;
    /* dlv judges physical frames only: the concrete function's name, with the file:line of the pc
     * (inside the innermost inlined body, if any). */
    struct gort_loc here = {u->fr.pc, u->fr.lookup_pc, u->fr.func, u->fr.file, u->fr.line};
    if (depth == 0 && u->pc)
        a->cur[i] = a->user[i] = here;
    if (u->fn && gort_is_user_func(u->fn->name)) {
        a->user[i] = here;
        return true;
    }
    return false;
}

int gort_user_locs(struct gort *rt, const struct gort_g *gs, size_t n, struct gort_loc *current,
                   struct gort_loc *user)
{
    const size_t B = GOMEM_BATCH_MAX;
    struct lockstep_bufs b;
    struct gort_loc *cur = calloc(B, sizeof(*cur)), *usr = calloc(B, sizeof(*usr));
    int rc = lockstep_alloc(&b);
    if (rc < 0 || !cur || !usr) {
        if (rc == 0)
            lockstep_free(&b);
        free(cur);
        free(usr);
        return -ENOMEM;
    }
    struct user_arg arg = {cur, usr};
    for (size_t i0 = 0; i0 < n && rc == 0; i0 += B) {
        size_t k = n - i0 < B ? n - i0 : B;
        memset(cur, 0, k * sizeof(*cur));
        memset(usr, 0, k * sizeof(*usr));
        rc = lockstep(rt, gs + i0, k, GORT_USER_MAX_DEPTH, visit_user, &arg, &b);
        if (current)
            memcpy(current + i0, cur, k * sizeof(*cur));
        if (user)
            memcpy(user + i0, usr, k * sizeof(*usr));
    }
    lockstep_free(&b);
    free(cur);
    free(usr);
    return rc;
}

struct stacks_arg {
    struct gort *rt;
    struct gort_frame *out;
    size_t max, *counts;
};

static bool visit_stack(struct uw *u, size_t i, unsigned depth, void *arg)
{
    (void)depth;
    struct stacks_arg *a = arg;
    size_t *c = &a->counts[i];
    if (u->pc != 0)
        *c += expand(a->rt, u, a->out + i * a->max + *c, a->max - *c);
    return *c >= a->max;
}

int gort_stacks(struct gort *rt, const struct gort_g *gs, size_t n, size_t max,
                struct gort_frame *out, size_t *counts, enum gort_stack_end *ends)
{
    const size_t B = GOMEM_BATCH_MAX;
    struct lockstep_bufs b;
    int rc = lockstep_alloc(&b);
    if (rc < 0)
        return rc;
    unsigned depth = max > 4096 ? 4096 : (unsigned)max;
    for (size_t i0 = 0; i0 < n && rc == 0; i0 += B) {
        size_t k = n - i0 < B ? n - i0 : B;
        struct stacks_arg arg = {rt, out + i0 * max, max, counts + i0};
        memset(counts + i0, 0, k * sizeof(*counts));
        rc = lockstep(rt, gs + i0, k, depth, visit_stack, &arg, &b);
        for (size_t i = 0; i < k && ends; i++)
            ends[i0 + i] = b.uws[i].act == ACT_END ? b.uws[i].end : GORT_END_MAX;
    }
    lockstep_free(&b);
    return rc;
}
