/*
 * tests/fuzz/fuzz_expr.c - libFuzzer target for frontend/goruntime/expr.c and expr_lex.c, the Go
 * expression parser, with gofmt.c as a second oracle. For every input (abort on failure, so
 * libFuzzer reports it):
 *  - the parse either succeeds with a tree or fails with -EINVAL/-E2BIG and a "LINE:COL: " message
 *    whose offset is within the input; it never crashes, leaks or overflows the stack;
 *  - every node's span lies within the input and within its parent's span, and kinds, operators and
 *    child counts are consistent; the tree prints;
 *  - literals round-trip through the formatter and back through the parser: a STRING node's bytes
 *    quoted by gort_fmt_quote parse to the same bytes, a RUNE by gort_fmt_quote_rune to the same
 *    rune, and a finite FLOAT by gort_fmt_float(..., 'g') to the same double;
 *  - the input itself, as bytes, quoted by gort_fmt_quote parses back to the same bytes, and (for
 *    inputs of 4 to 16 bytes) its first 8 (4) bytes as a float64 (float32), formatted 'g' and 'e',
 *    parse back to the same value.
 * Run: tests/fuzz/fuzz_expr -max_total_time=30 (a seed corpus helps: any list of Go expressions).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/goruntime/expr.h"
#include "frontend/goruntime/gofmt.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct gort_expr_node *parse_one(const char *s, size_t len, struct gort_expr **e)
{
    struct gort_expr_error err;
    CHECK(gort_expr_parse(s, len, e, &err) == 0);
    return gort_expr_root(*e);
}

static void round_trip(const struct gort_expr_node *n)
{
    struct rsp_buf b;
    struct gort_expr *e;
    const struct gort_expr_node *m;
    rsp_buf_init(&b, 1 << 20);
    switch (n->kind) {
    case GORT_EXPR_STRING:
        CHECK(gort_fmt_quote(&b, n->str, n->str_len) == 0);
        m = parse_one((const char *)b.data, b.len, &e);
        CHECK(m->kind == GORT_EXPR_STRING);
        CHECK(m->str_len == n->str_len && memcmp(m->str, n->str, n->str_len) == 0);
        gort_expr_free(e);
        break;
    case GORT_EXPR_RUNE:
        CHECK(n->lit.u <= 0x10ffff);
        CHECK(gort_fmt_quote_rune(&b, (int64_t)n->lit.u) == 0);
        m = parse_one((const char *)b.data, b.len, &e);
        CHECK(m->kind == GORT_EXPR_RUNE);
        /* surrogates cannot be written in a rune literal; QuoteRune shows them as U+FFFD */
        CHECK(m->lit.u == n->lit.u || (n->lit.u >= 0xd800 && n->lit.u < 0xe000));
        gort_expr_free(e);
        break;
    case GORT_EXPR_FLOAT:
        if (!isfinite(n->lit.f))
            break;
        CHECK(gort_fmt_float(&b, n->lit.f, 64, 'g') == 0);
        m = parse_one((const char *)b.data, b.len, &e);
        /* "1e+06" is a FLOAT, but "1" is an INT: compare values */
        CHECK(m->kind == GORT_EXPR_FLOAT || m->kind == GORT_EXPR_INT);
        CHECK(m->kind == GORT_EXPR_FLOAT ? m->lit.f == n->lit.f : (double)m->lit.u == n->lit.f);
        gort_expr_free(e);
        break;
    default:
        break;
    }
    rsp_buf_fini(&b);
}

static void check_tree(const struct gort_expr_node *n, uint32_t lo, uint32_t hi, unsigned depth)
{
    CHECK(depth < 4 * GORT_EXPR_MAX_DEPTH);
    CHECK(n->pos >= lo && n->end <= hi && n->pos < n->end);
    size_t kids = 0, need = 0;
    switch (n->kind) {
    case GORT_EXPR_IDENT:
        CHECK(n->name && n->name[0]);
        break;
    case GORT_EXPR_SELECTOR:
        CHECK(n->name && n->name[0]);
        kids = need = 1;
        break;
    case GORT_EXPR_STRING:
        CHECK(n->str && n->str[n->str_len] == 0);
        break;
    case GORT_EXPR_PAREN:
    case GORT_EXPR_STAR:
    case GORT_EXPR_CHAN_TYPE:
        kids = need = 1;
        break;
    case GORT_EXPR_UNARY:
        CHECK(n->op == GORT_OP_ADD || n->op == GORT_OP_SUB || n->op == GORT_OP_NOT ||
              n->op == GORT_OP_XOR || n->op == GORT_OP_AND || n->op == GORT_OP_ARROW);
        kids = need = 1;
        break;
    case GORT_EXPR_BINARY:
        CHECK(gort_expr_op_prec(n->op) > 0);
        kids = need = 2;
        break;
    case GORT_EXPR_INDEX:
    case GORT_EXPR_TYPE_ASSERT:
    case GORT_EXPR_MAP_TYPE:
        kids = need = 2;
        break;
    case GORT_EXPR_ARRAY_TYPE:
        CHECK(n->kid[1]);
        kids = 2;
        need = 0;
        break;
    case GORT_EXPR_SLICE:
        kids = 4;
        need = 1;
        if (n->slice3)
            CHECK(n->kid[2] && n->kid[3]);
        else
            CHECK(!n->kid[3]);
        break;
    case GORT_EXPR_CALL:
        kids = need = 1;
        CHECK(n->nargs == 0 || n->args);
        for (size_t i = 0; i < n->nargs; i++)
            check_tree(n->args[i], n->pos, n->end, depth + 1);
        break;
    default:
        break;
    }
    for (size_t i = 0; i < 4; i++) {
        if (i >= kids)
            CHECK(!n->kid[i]);
        else if (i < need)
            CHECK(n->kid[i]);
        if (n->kid[i])
            check_tree(n->kid[i], n->pos, n->end, depth + 1);
    }
    round_trip(n);
}

/* gofmt as the producer, the parser as the checker, on the raw input bytes. */
static void format_input(const uint8_t *data, size_t size)
{
    struct rsp_buf b;
    struct gort_expr *e;
    const struct gort_expr_node *m;
    rsp_buf_init(&b, 1 << 20);
    if (size <= GORT_EXPR_MAX_LEN / 10) { /* \U0010ffff is 10 bytes for 4 */
        CHECK(gort_fmt_quote(&b, data, size) == 0);
        m = parse_one((const char *)b.data, b.len, &e);
        CHECK(m->kind == GORT_EXPR_STRING && m->str_len == size);
        CHECK(size == 0 || memcmp(m->str, data, size) == 0);
        gort_expr_free(e);
    }
    for (int bits = 64; bits >= 32; bits -= 32) {
        if (size < (size_t)bits / 8 ||
            size > 16) /* short inputs only: it is slow, the parser is not */
            break;
        double v;
        if (bits == 64) {
            memcpy(&v, data, 8);
        } else {
            float f;
            memcpy(&f, data, 4);
            v = f;
        }
        v = fabs(v); /* a minus sign would parse as a unary operator */
        if (!isfinite(v))
            continue;
        for (const char *fmt = "ge"; *fmt; fmt++) {
            rsp_buf_reset(&b);
            CHECK(gort_fmt_float(&b, v, bits, *fmt) == 0);
            m = parse_one((const char *)b.data, b.len, &e);
            CHECK(m->kind == GORT_EXPR_FLOAT || m->kind == GORT_EXPR_INT);
            double w = m->kind == GORT_EXPR_FLOAT ? m->lit.f : (double)m->lit.u;
            CHECK(bits == 64 ? w == v : (float)w == (float)v);
            gort_expr_free(e);
        }
    }
    rsp_buf_fini(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    format_input(data, size);

    struct gort_expr *e = (struct gort_expr *)&e;
    struct gort_expr_error err;
    int rc = gort_expr_parse((const char *)data, size, &e, &err);
    if (rc != 0) {
        CHECK(rc == -EINVAL || rc == -E2BIG);
        CHECK(e == NULL);
        CHECK(err.msg[0] != 0);
        if (rc == -EINVAL) {
            CHECK(err.offset <= size);
            char pre[32];
            snprintf(pre, sizeof(pre), "%u:%u: ", err.line, err.col);
            CHECK(strncmp(err.msg, pre, strlen(pre)) == 0);
        }
        return 0;
    }
    size_t len;
    const char *src = gort_expr_source(e, &len);
    CHECK(len == size && memcmp(src, data, size) == 0 && src[len] == 0);
    check_tree(gort_expr_root(e), 0, (uint32_t)size, 0);
    struct rsp_buf b;
    rsp_buf_init(&b, 1 << 22);
    CHECK(gort_expr_print(&b, gort_expr_root(e)) == 0);
    rsp_buf_fini(&b);
    gort_expr_free(e);
    return 0;
}
