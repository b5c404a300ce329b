/*
 * goruntime/eval.h - evaluating Go expressions (the AST of expr.h) against a stopped process, as
 * dlv's print, whatis, locals and args do: a frame's locals and arguments (the innermost
 * declaration wins), package variables, runtime.curg, field access with automatic dereference,
 * `*p`, `&x`, indexing arrays, slices, strings and maps, len and cap, arithmetic, comparisons,
 * `&&`/`||`/`!`, literals, nil, and casts to pointer types such as `(*main.T)(0xc000010000)`.
 * Results print through value.h.
 *
 * Also dlv's `set` for numbers, bools and pointers, slicing, and CPU registers by name (RAX, RSP,
 * R8, RIP; X0, SP, PC on arm64) from the frame's registers. Not for (yet): function calls, type
 * assertions. Everything read from the target is hostile; the tree's height is bounded by the
 * parser.
 */
#ifndef GOSTUB_GORUNTIME_EVAL_H
#define GOSTUB_GORUNTIME_EVAL_H

#include "frontend/goruntime/value.h"
#include "frontend/sym/func.h"

/* Where an expression is evaluated. fn == NULL: no frame (package variables only). */
struct gort_eval_frame {
    const struct sym_func *fn;
    uint64_t pc;   /* lookup pc of the frame (pc - 1 after a call) */
    uint64_t cfa;  /* the frame's canonical frame address (DW_OP_call_frame_cfa, frame base) */
    uint32_t line; /* current line: a variable declared after it is not yet visible (0: ignore) */
    /* Registers of the frame by DWARF number; NULL: none (a parked goroutine's frame). */
    int (*read_reg)(void *ctx, unsigned dwarf_regno, uint64_t *value);
    void *reg_ctx;
    uint64_t curg; /* address of the current goroutine's runtime.g (runtime.curg); 0: none */
};

#define GORT_EVAL_MAX_BYTES 256 /* a value held outside memory (registers, constants) */

enum gort_eval_kind {
    GORT_EVAL_VALUE, /* a typed value: type_id at addr, or in bytes */
    GORT_EVAL_INT,   /* untyped constants and the results of arithmetic */
    GORT_EVAL_UINT,
    GORT_EVAL_FLOAT,
    GORT_EVAL_BOOL,
    GORT_EVAL_STRING,
    GORT_EVAL_NIL,
};

struct gort_eval_result {
    enum gort_eval_kind kind;
    uint64_t type_id;
    uint64_t addr; /* VALUE in memory; 0 with has_bytes */
    bool has_bytes;
    bool cast_ptr; /* a conversion of a number to a pointer type: dlv prints it unfollowed */
    bool is_reg;   /* a CPU register by name (RAX, RSP, X0, PC...): whatis says "CPU Register" */
    bool addr_of;  /* &x where *T is not in DWARF: a pointer to type_id at addr (printed
                    * unfollowed, "(*T)(0x...)") */
    uint8_t bytes[GORT_EVAL_MAX_BYTES];
    size_t len;
    int64_t i;
    uint64_t u;
    double f;
    bool b;
    char str[256]; /* STRING (constants only; truncated) */
    size_t str_len;
};

/* Evaluates TEXT in FR. 0, or -errno with a message for the user in ERR (dlv's words where they
 * are known: "could not find symbol value for x"). Blocks on target reads. */
GORT_MUST_CHECK int gort_eval(struct gort_values *vs, const struct gort_eval_frame *fr,
                              const char *text, struct gort_eval_result *out, char *err,
                              size_t errlen);

/* The value of one variable of FR's function (from sym_func_vars), located with FR's CFA and
 * registers, pieces assembled in order (DW_OP_piece: registers, memory, stack values); an escaped
 * "&x" is the value it points to. 0, or -errno with ERR set ("x is optimized away"). */
struct sym_var;
GORT_MUST_CHECK int gort_eval_var(struct gort_values *vs, const struct gort_eval_frame *fr,
                                  const struct sym_var *v, struct gort_eval_result *out, char *err,
                                  size_t errlen);

/* Appends the result's text, as print (MULTILINE) or as locals show values. */
GORT_MUST_CHECK int gort_eval_format(struct gort_values *vs, const struct gort_eval_result *r,
                                     const struct gort_load_config *cfg, bool multiline,
                                     struct rsp_buf *out);

/* dlv's whatis: the result's type name, and for an interface holding a value a second line
 * "Concrete type: T". Appends to OUT. */
GORT_MUST_CHECK int gort_eval_whatis(struct gort_values *vs, const struct gort_eval_result *r,
                                     struct rsp_buf *out);

/* Writes LEN bytes at ADDR of the target: 0 or -errno. */
typedef int (*gort_write_mem_fn)(void *ctx, uint64_t addr, const void *buf, size_t len);

/* dlv's `set LHS = RHS`: LHS must be a variable or field in memory of a number, bool or pointer
 * kind (a pointer also takes nil or an integer address); RHS is any expression of a fitting kind,
 * converted as Go converts constants. Writes through WRITE. 0, or -errno with ERR set. */
GORT_MUST_CHECK int gort_eval_set(struct gort_values *vs, const struct gort_eval_frame *fr,
                                  const char *lhs, const char *rhs, gort_write_mem_fn write,
                                  void *wctx, char *err, size_t errlen);

/* dlv's `locals` (ARGS false) or `args` (true): one "name = value" line per variable, locals
 * ordered by block depth then declaration line, a shadowed one in parentheses "(li) = 42", or
 * "(no locals)" / "(no args)". */
GORT_MUST_CHECK int gort_eval_locals(struct gort_values *vs, const struct gort_eval_frame *fr,
                                     bool args, const struct gort_load_config *cfg,
                                     struct rsp_buf *out);

#endif
