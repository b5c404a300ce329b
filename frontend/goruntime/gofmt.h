/*
 * goruntime/gofmt.h - Go's text forms of primitive values, byte for byte as Go's strconv writes
 * them and as dlv prints them: quoted strings (strconv.Quote) with dlv's "...+N more" truncation,
 * quoted runes (strconv.QuoteRune), shortest round-trip floats (strconv.FormatFloat with precision
 * -1, for float64 and float32), complex numbers, integers, bools and typed pointers.
 *
 * Pure: no I/O, no DWARF, no target access. Every function appends to a caller's struct rsp_buf
 * (rsp/codec.h) and returns 0 or -E2BIG when the buffer's maximum would be passed; on -E2BIG the
 * buffer may hold a partial value (callers that care reset it). What dlv prints where Go's own
 * output differs (dlv's mistakes, not followed here) is in doc/internals/expr.md.
 */
#ifndef GOSTUB_GORUNTIME_GOFMT_H
#define GOSTUB_GORUNTIME_GOFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rsp/codec.h"

#define GORT_MUST_CHECK __attribute__((warn_unused_result))

/* dlv's default for the longest string it reads and shows (config max-string-len). */
#define GORT_DLV_MAX_STRING_LEN 64

/* True when Go's strconv.IsPrint(r) is: letters, marks, numbers, punctuation, symbols and U+0020;
 * false for other spaces, controls, format characters, surrogates, unassigned runes and r outside
 * 0..0x10FFFF. The Unicode tables are those of the Go release named in gofmt_unicode.h. */
bool gort_is_print(int64_t r);

/* Decodes one UTF-8 sequence of s[0..len) as Go's utf8.DecodeRune does: returns the rune and sets
 * *width to 1..4. Invalid or truncated encodings (overlong forms, surrogates, > U+10FFFF) give
 * U+FFFD with *width 1; len 0 gives U+FFFD with *width 0. */
int32_t gort_utf8_decode(const uint8_t *s, size_t len, unsigned *width);

/* strconv.Quote(s): double-quoted, printable runes kept as UTF-8, \a \b \f \n \r \t \v \\ \", other
 * runes below U+0080 as \xNN, others as \uNNNN or \UNNNNNNNN, and each byte of invalid UTF-8 as
 * \xNN. */
int gort_fmt_quote(struct rsp_buf *b, const void *s, size_t len) GORT_MUST_CHECK;

/* A string as dlv shows it when it read only len of total_len bytes: strconv.Quote of the bytes
 * with
 * "...+N more" (N = total_len - len) before the closing quote when total_len > len. */
int gort_fmt_quote_trunc(struct rsp_buf *b, const void *s, size_t len,
                         uint64_t total_len) GORT_MUST_CHECK;

/* strconv.QuoteRune(r): single-quoted; r that is not a valid code point (negative, a surrogate,
 * past U+10FFFF) is shown as U+FFFD, as Go does. */
int gort_fmt_quote_rune(struct rsp_buf *b, int64_t r) GORT_MUST_CHECK;

/* strconv.FormatFloat(v, fmt, -1, bits): the shortest decimal that reads back as the same float64
 * (bits 64) or float32 (bits 32; v must then be a float32 value widened to double). fmt is 'g', 'e'
 * or 'f'. NaN, +Inf and -Inf are written as Go writes them; -0 keeps its sign. dlv prints float
 * variables with fmt 'f' and their own bit size. Returns -EINVAL for another fmt or bits. */
int gort_fmt_float(struct rsp_buf *b, double v, int bits, char fmt) GORT_MUST_CHECK;

/* The shortest digits of |v| (finite, bits 64 or 32): digits[0..*ndigits) with no leading or
 * trailing zeros, value 0.d1d2d3... x 10^*decpt. Zero gives *ndigits = 0 and *decpt = 0. digits
 * needs room for GORT_FLOAT_DIGITS bytes plus a NUL. Returns -EINVAL for NaN, Inf or bad bits. */
#define GORT_FLOAT_DIGITS 17
int gort_float_shortest(double v, int bits, char *digits, int *ndigits, int *decpt) GORT_MUST_CHECK;

/* A complex number as dlv prints it: "(RE + IMi)" with each part as gort_fmt_float(part, bits,
 * 'f'), bits 64 for complex128 and 32 for complex64, e.g. "(1 + 2i)", "(-1.5 + -0.25i)". */
int gort_fmt_complex(struct rsp_buf *b, double re, double im, int bits) GORT_MUST_CHECK;

/* Decimal integers as Go and dlv print them (uintptr too: dlv prints it in decimal). */
int gort_fmt_int(struct rsp_buf *b, int64_t v) GORT_MUST_CHECK;
int gort_fmt_uint(struct rsp_buf *b, uint64_t v) GORT_MUST_CHECK;
int gort_fmt_bool(struct rsp_buf *b, bool v) GORT_MUST_CHECK;

/* A typed pointer as dlv prints one it does not follow: "(TYPE)(0xADDR)", lowercase hex, e.g.
 * type_name "*main.T" gives "(*main.T)(0xc000012345)". */
int gort_fmt_pointer(struct rsp_buf *b, const char *type_name, uint64_t addr) GORT_MUST_CHECK;

#endif
