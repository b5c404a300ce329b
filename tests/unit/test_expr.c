/*
 * tests/unit/test_expr.c - unit tests of frontend/goruntime/expr.c, the Go expression parser.
 *
 * The main table (expr_cases.h) is generated from Go's own go/parser by tests/unit/gen/expr_gen.go:
 * for each input, the AST or the first error message with its position, which is what dlv prints.
 * The tables below add what Go has no opinion on (the forms deliberately refused here, dlv's
 * literals, the bounds) and check the AST API itself: spans, literal values, children, errors.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/goruntime/expr.h"

#include "tests/unit/expr_cases.h"

/* Parses in[0..len) and returns the printed AST or "ERR <message>" (static buffer). */
static const char *parse_to_text(const char *in, size_t len)
{
    static char out[8192];
    struct gort_expr *e = NULL;
    struct gort_expr_error err;
    int rc = gort_expr_parse(in, len, &e, &err);
    if (rc != 0) {
        ck_assert_ptr_null(e);
        ck_assert_int_ne(err.msg[0], 0);
        snprintf(out, sizeof(out), "ERR %s", err.msg);
        return out;
    }
    ck_assert_ptr_nonnull(e);
    struct rsp_buf b;
    rsp_buf_init(&b, sizeof(out) - 1);
    ck_assert_int_eq(gort_expr_print(&b, gort_expr_root(e)), 0);
    snprintf(out, sizeof(out), "%s", (const char *)b.data);
    rsp_buf_fini(&b);
    gort_expr_free(e);
    return out;
}

/* ------------------------------------------------------------------ Go's verdicts */

/* Inputs of expr_cases.h where this parser deliberately differs from go/parser (each says why). */
static const struct expr_case deviations[] = {
    /* Go 1.18+ reads a[1, 2] as a generic instantiation; generics are not evaluated here. */
    {"a[1, 2]", 7, "ERR 1:4: expected ']', found ','"},
};

static const struct expr_case *deviation(const char *in, size_t len)
{
    for (size_t i = 0; i < sizeof(deviations) / sizeof(deviations[0]); i++)
        if (deviations[i].len == len && memcmp(deviations[i].in, in, len) == 0)
            return &deviations[i];
    return NULL;
}

START_TEST(test_go_parser_agrees)
{
    const struct expr_case *c = &expr_cases[_i];
    const struct expr_case *d = deviation(c->in, c->len);
    const char *want = d ? d->want : c->want;
    const char *got = parse_to_text(c->in, c->len);
    ck_assert_msg(strcmp(got, want) == 0, "input %s:\n got  %s\n want %s", c->in, got, want);
}
END_TEST

/* ------------------------------------------------------------------ forms Go parses, refused here
 */

static const struct expr_case refused[] = {
    {"a.(type)", 8, "ERR 1:4: use of .(type) outside type switch"},
    {"a{}", 3, "ERR 1:2: expected 'EOF', found '{'"},
    {"main.T{1, 2}", 12, "ERR 1:7: expected 'EOF', found '{'"},
    {"func()", 6, "ERR 1:1: function types and literals are not supported"},
    {"x.(func())", 10, "ERR 1:4: function types and literals are not supported"},
    {"struct{a int}", 13, "ERR 1:8: struct types with fields are not supported"},
    {"interface{M()}", 14, "ERR 1:11: interface types with methods are not supported"},
    {"interface", 9, "ERR 1:10: expected '{', found 'EOF'"},
    {"f(a...)", 7, "ERR 1:4: '...' in calls is not supported"},
    {"18446744073709551616", 20,
     "ERR 1:1: integer literal 18446744073709551616 does not fit in 64 bits"},
    {"0x1_0000_0000_0000_0000", 23,
     "ERR 1:1: integer literal 0x10000000000000000 does not fit in 64 bits"},
    {"x.(nil)", 7, "ERR 1:4: expected type, found nil"},
    {"x.(true)", 8, "ERR 1:4: expected type, found bool"},
    {"x.(\"pkg\")", 9, "ERR 1:9: expected '.', found ')'"},
    {"x.(a.b.c)", 9, "ERR 1:7: expected ')', found '.'"},
    {"x.(a.)", 6, "ERR 1:6: expected name, found ')'"},
    {"x.(<-int)", 9, "ERR 1:6: expected 'chan', found int"},
    {"<-(<-chan int)", 14, "(<- (paren (<-chan int)))"},
    {"a +\n", 4, "ERR 2:1: expected operand, found 'EOF'"},
    {"a\n", 2, "a"},
    {"a // c\n", 7, "a"},
    {"a /* x\ny */ + b", 15, "ERR 2:6: expected 'EOF', found '+'"},
    {"a /* x */\n", 10, "a"},
    {"a\n\n", 3, "a"},
    {"a\n\nb", 4, "ERR 3:1: expected 'EOF', found b"},
    {"x[1:2:3:4]", 10, "ERR 1:8: expected ']', found ':'"},
    {"\x01", 1, "ERR 1:1: illegal character U+0001"},
    {"'\\x4\x01'", 6, "ERR 1:5: illegal character U+0001 in escape sequence"},
    {"\"\\", 2, "ERR 1:3: escape sequence not terminated"},
    {"\"\\u12", 5, "ERR 1:6: escape sequence not terminated"},
    /* Embedded NUL bytes are data, not the end. */
    {"\"a\0b\"", 5, "\"a\\x00b\""},
    {"a\0", 2, "ERR 1:2: illegal character U+0000"},
    /* Delve's quoted package paths in types too. */
    {"(*\"net/http\".Client)(0xc000010000)", 34,
     "(call (paren (* (. \"net/http\" Client))) 824633786368)"},
    {"x.(*\"a/b\".T)", 12, "(assert x (* (. \"a/b\" T)))"},
    {"[]\"a/b\".T(x)", 12, "(call ([] (. \"a/b\" T)) x)"},
    {"map[\"a/b\".K]\"a/b\".V(m)", 22, "(call (map (. \"a/b\" K) (. \"a/b\" V)) m)"},
    {"x.(chan<- chan int)", 19, "(assert x (chan<- (chan int)))"},
    {"x.(<-chan <-chan int)", 21, "(assert x (<-chan (<-chan int)))"},
    {"x.((int))", 9, "(assert x (paren int))"},
    {"x.([2][3]int)", 13, "(assert x ([2] ([3] int)))"},
    {"x.(interface{})", 15, "(assert x interface{})"},
    {"x.(struct{})", 12, "(assert x struct{})"},
    {"x.(struct)", 10, "ERR 1:10: expected '{', found ')'"},
    {"x.(map[int]map[string]bool)", 27, "(assert x (map int (map string bool)))"},
    {"f(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18)", 64,
     "(call f 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18)"},
    {"'\\''", 4, "rune:39"},
    {"\"\\\"\"", 4, "\"\\\"\""},
    {"'\\\\'", 4, "rune:92"},
    {"'\\a\\b'", 6, "ERR 1:1: illegal rune literal"},
    {"'\\0'", 4, "ERR 1:4: illegal character U+0027 ''' in escape sequence"},
    {"'\\000'", 6, "rune:0"},
    {"\"\\a\\b\\f\\n\\r\\t\\v\\\\\"", 18, "\"\\a\\b\\f\\n\\r\\t\\v\\\\\""},
    {"1e400", 5, "float:inf"},
    {"0x1p-1080", 9, "float:0"},
};

START_TEST(test_refused_and_extra)
{
    const struct expr_case *c = &refused[_i];
    const char *got = parse_to_text(c->in, c->len);
    ck_assert_msg(strcmp(got, c->want) == 0, "input %s:\n got  %s\n want %s", c->in, got, c->want);
}
END_TEST

/* ------------------------------------------------------------------ the AST API */

START_TEST(test_api_nodes)
{
    const char *src = "(*main.T)(0xc000010000).A[1:x] + len(\"h\\x00\")";
    struct gort_expr *e;
    struct gort_expr_error err;
    ck_assert_int_eq(gort_expr_parse(src, strlen(src), &e, &err), 0);
    size_t len;
    ck_assert_str_eq(gort_expr_source(e, &len), src);
    ck_assert_uint_eq(len, strlen(src));

    const struct gort_expr_node *n = gort_expr_root(e);
    ck_assert_int_eq(n->kind, GORT_EXPR_BINARY);
    ck_assert_int_eq(n->op, GORT_OP_ADD);
    ck_assert_uint_eq(n->pos, 0);
    ck_assert_uint_eq(n->end, strlen(src));

    const struct gort_expr_node *sl = n->kid[0];
    ck_assert_int_eq(sl->kind, GORT_EXPR_SLICE);
    ck_assert(!sl->slice3);
    ck_assert_uint_eq(sl->pos, 0);
    ck_assert_uint_eq(sl->end, 30); /* through the ']' */
    ck_assert_int_eq(sl->kid[1]->kind, GORT_EXPR_INT);
    ck_assert_uint_eq(sl->kid[1]->lit.u, 1);
    ck_assert_int_eq(sl->kid[2]->kind, GORT_EXPR_IDENT);
    ck_assert_str_eq(sl->kid[2]->name, "x");
    ck_assert_ptr_null(sl->kid[3]);

    const struct gort_expr_node *sel = sl->kid[0];
    ck_assert_int_eq(sel->kind, GORT_EXPR_SELECTOR);
    ck_assert_str_eq(sel->name, "A");
    const struct gort_expr_node *call = sel->kid[0];
    ck_assert_int_eq(call->kind, GORT_EXPR_CALL);
    ck_assert_uint_eq(call->nargs, 1);
    ck_assert_int_eq(call->args[0]->kind, GORT_EXPR_INT);
    ck_assert_uint_eq(call->args[0]->lit.u, 0xc000010000ull);
    ck_assert_uint_eq(call->args[0]->pos, 10);
    ck_assert_uint_eq(call->args[0]->end, 22);
    const struct gort_expr_node *paren = call->kid[0];
    ck_assert_int_eq(paren->kind, GORT_EXPR_PAREN);
    ck_assert_uint_eq(paren->pos, 0);
    ck_assert_uint_eq(paren->end, 9);
    const struct gort_expr_node *star = paren->kid[0];
    ck_assert_int_eq(star->kind, GORT_EXPR_STAR);
    ck_assert_int_eq(star->kid[0]->kind, GORT_EXPR_SELECTOR);
    ck_assert_str_eq(star->kid[0]->name, "T");
    ck_assert_str_eq(star->kid[0]->kid[0]->name, "main");
    ck_assert_uint_eq(star->kid[0]->pos, 2);
    ck_assert_uint_eq(star->kid[0]->end, 8);

    const struct gort_expr_node *lenc = n->kid[1];
    ck_assert_int_eq(lenc->kind, GORT_EXPR_CALL);
    ck_assert_str_eq(lenc->kid[0]->name, "len");
    const struct gort_expr_node *s = lenc->args[0];
    ck_assert_int_eq(s->kind, GORT_EXPR_STRING);
    ck_assert_uint_eq(s->str_len, 2);
    ck_assert_int_eq(memcmp(s->str, "h\0", 3), 0); /* NUL inside and NUL-terminated */
    gort_expr_free(e);
}
END_TEST

/* Literal values, decoded. */
struct lit_case {
    const char *in;
    enum gort_expr_kind kind;
    uint64_t u;
    double f;
};

static const struct lit_case lit_cases[] = {
    {"0", GORT_EXPR_INT, 0, 0},
    {"0755", GORT_EXPR_INT, 0755, 0},
    {"0o755", GORT_EXPR_INT, 0755, 0},
    {"0b1010_1010", GORT_EXPR_INT, 0xaa, 0},
    {"0xDead_Beef", GORT_EXPR_INT, 0xdeadbeef, 0},
    {"18446744073709551615", GORT_EXPR_INT, UINT64_MAX, 0},
    {"0xffffffffffffffff", GORT_EXPR_INT, UINT64_MAX, 0},
    {"1_000_000", GORT_EXPR_INT, 1000000, 0},
    {"1.5", GORT_EXPR_FLOAT, 0, 1.5},
    {"1e6", GORT_EXPR_FLOAT, 0, 1e6},
    {".25", GORT_EXPR_FLOAT, 0, 0.25},
    {"0x1.8p1", GORT_EXPR_FLOAT, 0, 3.0},
    {"0x1p-1074", GORT_EXPR_FLOAT, 0, 4.9406564584124654e-324},
    {"0755.5", GORT_EXPR_FLOAT, 0, 755.5},
    {"0755e1", GORT_EXPR_FLOAT, 0, 7550},
    {"0.1", GORT_EXPR_FLOAT, 0, 0.1},
    {"2i", GORT_EXPR_IMAG, 0, 2},
    {"0755i", GORT_EXPR_IMAG, 0, 755},
    {"0x10i", GORT_EXPR_IMAG, 0, 16},
    {"0o10i", GORT_EXPR_IMAG, 0, 8},
    {"0b11i", GORT_EXPR_IMAG, 0, 3},
    {"1.5e2i", GORT_EXPR_IMAG, 0, 150},
    {"99999999999999999999i", GORT_EXPR_IMAG, 0, 1e20},
    {"'a'", GORT_EXPR_RUNE, 'a', 0},
    {"'\\x80'", GORT_EXPR_RUNE, 0x80, 0},
    {"'\\377'", GORT_EXPR_RUNE, 255, 0},
    {"'é'", GORT_EXPR_RUNE, 0xe9, 0},
    {"'\\U0010FFFF'", GORT_EXPR_RUNE, 0x10ffff, 0},
    {"'\\''", GORT_EXPR_RUNE, '\'', 0},
    {"true", GORT_EXPR_BOOL, 1, 0},
    {"false", GORT_EXPR_BOOL, 0, 0},
    {"nil", GORT_EXPR_NIL, 0, 0},
};

START_TEST(test_literal_values)
{
    const struct lit_case *c = &lit_cases[_i];
    struct gort_expr *e;
    struct gort_expr_error err;
    ck_assert_msg(gort_expr_parse(c->in, strlen(c->in), &e, &err) == 0, "%s: %s", c->in, err.msg);
    const struct gort_expr_node *n = gort_expr_root(e);
    ck_assert_int_eq(n->kind, c->kind);
    if (c->kind == GORT_EXPR_FLOAT || c->kind == GORT_EXPR_IMAG)
        ck_assert_msg(n->lit.f == c->f, "%s: %.17g != %.17g", c->in, n->lit.f, c->f);
    else
        ck_assert_uint_eq(n->lit.u, c->u);
    ck_assert_uint_eq(n->pos, 0);
    ck_assert_uint_eq(n->end, strlen(c->in));
    gort_expr_free(e);
}
END_TEST

/* Strings: decoded bytes, including bytes that are not UTF-8 and runes from escapes. */
START_TEST(test_string_values)
{
    static const struct {
        const char *in;
        const char *bytes;
        size_t len;
    } cases[] = {
        {"\"\"", "", 0},
        {"\"\\xff\\x00\\377\"", "\xff\0\xff", 3},
        {"\"\\u00e9\\U0001F600\"", "\xc3\xa9\xf0\x9f\x98\x80", 6},
        {"`a\\n\r\nb`", "a\\n\nb", 5},
        {"`\"`", "\"", 1},
        {"\"é\"", "\xc3\xa9", 2},
        {"\"\xff\"", "\xff", 1}, /* a stray byte in the source is kept */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct gort_expr *e;
        ck_assert_int_eq(gort_expr_parse(cases[i].in, strlen(cases[i].in), &e, NULL), 0);
        const struct gort_expr_node *n = gort_expr_root(e);
        ck_assert_int_eq(n->kind, GORT_EXPR_STRING);
        ck_assert_uint_eq(n->str_len, cases[i].len);
        ck_assert_int_eq(memcmp(n->str, cases[i].bytes, cases[i].len), 0);
        ck_assert_int_eq(n->str[n->str_len], 0);
        gort_expr_free(e);
    }
}
END_TEST

START_TEST(test_long_number)
{
    /* Up to 1023 characters of a number are read, and every digit can decide a float's rounding:
     * 1 + 2^-53 is a tie that rounds to 1; a 1 a thousand digits later makes it round up. */
    char s[1100] = "1.00000000000000011102230246251565404236316680908203125";
    size_t n = strlen(s);
    memset(s + n, '0', 1022 - n);
    s[1022] = '1';
    s[1023] = 0;
    struct gort_expr *e;
    struct gort_expr_error err;
    ck_assert_int_eq(gort_expr_parse(s, 1023, &e, &err), 0);
    ck_assert(gort_expr_root(e)->lit.f == 1.0000000000000002);
    gort_expr_free(e);
    s[1022] = '0';
    ck_assert_int_eq(gort_expr_parse(s, 1023, &e, &err), 0);
    ck_assert(gort_expr_root(e)->lit.f == 1.0);
    gort_expr_free(e);
    strcpy(s + 1022, "01");
    ck_assert_int_eq(gort_expr_parse(s, 1024, &e, &err), -EINVAL);
    ck_assert_str_eq(err.msg, "1:1: number literal too long");
}
END_TEST

START_TEST(test_error_fields)
{
    struct gort_expr *e = (struct gort_expr *)&e; /* must be set to NULL on failure */
    struct gort_expr_error err;
    ck_assert_int_eq(gort_expr_parse("a +\n  (b", 8, &e, &err), -EINVAL);
    ck_assert_ptr_null(e);
    ck_assert_uint_eq(err.line, 2);
    ck_assert_uint_eq(err.col, 5);
    ck_assert_uint_eq(err.offset, 8);
    ck_assert_str_eq(err.msg, "2:5: expected ')', found newline");
    /* a message is cut at the size of err.msg, never overflowing it (a long literal is named whole)
     */
    char lit[300] = "a 0x";
    memset(lit + 4, '7', 250);
    lit[254] = 0;
    ck_assert_int_eq(gort_expr_parse(lit, 254, &e, &err), -EINVAL);
    ck_assert_uint_eq(strlen(err.msg), sizeof(err.msg) - 1);
    ck_assert_int_eq(strncmp(err.msg, "1:3: expected 'EOF', found 0x777", 32), 0);
    /* err may be NULL */
    ck_assert_int_eq(gort_expr_parse("(", 1, &e, NULL), -EINVAL);
    ck_assert_ptr_null(e);
    /* the source need not be NUL-terminated: only len bytes are read */
    ck_assert_int_eq(gort_expr_parse("a+b)))", 3, &e, &err), 0);
    ck_assert_int_eq(gort_expr_root(e)->kind, GORT_EXPR_BINARY);
    gort_expr_free(e);
    gort_expr_free(NULL);
}
END_TEST

/* ------------------------------------------------------------------ bounds */

static char *repeat(const char *head, const char *mid, const char *tail, size_t n)
{
    size_t hl = strlen(head), tl = strlen(tail);
    char *s = malloc(hl * n + strlen(mid) + tl * n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++, k += hl)
        memcpy(s + k, head, hl);
    strcpy(s + k, mid);
    k += strlen(mid);
    for (size_t i = 0; i < n; i++, k += tl)
        memcpy(s + k, tail, tl);
    s[k] = 0;
    return s;
}

START_TEST(test_depth_limit)
{
    /* Each shape nested to half the limit parses; past the limit (or the length limit) it fails. */
    static const struct {
        const char *head, *mid, *tail;
    } shapes[] = {
        {"(", "x", ")"},     {"- ", "x", ""},    {"*", "p", ""},
        {"f(", "x", ")"},    {"a[", "0", "]"},   {"[]", "T", ""},
        {"map[k]", "v", ""}, {"chan ", "T", ""}, {"!", "b", ""},
    };
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        struct gort_expr *e;
        struct gort_expr_error err;
        char *ok = repeat(shapes[i].head, shapes[i].mid, shapes[i].tail, GORT_EXPR_MAX_DEPTH / 2);
        ck_assert_msg(gort_expr_parse(ok, strlen(ok), &e, &err) == 0, "%s: %s", ok, err.msg);
        gort_expr_free(e);
        free(ok);
        char *deep = repeat(shapes[i].head, shapes[i].mid, shapes[i].tail, 100000);
        ck_assert_int_eq(gort_expr_parse(deep, strlen(deep), &e, &err), -E2BIG);
        free(deep);
        deep = repeat(shapes[i].head, shapes[i].mid, shapes[i].tail, GORT_EXPR_MAX_DEPTH + 1);
        ck_assert_int_eq(gort_expr_parse(deep, strlen(deep), &e, &err), -EINVAL);
        ck_assert_msg(strstr(err.msg, "nested too deeply") != NULL, "%s", err.msg);
        ck_assert_ptr_null(e);
        free(deep);
    }
    /* Long chains are not nesting, but they make the tree as high: bounded by GORT_EXPR_MAX_HEIGHT.
     */
    static const struct {
        const char *head, *mid, *tail;
    } chains[] = {
        {"a+", "a", ""},  {"", "a", ".b"},   {"", "f", "()"},
        {"", "a", "[0]"}, {"", "x", ".(T)"}, {"a||", "a", ""},
    };
    for (size_t i = 0; i < sizeof(chains) / sizeof(chains[0]); i++) {
        struct gort_expr *e;
        struct gort_expr_error err;
        char *s = repeat(chains[i].head, chains[i].mid, chains[i].tail, GORT_EXPR_MAX_HEIGHT - 1);
        ck_assert_msg(gort_expr_parse(s, strlen(s), &e, &err) == 0, "chain %zu: %s", i, err.msg);
        ck_assert_uint_eq(gort_expr_root(e)->height, GORT_EXPR_MAX_HEIGHT);
        struct rsp_buf b;
        rsp_buf_init(&b, 1 << 20);
        ck_assert_int_eq(gort_expr_print(&b, gort_expr_root(e)), 0);
        rsp_buf_fini(&b);
        gort_expr_free(e);
        free(s);
        s = repeat(chains[i].head, chains[i].mid, chains[i].tail, GORT_EXPR_MAX_HEIGHT);
        ck_assert_int_eq(gort_expr_parse(s, strlen(s), &e, &err), -EINVAL);
        ck_assert_msg(strstr(err.msg, "expression too complex") != NULL, "%s", err.msg);
        free(s);
    }
}
END_TEST

START_TEST(test_length_limit)
{
    size_t n = GORT_EXPR_MAX_LEN + 1;
    char *s = malloc(n);
    memset(s, 'a', n);
    struct gort_expr *e;
    struct gort_expr_error err;
    ck_assert_int_eq(gort_expr_parse(s, n, &e, &err), -E2BIG);
    ck_assert_ptr_null(e);
    ck_assert_str_eq(err.msg, "expression too long (65537 bytes, at most 65536)");
    /* exactly the maximum: one long identifier */
    ck_assert_int_eq(gort_expr_parse(s, n - 1, &e, &err), 0);
    ck_assert_uint_eq(strlen(gort_expr_root(e)->name), n - 1);
    gort_expr_free(e);
    free(s);
}
END_TEST

/* Random bytes and random token soup: never a crash, and always either a tree or a message. */
START_TEST(test_random_inputs)
{
    static const char *const atoms[] = {
        "a",    "main", ".",     "(",   ")",    "[",   "]",         ":",   ",",     "*",      "&",
        "-",    "+",    "!",     "^",   "<-",   "<<",  "&&",        "||",  "==",    "1",      "0x",
        "1.5e", "'a'",  "\"s\"", "`r`", "chan", "map", "interface", "{",   "}",     "struct", "nil",
        "true", "\n",   " ",     "/*",  "*/",   "//",  "_",         "'\\", "\"\\u", "=",
    };
    unsigned seed = 12345;
    char buf[256];
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        int mode = (seed >> 16) & 1;
        int count = (int)((seed >> 8) % 24);
        for (int i = 0; i < count; i++) {
            seed = seed * 1103515245u + 12345u;
            if (mode) {
                buf[len++] = (char)(seed >> 16);
            } else {
                const char *a = atoms[(seed >> 16) % (sizeof(atoms) / sizeof(atoms[0]))];
                size_t al = strlen(a);
                if (len + al >= sizeof(buf))
                    break;
                memcpy(buf + len, a, al);
                len += al;
            }
        }
        struct gort_expr *e = NULL;
        struct gort_expr_error err;
        int rc = gort_expr_parse(buf, len, &e, &err);
        if (rc == 0) {
            struct rsp_buf b;
            rsp_buf_init(&b, 1 << 16);
            ck_assert_int_eq(gort_expr_print(&b, gort_expr_root(e)), 0);
            rsp_buf_fini(&b);
            ck_assert_uint_le(gort_expr_root(e)->end, len);
            gort_expr_free(e);
        } else {
            ck_assert_int_eq(rc, -EINVAL);
            ck_assert_ptr_null(e);
            ck_assert_uint_le(err.offset, len);
            ck_assert_msg(err.msg[0] >= '1' && err.msg[0] <= '9', "%s", err.msg);
        }
    }
}
END_TEST

START_TEST(test_helpers)
{
    const char *src = "\"net/http\".DefaultClient.Timeout + main.hits * f(x).y";
    struct gort_expr *e;
    ck_assert_int_eq(gort_expr_parse(src, strlen(src), &e, NULL), 0);
    const struct gort_expr_node *add = gort_expr_root(e);
    const struct gort_expr_node *timeout = add->kid[0], *client = timeout->kid[0];
    const struct gort_expr_node *hits = add->kid[1]->kid[0], *fy = add->kid[1]->kid[1];
    const char *pkg, *name;
    size_t n;

    ck_assert(gort_expr_pkg_selector(client, &pkg, &n, &name));
    ck_assert_uint_eq(n, 8);
    ck_assert_int_eq(memcmp(pkg, "net/http", 8), 0);
    ck_assert_str_eq(name, "DefaultClient");
    ck_assert(!gort_expr_pkg_selector(timeout, &pkg, &n, &name)); /* left side is a selector */
    ck_assert(gort_expr_pkg_selector(hits, &pkg, &n, &name));
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(pkg, "main");
    ck_assert_str_eq(name, "hits");
    ck_assert(!gort_expr_pkg_selector(fy, &pkg, &n, &name)); /* left side is a call */
    ck_assert(!gort_expr_pkg_selector(add, &pkg, &n, &name));

    const char *t = gort_expr_text(e, timeout, &n);
    ck_assert_int_eq((int)n, 32);
    ck_assert_int_eq(strncmp(t, "\"net/http\".DefaultClient.Timeout", n), 0);
    t = gort_expr_text(e, fy, &n);
    ck_assert_int_eq(strncmp(t, "f(x).y", n), 0);
    ck_assert_uint_eq(n, 6);
    gort_expr_free(e);
}
END_TEST

START_TEST(test_names)
{
    ck_assert_str_eq(gort_expr_kind_name(GORT_EXPR_SELECTOR), "SELECTOR");
    ck_assert_str_eq(gort_expr_kind_name(GORT_EXPR_STRUCT_TYPE), "STRUCT_TYPE");
    ck_assert_str_eq(gort_expr_kind_name((enum gort_expr_kind)999), "?");
    ck_assert_str_eq(gort_expr_op_str(GORT_OP_AND_NOT), "&^");
    ck_assert_str_eq(gort_expr_op_str(GORT_OP_ARROW), "<-");
    ck_assert_int_eq(gort_expr_op_prec(GORT_OP_MUL), 5);
    ck_assert_int_eq(gort_expr_op_prec(GORT_OP_XOR), 4);
    ck_assert_int_eq(gort_expr_op_prec(GORT_OP_GEQ), 3);
    ck_assert_int_eq(gort_expr_op_prec(GORT_OP_LAND), 2);
    ck_assert_int_eq(gort_expr_op_prec(GORT_OP_LOR), 1);
    ck_assert_int_eq(gort_expr_op_prec(GORT_OP_NOT), 0);
}
END_TEST

START_TEST(test_print_bounded)
{
    struct gort_expr *e;
    ck_assert_int_eq(gort_expr_parse("aaaa + bbbb", 11, &e, NULL), 0);
    struct rsp_buf b;
    rsp_buf_init(&b, 8);
    ck_assert_int_eq(gort_expr_print(&b, gort_expr_root(e)), -E2BIG);
    rsp_buf_fini(&b);
    gort_expr_free(e);
}
END_TEST

static Suite *expr_suite(void)
{
    Suite *s = suite_create("expr");
    TCase *tc = tcase_create("go_parser");
    tcase_add_loop_test(tc, test_go_parser_agrees, 0,
                        (int)(sizeof(expr_cases) / sizeof(expr_cases[0])));
    suite_add_tcase(s, tc);
    tc = tcase_create("extra");
    tcase_add_loop_test(tc, test_refused_and_extra, 0, (int)(sizeof(refused) / sizeof(refused[0])));
    suite_add_tcase(s, tc);
    tc = tcase_create("api");
    tcase_add_test(tc, test_api_nodes);
    tcase_add_loop_test(tc, test_literal_values, 0,
                        (int)(sizeof(lit_cases) / sizeof(lit_cases[0])));
    tcase_add_test(tc, test_string_values);
    tcase_add_test(tc, test_error_fields);
    tcase_add_test(tc, test_long_number);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_helpers);
    tcase_add_test(tc, test_print_bounded);
    suite_add_tcase(s, tc);
    tc = tcase_create("bounds");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_depth_limit);
    tcase_add_test(tc, test_length_limit);
    tcase_add_test(tc, test_random_inputs);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(expr_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
