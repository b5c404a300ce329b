/*
 * goruntime/expr.c - the parser of Go expressions (see expr.h) and the AST printer. Recursive
 * descent with precedence climbing for binary operators, shaped like go/parser's parseBinaryExpr/
 * parseUnaryExpr/parsePrimaryExpr so that the same input fails at the same place with the same
 * words; the lexer is expr_lex.c.
 *
 * Memory: every node and string lives in one arena owned by struct gort_expr and freed at once. The
 * first error stops the parse; nothing after it is reported (go/parser would add "(and N more
 * errors)", which dlv shows; the first error is the useful one).
 */
#include "config.h"

#include "frontend/goruntime/expr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/goruntime/expr_lex.h"

/* ------------------------------------------------------------------ arena */

struct arena_block {
    struct arena_block *next;
    size_t used, size;
    max_align_t data[];
};

struct gort_expr {
    struct arena_block *blocks;
    const struct gort_expr_node *root;
    char *src;
    size_t src_len;
};

static void *arena_alloc(struct gort_expr *e, size_t len)
{
    len = (len + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    struct arena_block *b = e->blocks;
    if (!b || b->size - b->used < len) {
        size_t size = len > 4096 ? len : 4096;
        b = malloc(sizeof(*b) + size);
        if (!b)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = e->blocks;
        e->blocks = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += len;
    memset(p, 0, len);
    return p;
}

void gort_expr_free(struct gort_expr *e)
{
    if (!e)
        return;
    for (struct arena_block *b = e->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(e->src);
    free(e);
}

const struct gort_expr_node *gort_expr_root(const struct gort_expr *e)
{
    return e->root;
}

const char *gort_expr_source(const struct gort_expr *e, size_t *len)
{
    if (len)
        *len = e->src_len;
    return e->src;
}

struct parser {
    struct gort_lexer lx; /* tokens, and the first error */
    struct gort_expr *e;  /* the arena */
    unsigned depth;
};

/* Short names for the lexer calls the parser makes at every step. */
#define fail_at(p, ...) gort_lex_fail_at(&(p)->lx, __VA_ARGS__)

static void next(struct parser *p)
{
    gort_lex_next(&p->lx);
}

static bool tok_is(const struct parser *p, enum punct x)
{
    return gort_lex_is(&p->lx, x);
}

static bool tok_is_kw(const struct parser *p, const char *kw)
{
    return gort_lex_is_kw(&p->lx, kw);
}

static void fail_expected(struct parser *p, const char *what)
{
    gort_lex_fail_expected(&p->lx, what);
}

static void fail_nomem(struct parser *p)
{
    gort_lex_fail_nomem(&p->lx);
}

// clang-format off
/* Binary operators: punctuation, AST operator, Go precedence. */
static const struct { enum punct p; enum gort_expr_op op; int prec; } binops[] = {
    { PUNCT_LOR, GORT_OP_LOR, 1 },  { PUNCT_LAND, GORT_OP_LAND, 2 },
    { PUNCT_EQL, GORT_OP_EQL, 3 },  { PUNCT_NEQ, GORT_OP_NEQ, 3 },  { PUNCT_LSS, GORT_OP_LSS, 3 },
    { PUNCT_LEQ, GORT_OP_LEQ, 3 },  { PUNCT_GTR, GORT_OP_GTR, 3 },  { PUNCT_GEQ, GORT_OP_GEQ, 3 },
    { PUNCT_ADD, GORT_OP_ADD, 4 },  { PUNCT_SUB, GORT_OP_SUB, 4 },  { PUNCT_OR, GORT_OP_OR, 4 },
    { PUNCT_XOR, GORT_OP_XOR, 4 },
    { PUNCT_MUL, GORT_OP_MUL, 5 },  { PUNCT_QUO, GORT_OP_QUO, 5 },  { PUNCT_REM, GORT_OP_REM, 5 },
    { PUNCT_SHL, GORT_OP_SHL, 5 },  { PUNCT_SHR, GORT_OP_SHR, 5 },  { PUNCT_AND, GORT_OP_AND, 5 },
    { PUNCT_AND_NOT, GORT_OP_AND_NOT, 5 },
};
// clang-format on

/* ------------------------------------------------------------------ nodes and literal values */

static struct gort_expr_node *new_node(struct parser *p, enum gort_expr_kind kind, uint32_t pos,
                                       uint32_t end)
{
    struct gort_expr_node *n = arena_alloc(p->e, sizeof(*n));
    if (!n) {
        fail_nomem(p);
        return NULL;
    }
    n->kind = kind;
    n->pos = pos;
    n->end = end;
    n->height = 1;
    return n;
}

/* Sets n->height from its children, which are complete, and fails past GORT_EXPR_MAX_HEIGHT: a
 * left-deep chain (a+a+a..., a.b.c...) is not nesting but still makes recursive walkers deep. */
static struct gort_expr_node *seal(struct parser *p, struct gort_expr_node *n)
{
    if (!n)
        return NULL;
    unsigned h = 0;
    for (size_t i = 0; i < 4; i++)
        if (n->kid[i] && n->kid[i]->height > h)
            h = n->kid[i]->height;
    for (size_t i = 0; i < n->nargs; i++)
        if (n->args[i]->height > h)
            h = n->args[i]->height;
    n->height = h + 1;
    if (n->height > GORT_EXPR_MAX_HEIGHT) {
        fail_at(p, n->pos, "expression too complex (a tree deeper than %d)", GORT_EXPR_MAX_HEIGHT);
        return NULL;
    }
    return n;
}

static char *copy_name(struct parser *p, uint32_t pos, uint32_t end)
{
    char *s = arena_alloc(p->e, end - pos + 1);
    if (!s) {
        fail_nomem(p);
        return NULL;
    }
    memcpy(s, p->lx.src + pos, end - pos);
    return s;
}

static struct gort_expr_node *number_node(struct parser *p)
{
    const struct token *t = &p->lx.tok;
    struct gort_expr_node *n = new_node(p,
                                        t->kind == TK_INT     ? GORT_EXPR_INT
                                        : t->kind == TK_FLOAT ? GORT_EXPR_FLOAT
                                                              : GORT_EXPR_IMAG,
                                        t->pos, t->end);
    uint64_t u;
    double f;
    /* Into locals first: lit is a union, and its two members must not be written through two
     * pointers in one call. */
    if (!n || !gort_lex_number(&p->lx, &u, &f))
        return NULL;
    if (n->kind == GORT_EXPR_INT)
        n->lit.u = u;
    else
        n->lit.f = f;
    return n;
}

/* The decoded bytes of the current string or rune token, in the arena. */
static char *decode_quoted(struct parser *p, size_t *len, uint32_t *first_rune)
{
    char *out = arena_alloc(p->e, p->lx.tok.end - p->lx.tok.pos + 1);
    if (!out) {
        fail_nomem(p);
        return NULL;
    }
    *len = gort_lex_decode_quoted(&p->lx, out, first_rune);
    return out;
}

/* ------------------------------------------------------------------ parser */

static struct gort_expr_node *parse_expr(struct parser *p);
static struct gort_expr_node *parse_type(struct parser *p);
static struct gort_expr_node *parse_unary(struct parser *p);

static bool enter(struct parser *p)
{
    if (++p->depth > GORT_EXPR_MAX_DEPTH) {
        fail_at(p, p->lx.tok.pos, "expression nested too deeply (more than %d levels)",
                GORT_EXPR_MAX_DEPTH);
        return false;
    }
    return true;
}

/* Consumes the punctuation x or fails with go/parser's "expected 'x', found ...". */
static bool expect(struct parser *p, enum punct x, uint32_t *end)
{
    if (!tok_is(p, x)) {
        char what[8];
        snprintf(what, sizeof(what), "'%s'", gort_punct_text[x]);
        fail_expected(p, what);
        return false;
    }
    if (end)
        *end = p->lx.tok.end;
    next(p);
    return !p->lx.failed;
}

static struct gort_expr_node *ident_node(struct parser *p)
{
    const struct token *t = &p->lx.tok;
    size_t n = t->end - t->pos;
    const char *s = p->lx.src + t->pos;
    struct gort_expr_node *x;
    /* dlv resolves these before any variable, so they are literals here (cannot be shadowed). */
    if (n == 3 && memcmp(s, "nil", 3) == 0) {
        x = new_node(p, GORT_EXPR_NIL, t->pos, t->end);
    } else if ((n == 4 && memcmp(s, "true", 4) == 0) || (n == 5 && memcmp(s, "false", 5) == 0)) {
        x = new_node(p, GORT_EXPR_BOOL, t->pos, t->end);
        if (x)
            x->lit.u = n == 4;
    } else {
        x = new_node(p, GORT_EXPR_IDENT, t->pos, t->end);
        if (x && !(x->name = copy_name(p, t->pos, t->end)))
            return NULL;
    }
    if (x)
        next(p);
    return p->lx.failed ? NULL : x;
}

static struct gort_expr_node *unary_of(struct parser *p, enum gort_expr_kind kind,
                                       enum gort_expr_op op, uint32_t pos, struct gort_expr_node *x)
{
    if (!x)
        return NULL;
    struct gort_expr_node *n = new_node(p, kind, pos, x->end);
    if (n) {
        n->op = op;
        n->kid[0] = x;
    }
    return seal(p, n);
}

/* [N]T or []T, the '[' being the current token. */
static struct gort_expr_node *parse_array_type(struct parser *p)
{
    uint32_t pos = p->lx.tok.pos;
    struct gort_expr_node *len = NULL, *elem;
    next(p);
    if (tok_is(p, PUNCT_ELLIPSIS)) { /* [...]T exists only in composite literals */
        fail_expected(p, "array length");
        return NULL;
    }
    if (!tok_is(p, PUNCT_RBRACK) && !(len = parse_expr(p)))
        return NULL;
    if (!expect(p, PUNCT_RBRACK, NULL) || !(elem = parse_type(p)))
        return NULL;
    struct gort_expr_node *n = new_node(p, GORT_EXPR_ARRAY_TYPE, pos, elem->end);
    if (n) {
        n->kid[0] = len;
        n->kid[1] = elem;
    }
    return seal(p, n);
}

/* Types that begin with a keyword: map, chan, interface{}, struct{}. */
static struct gort_expr_node *parse_keyword_type(struct parser *p)
{
    uint32_t pos = p->lx.tok.pos, end;
    struct gort_expr_node *n, *k, *v;
    if (tok_is_kw(p, "map")) {
        next(p);
        if (!expect(p, PUNCT_LBRACK, NULL) || !(k = parse_type(p)) ||
            !expect(p, PUNCT_RBRACK, NULL) || !(v = parse_type(p)))
            return NULL;
        if ((n = new_node(p, GORT_EXPR_MAP_TYPE, pos, v->end))) {
            n->kid[0] = k;
            n->kid[1] = v;
        }
        return seal(p, n);
    }
    if (tok_is_kw(p, "chan")) {
        enum gort_chan_dir dir = GORT_CHAN_BOTH;
        next(p);
        if (tok_is(p, PUNCT_ARROW)) {
            dir = GORT_CHAN_SEND;
            next(p);
        }
        if (!(v = parse_type(p)))
            return NULL;
        if ((n = new_node(p, GORT_EXPR_CHAN_TYPE, pos, v->end))) {
            n->dir = dir;
            n->kid[0] = v;
        }
        return seal(p, n);
    }
    bool iface = tok_is_kw(p, "interface");
    if (iface || tok_is_kw(p, "struct")) {
        next(p);
        if (!expect(p, PUNCT_LBRACE, NULL))
            return NULL;
        if (!tok_is(p, PUNCT_RBRACE)) {
            fail_at(p, p->lx.tok.pos,
                    iface ? "interface types with methods are not supported"
                          : "struct types with fields are not supported");
            return NULL;
        }
        if (!expect(p, PUNCT_RBRACE, &end))
            return NULL;
        return new_node(p, iface ? GORT_EXPR_INTERFACE_TYPE : GORT_EXPR_STRUCT_TYPE, pos, end);
    }
    if (tok_is_kw(p, "func")) {
        fail_at(p, pos, "function types and literals are not supported");
        return NULL;
    }
    fail_expected(p, "operand");
    return NULL;
}

/* A type where only a type may appear: after .( and inside other types. Go's parseType, plus dlv's
 * "pkg/path".T qualified form. */
static struct gort_expr_node *parse_type(struct parser *p)
{
    if (!enter(p))
        return NULL;
    uint32_t pos = p->lx.tok.pos, end;
    struct gort_expr_node *n = NULL, *x;
    if (p->lx.tok.kind == TK_IDENT || p->lx.tok.kind == TK_STRING) {
        if (p->lx.tok.kind == TK_IDENT) {
            n = ident_node(p);
        } else {
            size_t len;
            if ((n = new_node(p, GORT_EXPR_STRING, pos, p->lx.tok.end)) &&
                (n->str = decode_quoted(p, &len, NULL))) {
                n->str_len = len;
                next(p);
            }
            if (n && !p->lx.failed && !tok_is(p, PUNCT_PERIOD)) {
                fail_expected(p, "'.'");
                n = NULL;
            }
        }
        if (n && n->kind != GORT_EXPR_IDENT && n->kind != GORT_EXPR_STRING) {
            fail_at(p, pos, "expected type, found %s", p->lx.src[pos] == 'n' ? "nil" : "bool");
            n = NULL;
        }
        if (n && tok_is(p, PUNCT_PERIOD)) {
            next(p);
            if (p->lx.tok.kind != TK_IDENT) {
                fail_expected(p, "name");
                n = NULL;
            } else if ((x = new_node(p, GORT_EXPR_SELECTOR, pos, p->lx.tok.end))) {
                x->kid[0] = n;
                x->name = copy_name(p, p->lx.tok.pos, p->lx.tok.end);
                n = x->name ? x : NULL;
                next(p);
            }
        }
    } else if (tok_is(p, PUNCT_MUL)) {
        next(p);
        n = unary_of(p, GORT_EXPR_STAR, GORT_OP_NONE, pos, parse_type(p));
    } else if (tok_is(p, PUNCT_LBRACK)) {
        n = parse_array_type(p);
    } else if (tok_is(p, PUNCT_LPAREN)) {
        next(p);
        if ((x = parse_type(p)) && expect(p, PUNCT_RPAREN, &end) &&
            (n = new_node(p, GORT_EXPR_PAREN, pos, end)))
            n->kid[0] = x;
    } else if (tok_is(p, PUNCT_ARROW)) { /* <-chan T */
        next(p);
        if (!tok_is_kw(p, "chan")) {
            fail_expected(p, "'chan'");
        } else {
            next(p);
            if ((x = parse_type(p)) && (n = new_node(p, GORT_EXPR_CHAN_TYPE, pos, x->end))) {
                n->dir = GORT_CHAN_RECV;
                n->kid[0] = x;
            }
        }
    } else if (p->lx.tok.kind == TK_KEYWORD) {
        n = parse_keyword_type(p);
    } else {
        fail_expected(p, "type");
    }
    p->depth--;
    return p->lx.failed ? NULL : seal(p, n);
}

static struct gort_expr_node *parse_operand(struct parser *p)
{
    const struct token *t = &p->lx.tok;
    struct gort_expr_node *n = NULL, *x;
    uint32_t pos = t->pos, end;
    size_t len;
    uint32_t r = 0;
    switch (t->kind) {
    case TK_IDENT:
        return ident_node(p);
    case TK_INT:
    case TK_FLOAT:
    case TK_IMAG:
        if ((n = number_node(p)))
            next(p);
        break;
    case TK_CHAR:
        if ((n = new_node(p, GORT_EXPR_RUNE, pos, t->end)) && decode_quoted(p, &len, &r)) {
            n->lit.u = r;
            next(p);
        }
        break;
    case TK_STRING:
        if ((n = new_node(p, GORT_EXPR_STRING, pos, t->end)) &&
            (n->str = decode_quoted(p, &len, NULL))) {
            n->str_len = len;
            next(p);
        }
        break;
    case TK_KEYWORD:
        return parse_keyword_type(p);
    case TK_OP:
        if (t->punct == PUNCT_LPAREN) {
            next(p);
            x = parse_expr(p);
            if (x && expect(p, PUNCT_RPAREN, &end) && (n = new_node(p, GORT_EXPR_PAREN, pos, end)))
                n->kid[0] = x;
            break;
        }
        if (t->punct == PUNCT_LBRACK)
            return parse_array_type(p);
        /* fall through */
    default:
        fail_expected(p, "operand");
    }
    return p->lx.failed ? NULL : seal(p, n);
}

/* x[...] with the '[' current: an index, or a slice with up to three indices. */
static struct gort_expr_node *parse_index_or_slice(struct parser *p, struct gort_expr_node *x)
{
    struct gort_expr_node *idx[3] = {NULL, NULL, NULL};
    uint32_t colon[2] = {0, 0}, end;
    int ncolons = 0;
    next(p);
    if (!tok_is(p, PUNCT_COLON) && !(idx[0] = parse_expr(p)))
        return NULL;
    while (tok_is(p, PUNCT_COLON) && ncolons < 2) {
        colon[ncolons++] = p->lx.tok.pos;
        next(p);
        if (!tok_is(p, PUNCT_COLON) && !tok_is(p, PUNCT_RBRACK) && p->lx.tok.kind != TK_EOF &&
            !(idx[ncolons] = parse_expr(p)))
            return NULL;
    }
    if (p->lx.failed)
        return NULL;
    if (ncolons == 2 && !idx[1]) {
        fail_at(p, colon[0], "2nd index required in 3-index slice");
        return NULL;
    }
    if (ncolons == 2 && !idx[2]) {
        fail_at(p, colon[1], "3rd index required in 3-index slice");
        return NULL;
    }
    if (!expect(p, PUNCT_RBRACK, &end))
        return NULL;
    struct gort_expr_node *n =
        new_node(p, ncolons ? GORT_EXPR_SLICE : GORT_EXPR_INDEX, x->pos, end);
    if (!n)
        return NULL;
    n->kid[0] = x;
    n->kid[1] = idx[0];
    n->kid[2] = idx[1];
    n->kid[3] = idx[2];
    n->slice3 = ncolons == 2;
    return seal(p, n);
}

/* f(args...) with the '(' current. */
static struct gort_expr_node *parse_call(struct parser *p, struct gort_expr_node *fun)
{
    struct gort_expr_node *stack_args[8], **args = stack_args;
    size_t nargs = 0, cap = 8;
    uint32_t end;
    next(p);
    while (!p->lx.failed && !tok_is(p, PUNCT_RPAREN) && p->lx.tok.kind != TK_EOF) {
        struct gort_expr_node *a = parse_expr(p);
        if (!a)
            return NULL;
        if (nargs == cap) { /* rare: grow in the arena (the old array is simply left there) */
            struct gort_expr_node **bigger = arena_alloc(p->e, 2 * cap * sizeof(*bigger));
            if (!bigger) {
                fail_nomem(p);
                return NULL;
            }
            memcpy(bigger, args, nargs * sizeof(*args));
            args = bigger;
            cap *= 2;
        }
        args[nargs++] = a;
        if (tok_is(p, PUNCT_ELLIPSIS)) {
            fail_at(p, p->lx.tok.pos, "'...' in calls is not supported");
            return NULL;
        }
        if (tok_is(p, PUNCT_RPAREN))
            break;
        if (!tok_is(p, PUNCT_COMMA)) { /* go/parser's atComma */
            fail_at(p, p->lx.tok.pos, "missing ','%s in argument list",
                    p->lx.tok.kind == TK_NEWLINE ? " before newline" : "");
            return NULL;
        }
        next(p);
    }
    if (p->lx.failed || !expect(p, PUNCT_RPAREN, &end))
        return NULL;
    struct gort_expr_node *n = new_node(p, GORT_EXPR_CALL, fun->pos, end);
    if (!n)
        return NULL;
    n->kid[0] = fun;
    n->nargs = nargs;
    if (nargs) {
        if (!(n->args = arena_alloc(p->e, nargs * sizeof(*args)))) {
            fail_nomem(p);
            return NULL;
        }
        memcpy(n->args, args, nargs * sizeof(*args));
    }
    return seal(p, n);
}

static struct gort_expr_node *parse_primary(struct parser *p)
{
    struct gort_expr_node *x = parse_operand(p), *n;
    uint32_t end;
    while (x && !p->lx.failed) {
        if (tok_is(p, PUNCT_PERIOD)) {
            next(p);
            if (p->lx.tok.kind == TK_IDENT) {
                if (!(n = new_node(p, GORT_EXPR_SELECTOR, x->pos, p->lx.tok.end)) ||
                    !(n->name = copy_name(p, p->lx.tok.pos, p->lx.tok.end)))
                    return NULL;
                n->kid[0] = x;
                x = seal(p, n);
                next(p);
            } else if (tok_is(p, PUNCT_LPAREN)) {
                next(p);
                if (tok_is_kw(p, "type")) {
                    fail_at(p, p->lx.tok.pos, "use of .(type) outside type switch");
                    return NULL;
                }
                struct gort_expr_node *t = parse_type(p);
                if (!t || !expect(p, PUNCT_RPAREN, &end) ||
                    !(n = new_node(p, GORT_EXPR_TYPE_ASSERT, x->pos, end)))
                    return NULL;
                n->kid[0] = x;
                n->kid[1] = t;
                x = seal(p, n);
            } else {
                fail_expected(p, "selector or type assertion");
                return NULL;
            }
        } else if (tok_is(p, PUNCT_LBRACK)) {
            x = parse_index_or_slice(p, x);
        } else if (tok_is(p, PUNCT_LPAREN)) {
            x = parse_call(p, x);
        } else {
            break;
        }
    }
    return p->lx.failed ? NULL : x;
}

/* <- applied to a channel type t makes it receive-only: <-chan T. As go/parser does, <-chan<- chan
 * T re-associates to <-chan (<-chan T), and <-chan<- T is an error. */
static struct gort_expr_node *recv_chan_type(struct parser *p, struct gort_expr_node *t,
                                             uint32_t arrow)
{
    struct gort_expr_node *top = t;
    uint32_t pos = arrow;
    enum gort_chan_dir dir = GORT_CHAN_SEND;
    while (t && t->kind == GORT_EXPR_CHAN_TYPE && dir == GORT_CHAN_SEND) {
        if (t->dir == GORT_CHAN_RECV) {
            fail_at(p, t->pos, "expected 'chan'"); /* go/parser: no "found" here */
            return NULL;
        }
        if (t->dir == GORT_CHAN_SEND) /* go/parser blames the arrow of the last chan<- */
            for (uint32_t i = t->pos; i + 1 < t->kid[0]->pos; i++)
                if (p->lx.src[i] == '<' && p->lx.src[i + 1] == '-') {
                    arrow = i;
                    break;
                }
        dir = t->dir;
        t->dir = GORT_CHAN_RECV;
        t = t->kid[0];
    }
    if (dir == GORT_CHAN_SEND) {
        fail_at(p, arrow, "expected channel type");
        return NULL;
    }
    top->pos = pos;
    return top;
}

static struct gort_expr_node *parse_unary(struct parser *p)
{
    if (!enter(p))
        return NULL;
    uint32_t pos = p->lx.tok.pos;
    struct gort_expr_node *n;
    enum gort_expr_op op = GORT_OP_NONE;
    if (p->lx.tok.kind == TK_OP) {
        switch (p->lx.tok.punct) {
        case PUNCT_ADD:
            op = GORT_OP_ADD;
            break;
        case PUNCT_SUB:
            op = GORT_OP_SUB;
            break;
        case PUNCT_NOT:
            op = GORT_OP_NOT;
            break;
        case PUNCT_XOR:
            op = GORT_OP_XOR;
            break;
        case PUNCT_AND:
            op = GORT_OP_AND;
            break;
        case PUNCT_ARROW:
            op = GORT_OP_ARROW;
            break;
        case PUNCT_MUL:
            op = GORT_OP_MUL;
            break;
        default:
            break;
        }
    }
    if (op == GORT_OP_ARROW) {
        next(p);
        n = parse_unary(p);
        if (n && n->kind == GORT_EXPR_CHAN_TYPE)
            n = recv_chan_type(p, n, pos);
        else
            n = unary_of(p, GORT_EXPR_UNARY, op, pos, n);
    } else if (op == GORT_OP_MUL) {
        next(p);
        n = unary_of(p, GORT_EXPR_STAR, GORT_OP_NONE, pos, parse_unary(p));
    } else if (op != GORT_OP_NONE) {
        next(p);
        n = unary_of(p, GORT_EXPR_UNARY, op, pos, parse_unary(p));
    } else {
        n = parse_primary(p);
    }
    p->depth--;
    return p->lx.failed ? NULL : n;
}

static int binop_of(const struct parser *p, enum gort_expr_op *op)
{
    if (p->lx.tok.kind != TK_OP)
        return 0;
    if (p->lx.tok.punct == PUNCT_ASSIGN) { /* go/parser reads = as a mistyped == (and then fails) */
        *op = GORT_OP_EQL;
        return 3;
    }
    for (size_t i = 0; i < sizeof(binops) / sizeof(binops[0]); i++)
        if (binops[i].p == p->lx.tok.punct) {
            *op = binops[i].op;
            return binops[i].prec;
        }
    return 0;
}

/* Precedence climbing: operators of equal precedence associate to the left. */
static struct gort_expr_node *parse_binary(struct parser *p, int prec1)
{
    struct gort_expr_node *x = parse_unary(p);
    enum gort_expr_op op = GORT_OP_NONE;
    int prec;
    while (x && (prec = binop_of(p, &op)) >= prec1) {
        if (tok_is(p, PUNCT_ASSIGN)) {
            fail_expected(p, "'=='");
            return NULL;
        }
        next(p);
        struct gort_expr_node *y = parse_binary(p, prec + 1), *n;
        if (!y || !(n = new_node(p, GORT_EXPR_BINARY, x->pos, y->end)))
            return NULL;
        n->op = op;
        n->kid[0] = x;
        n->kid[1] = y;
        x = seal(p, n);
    }
    return p->lx.failed ? NULL : x;
}

static struct gort_expr_node *parse_expr(struct parser *p)
{
    return parse_binary(p, 1);
}

int gort_expr_parse(const char *src, size_t len, struct gort_expr **out,
                    struct gort_expr_error *err)
{
    *out = NULL;
    if (err)
        memset(err, 0, sizeof(*err));
    if (len > GORT_EXPR_MAX_LEN) {
        if (err) {
            err->line = err->col = 1;
            snprintf(err->msg, sizeof(err->msg), "expression too long (%zu bytes, at most %d)", len,
                     GORT_EXPR_MAX_LEN);
        }
        return -E2BIG;
    }
    struct gort_expr *e = calloc(1, sizeof(*e));
    if (!e || !(e->src = malloc(len + 1))) {
        free(e);
        if (err)
            snprintf(err->msg, sizeof(err->msg), "out of memory");
        return -ENOMEM;
    }
    memcpy(e->src, src, len);
    e->src[len] = 0;
    e->src_len = len;
    struct parser p = {.e = e};
    gort_lex_init(&p.lx, e->src, (uint32_t)len, err);
    struct gort_expr_node *root = p.lx.failed ? NULL : parse_expr(&p);
    /* go/parser's ParseExpr: an automatic semicolon may follow the expression, then the end. */
    if (root && p.lx.tok.kind == TK_NEWLINE)
        next(&p);
    if (root && !p.lx.failed && p.lx.tok.kind != TK_EOF)
        fail_expected(&p, "'EOF'");
    if (p.lx.failed) {
        gort_expr_free(e);
        return p.lx.rc;
    }
    e->root = root;
    *out = e;
    return 0;
}

/* ------------------------------------------------------------------ helpers for evaluators */

const char *gort_expr_text(const struct gort_expr *e, const struct gort_expr_node *n, size_t *len)
{
    *len = n->end - n->pos;
    return e->src + n->pos;
}

bool gort_expr_pkg_selector(const struct gort_expr_node *n, const char **pkg, size_t *pkg_len,
                            const char **name)
{
    if (n->kind != GORT_EXPR_SELECTOR)
        return false;
    const struct gort_expr_node *x = n->kid[0];
    if (x->kind == GORT_EXPR_IDENT) {
        *pkg = x->name;
        *pkg_len = strlen(x->name);
    } else if (x->kind == GORT_EXPR_STRING) {
        *pkg = x->str;
        *pkg_len = x->str_len;
    } else {
        return false;
    }
    *name = n->name;
    return true;
}

/* ------------------------------------------------------------------ names and printing */

const char *gort_expr_kind_name(enum gort_expr_kind k)
{
    static const char *const names[] = {
        [GORT_EXPR_IDENT] = "IDENT",
        [GORT_EXPR_INT] = "INT",
        [GORT_EXPR_FLOAT] = "FLOAT",
        [GORT_EXPR_IMAG] = "IMAG",
        [GORT_EXPR_RUNE] = "RUNE",
        [GORT_EXPR_STRING] = "STRING",
        [GORT_EXPR_NIL] = "NIL",
        [GORT_EXPR_BOOL] = "BOOL",
        [GORT_EXPR_PAREN] = "PAREN",
        [GORT_EXPR_SELECTOR] = "SELECTOR",
        [GORT_EXPR_INDEX] = "INDEX",
        [GORT_EXPR_SLICE] = "SLICE",
        [GORT_EXPR_TYPE_ASSERT] = "TYPE_ASSERT",
        [GORT_EXPR_CALL] = "CALL",
        [GORT_EXPR_STAR] = "STAR",
        [GORT_EXPR_UNARY] = "UNARY",
        [GORT_EXPR_BINARY] = "BINARY",
        [GORT_EXPR_ARRAY_TYPE] = "ARRAY_TYPE",
        [GORT_EXPR_MAP_TYPE] = "MAP_TYPE",
        [GORT_EXPR_CHAN_TYPE] = "CHAN_TYPE",
        [GORT_EXPR_INTERFACE_TYPE] = "INTERFACE_TYPE",
        [GORT_EXPR_STRUCT_TYPE] = "STRUCT_TYPE",
    };
    return (size_t)k < sizeof(names) / sizeof(names[0]) && names[k] ? names[k] : "?";
}

const char *gort_expr_op_str(enum gort_expr_op op)
{
    static const char *const strs[] = {
        [GORT_OP_NONE] = "",    [GORT_OP_ADD] = "+",  [GORT_OP_SUB] = "-",
        [GORT_OP_MUL] = "*",    [GORT_OP_QUO] = "/",  [GORT_OP_REM] = "%",
        [GORT_OP_AND] = "&",    [GORT_OP_OR] = "|",   [GORT_OP_XOR] = "^",
        [GORT_OP_SHL] = "<<",   [GORT_OP_SHR] = ">>", [GORT_OP_AND_NOT] = "&^",
        [GORT_OP_LAND] = "&&",  [GORT_OP_LOR] = "||", [GORT_OP_EQL] = "==",
        [GORT_OP_NEQ] = "!=",   [GORT_OP_LSS] = "<",  [GORT_OP_LEQ] = "<=",
        [GORT_OP_GTR] = ">",    [GORT_OP_GEQ] = ">=", [GORT_OP_NOT] = "!",
        [GORT_OP_ARROW] = "<-",
    };
    return (size_t)op < sizeof(strs) / sizeof(strs[0]) && strs[op] ? strs[op] : "?";
}

int gort_expr_op_prec(enum gort_expr_op op)
{
    for (size_t i = 0; i < sizeof(binops) / sizeof(binops[0]); i++)
        if (binops[i].op == op)
            return binops[i].prec;
    return 0;
}

static int print_kids(struct rsp_buf *b, const char *head, const struct gort_expr_node *const *kids,
                      size_t n)
{
    int rc = rsp_buf_addf(b, "(%s", head);
    for (size_t i = 0; i < n && rc == 0; i++) {
        rc = rsp_buf_addc(b, ' ');
        if (rc == 0)
            rc = kids[i] ? gort_expr_print(b, kids[i]) : rsp_buf_addc(b, '_');
    }
    return rc ? rc : rsp_buf_addc(b, ')');
}

int gort_expr_print(struct rsp_buf *b, const struct gort_expr_node *n)
{
    const struct gort_expr_node *const *k = (const struct gort_expr_node *const *)n->kid;
    int rc;
    switch (n->kind) {
    case GORT_EXPR_IDENT:
        return rsp_buf_adds(b, n->name);
    case GORT_EXPR_INT:
        return rsp_buf_addf(b, "%llu", (unsigned long long)n->lit.u);
    case GORT_EXPR_FLOAT:
        return rsp_buf_addf(b, "float:%.17g", n->lit.f);
    case GORT_EXPR_IMAG:
        return rsp_buf_addf(b, "imag:%.17g", n->lit.f);
    case GORT_EXPR_RUNE:
        return rsp_buf_addf(b, "rune:%llu", (unsigned long long)n->lit.u);
    case GORT_EXPR_STRING:
        return gort_fmt_quote(b, n->str, n->str_len);
    case GORT_EXPR_NIL:
        return rsp_buf_adds(b, "nil");
    case GORT_EXPR_BOOL:
        return rsp_buf_adds(b, n->lit.u ? "true" : "false");
    case GORT_EXPR_PAREN:
        return print_kids(b, "paren", k, 1);
    case GORT_EXPR_SELECTOR:
        rc = rsp_buf_adds(b, "(. ");
        if (rc == 0)
            rc = gort_expr_print(b, k[0]);
        return rc ? rc : rsp_buf_addf(b, " %s)", n->name);
    case GORT_EXPR_INDEX:
        return print_kids(b, "index", k, 2);
    case GORT_EXPR_SLICE:
        return n->slice3 ? print_kids(b, "slice3", k, 4) : print_kids(b, "slice", k, 3);
    case GORT_EXPR_TYPE_ASSERT:
        return print_kids(b, "assert", k, 2);
    case GORT_EXPR_CALL:
        rc = rsp_buf_adds(b, "(call ");
        if (rc == 0)
            rc = gort_expr_print(b, k[0]);
        for (size_t i = 0; i < n->nargs && rc == 0; i++) {
            rc = rsp_buf_addc(b, ' ');
            if (rc == 0)
                rc = gort_expr_print(b, n->args[i]);
        }
        return rc ? rc : rsp_buf_addc(b, ')');
    case GORT_EXPR_STAR:
        return print_kids(b, "*", k, 1);
    case GORT_EXPR_UNARY:
        return print_kids(b, gort_expr_op_str(n->op), k, 1);
    case GORT_EXPR_BINARY:
        return print_kids(b, gort_expr_op_str(n->op), k, 2);
    case GORT_EXPR_ARRAY_TYPE:
        if (!k[0])
            return print_kids(b, "[]", k + 1, 1);
        rc = rsp_buf_adds(b, "([");
        if (rc == 0)
            rc = gort_expr_print(b, k[0]);
        if (rc == 0)
            rc = rsp_buf_adds(b, "] ");
        if (rc == 0)
            rc = gort_expr_print(b, k[1]);
        return rc ? rc : rsp_buf_addc(b, ')');
    case GORT_EXPR_MAP_TYPE:
        return print_kids(b, "map", k, 2);
    case GORT_EXPR_CHAN_TYPE:
        return print_kids(b,
                          n->dir == GORT_CHAN_SEND   ? "chan<-"
                          : n->dir == GORT_CHAN_RECV ? "<-chan"
                                                     : "chan",
                          k, 1);
    case GORT_EXPR_INTERFACE_TYPE:
        return rsp_buf_adds(b, "interface{}");
    case GORT_EXPR_STRUCT_TYPE:
        return rsp_buf_adds(b, "struct{}");
    }
    return rsp_buf_adds(b, "?");
}
