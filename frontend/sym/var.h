/* sym/var.h - the formal parameters and local variables of a function, with their DWARF locations
 * chosen for a pc (a single expression, or the entry of a .debug_loc list covering that pc), and
 * the lexical blocks that scope them (shadowed names). Evaluating a location is sym/expr.h's job.
 */
#ifndef GOSTUB_SYM_VAR_H
#define GOSTUB_SYM_VAR_H

#include "frontend/sym/func.h"

#define SYM_MAX_VARS 4096 /* per function: more is treated as malformed */

struct sym_var {
    const char *name;
    uint64_t type; /* type id (sym/type.h) */
    bool is_param;
    bool is_return;              /* Go result parameter (DW_AT_variable_parameter) */
    uint32_t decl_line;          /* 0 when absent */
    uint32_t depth;              /* lexical block depth: 0 for the function's own scope */
    uint64_t scope_lo, scope_hi; /* innermost block's range containing the pc ([0,0) at depth 0) */
    bool has_loclist;    /* the location is a list: optimized code, and with Go's register ABI even
                          * -N -l parameters (in a register at entry, spilled after) */
    const uint8_t *expr; /* location expression valid at the pc; NULL: none (optimized away) */
    size_t expr_len;
    uint64_t die;
};

/* Variables of FN in scope at PC (PC == 0: every variable of every block, each with its location
 * list's first entry). In DIE order: parameters first as Go emits them, outer blocks before inner
 * ones, so a caller resolving a name takes the last match (deepest block) that is declared at or
 * before the current line. *vars is malloc'd: free it with free(); pointers inside stay valid until
 * sym_image_free. 0, -ENOMEM, -EINVAL (malformed DWARF). */
SYM_MUST_CHECK int sym_func_vars(struct sym_image *img, const struct sym_func *fn, uint64_t pc,
                                 struct sym_var **vars, size_t *count);

/* The same for the body of an inlined call (an entry of sym_inline_chain): the inlined function's
 * parameters and locals at PC, names and types from its abstract DIE. */
SYM_MUST_CHECK int sym_inline_vars(struct sym_image *img, const struct sym_inline *in, uint64_t pc,
                                   struct sym_var **vars, size_t *count);

/* The function's DW_AT_frame_base expression (Go: DW_OP_call_frame_cfa). 0, -ENOENT. */
SYM_MUST_CHECK int sym_func_frame_base(struct sym_image *img, const struct sym_func *fn,
                                       const uint8_t **expr, size_t *len);

/* One entry of a location list: the expression holds for [lo, hi). */
struct sym_loc_entry {
    uint64_t lo, hi;
    const uint8_t *expr;
    size_t expr_len;
};
/* Every entry of the variable's location list (or one entry [0, UINT64_MAX) for a plain
 * expression). At most MAX written; *count is the total. 0, -ENOENT (no location). */
SYM_MUST_CHECK int sym_var_locations(struct sym_image *img, const struct sym_var *v,
                                     struct sym_loc_entry *out, size_t max, size_t *count);

#endif
