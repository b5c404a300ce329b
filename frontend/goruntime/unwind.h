/*
 * goruntime/unwind.h - the stacks of goroutines: frames from .debug_frame CFI (sym/cfi.h), frame
 * pointers where no CFI covers a pc, and the Go runtime's stack switches: a thread running a
 * goroutine's m on the system stack (g0) is unwound up to runtime.systemstack, runtime.mcall or
 * runtime.morestack, then continues on the goroutine's own stack from g.sched; the frame above
 * runtime.sigpanic (and runtime.asyncPreempt, debugCallV2: calls injected by a signal handler) is
 * the interrupted instruction itself (no "return address - 1"); runtime.goexit
 * (and runtime.mstart / rt0_go on a system stack) ends a stack. Inlined calls are expanded into
 * frames of their own, as dlv shows them.
 *
 * Also the "user" location of many goroutines at once, unwound in lockstep so that N goroutines
 * cost O(depth * N / 1000) memory round trips.
 *
 * Bounded against hostile memory: frames must move up the stack (sp strictly increasing, inside the
 * goroutine's [stack.lo, stack.hi] when on it), at most 4 stack switches, at most the caller's MAX
 * frames; an unreadable slot ends the stack with a reason.
 */
#ifndef GOSTUB_GORUNTIME_UNWIND_H
#define GOSTUB_GORUNTIME_UNWIND_H

#include "frontend/goruntime/goroutines.h"

#define GORT_FRAME_INLINED 0x1u /* an inlined call inside the physical frame that follows it */
#define GORT_FRAME_SYSTEM 0x2u  /* on the system stack (g0) of the goroutine's thread */
#define GORT_FRAME_FP 0x4u      /* this frame's caller was found through frame pointers */

struct gort_frame {
    uint64_t pc;        /* as dlv shows it: the return address, or the current pc of frame 0 */
    uint64_t lookup_pc; /* the pc used for function, line and CFI (pc - 1 after a call) */
    uint64_t sp, cfa, bp;
    const char *func; /* NULL when no function covers lookup_pc; strings belong to the image */
    const char *file;
    uint32_t line;
    unsigned flags;
};

/* Why a stack ended. */
enum gort_stack_end {
    GORT_END_GOEXIT,    /* runtime.goexit: the normal end of a goroutine's stack */
    GORT_END_OUTERMOST, /* runtime.mstart / rt0_go: the base of a system stack */
    GORT_END_MAX,       /* the caller's MAX frames were filled */
    GORT_END_NO_FUNC,   /* a pc outside every function (or 0) */
    GORT_END_NO_RULE,   /* no CFI and no usable frame pointer */
    GORT_END_BAD_SP,    /* the next frame would not be above this one, or leaves the stack */
    GORT_END_UNREADABLE /* a saved return address could not be read */
};
const char *gort_stack_end_name(enum gort_stack_end end);

/* The frames of G, innermost first: at most MAX into OUT, *count written. Parked goroutines start
 * from g.sched; one with a thread (g->thread) from that thread's registers (gomem read_reg).
 * *end (optional) says why it stopped. 0, or -errno when not even the first frame can be had
 * (registers unreadable, G unreadable: -EIO). Reads one small slot per frame. */
GORT_MUST_CHECK int gort_stack(struct gort *rt, const struct gort_g *g, struct gort_frame *out,
                               size_t max, size_t *count, enum gort_stack_end *end);

/* The stacks of GS[0..n) at once, as gort_stack gives each (for `goroutines -t`, `-group`):
 * goroutine i's frames at OUT + i * MAX, counts[i] of them, ends[i] (optional) why it stopped
 * (GORT_END_UNREADABLE with no frames when the g or its thread's registers could not be read). The
 * goroutines of a batch are unwound in lockstep: one gomem read_many per physical frame depth per
 * GOMEM_BATCH_MAX goroutines. 0, -ENOMEM, or -errno when the target failed as a whole. */
GORT_MUST_CHECK int gort_stacks(struct gort *rt, const struct gort_g *gs, size_t n, size_t max,
                                struct gort_frame *out, size_t *counts, enum gort_stack_end *ends);

/* Whether dlv counts function NAME as user code: not in a private runtime package (runtime.x with
 * a lower-case x, runtime/internal/..., internal/...), and a qualified Go name. */
bool gort_is_user_func(const char *name);

/* For each of GS[0..n): CURRENT (optional) = frame 0 (dlv's "Runtime" location) and USER (optional)
 * = dlv's "User": the topmost physical frame whose concrete function is user code
 * (gort_is_user_func), else frame 0. As in dlv, inlined calls are not frames of their own here: the
 * location is the concrete function's name with the file:line of the pc, which lies in the
 * innermost inlined body (dlv 1.20 prints "proc.go:369 sync.runtime_notifyListWait" when
 * goparkunlock is inlined there). Unreadable goroutines get zeroed locations. Unwinds up to
 * GORT_USER_MAX_DEPTH frames per goroutine, all goroutines of a batch in lockstep: one gomem
 * read_many per frame depth per GOMEM_BATCH_MAX goroutines. 0, -ENOMEM, or -errno when the target
 * failed as a whole. */
#define GORT_USER_MAX_DEPTH 64
GORT_MUST_CHECK int gort_user_locs(struct gort *rt, const struct gort_g *gs, size_t n,
                                   struct gort_loc *current, struct gort_loc *user);

#endif
