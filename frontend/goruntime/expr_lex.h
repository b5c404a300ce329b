/*
 * goruntime/expr_lex.h - PRIVATE to expr.c and expr_lex.c: the lexer of Go expressions (tokens,
 * Go's automatic semicolon at a line end, number/rune/string literal rules) and the error reporting
 * the parser shares with it. Not an API for other modules: use expr.h.
 */
#ifndef GOSTUB_GORUNTIME_EXPR_LEX_H
#define GOSTUB_GORUNTIME_EXPR_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontend/goruntime/expr.h"

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
 * error as go/scanner names it. Longest first (maximal munch); text in gort_punct_text. */
// clang-format off
enum punct {
    PUNCT_AND_NOT_ASSIGN, PUNCT_SHL_ASSIGN, PUNCT_SHR_ASSIGN, PUNCT_ELLIPSIS,
    PUNCT_LAND, PUNCT_LOR, PUNCT_ARROW, PUNCT_INC, PUNCT_DEC, PUNCT_EQL, PUNCT_NEQ, PUNCT_LEQ,
    PUNCT_GEQ, PUNCT_DEFINE, PUNCT_ADD_ASSIGN, PUNCT_SUB_ASSIGN, PUNCT_MUL_ASSIGN,
    PUNCT_QUO_ASSIGN, PUNCT_REM_ASSIGN, PUNCT_AND_ASSIGN, PUNCT_OR_ASSIGN, PUNCT_XOR_ASSIGN,
    PUNCT_SHL, PUNCT_SHR, PUNCT_AND_NOT,
    PUNCT_ADD, PUNCT_SUB, PUNCT_MUL, PUNCT_QUO, PUNCT_REM, PUNCT_AND, PUNCT_OR, PUNCT_XOR,
    PUNCT_LSS, PUNCT_GTR, PUNCT_ASSIGN, PUNCT_NOT,
    PUNCT_LPAREN, PUNCT_RPAREN, PUNCT_LBRACK, PUNCT_RBRACK, PUNCT_LBRACE, PUNCT_RBRACE,
    PUNCT_COMMA, PUNCT_SEMICOLON, PUNCT_PERIOD, PUNCT_COLON, PUNCT_TILDE,
    PUNCT_COUNT
};
// clang-format on

extern const char *const gort_punct_text[PUNCT_COUNT];

struct token {
    enum tok_kind kind;
    enum punct punct; /* TK_OP */
    uint32_t pos, end;
};

/* Lexer state, and the first error of the whole parse (lexer or parser). */
struct gort_lexer {
    const char *src;
    uint32_t len;
    uint32_t off;     /* next byte to read */
    bool insert_semi; /* the last token allows an automatic semicolon */
    struct token tok; /* the current token */
    bool failed;
    int rc; /* -EINVAL or -ENOMEM once failed */
    struct gort_expr_error *err;
};

/* Starts on src[0..len) and reads the first token. err may be NULL. */
void gort_lex_init(struct gort_lexer *lx, const char *src, uint32_t len,
                   struct gort_expr_error *err);
/* Reads the next token into lx->tok; does nothing once failed. */
void gort_lex_next(struct gort_lexer *lx);
bool gort_lex_is(const struct gort_lexer *lx, enum punct x);
bool gort_lex_is_kw(const struct gort_lexer *lx, const char *kw);

/* Records the first error (later ones are dropped): "LINE:COL: message" at byte offset off. */
void gort_lex_fail_at(struct gort_lexer *lx, uint32_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "expected WHAT, found X" at the current token, X described as go/parser does. */
void gort_lex_fail_expected(struct gort_lexer *lx, const char *what);
void gort_lex_fail_nomem(struct gort_lexer *lx);

/* The decoded bytes of the current (well-formed) TK_STRING or TK_CHAR token into out, which has
 * room for the token's length plus a NUL; returns the count and, when first_rune is not NULL, the
 * value of the first rune or escape. */
size_t gort_lex_decode_quoted(struct gort_lexer *lx, char *out, uint32_t *first_rune);

/* The value of the current (well-formed) TK_INT (*u) or TK_FLOAT/TK_IMAG (*f) token. Fails (and
 * returns false) for an integer past 64 bits. */
bool gort_lex_number(struct gort_lexer *lx, uint64_t *u, double *f);

#endif
