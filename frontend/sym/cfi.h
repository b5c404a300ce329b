/* sym/cfi.h - call frame information from .debug_frame (Go emits .debug_frame, not .eh_frame): for
 * a pc, how to compute the CFA and where each register of the caller, above all the return address,
 * was saved. For the unwinder in goruntime/. Registers are DWARF numbers (arch/ maps them). */
#ifndef GOSTUB_SYM_CFI_H
#define GOSTUB_SYM_CFI_H

#include "frontend/sym/expr.h"
#include "frontend/sym/image.h"

/* Highest DWARF register number a rule can be asked for: the general registers, stack pointer and
 * return address of x86-64 (0-16, xmm 17-32) and arm64 (x0-x30, sp 31). libdwarf clears a table of
 * this many columns on every query, so it is kept small. */
#define SYM_CFI_MAX_REGNO 33

enum sym_cfi_rule_kind {
    SYM_CFI_UNDEFINED,  /* not recoverable (for the return address: outermost frame) */
    SYM_CFI_SAME,       /* unchanged in the caller */
    SYM_CFI_OFFSET,     /* saved at CFA + offset */
    SYM_CFI_VAL_OFFSET, /* the value is CFA + offset */
    SYM_CFI_REGISTER,   /* saved in register regno */
    SYM_CFI_EXPR,       /* saved at the address computed by expr */
    SYM_CFI_VAL_EXPR,   /* the value is computed by expr */
    SYM_CFI_CFA_REG,    /* for the CFA only: regno + offset */
    SYM_CFI_CFA_EXPR    /* for the CFA only: computed by expr */
};

struct sym_cfi_rule {
    enum sym_cfi_rule_kind kind;
    unsigned regno;
    int64_t offset;
    const uint8_t *expr; /* valid until sym_image_free */
    size_t expr_len;
};

struct sym_cfi_row {
    uint64_t lo, hi;         /* the rule set holds for pcs in [lo, hi) */
    uint64_t fde_lo, fde_hi; /* the FDE's range (the function) */
    struct sym_cfi_rule cfa;
    unsigned ra_regno; /* the return address column (x86-64: 16, arm64: 30) */
    struct sym_cfi_rule ra;
};

/* The CFA and return-address rules at PC. 0, -ENOENT (no FDE covers PC), -EINVAL (malformed).
 * Answers are cached by pc (parked goroutines share their return addresses): a repeated pc costs a
 * table lookup, not a run of the FDE's instructions. */
SYM_MUST_CHECK int sym_cfi_at(struct sym_image *img, uint64_t pc, struct sym_cfi_row *out);
/* The rule for DWARF register REGNO at PC. */
SYM_MUST_CHECK int sym_cfi_reg_rule(struct sym_image *img, uint64_t pc, unsigned regno,
                                    struct sym_cfi_rule *out);

/* Applying rules (pure: registers and memory come from CTX's callbacks, as in sym/expr.h). */

/* The CFA of the frame ROW describes: register + offset, or its expression evaluated. */
SYM_MUST_CHECK int sym_cfi_cfa(const struct sym_cfi_row *row, const struct sym_expr_ctx *ctx,
                               uint64_t *cfa);
/* The caller's value of DWARF register REGNO whose rule is RULE, given this frame's CFA: read from
 * CFA+offset (OFFSET), CFA+offset itself (VAL_OFFSET), another register (REGISTER), the same
 * register (SAME), or an expression evaluated with the CFA pushed first (EXPR: an address to read;
 * VAL_EXPR: the value). -ENODATA for UNDEFINED (e.g. the return address of the outermost frame) or
 * when a callback cannot answer; errors from the callbacks and the evaluator otherwise. Reads are
 * CTX->addr_size bytes (8 when 0). */
SYM_MUST_CHECK int sym_cfi_recover(const struct sym_cfi_rule *rule, unsigned regno, uint64_t cfa,
                                   const struct sym_expr_ctx *ctx, uint64_t *value);

#endif
