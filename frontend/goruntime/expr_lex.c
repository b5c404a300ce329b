/*
 * goruntime/expr_lex.c - the lexer of Go expressions (see expr_lex.h): the Go specification's
 * lexical rules with go/scanner's messages and positions, so that dlv users see the words they
 * know. Also the values of literals and the error reporting shared with the parser (expr.c).
 */
#include "config.h"

#include "frontend/goruntime/expr_lex.h"

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/goruntime/gofmt.h"

// clang-format off
const char *const gort_punct_text[PUNCT_COUNT] = {
    "&^=", "<<=", ">>=", "...",
    "&&", "||", "<-", "++", "--", "==", "!=", "<=", ">=", ":=",
    "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "&^",
    "+", "-", "*", "/", "%", "&", "|", "^", "<", ">", "=", "!",
    "(", ")", "[", "]", "{", "}", ",", ";", ".", ":", "~",
};
// clang-format on

static const char *const keywords[] = {
    "break",  "case",        "chan", "const",   "continue", "default", "defer",
    "else",   "fallthrough", "for",  "func",    "go",       "goto",    "if",
    "import", "interface",   "map",  "package", "range",    "return",  "select",
    "struct", "switch",      "type", "var",
};

/* ------------------------------------------------------------------ errors */

void gort_lex_fail_at(struct gort_lexer *p, uint32_t off, const char *fmt, ...)
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

void gort_lex_fail_nomem(struct gort_lexer *p)
{
    if (p->failed)
        return;
    p->failed = true;
    p->rc = -ENOMEM;
    if (p->err)
        snprintf(p->err->msg, sizeof(p->err->msg), "out of memory");
}

/* go/parser's description of the current token after "found": newline, a literal's text, 'EOF' or
 * the quoted operator or keyword. */
static void describe_tok(const struct gort_lexer *p, char *out, size_t size)
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
        snprintf(out, size, "'%s'", gort_punct_text[t->punct]);
        return;
    case TK_KEYWORD:
        snprintf(out, size, "'%.*s'", (int)(t->end - t->pos), p->src + t->pos);
        return;
    default: {
        /* the whole literal, as go/parser prints it; a very long one is cut by the buffer */
        snprintf(out, size, "%.*s", (int)(t->end - t->pos), p->src + t->pos);
    }
    }
}

/* "expected WHAT, found X" at the current token. */
void gort_lex_fail_expected(struct gort_lexer *p, const char *what)
{
    char found[sizeof(p->err->msg)];
    describe_tok(p, found, sizeof(found));
    gort_lex_fail_at(p, p->tok.pos, "expected %s, found %s", what, found);
}

/* ------------------------------------------------------------------ lexer */

static int peekc(const struct gort_lexer *p, uint32_t at)
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
static int scan_digits(struct gort_lexer *p, int base, uint32_t *invalid)
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
static void lex_number(struct gort_lexer *p)
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
        gort_lex_fail_at(p, ne.off, "%s", ne.msg);
        return;
    }
    p->tok.kind = kind;
}

/* One escape after a backslash at p->off (which is past the backslash), in a literal quoted with
 * quote; stores its value in *value and whether it is a byte (\x, octal) rather than a rune in
 * *is_byte. go/scanner's scanEscape rules and messages. */
static bool lex_escape(struct gort_lexer *p, int quote, uint32_t *value, bool *is_byte)
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
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
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
        gort_lex_fail_at(p, at,
                         c < 0 ? "escape sequence not terminated" : "unknown escape sequence");
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
                gort_lex_fail_at(p, p->off, "escape sequence not terminated");
            else if (d >= 0x20 && d < 0x7f)
                gort_lex_fail_at(p, p->off, "illegal character U+%04X '%c' in escape sequence", d,
                                 d);
            else
                gort_lex_fail_at(p, p->off, "illegal character U+%04X in escape sequence", d);
            return false;
        }
        x = x * base + v;
    }
    if (x > max || (x >= 0xd800 && x < 0xe000)) {
        gort_lex_fail_at(p, at, "escape sequence is invalid Unicode code point");
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
static void lex_quoted(struct gort_lexer *p)
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
            gort_lex_fail_at(p, start,
                             quote == '\''  ? "rune literal not terminated"
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
        gort_lex_fail_at(p, start, "illegal rune literal");
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

bool gort_lex_is_kw(const struct gort_lexer *p, const char *kw)
{
    size_t n = p->tok.end - p->tok.pos;
    return p->tok.kind == TK_KEYWORD && strlen(kw) == n && memcmp(p->src + p->tok.pos, kw, n) == 0;
}

/* Skips spaces and comments. Returns true when it passed a line end (a newline, or a comment that
 * holds or ends one) where an automatic semicolon is due; p->off is then at that line end. */
static bool skip_space(struct gort_lexer *p)
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
                gort_lex_fail_at(p, start, "comment not terminated");
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

void gort_lex_next(struct gort_lexer *p)
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
        for (i = 0; i < PUNCT_COUNT; i++) {
            size_t n = strlen(gort_punct_text[i]);
            if (p->len - p->off >= n && memcmp(p->src + p->off, gort_punct_text[i], n) == 0)
                break;
        }
        if (i == PUNCT_COUNT) {
            if (c >= 0x20 && c < 0x7f)
                gort_lex_fail_at(p, p->off, "illegal character U+%04X '%c'", c, c);
            else
                gort_lex_fail_at(p, p->off, "illegal character U+%04X", c);
            return;
        }
        t->kind = TK_OP;
        t->punct = (enum punct)i;
        p->off += (uint32_t)strlen(gort_punct_text[i]);
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
        p->insert_semi = gort_lex_is_kw(p, "break") || gort_lex_is_kw(p, "continue") ||
                         gort_lex_is_kw(p, "fallthrough") || gort_lex_is_kw(p, "return");
        break;
    case TK_OP:
        p->insert_semi = t->punct == PUNCT_RPAREN || t->punct == PUNCT_RBRACK ||
                         t->punct == PUNCT_RBRACE || t->punct == PUNCT_INC || t->punct == PUNCT_DEC;
        break;
    default:
        p->insert_semi = false;
    }
}

bool gort_lex_is(const struct gort_lexer *p, enum punct x)
{
    return p->tok.kind == TK_OP && p->tok.punct == x;
}

void gort_lex_init(struct gort_lexer *lx, const char *src, uint32_t len,
                   struct gort_expr_error *err)
{
    memset(lx, 0, sizeof(*lx));
    lx->src = src;
    lx->len = len;
    lx->err = err;
    gort_lex_next(lx);
}

/* ------------------------------------------------------------------ literal values */

/* lex_quoted has checked the token. Raw strings drop carriage returns (Go specification, "String
 * literals"). A \u escape (6 bytes) yields at most 3 bytes and \U (10) at most 4: never longer. */
size_t gort_lex_decode_quoted(struct gort_lexer *p, char *out, uint32_t *first_rune)
{
    const struct token *t = &p->tok;
    char quote = p->src[t->pos];
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
    out[n] = 0;
    return n;
}

/* Reads a decimal or hexadecimal float in the "C" locale whatever LC_NUMERIC says: the C library
 * rounds correctly (and reads hex floats), but honours the locale's radix character. */
static double c_strtod(const char *s)
{
    static locale_t c_locale;
    if (!c_locale)
        c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    return c_locale ? strtod_l(s, NULL, c_locale) : strtod(s, NULL);
}

bool gort_lex_number(struct gort_lexer *p, uint64_t *u, double *f)
{
    const struct token *t = &p->tok;
    *u = 0;
    *f = 0;
    /* The literal without '_' and without the imaginary 'i'. */
    char buf[1024]; /* digits past what a double holds still decide its rounding */
    size_t m = 0;
    uint32_t end = t->kind == TK_IMAG ? t->end - 1 : t->end;
    for (uint32_t i = t->pos; i < end; i++) {
        if (p->src[i] == '_')
            continue;
        if (m + 1 >= sizeof(buf)) {
            gort_lex_fail_at(p, t->pos, "number literal too long");
            return false;
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
        *f = c_strtod(buf);
        return true;
    }
    uint64_t v = 0;
    for (const char *q = digits; *q; q++) {
        unsigned d = (unsigned)hex_val(*q);
        if (v > (UINT64_MAX - d) / (unsigned)base) {
            if (t->kind == TK_IMAG) { /* too large for 64 bits: let the float parse round it */
                *f = c_strtod(buf);
                return true;
            }
            gort_lex_fail_at(p, t->pos, "integer literal %s does not fit in 64 bits", buf);
            return false;
        }
        v = v * (unsigned)base + d;
    }
    if (t->kind == TK_IMAG)
        *f = (double)v;
    else
        *u = v;
    return true;
}
