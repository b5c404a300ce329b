/*
 * goruntime/expr.h - the Go expression language as dlv accepts it (`print`, `whatis`, `set`,
 * breakpoint conditions): a lexer and a recursive-descent parser that turn one expression into an
 * AST. Go's grammar and precedence, Go's literal rules (0x/0o/0b, `_` separators, hex floats,
 * imaginary, rune and string escapes, raw strings), and Go's error messages and positions ("1:3:
 * expected ')', found newline"), because dlv hands the text to go/parser and users see those
 * messages.
 *
 * Pure: no I/O, no DWARF, no target memory. What a name means (local, argument, package variable,
 * package name, type, register, builtin) is the evaluator's business: it walks this AST. Type
 * expressions are parsed where Go allows them in an expression (conversions `[]byte(s)`,
 * `(*main.T)(0xc000010000)`, `map[string]int(x)`, type assertions `x.(*main.T)`). Following dlv,
 * `nil`, `true` and `false` are literals that cannot be shadowed. Delve's `"pkg/path".Var` form is
 * a selector on a string literal. Not parsed (a clear error instead): composite literals, function
 * literals and types, struct and interface types with members, `x.(type)`, generic instantiation.
 *
 * Input is hostile: bounded length (GORT_EXPR_MAX_LEN), nesting (GORT_EXPR_MAX_DEPTH) and tree
 * height (GORT_EXPR_MAX_HEIGHT); every error is reported with a position, never a crash. See
 * doc/internals/expr.md.
 */
#ifndef GOSTUB_GORUNTIME_EXPR_H
#define GOSTUB_GORUNTIME_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontend/goruntime/gofmt.h"
#include "rsp/codec.h"

#define GORT_EXPR_MAX_LEN 65536 /* bytes of source */
#define GORT_EXPR_MAX_DEPTH 200 /* nested operands: (x), -x, *x, f(x), a[x], types in types */
/* The tree's height, chains included (a+b+c..., a.b.c..., f()()...): recursive walkers of the AST
 * (the printer, evaluators) can rely on it. */
#define GORT_EXPR_MAX_HEIGHT 1000

/* Node kinds. kid[] use per kind (unused kids are NULL):
 *   IDENT           name                          a, main, runtime, RAX
 *   INT             lit.u (uint64)                42, 0x2a, 0o52, 0b101010, 1_000, 052
 *   FLOAT           lit.f                         1.5, 1e6, .5, 0x1p-2
 *   IMAG            lit.f (imaginary part)        2i, 1.5i
 *   RUNE            lit.u (code point)            'a', '\n', '\u00e9'
 *   STRING          str, str_len (decoded bytes)  "a\tb", `raw`
 *   NIL, BOOL       lit.u (BOOL: 0 or 1)          nil, true, false
 *   PAREN           kid[0]                        (x)
 *   SELECTOR        kid[0] . name                 a.b, main.hits, "net/http".DefaultClient
 *   INDEX           kid[0] [ kid[1] ]             a[i], m["k"]
 *   SLICE           kid[0] [ kid[1] : kid[2] (: kid[3]) ]  any of 1..3 may be NULL, except that
 *                   three-index slices (slice3) have kid[2] and kid[3]
 *   TYPE_ASSERT     kid[0] .( kid[1] )            x.(*main.T)
 *   CALL            kid[0] ( args[0..nargs) )     len(s), main.T(x), (*T)(p)
 *   STAR            * kid[0]                      pointer dereference, or a pointer type
 *   UNARY           op kid[0]                     -x +x !x ^x &x <-x (dlv rejects <- at evaluation)
 *   BINARY          kid[0] op kid[1]
 *   ARRAY_TYPE      [ kid[0] ] kid[1]             [4]int; kid[0] NULL for a slice type []T
 *   MAP_TYPE        map[ kid[0] ] kid[1]
 *   CHAN_TYPE       chan kid[0], dir              chan T, chan<- T, <-chan T
 *   INTERFACE_TYPE  interface{}                   (empty only)
 *   STRUCT_TYPE     struct{}                      (empty only)
 */
enum gort_expr_kind {
    GORT_EXPR_IDENT,
    GORT_EXPR_INT,
    GORT_EXPR_FLOAT,
    GORT_EXPR_IMAG,
    GORT_EXPR_RUNE,
    GORT_EXPR_STRING,
    GORT_EXPR_NIL,
    GORT_EXPR_BOOL,
    GORT_EXPR_PAREN,
    GORT_EXPR_SELECTOR,
    GORT_EXPR_INDEX,
    GORT_EXPR_SLICE,
    GORT_EXPR_TYPE_ASSERT,
    GORT_EXPR_CALL,
    GORT_EXPR_STAR,
    GORT_EXPR_UNARY,
    GORT_EXPR_BINARY,
    GORT_EXPR_ARRAY_TYPE,
    GORT_EXPR_MAP_TYPE,
    GORT_EXPR_CHAN_TYPE,
    GORT_EXPR_INTERFACE_TYPE,
    GORT_EXPR_STRUCT_TYPE,
};

/* Operators of UNARY and BINARY nodes, with Go's binary precedence (gort_expr_op_prec). */
enum gort_expr_op {
    GORT_OP_NONE,
    GORT_OP_ADD,     /* +  (binary 4, unary) */
    GORT_OP_SUB,     /* -  (binary 4, unary) */
    GORT_OP_MUL,     /* *  (binary 5) */
    GORT_OP_QUO,     /* /  (5) */
    GORT_OP_REM,     /* %  (5) */
    GORT_OP_AND,     /* &  (binary 5; unary: address-of) */
    GORT_OP_OR,      /* |  (4) */
    GORT_OP_XOR,     /* ^  (binary 4; unary: bitwise complement) */
    GORT_OP_SHL,     /* << (5) */
    GORT_OP_SHR,     /* >> (5) */
    GORT_OP_AND_NOT, /* &^ (5) */
    GORT_OP_LAND,    /* && (2) */
    GORT_OP_LOR,     /* || (1) */
    GORT_OP_EQL,     /* == (3) */
    GORT_OP_NEQ,     /* != (3) */
    GORT_OP_LSS,     /* <  (3) */
    GORT_OP_LEQ,     /* <= (3) */
    GORT_OP_GTR,     /* >  (3) */
    GORT_OP_GEQ,     /* >= (3) */
    GORT_OP_NOT,     /* !  (unary) */
    GORT_OP_ARROW,   /* <- (unary receive) */
};

enum gort_chan_dir {
    GORT_CHAN_BOTH,
    GORT_CHAN_SEND, /* chan<- T */
    GORT_CHAN_RECV, /* <-chan T */
};

struct gort_expr_node {
    enum gort_expr_kind kind;
    enum gort_expr_op op;   /* UNARY, BINARY */
    enum gort_chan_dir dir; /* CHAN_TYPE */
    bool slice3;            /* SLICE: a[lo:hi:max] */
    uint32_t pos, end;      /* source span: bytes [pos, end) of the parsed text */
    unsigned height;        /* 1 for a leaf, else 1 + the highest child; <= GORT_EXPR_MAX_HEIGHT */
    struct gort_expr_node *kid[4];
    struct gort_expr_node **args; /* CALL */
    size_t nargs;
    const char *name; /* IDENT, SELECTOR (the selected name): NUL-terminated */
    const char *str;  /* STRING: decoded bytes, NUL-terminated (may also contain NULs) */
    size_t str_len;
    union {
        uint64_t u; /* INT, RUNE, BOOL */
        double f;   /* FLOAT, IMAG */
    } lit;
};

/* A parse error: line and column (1-based, columns count bytes) of where it was found, the byte
 * offset, and the message with the position in front, as go/parser prints it: "1:3: expected ')',
 * found newline". */
struct gort_expr_error {
    unsigned line, col;
    size_t offset;
    char msg[160];
};

struct gort_expr; /* a parsed expression: the tree and the memory it lives in */

/* Parses src[0..len) (need not be NUL-terminated) as one expression. Returns 0 and *out (free it
 * with gort_expr_free), -EINVAL with *err filled for a syntax error, -E2BIG (err filled) when src
 * is longer than GORT_EXPR_MAX_LEN, or -ENOMEM. err may be NULL. Does not block. */
int gort_expr_parse(const char *src, size_t len, struct gort_expr **out,
                    struct gort_expr_error *err) GORT_MUST_CHECK;
void gort_expr_free(struct gort_expr *e);

/* The root node; valid until gort_expr_free. */
const struct gort_expr_node *gort_expr_root(const struct gort_expr *e);
/* The parsed text (a NUL-terminated copy) and its length: node spans index into it. */
const char *gort_expr_source(const struct gort_expr *e, size_t *len);

/* The source text of node n of e: a pointer into gort_expr_source and its length (for messages that
 * quote a subexpression, as dlv's "f64a (type float64) is not a struct"). */
const char *gort_expr_text(const struct gort_expr *e, const struct gort_expr_node *n, size_t *len);

/* For a SELECTOR whose left side may name a package, as dlv allows it: IDENT.name (`main.hits`,
 * `runtime.curg`) or STRING.name (`"net/http".DefaultClient`): sets *pkg and *pkg_len to the
 * package name or path, *name to the selected name, and returns true. Otherwise false. Whether an
 * IDENT is a package or a variable of that name is the caller's decision (dlv 1.20.2: the package
 * variable wins over a local variable of the package's name). */
bool gort_expr_pkg_selector(const struct gort_expr_node *n, const char **pkg, size_t *pkg_len,
                            const char **name);

/* Writes the tree as an S-expression, for tests and debugging: identifiers and names as is, INT and
 * RUNE as `42` and `rune:97`, FLOAT/IMAG as `float:1.5`/`imag:2` (%.17g), STRING Go-quoted, and the
 * rest as (KIND-or-OP kids...): `(+ a (* b c))`, `(. main hits)`, `(index m "k")`, `(slice s 1 _)`,
 * `(slice3 s _ 2 3)`, `(call len s)`, `(* p)` (STAR), `(& x)`, `(- x)`, `(paren x)`, `(assert x
 * T)`,
 * `([] byte)`, `([4] int)`, `(map string int)`, `(chan int)`, `(chan<- int)`, `(<-chan int)`, nil,
 * true, false, interface{}, struct{}. Returns 0 or -E2BIG. */
int gort_expr_print(struct rsp_buf *b, const struct gort_expr_node *n) GORT_MUST_CHECK;

/* "IDENT", "BINARY", ... and "+", "&&", ... for messages. */
const char *gort_expr_kind_name(enum gort_expr_kind k);
const char *gort_expr_op_str(enum gort_expr_op op);
/* Go's binary precedence of op: 5 (* / % << >> & &^), 4 (+ - | ^), 3 (comparisons), 2 (&&), 1 (||);
 * 0 for operators that are only unary. */
int gort_expr_op_prec(enum gort_expr_op op);

#endif
