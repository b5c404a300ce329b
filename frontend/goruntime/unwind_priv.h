/*
 * goruntime/unwind_priv.h - the inside of struct gort, shared by goroutines.c (which fills it from
 * DWARF) and unwind.c (which reads the stacks). Private to these two files.
 */
#ifndef GOSTUB_GORUNTIME_UNWIND_PRIV_H
#define GOSTUB_GORUNTIME_UNWIND_PRIV_H

#include "frontend/goruntime/goroutines.h"

struct gort_field {
    uint64_t off;  /* from the start of the struct */
    unsigned size; /* 1, 2, 4 or 8 */
    bool ok;       /* the binary describes it */
};

/* Function addresses the unwinder treats specially (0 when the binary lacks one). */
enum gort_special {
    GORT_FN_GOEXIT,
    GORT_FN_RT0_GO,
    GORT_FN_MSTART,
    GORT_FN_SYSTEMSTACK,
    GORT_FN_MCALL,
    GORT_FN_MORESTACK,
    GORT_FN_SIGPANIC,
    GORT_FN_ASYNCPREEMPT,
    GORT_FN_DEBUGCALL,
    GORT_FN_SIGTRAMP,
    GORT_NSPECIAL
};

struct gort {
    struct sym_image *img;
    struct gomem mem;
    unsigned ptr_size;
    unsigned machine; /* EM_X86_64 (62) or EM_AARCH64 (183) */
    uint64_t allgs, allglen;
    struct gort_field g_goid, g_status, g_pc, g_sp, g_bp, g_lr, g_gopc, g_startpc, g_waitreason,
        g_stack_lo, g_stack_hi, g_syscallsp, g_syscallpc, g_m, g_labels;
    uint64_t g_lo; /* the byte range of runtime.g that the list reads */
    size_t g_len;
    struct gort_field m_procid;
    int64_t status_val[GORT_NSTATUS];
    bool status_ok[GORT_NSTATUS];
    uint32_t gscan;
    char version[32];
    bool reasons_tried;
    char (*reasons)[GORT_MAX_REASON_LEN + 1];
    size_t nreasons;
    /* unwinder */
    uint64_t special[GORT_NSPECIAL];         /* entry pcs */
    unsigned reg_pc, reg_sp, reg_bp, reg_lr; /* DWARF numbers */
    /* goroutines.c: whether the image marks go-statement wrappers DW_AT_trampoline (0: not looked
     * yet, 1: it does, -1: no function is marked: the machine-code heuristic is used) */
    int tramp_marks;
};

/* unwind.c: resolves the special functions and register numbers. 0 or -ENOTSUP (machine). */
int gort_unwind_init(struct gort *rt);

#endif
