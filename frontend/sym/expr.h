/* sym/expr.h - an evaluator of DWARF location expressions, free of I/O and of libdwarf: registers,
 * memory, the frame base and the CFA come from the caller through struct sym_expr_ctx. It covers
 * what the Go compiler emits (DW_OP_fbreg, call_frame_cfa, regN/regx, bregN/bregx, piece, addr,
 * stack_value) and the usual stack arithmetic, and refuses anything else with -ENOTSUP.
 *
 * Bounded: the stack has SYM_EXPR_STACK entries, at most SYM_EXPR_MAX_PIECES pieces, and at most
 * SYM_EXPR_MAX_STEPS operations run (branches cannot loop forever). Expressions are hostile input.
 */
#ifndef GOSTUB_SYM_EXPR_H
#define GOSTUB_SYM_EXPR_H

#include <stddef.h>
#include <stdint.h>

#define SYM_EXPR_STACK 64
#define SYM_EXPR_MAX_PIECES 64
#define SYM_EXPR_MAX_STEPS 10000

typedef int (*sym_read_reg_fn)(void *ctx, unsigned dwarf_regno, uint64_t *value);
typedef int (*sym_read_mem_fn)(void *ctx, uint64_t addr, void *buf, size_t len);

struct sym_expr_ctx {
    sym_read_reg_fn read_reg; /* NULL: registers unavailable (-ENODATA) */
    sym_read_mem_fn read_mem; /* NULL: memory unavailable (DW_OP_deref fails with -ENODATA) */
    void *ctx;
    uint64_t frame_base; /* value of the function's DW_AT_frame_base (for DW_OP_fbreg) */
    uint64_t cfa;        /* for DW_OP_call_frame_cfa */
    unsigned has_frame_base : 1, has_cfa : 1;
    unsigned push_cfa : 1; /* start with the CFA on the stack (CFI DW_CFA_expression and
                            * DW_CFA_val_expression rules, DWARF 5 section 6.4.2.3) */
    unsigned addr_size;    /* 8 or 4 (DW_OP_addr, deref size) */
};

enum sym_piece_kind {
    SYM_PIECE_MEM,      /* the value is in memory at addr */
    SYM_PIECE_REG,      /* in register regno */
    SYM_PIECE_VALUE,    /* DW_OP_stack_value: the value itself */
    SYM_PIECE_IMPLICIT, /* DW_OP_implicit_value: bytes */
    SYM_PIECE_EMPTY     /* a piece with no location: optimized away */
};

struct sym_piece {
    enum sym_piece_kind kind;
    uint64_t addr;        /* MEM */
    unsigned regno;       /* REG, DWARF numbering */
    uint64_t value;       /* VALUE */
    const uint8_t *bytes; /* IMPLICIT (points into the expression) */
    uint64_t size;        /* bytes; 0 = the whole object (expression without DW_OP_piece) */
};

struct sym_expr_result {
    struct sym_piece pieces[SYM_EXPR_MAX_PIECES];
    size_t npieces; /* >= 1 on success */
};

/* Evaluates EXPR. 0; -EINVAL malformed (truncated operand, stack underflow or overflow, bad
 * piece sequence); -ENOTSUP an operation not implemented; -ENODATA a register, memory, frame base
 * or CFA needed and not provided; -E2BIG too many steps or pieces; or an error from a callback. */
__attribute__((warn_unused_result)) int sym_expr_eval(const uint8_t *expr, size_t len,
                                                      const struct sym_expr_ctx *ctx,
                                                      struct sym_expr_result *out);

#endif
