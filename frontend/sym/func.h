/* sym/func.h - functions of an image from DWARF: DW_TAG_subprogram by Go name ("main.main",
 * "main.(*T).M", "main.main.func1") and by address, and the chain of inlined calls at an address
 * (DW_TAG_inlined_subroutine). The first query builds a name index of every compile unit's
 * top-level entries (functions, types, variables, constants); nothing is read before. */
#ifndef GOSTUB_SYM_FUNC_H
#define GOSTUB_SYM_FUNC_H

#include "frontend/sym/image.h"

struct sym_func {
    const char *name;
    uint64_t lowpc, highpc; /* [lowpc, highpc) */
    uint64_t die;           /* .debug_info offset of the concrete DW_TAG_subprogram */
    uint32_t cu;            /* compile unit index (internal, for sym_ calls) */
    const char *cu_name;    /* the Go package path of the unit, e.g. "main", "net/http" */
    bool optimized;         /* the unit was compiled without "-N -l" (DW_AT_producer) */
    /* DW_AT_trampoline: a compiler-made wrapper that only calls another function (Go 1.17+ marks
     * the closure of `go f(x)` / `defer f(x)` so). Added for issue 4; false when DWARF says
     * nothing. */
    bool trampoline;
};

/* Concrete (out-of-line) function named NAME. 0, -ENOENT, or -errno from loading DWARF. */
SYM_MUST_CHECK int sym_func_by_name(struct sym_image *img, const char *name,
                                    const struct sym_func **out);
/* Where a breakpoint on function NAME belongs (as dlv sets it): the body address of its concrete
 * copy past the prologue (sym_func_body_addr), when there is one, then the first address of every
 * inlined copy of it. Sorted, unique, at most MAX written, *count the number found. The first call
 * walks every function's DIE tree once to index inlined calls. 0, -ENOENT. */
SYM_MUST_CHECK int sym_func_locations(struct sym_image *img, const char *name, uint64_t *addrs,
                                      size_t max, size_t *count);

/* The concrete function whose [lowpc, highpc) contains ADDR. 0 or -ENOENT. */
SYM_MUST_CHECK int sym_func_by_addr(struct sym_image *img, uint64_t addr,
                                    const struct sym_func **out);
/* All concrete functions, sorted by lowpc. */
SYM_MUST_CHECK int sym_func_count(struct sym_image *img, size_t *count);
SYM_MUST_CHECK int sym_func_at(struct sym_image *img, size_t index, const struct sym_func **out);

/* One level of inlining at an address: the inlined function NAME was called from
 * CALL_FILE:CALL_LINE (a line of the caller, which is the next entry of the chain, or the concrete
 * function). */
struct sym_inline {
    const char *name;
    uint64_t lowpc,
        highpc; /* the inlined body's range (of its DW_AT_ranges) containing the address */
    const char *call_file; /* NULL when the DWARF gives none */
    uint32_t call_line;
    uint64_t die;
};

/* Inlined calls containing ADDR, innermost first: writes the innermost MAX to OUT, *count is the
 * depth (0 when ADDR is in no inlined body; may exceed MAX). Walks only the DIE subtree of the one
 * function containing ADDR. 0, -ENOENT (ADDR in no function), -EINVAL (nesting deeper than
 * SYM_MAX_DEPTH or malformed DWARF). */
SYM_MUST_CHECK int sym_inline_chain(struct sym_image *img, uint64_t addr, struct sym_inline *out,
                                    size_t max, size_t *count);

#endif
