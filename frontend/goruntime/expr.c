/*
 * goruntime/expr.c - lexer and parser of Go expressions (see expr.h). The lexer follows the Go
 * specification's lexical rules (and go/scanner's messages); the parser is recursive descent with
 * precedence climbing for binary operators, shaped like go/parser's parseBinaryExpr/parseUnaryExpr/
 * parsePrimaryExpr so that the same input fails at the same place with the same words.
 *
 * Memory: every node and string lives in one arena owned by struct gort_expr and freed at once. The
 * first error stops the parse; nothing after it is reported (go/parser would add "(and N more
 * errors)", which dlv shows; the first error is the useful one).
 */
#include "config.h"

#include "frontend/goruntime/expr.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ------------------------------------------------------------------ tokens */

enum tok_kind {
    TK_EOF,
    TK_NEWLINE, /* the semicolon Go inserts at a line end (or the end) after certain tokens */
    TK_IDENT,
    TK_KEYWORD,
    TK_INT,
    TK_FLOAT,
    TK_IMAG,
    TK_CHAR,
    TK_STRING,
    TK_OP,
};

/* Punctuation: every Go operator is recognised, so that a misplaced `=` or `++` is named in the
 * error as go/scanner names it. Longest first (maximal munch). */
enum punct {
    P_AND_NOT_ASSIGN, P_SHL_ASSIGN, P_SHR_ASSIGN, P_ELLIPSIS,
    P_LAND, P_LOR, P_ARROW, P_INC, P_DEC, P_EQL, P_NEQ, P_LEQ, P_GEQ, P_DEFINE,
    P_ADD_ASSIGN, P_SUB_ASSIGN, P_MUL_ASSIGN, P_QUO_ASSIGN, P_REM_ASSIGN, P_AND_ASSIGN,
    P_OR_ASSIGN, P_XOR_ASSIGN, P_SHL, P_SHR, P_AND_NOT,
    P_ADD, P_SUB, P_MUL, P_QUO, P_REM, P_AND, P_OR, P_XOR, P_LSS, P_GTR, P_ASSIGN, P_NOT,
    P_LPAREN, P_RPAREN, P_LBRACK, P_RBRACK, P_LBRACE, P_RBRACE, P_COMMA, P_SEMICOLON, P_PERIOD,
    P_COLON, P_TILDE,
    P_COUNT
};

// clang-format off
static const char *const punct_text[P_COUNT] = {
    "&^=", "<<=", ">>=", "...",
    "&&", "||", "<-", "++", "--", "==", "!=", "<=", ">=", ":=",
    "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "&^",
    "+", "-", "*", "/", "%", "&", "|", "^", "<", ">", "=", "!",
    "(", ")", "[", "]", "{", "}", ",", ";", ".", ":", "~",
};

/* Binary operators: punctuation, AST operator, Go precedence. */
static const struct { enum punct p; enum gort_expr_op op; int prec; } binops[] = {
    { P_LOR, GORT_OP_LOR, 1 },  { P_LAND, GORT_OP_LAND, 2 },
    { P_EQL, GORT_OP_EQL, 3 },  { P_NEQ, GORT_OP_NEQ, 3 },  { P_LSS, GORT_OP_LSS, 3 },
    { P_LEQ, GORT_OP_LEQ, 3 },  { P_GTR, GORT_OP_GTR, 3 },  { P_GEQ, GORT_OP_GEQ, 3 },
    { P_ADD, GORT_OP_ADD, 4 },  { P_SUB, GORT_OP_SUB, 4 },  { P_OR, GORT_OP_OR, 4 },
    { P_XOR, GORT_OP_XOR, 4 },
    { P_MUL, GORT_OP_MUL, 5 },  { P_QUO, GORT_OP_QUO, 5 },  { P_REM, GORT_OP_REM, 5 },
    { P_SHL, GORT_OP_SHL, 5 },  { P_SHR, GORT_OP_SHR, 5 },  { P_AND, GORT_OP_AND, 5 },
    { P_AND_NOT, GORT_OP_AND_NOT, 5 },
};
// clang-format on

static const char *const keywords[] = {
    "break",     "case",   "chan",   "const", "continue", "default", "defer",
    "else",      "fallthrough", "for", "func", "go",      "goto",    "if",
    "import",    "interface",   "map", "package", "range", "return", "select",
    "struct",    "switch", "type",   "var",
};

struct token {
    enum tok_kind kind;
    enum punct punct; /* TK_OP */
    uint32_t pos, end;
};

struct parser {
    struct gort_expr *e;
    const char *src; /* e->src */
    uint32_t len;
    uint32_t off;     /* lexer position */
    bool insert_semi; /* the last token allows an automatic semicolon */
    struct token tok;
    unsigned depth;
    bool failed;
    int rc; /* -EINVAL or -ENOMEM once failed */
    struct gort_expr_error *err;
};

/* ------------------------------------------------------------------ errors */

static void fail_at(struct parser *p, uint32_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail_at(struct parser *p, uint32_t off, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = true;
    p->rc = -EINVAL;
    if (!p->err)
        return;
    unsigned line = 1;
    uint32_t bol = 0;
    for (uint32_t i = 0; i < off && i < p->len; i++)
        if (p->src[i] == '\n') {
            line++;
            bol = i + 1;
        }
    p->err->line = line;
    p->err->col = off - bol + 1;
    p->err->offset = off;
    int n = snprintf(p->err->msg, sizeof(p->err->msg), "%u:%u: ", line, p->err->col);
    if (n < 0 || (size_t)n >= sizeof(p->err->msg))
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->msg + n, sizeof(p->err->msg) - (size_t)n, fmt, ap);
    va_end(ap);
}

static void fail_nomem(struct parser *p)
{
    if (p->failed)
        return;
    p->failed = true;
    p->rc = -ENOMEM;
    if (p->err)
        snprintf(p->err->msg, sizeof(p->err->msg), "out of memory");
}

/* go/parser's description of the current token after "found": newline, a literal's text (cut short
 * when long), 'EOF' or the quoted operator or keyword. */
static void describe_tok(const struct parser *p, char *out, size_t size)
{
    const struct token *t = &p->tok;
    switch (t->kind) {
    case TK_EOF:
        snprintf(out, size, "'EOF'");
        return;
    case TK_NEWLINE:
        snprintf(out, size, "newline");
        return;
    case TK_OP:
        snprintf(out, size, "'%s'", punct_text[t->punct]);
        return;
    case TK_KEYWORD:
        snprintf(out, size, "'%.*s'", (int)(t->end - t->pos), p->src + t->pos);
        return;
    default: {
        int n = (int)(t->end - t->pos);
        if (n > 40)
            snprintf(out, size, "%.37s...", p->src + t->pos);
        else
            snprintf(out, size, "%.*s", n, p->src + t->pos);
    }
    }
}

/* "expected WHAT, found X" at the current token. */
static void fail_expected(struct parser *p, const char *what)
{
    char found[64];
    describe_tok(p, found, sizeof(found));
    fail_at(p, p->tok.pos, "expected %s, found %s", what, found);
}

/* ------------------------------------------------------------------ lexer */

static int peekc(const struct parser *p, uint32_t at)
{
    return at < p->len ? (unsigned char)p->src[at] : -1;
}

static bool is_letter(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_decimal(int c)
{
    return c >= '0' && c <= '9';
}

static int hex_val(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 16;
}

static int lower(int c)
{
    return c | 0x20;
}

/* Reads digits of the given base (and '_') from p->off. Returns a bit set: 1 = a digit was seen,
 * 2 = a '_' was seen. *invalid gets the offset of the first digit that is not valid in base (bases
 * up to 10 read all decimal digits so that '9' in an octal literal is named in the error). */
static int scan_digits(struct parser *p, int base, uint32_t *invalid)
{
    int seen = 0;
    for (;;) {
        int c = peekc(p, p->off);
        if (c == '_') {
            seen |= 2;
        } else if (base <= 10 ? is_decimal(c) : hex_val(c) < 16) {
            seen |= 1;
            if (base <= 10 && c - '0' >= base && *invalid == UINT32_MAX)
                *invalid = p->off;
        } else {
            return seen;
        }
        p->off++;
    }
}

/* Offset (within lit) of the first '_' that does not separate two digits (or a base prefix and a
 * digit), or -1: the Go specification's rule for digit separators. */
static long invalid_sep(const char *lit, size_t n)
{
    bool hex = false;
    char prev = '.'; /* '0' after a digit or prefix, '_' after a separator, '.' otherwise */
    size_t i = 0;
    if (n >= 2 && lit[0] == '0' && strchr("xXoObB", lit[1])) {
        hex = lower(lit[1]) == 'x';
        prev = '0';
        i = 2;
    }
    for (; i < n; i++) {
        char c = lit[i];
        if (c == '_') {
            if (prev != '0')
                return (long)i;
            prev = '_';
        } else if (is_decimal(c) || (hex && hex_val(c) < 16)) {
            prev = '0';
        } else {
            if (prev == '_')
                return (long)i - 1;
            prev = '.';
        }
    }
    return prev == '_' ? (long)n - 1 : -1;
}

static const char *lit_name(int prefix)
{
    switch (prefix) {
    case 'x':
        return "hexadecimal literal";
    case 'o':
    case '0':
        return "octal literal";
    case 'b':
        return "binary literal";
    default:
        return "decimal literal";
    }
}

/* go/scanner reports every problem of a number literal and sorts the reports by position; the
 * first by position is what users see. */
struct num_err {
    uint32_t off;
    char msg[80];
};

static void num_error(struct num_err *ne, uint32_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void num_error(struct num_err *ne, uint32_t off, const char *fmt, ...)
{
    if (off >= ne->off)
        return;
    ne->off = off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ne->msg, sizeof(ne->msg), fmt, ap);
    va_end(ap);
}

/* A number at p->off (a digit, or '.' followed by a digit): go/scanner's scanNumber rules. */
static void lex_number(struct parser *p)
{
    uint32_t start = p->off;
    int base = 10, prefix = 0, seen = 0;
    uint32_t invalid = UINT32_MAX;
    enum tok_kind kind = TK_INT;
    struct num_err ne = {.off = UINT32_MAX};

    if (peekc(p, p->off) != '.') {
        if (peekc(p, p->off) == '0') {
            p->off++;
            switch (lower(peekc(p, p->off))) {
            case 'x':
                p->off++;
                base = 16, prefix = 'x';
                break;
            case 'o':
                p->off++;
                base = 8, prefix = 'o';
                break;
            case 'b':
                p->off++;
                base = 2, prefix = 'b';
                break;
            default:
                base = 8, prefix = '0';
                seen = 1; /* the leading 0 is a digit */
            }
        }
        seen |= scan_digits(p, base, &invalid);
    }
    if (peekc(p, p->off) == '.') {
        kind = TK_FLOAT;
        if (prefix == 'o' || prefix == 'b')
            num_error(&ne, p->off, "invalid radix point in %s", lit_name(prefix));
        p->off++;
        seen |= scan_digits(p, base, &invalid);
    }
    if (!(seen & 1))
        num_error(&ne, p->off, "%s has no digits", lit_name(prefix));
    int e = lower(peekc(p, p->off));
    if (e == 'e' || e == 'p') {
        if (e == 'e' && prefix != 0 && prefix != '0')
            num_error(&ne, p->off, "'%c' exponent requires decimal mantissa", p->src[p->off]);
        else if (e == 'p' && prefix != 'x')
            num_error(&ne, p->off, "'%c' exponent requires hexadecimal mantissa", p->src[p->off]);
        p->off++;
        kind = TK_FLOAT;
        if (peekc(p, p->off) == '+' || peekc(p, p->off) == '-')
            p->off++;
        uint32_t dummy = UINT32_MAX;
        int ds = scan_digits(p, 10, &dummy);
        seen |= ds;
        if (!(ds & 1))
            num_error(&ne, p->off, "exponent has no digits");
    } else if (prefix == 'x' && kind == TK_FLOAT) {
        num_error(&ne, p->off, "hexadecimal mantissa requires a 'p' exponent");
    }
    if (peekc(p, p->off) == 'i') {
        kind = TK_IMAG;
        p->off++;
    }
    if (kind == TK_INT && invalid != UINT32_MAX)
        num_error(&ne, invalid, "invalid digit '%c' in %s", p->src[invalid], lit_name(prefix));
    if (seen & 2) {
        long i = invalid_sep(p->src + start, p->off - start);
        if (i >= 0)
            num_error(&ne, start + (uint32_t)i, "'_' must separate successive digits");
    }
    if (ne.off != UINT32_MAX) {
        fail_at(p, ne.off, "%s", ne.msg);
        return;
    }
    p->tok.kind = kind;
}

/* One escape after a backslash at p->off (which is past the backslash), in a literal quoted with
 * quote; stores its value in *value and whether it is a byte (\x, octal) rather than a rune in
 * *is_byte. go/scanner's scanEscape rules and messages. */
static bool lex_escape(struct parser *p, int quote, uint32_t *value, bool *is_byte)
{
    uint32_t at = p->off;
    int c = peekc(p, p->off);
    int n;
    uint32_t base, max;
    *is_byte = false;
    switch (c) {
    case 'a':
        *value = '\a';
        break;
    case 'b':
        *value = '\b';
        break;
    case 'f':
        *value = '\f';
        break;
    case 'n':
        *value = '\n';
        break;
    case 'r':
        *value = '\r';
        break;
    case 't':
        *value = '\t';
        break;
    case 'v':
        *value = '\v';
        break;
    case '\\':
        *value = '\\';
        break;
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
        n = 3, base = 8, max = 255;
        goto digits;
    case 'x':
        p->off++;
        n = 2, base = 16, max = 255;
        goto digits;
    case 'u':
        p->off++;
        n = 4, base = 16, max = 0x10ffff;
        goto digits;
    case 'U':
        p->off++;
        n = 8, base = 16, max = 0x10ffff;
        goto digits;
    default:
        if (c == quote) {
            *value = (uint32_t)c;
            break;
        }
        fail_at(p, at, c < 0 ? "escape sequence not terminated" : "unknown escape sequence");
        return false;
    }
    p->off++;
    return true;

digits:;
    uint32_t x = 0;
    for (; n > 0; n--, p->off++) {
        int d = peekc(p, p->off);
        uint32_t v = (uint32_t)hex_val(d);
        if (d < 0 || v >= base) {
            if (d < 0)
                fail_at(p, p->off, "escape sequence not terminated");
            else if (d >= 0x20 && d < 0x7f)
                fail_at(p, p->off, "illegal character U+%04X '%c' in escape sequence", d, d);
            else
                fail_at(p, p->off, "illegal character U+%04X in escape sequence", d);
            return false;
        }
        x = x * base + v;
    }
    if (x > max || (x >= 0xd800 && x < 0xe000)) {
        fail_at(p, at, "escape sequence is invalid Unicode code point");
        return false;
    }
    *value = x;
    *is_byte = max == 255;
    return true;
}

static void put_utf8(char *out, size_t *n, uint32_t r)
{
    if (r < 0x80) {
        out[(*n)++] = (char)r;
    } else if (r < 0x800) {
        out[(*n)++] = (char)(0xc0 | (r >> 6));
        out[(*n)++] = (char)(0x80 | (r & 0x3f));
    } else if (r < 0x10000) {
        out[(*n)++] = (char)(0xe0 | (r >> 12));
        out[(*n)++] = (char)(0x80 | ((r >> 6) & 0x3f));
        out[(*n)++] = (char)(0x80 | (r & 0x3f));
    } else {
        out[(*n)++] = (char)(0xf0 | (r >> 18));
        out[(*n)++] = (char)(0x80 | ((r >> 12) & 0x3f));
        out[(*n)++] = (char)(0x80 | ((r >> 6) & 0x3f));
        out[(*n)++] = (char)(0x80 | (r & 0x3f));
    }
}

/* A quoted literal starting at p->off: '...' (rune), "..." or `...` (string). Only validates; the
 * value is decoded again by decode_quoted once the token is known to be well formed. */
static void lex_quoted(struct parser *p)
{
    uint32_t start = p->off;
    int quote = p->src[p->off++];
    unsigned n = 0;
    for (;;) {
        int c = peekc(p, p->off);
        if (c == quote) {
            p->off++;
            break;
        }
        if (c < 0 || (c == '\n' && quote != '`')) {
            fail_at(p, start, quote == '\'' ? "rune literal not terminated"
                              : quote == '"' ? "string literal not terminated"
                                             : "raw string literal not terminated");
            return;
        }
        n++;
        if (c == '\\' && quote != '`') {
            p->off++;
            uint32_t v;
            bool is_byte;
            if (!lex_escape(p, quote, &v, &is_byte))
                return;
        } else {
            unsigned w = 1;
            if (c >= 0x80)
                gort_utf8_decode((const uint8_t *)p->src + p->off, p->len - p->off, &w);
            p->off += w;
        }
    }
    if (quote == '\'' && n != 1) {
        fail_at(p, start, "illegal rune literal");
        return;
    }
    p->tok.kind = quote == '\'' ? TK_CHAR : TK_STRING;
}

static bool is_keyword(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
        if (strlen(keywords[i]) == n && memcmp(keywords[i], s, n) == 0)
            return true;
    return false;
}

static bool tok_is_kw(const struct parser *p, const char *kw)
{
    size_t n = p->tok.end - p->tok.pos;
    return p->tok.kind == TK_KEYWORD && strlen(kw) == n && memcmp(p->src + p->tok.pos, kw, n) == 0;
}

/* Skips spaces and comments. Returns true when it passed a line end (a newline, or a comment that
 * holds or ends one) where an automatic semicolon is due; p->off is then at that line end. */
static bool skip_space(struct parser *p)
{
    for (;;) {
        int c = peekc(p, p->off);
        if (c == ' ' || c == '\t' || c == '\r') {
            p->off++;
        } else if (c == '\n') {
            if (p->insert_semi)
                return true;
            p->off++;
        } else if (c == '/' && peekc(p, p->off + 1) == '/') {
            while (p->off < p->len && p->src[p->off] != '\n')
                p->off++;
        } else if (c == '/' && peekc(p, p->off + 1) == '*') {
            uint32_t start = p->off;
            const char *end = NULL;
            for (uint32_t i = p->off + 2; i + 1 < p->len; i++)
                if (p->src[i] == '*' && p->src[i + 1] == '/') {
                    end = p->src + i;
                    break;
                }
            if (!end) {
                fail_at(p, start, "comment not terminated");
                return false;
            }
            bool nl = memchr(p->src + start, '\n', (size_t)(end - (p->src + start))) != NULL;
            p->off = (uint32_t)(end + 2 - p->src);
            if (nl && p->insert_semi) /* a comment holding a newline acts like one */
                return true;
        } else {
            return false;
        }
    }
}

static void next(struct parser *p)
{
    if (p->failed)
        return;
    bool semi = skip_space(p);
    if (p->failed)
        return;
    struct token *t = &p->tok;
    t->pos = p->off;
    if (semi || p->off >= p->len) {
        if (p->insert_semi) { /* a newline token here; a real newline is consumed with it */
            p->insert_semi = false;
            t->kind = TK_NEWLINE;
            if (peekc(p, p->off) == '\n')
                p->off++;
        } else {
            t->kind = TK_EOF;
        }
        t->end = p->off;
        return;
    }
    int c = peekc(p, p->off);
    if (is_letter(c)) {
        while (p->off < p->len && (is_letter(peekc(p, p->off)) || is_decimal(peekc(p, p->off))))
            p->off++;
        t->kind = is_keyword(p->src + t->pos, p->off - t->pos) ? TK_KEYWORD : TK_IDENT;
    } else if (is_decimal(c) || (c == '.' && is_decimal(peekc(p, p->off + 1)))) {
        lex_number(p);
    } else if (c == '\'' || c == '"' || c == '`') {
        lex_quoted(p);
    } else {
        int i;
        for (i = 0; i < P_COUNT; i++) {
            size_t n = strlen(punct_text[i]);
            if (p->len - p->off >= n && memcmp(p->src + p->off, punct_text[i], n) == 0)
                break;
        }
        if (i == P_COUNT) {
            if (c >= 0x20 && c < 0x7f)
                fail_at(p, p->off, "illegal character U+%04X '%c'", c, c);
            else
                fail_at(p, p->off, "illegal character U+%04X", c);
            return;
        }
        t->kind = TK_OP;
        t->punct = (enum punct)i;
        p->off += (uint32_t)strlen(punct_text[i]);
    }
    if (p->failed)
        return;
    t->end = p->off;
    switch (t->kind) {
    case TK_IDENT:
    case TK_INT:
    case TK_FLOAT:
    case TK_IMAG:
    case TK_CHAR:
    case TK_STRING:
        p->insert_semi = true;
        break;
    case TK_KEYWORD:
        p->insert_semi = tok_is_kw(p, "break") || tok_is_kw(p, "continue") ||
                         tok_is_kw(p, "fallthrough") || tok_is_kw(p, "return");
        break;
    case TK_OP:
        p->insert_semi = t->punct == P_RPAREN || t->punct == P_RBRACK || t->punct == P_RBRACE ||
                         t->punct == P_INC || t->punct == P_DEC;
        break;
    default:
        p->insert_semi = false;
    }
}

static bool tok_is(const struct parser *p, enum punct x)
{
    return p->tok.kind == TK_OP && p->tok.punct == x;
}

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
    return n;
}

static char *copy_name(struct parser *p, uint32_t pos, uint32_t end)
{
    char *s = arena_alloc(p->e, end - pos + 1);
    if (!s) {
        fail_nomem(p);
        return NULL;
    }
    memcpy(s, p->src + pos, end - pos);
    return s;
}

/* The decoded bytes of a well-formed string or rune token (lex_quoted has checked it). Raw strings
 * drop carriage returns, as the Go specification says. */
static char *decode_quoted(struct parser *p, size_t *len, uint32_t *first_rune)
{
    const struct token *t = &p->tok;
    char quote = p->src[t->pos];
    /* A \u escape (6 bytes) yields at most 3 bytes and \U (10) at most 4: never longer. */
    char *out = arena_alloc(p->e, t->end - t->pos + 1);
    if (!out) {
        fail_nomem(p);
        return NULL;
    }
    size_t n = 0;
    uint32_t save = p->off;
    bool first = true;
    for (p->off = t->pos + 1; p->off < t->end - 1;) {
        int c = (unsigned char)p->src[p->off];
        uint32_t r;
        if (quote == '`') {
            p->off++;
            if (c != '\r')
                out[n++] = (char)c;
            continue;
        }
        if (c == '\\') {
            bool is_byte;
            p->off++;
            if (!lex_escape(p, quote, &r, &is_byte))
                break; /* not reached: the token was validated */
            if (is_byte)
                out[n++] = (char)r;
            else
                put_utf8(out, &n, r);
        } else {
            unsigned w;
            r = (uint32_t)gort_utf8_decode((const uint8_t *)p->src + p->off, t->end - p->off, &w);
            memcpy(out + n, p->src + p->off, w);
            n += w;
            p->off += w;
        }
        if (first && first_rune)
            *first_rune = r;
        first = false;
    }
    p->off = save;
    *len = n;
    return out;
}

/* The value of a well-formed INT, FLOAT or IMAG token. */
static struct gort_expr_node *number_node(struct parser *p)
{
    const struct token *t = &p->tok;
    struct gort_expr_node *n = new_node(p, t->kind == TK_INT     ? GORT_EXPR_INT
                                           : t->kind == TK_FLOAT ? GORT_EXPR_FLOAT
                                                                 : GORT_EXPR_IMAG,
                                        t->pos, t->end);
    if (!n)
        return NULL;
    /* The literal without '_' and without the imaginary 'i'. */
    char buf[128];
    size_t m = 0;
    uint32_t end = t->kind == TK_IMAG ? t->end - 1 : t->end;
    for (uint32_t i = t->pos; i < end; i++) {
        if (p->src[i] == '_')
            continue;
        if (m + 1 >= sizeof(buf)) {
            fail_at(p, t->pos, "number literal too long");
            return NULL;
        }
        buf[m++] = p->src[i];
    }
    buf[m] = 0;
    int base = 10;
    const char *digits = buf;
    if (m >= 2 && buf[0] == '0' && strchr("xXoObB", buf[1])) {
        base = lower(buf[1]) == 'x' ? 16 : lower(buf[1]) == 'o' ? 8 : 2;
        digits = buf + 2;
    } else if (t->kind == TK_INT && buf[0] == '0') {
        base = 8; /* 0755: octal. An imaginary 0755i is decimal (Go specification). */
    }
    bool integer = !strpbrk(digits, base == 16 ? ".pP" : ".eEpP");
    if (integer && base != 10 && t->kind != TK_FLOAT) {
        /* hex, octal or binary digits (INT, or IMAG like 0x10i) */
    } else if (t->kind != TK_INT) {
        n->lit.f = strtod(buf, NULL); /* decimal or hex float: the C library rounds correctly */
        return n;
    }
    uint64_t v = 0;
    for (const char *q = digits; *q; q++) {
        unsigned d = (unsigned)hex_val(*q);
        if (v > (UINT64_MAX - d) / (unsigned)base) {
            if (t->kind == TK_IMAG) { /* too large for 64 bits: let the float parse round it */
                n->lit.f = strtod(buf, NULL);
                return n;
            }
            fail_at(p, t->pos, "integer literal %s does not fit in 64 bits", buf);
            return NULL;
        }
        v = v * (unsigned)base + d;
    }
    if (t->kind == TK_IMAG)
        n->lit.f = (double)v;
    else
        n->lit.u = v;
    return n;
}

/* ------------------------------------------------------------------ parser */

static struct gort_expr_node *parse_expr(struct parser *p);
static struct gort_expr_node *parse_type(struct parser *p);
static struct gort_expr_node *parse_unary(struct parser *p);

static bool enter(struct parser *p)
{
    if (++p->depth > GORT_EXPR_MAX_DEPTH) {
        fail_at(p, p->tok.pos, "expression nested too deeply (more than %d levels)",
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
        snprintf(what, sizeof(what), "'%s'", punct_text[x]);
        fail_expected(p, what);
        return false;
    }
    if (end)
        *end = p->tok.end;
    next(p);
    return !p->failed;
}

static struct gort_expr_node *ident_node(struct parser *p)
{
    const struct token *t = &p->tok;
    size_t n = t->end - t->pos;
    const char *s = p->src + t->pos;
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
    return p->failed ? NULL : x;
}

static struct gort_expr_node *unary_of(struct parser *p, enum gort_expr_kind kind,
                                       enum gort_expr_op op, uint32_t pos,
                                       struct gort_expr_node *x)
{
    if (!x)
        return NULL;
    struct gort_expr_node *n = new_node(p, kind, pos, x->end);
    if (n) {
        n->op = op;
        n->kid[0] = x;
    }
    return n;
}

/* [N]T or []T, the '[' being the current token. */
static struct gort_expr_node *parse_array_type(struct parser *p)
{
    uint32_t pos = p->tok.pos;
    struct gort_expr_node *len = NULL, *elem;
    next(p);
    if (tok_is(p, P_ELLIPSIS)) { /* [...]T exists only in composite literals */
        fail_expected(p, "array length");
        return NULL;
    }
    if (!tok_is(p, P_RBRACK) && !(len = parse_expr(p)))
        return NULL;
    if (!expect(p, P_RBRACK, NULL) || !(elem = parse_type(p)))
        return NULL;
    struct gort_expr_node *n = new_node(p, GORT_EXPR_ARRAY_TYPE, pos, elem->end);
    if (n) {
        n->kid[0] = len;
        n->kid[1] = elem;
    }
    return n;
}

/* Types that begin with a keyword: map, chan, interface{}, struct{}. */
static struct gort_expr_node *parse_keyword_type(struct parser *p)
{
    uint32_t pos = p->tok.pos, end;
    struct gort_expr_node *n, *k, *v;
    if (tok_is_kw(p, "map")) {
        next(p);
        if (!expect(p, P_LBRACK, NULL) || !(k = parse_type(p)) || !expect(p, P_RBRACK, NULL) ||
            !(v = parse_type(p)))
            return NULL;
        if ((n = new_node(p, GORT_EXPR_MAP_TYPE, pos, v->end))) {
            n->kid[0] = k;
            n->kid[1] = v;
        }
        return n;
    }
    if (tok_is_kw(p, "chan")) {
        enum gort_chan_dir dir = GORT_CHAN_BOTH;
        next(p);
        if (tok_is(p, P_ARROW)) {
            dir = GORT_CHAN_SEND;
            next(p);
        }
        if (!(v = parse_type(p)))
            return NULL;
        if ((n = new_node(p, GORT_EXPR_CHAN_TYPE, pos, v->end))) {
            n->dir = dir;
            n->kid[0] = v;
        }
        return n;
    }
    bool iface = tok_is_kw(p, "interface");
    if (iface || tok_is_kw(p, "struct")) {
        next(p);
        if (!expect(p, P_LBRACE, NULL))
            return NULL;
        if (!tok_is(p, P_RBRACE)) {
            fail_at(p, p->tok.pos, iface ? "interface types with methods are not supported"
                                         : "struct types with fields are not supported");
            return NULL;
        }
        if (!expect(p, P_RBRACE, &end))
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
    uint32_t pos = p->tok.pos, end;
    struct gort_expr_node *n = NULL, *x;
    if (p->tok.kind == TK_IDENT || p->tok.kind == TK_STRING) {
        if (p->tok.kind == TK_IDENT) {
            n = ident_node(p);
        } else {
            size_t len;
            if ((n = new_node(p, GORT_EXPR_STRING, pos, p->tok.end)) &&
                (n->str = decode_quoted(p, &len, NULL))) {
                n->str_len = len;
                next(p);
            }
            if (n && !p->failed && !tok_is(p, P_PERIOD)) {
                fail_expected(p, "'.'");
                n = NULL;
            }
        }
        if (n && n->kind != GORT_EXPR_IDENT && n->kind != GORT_EXPR_STRING) {
            fail_at(p, pos, "expected type, found %s", p->src[pos] == 'n' ? "nil" : "bool");
            n = NULL;
        }
        if (n && tok_is(p, P_PERIOD)) {
            next(p);
            if (p->tok.kind != TK_IDENT) {
                fail_expected(p, "name");
                n = NULL;
            } else if ((x = new_node(p, GORT_EXPR_SELECTOR, pos, p->tok.end))) {
                x->kid[0] = n;
                x->name = copy_name(p, p->tok.pos, p->tok.end);
                n = x->name ? x : NULL;
                next(p);
            }
        }
    } else if (tok_is(p, P_MUL)) {
        next(p);
        n = unary_of(p, GORT_EXPR_STAR, GORT_OP_NONE, pos, parse_type(p));
    } else if (tok_is(p, P_LBRACK)) {
        n = parse_array_type(p);
    } else if (tok_is(p, P_LPAREN)) {
        next(p);
        if ((x = parse_type(p)) && expect(p, P_RPAREN, &end) &&
            (n = new_node(p, GORT_EXPR_PAREN, pos, end)))
            n->kid[0] = x;
    } else if (tok_is(p, P_ARROW)) { /* <-chan T */
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
    } else if (p->tok.kind == TK_KEYWORD) {
        n = parse_keyword_type(p);
    } else {
        fail_expected(p, "type");
    }
    p->depth--;
    return p->failed ? NULL : n;
}

static struct gort_expr_node *parse_operand(struct parser *p)
{
    const struct token *t = &p->tok;
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
        if (t->punct == P_LPAREN) {
            next(p);
            x = parse_expr(p);
            if (x && expect(p, P_RPAREN, &end) && (n = new_node(p, GORT_EXPR_PAREN, pos, end)))
                n->kid[0] = x;
            break;
        }
        if (t->punct == P_LBRACK)
            return parse_array_type(p);
        /* fall through */
    default:
        fail_expected(p, "operand");
    }
    return p->failed ? NULL : n;
}

/* x[...] with the '[' current: an index, or a slice with up to three indices. */
static struct gort_expr_node *parse_index_or_slice(struct parser *p, struct gort_expr_node *x)
{
    struct gort_expr_node *idx[3] = {NULL, NULL, NULL};
    uint32_t colon[2] = {0, 0}, end;
    int ncolons = 0;
    next(p);
    if (!tok_is(p, P_COLON) && !(idx[0] = parse_expr(p)))
        return NULL;
    while (tok_is(p, P_COLON) && ncolons < 2) {
        colon[ncolons++] = p->tok.pos;
        next(p);
        if (!tok_is(p, P_COLON) && !tok_is(p, P_RBRACK) && p->tok.kind != TK_EOF &&
            !(idx[ncolons] = parse_expr(p)))
            return NULL;
    }
    if (p->failed)
        return NULL;
    if (ncolons == 2 && !idx[1]) {
        fail_at(p, colon[0], "2nd index required in 3-index slice");
        return NULL;
    }
    if (ncolons == 2 && !idx[2]) {
        fail_at(p, colon[1], "3rd index required in 3-index slice");
        return NULL;
    }
    if (!expect(p, P_RBRACK, &end))
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
    return n;
}

/* f(args...) with the '(' current. */
static struct gort_expr_node *parse_call(struct parser *p, struct gort_expr_node *fun)
{
    struct gort_expr_node *stack_args[8], **args = stack_args;
    size_t nargs = 0, cap = 8;
    uint32_t end;
    next(p);
    while (!p->failed && !tok_is(p, P_RPAREN) && p->tok.kind != TK_EOF) {
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
        if (tok_is(p, P_ELLIPSIS)) {
            fail_at(p, p->tok.pos, "'...' in calls is not supported");
            return NULL;
        }
        if (tok_is(p, P_RPAREN))
            break;
        if (!tok_is(p, P_COMMA)) { /* go/parser's atComma */
            fail_at(p, p->tok.pos, "missing ','%s in argument list",
                    p->tok.kind == TK_NEWLINE ? " before newline" : "");
            return NULL;
        }
        next(p);
    }
    if (p->failed || !expect(p, P_RPAREN, &end))
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
    return n;
}

static struct gort_expr_node *parse_primary(struct parser *p)
{
    struct gort_expr_node *x = parse_operand(p), *n;
    uint32_t end;
    while (x && !p->failed) {
        if (tok_is(p, P_PERIOD)) {
            next(p);
            if (p->tok.kind == TK_IDENT) {
                if (!(n = new_node(p, GORT_EXPR_SELECTOR, x->pos, p->tok.end)) ||
                    !(n->name = copy_name(p, p->tok.pos, p->tok.end)))
                    return NULL;
                n->kid[0] = x;
                x = n;
                next(p);
            } else if (tok_is(p, P_LPAREN)) {
                next(p);
                if (tok_is_kw(p, "type")) {
                    fail_at(p, p->tok.pos, "use of .(type) outside type switch");
                    return NULL;
                }
                struct gort_expr_node *t = parse_type(p);
                if (!t || !expect(p, P_RPAREN, &end) ||
                    !(n = new_node(p, GORT_EXPR_TYPE_ASSERT, x->pos, end)))
                    return NULL;
                n->kid[0] = x;
                n->kid[1] = t;
                x = n;
            } else {
                fail_expected(p, "selector or type assertion");
                return NULL;
            }
        } else if (tok_is(p, P_LBRACK)) {
            x = parse_index_or_slice(p, x);
        } else if (tok_is(p, P_LPAREN)) {
            x = parse_call(p, x);
        } else {
            break;
        }
    }
    return p->failed ? NULL : x;
}

/* <- applied to a channel type t makes it receive-only: <-chan T. As go/parser does, <-chan<- chan T
 * re-associates to <-chan (<-chan T), and <-chan<- T is an error. */
static struct gort_expr_node *recv_chan_type(struct parser *p, struct gort_expr_node *t,
                                             uint32_t arrow)
{
    struct gort_expr_node *top = t;
    enum gort_chan_dir dir = GORT_CHAN_SEND;
    top->pos = arrow;
    while (t && t->kind == GORT_EXPR_CHAN_TYPE && dir == GORT_CHAN_SEND) {
        if (t->dir == GORT_CHAN_RECV) {
            fail_at(p, t->pos, "expected 'chan', found '<-'");
            return NULL;
        }
        dir = t->dir;
        t->dir = GORT_CHAN_RECV;
        t = t->kid[0];
    }
    if (dir == GORT_CHAN_SEND) {
        fail_at(p, top->pos, "expected channel type");
        return NULL;
    }
    return top;
}

static struct gort_expr_node *parse_unary(struct parser *p)
{
    if (!enter(p))
        return NULL;
    uint32_t pos = p->tok.pos;
    struct gort_expr_node *n;
    enum gort_expr_op op = GORT_OP_NONE;
    if (p->tok.kind == TK_OP) {
        switch (p->tok.punct) {
        case P_ADD:
            op = GORT_OP_ADD;
            break;
        case P_SUB:
            op = GORT_OP_SUB;
            break;
        case P_NOT:
            op = GORT_OP_NOT;
            break;
        case P_XOR:
            op = GORT_OP_XOR;
            break;
        case P_AND:
            op = GORT_OP_AND;
            break;
        case P_ARROW:
            op = GORT_OP_ARROW;
            break;
        case P_MUL:
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
    return p->failed ? NULL : n;
}

static int binop_of(const struct parser *p, enum gort_expr_op *op)
{
    if (p->tok.kind != TK_OP)
        return 0;
    if (p->tok.punct == P_ASSIGN) { /* go/parser reads = as a mistyped == (and then fails) */
        *op = GORT_OP_EQL;
        return 3;
    }
    for (size_t i = 0; i < sizeof(binops) / sizeof(binops[0]); i++)
        if (binops[i].p == p->tok.punct) {
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
        if (tok_is(p, P_ASSIGN)) {
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
        x = n;
    }
    return p->failed ? NULL : x;
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
            snprintf(err->msg, sizeof(err->msg), "expression too long (%zu bytes, at most %d)",
                     len, GORT_EXPR_MAX_LEN);
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
    struct parser p = {.e = e, .src = e->src, .len = (uint32_t)len, .err = err};
    next(&p);
    struct gort_expr_node *root = p.failed ? NULL : parse_expr(&p);
    if (root && p.tok.kind == TK_NEWLINE)
        next(&p);
    if (root && !p.failed && p.tok.kind != TK_EOF)
        fail_expected(&p, "'EOF'");
    if (p.failed) {
        gort_expr_free(e);
        return p.rc;
    }
    e->root = root;
    *out = e;
    return 0;
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
        [GORT_OP_NONE] = "",    [GORT_OP_ADD] = "+",  [GORT_OP_SUB] = "-",    [GORT_OP_MUL] = "*",
        [GORT_OP_QUO] = "/",    [GORT_OP_REM] = "%",  [GORT_OP_AND] = "&",    [GORT_OP_OR] = "|",
        [GORT_OP_XOR] = "^",    [GORT_OP_SHL] = "<<", [GORT_OP_SHR] = ">>",   [GORT_OP_AND_NOT] = "&^",
        [GORT_OP_LAND] = "&&",  [GORT_OP_LOR] = "||", [GORT_OP_EQL] = "==",   [GORT_OP_NEQ] = "!=",
        [GORT_OP_LSS] = "<",    [GORT_OP_LEQ] = "<=", [GORT_OP_GTR] = ">",    [GORT_OP_GEQ] = ">=",
        [GORT_OP_NOT] = "!",    [GORT_OP_ARROW] = "<-",
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
