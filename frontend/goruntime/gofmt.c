/*
 * goruntime/gofmt.c - Go's text forms of primitive values (see gofmt.h). The rules are those of
 * Go's strconv package (quote.go, ftoa.go) as of Go 1.19, re-derived here; the printable-rune table
 * is generated from Go itself (gofmt_unicode.h) and the test expectations too (tests/unit/gen/).
 *
 * Shortest floats: for each digit count p from 1 up, the correctly rounded p-digit decimal of v
 * (from the C library's printf) and its two p-digit neighbours are read back with strtod/strtof;
 * the first that reads back as v is the answer. The neighbours matter at powers of two, where the
 * interval of decimals that round to v is lopsided and the nearest p-digit decimal can fall outside
 * it while the next one up is inside. The C library (glibc) rounds correctly in both directions.
 * Only digits and an exponent are parsed or built, so the result does not depend on LC_NUMERIC.
 */
#include "config.h"

#include "frontend/goruntime/gofmt.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/goruntime/gofmt_unicode.h"

/* ------------------------------------------------------------------ runes and UTF-8 */

bool gort_is_print(int64_t r)
{
    if (r < 0 || r > 0x10ffff)
        return false;
    if (r < 0x80)
        return r >= 0x20 && r < 0x7f;
    size_t lo = 0, hi = sizeof(gofmt_print_ranges) / sizeof(gofmt_print_ranges[0]);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((uint32_t)r < gofmt_print_ranges[mid][0])
            hi = mid;
        else if ((uint32_t)r > gofmt_print_ranges[mid][1])
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

int32_t gort_utf8_decode(const uint8_t *s, size_t len, unsigned *width)
{
    *width = len ? 1 : 0;
    if (len == 0)
        return 0xfffd;
    uint8_t c0 = s[0];
    if (c0 < 0x80)
        return c0;
    /* The accepted second-byte range depends on the first byte: it rules out overlong forms (E0,
     * F0), UTF-16 surrogates (ED) and code points past U+10FFFF (F4). Unicode 3.9, table 3-7. */
    unsigned n;
    uint8_t lo = 0x80, hi = 0xbf;
    int32_t r;
    if (c0 >= 0xc2 && c0 <= 0xdf) {
        n = 2;
        r = c0 & 0x1f;
    } else if (c0 >= 0xe0 && c0 <= 0xef) {
        n = 3;
        r = c0 & 0x0f;
        if (c0 == 0xe0)
            lo = 0xa0;
        else if (c0 == 0xed)
            hi = 0x9f;
    } else if (c0 >= 0xf0 && c0 <= 0xf4) {
        n = 4;
        r = c0 & 0x07;
        if (c0 == 0xf0)
            lo = 0x90;
        else if (c0 == 0xf4)
            hi = 0x8f;
    } else {
        return 0xfffd;
    }
    if (len < n || s[1] < lo || s[1] > hi)
        return 0xfffd;
    for (unsigned i = 1; i < n; i++) {
        if (i > 1 && (s[i] < 0x80 || s[i] > 0xbf))
            return 0xfffd;
        r = (r << 6) | (s[i] & 0x3f);
    }
    *width = n;
    return r;
}

static bool valid_rune(int64_t r)
{
    return r >= 0 && r <= 0x10ffff && !(r >= 0xd800 && r < 0xe000);
}

static int add_utf8(struct rsp_buf *b, uint32_t r)
{
    char u[4];
    size_t n;
    if (r < 0x80) {
        u[0] = (char)r;
        n = 1;
    } else if (r < 0x800) {
        u[0] = (char)(0xc0 | (r >> 6));
        u[1] = (char)(0x80 | (r & 0x3f));
        n = 2;
    } else if (r < 0x10000) {
        u[0] = (char)(0xe0 | (r >> 12));
        u[1] = (char)(0x80 | ((r >> 6) & 0x3f));
        u[2] = (char)(0x80 | (r & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (r >> 18));
        u[1] = (char)(0x80 | ((r >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((r >> 6) & 0x3f));
        u[3] = (char)(0x80 | (r & 0x3f));
        n = 4;
    }
    return rsp_buf_add(b, u, n);
}

/* One rune inside quotes: strconv's appendEscapedRune with ASCIIonly and graphicOnly false. */
static int add_escaped_rune(struct rsp_buf *b, uint32_t r, char quote)
{
    if (r == (uint32_t)quote || r == '\\') {
        char e[2] = {'\\', (char)r};
        return rsp_buf_add(b, e, 2);
    }
    if (gort_is_print(r))
        return add_utf8(b, r);
    switch (r) {
    case '\a':
        return rsp_buf_adds(b, "\\a");
    case '\b':
        return rsp_buf_adds(b, "\\b");
    case '\f':
        return rsp_buf_adds(b, "\\f");
    case '\n':
        return rsp_buf_adds(b, "\\n");
    case '\r':
        return rsp_buf_adds(b, "\\r");
    case '\t':
        return rsp_buf_adds(b, "\\t");
    case '\v':
        return rsp_buf_adds(b, "\\v");
    }
    if (r < ' ' || r == 0x7f)
        return rsp_buf_addf(b, "\\x%02" PRIx32, r);
    if (r < 0x10000)
        return rsp_buf_addf(b, "\\u%04" PRIx32, r);
    return rsp_buf_addf(b, "\\U%08" PRIx32, r);
}

static int add_quoted_body(struct rsp_buf *b, const uint8_t *s, size_t len)
{
    int rc = 0;
    for (size_t i = 0; i < len && rc == 0;) {
        unsigned w;
        int32_t r = gort_utf8_decode(s + i, len - i, &w);
        if (r == 0xfffd && w == 1) /* a byte that starts no valid sequence */
            rc = rsp_buf_addf(b, "\\x%02x", s[i]);
        else
            rc = add_escaped_rune(b, (uint32_t)r, '"');
        i += w;
    }
    return rc;
}

int gort_fmt_quote(struct rsp_buf *b, const void *s, size_t len)
{
    return gort_fmt_quote_trunc(b, s, len, len);
}

int gort_fmt_quote_trunc(struct rsp_buf *b, const void *s, size_t len, uint64_t total_len)
{
    int rc = rsp_buf_addc(b, '"');
    if (rc == 0)
        rc = add_quoted_body(b, s, len);
    if (rc == 0 && total_len > len)
        rc = rsp_buf_addf(b, "...+%" PRIu64 " more", total_len - (uint64_t)len);
    if (rc == 0)
        rc = rsp_buf_addc(b, '"');
    return rc;
}

int gort_fmt_quote_rune(struct rsp_buf *b, int64_t r)
{
    if (!valid_rune(r))
        r = 0xfffd;
    int rc = rsp_buf_addc(b, '\'');
    if (rc == 0)
        rc = add_escaped_rune(b, (uint32_t)r, '\'');
    if (rc == 0)
        rc = rsp_buf_addc(b, '\'');
    return rc;
}

/* ------------------------------------------------------------------ floats */

/* Does digits[0..n) x 10^(exp10 - n + 1), read back at this precision, give v? */
static bool reads_back(const char *digits, int n, int exp10, double v, int bits)
{
    char s[GORT_FLOAT_DIGITS + 16];
    snprintf(s, sizeof(s), "%.*se%d", n, digits, exp10 - n + 1);
    if (bits == 32)
        return strtof(s, NULL) == (float)v;
    return strtod(s, NULL) == v;
}

/* The next p-digit decimal up (dir +1) or down (dir -1) from digits[0..p) x 10^*exp10 (normalized:
 * digits[0] != '0'); adjusts *exp10 when the count of digits before the point changes. */
static void neighbour(char *digits, int p, int *exp10, int dir)
{
    int i = p - 1;
    if (dir > 0) {
        while (i >= 0 && digits[i] == '9')
            digits[i--] = '0';
        if (i >= 0) {
            digits[i]++;
        } else { /* 99..9 + 1 = 100..0, one more digit before the point */
            digits[0] = '1';
            (*exp10)++;
        }
        return;
    }
    while (i >= 0 && digits[i] == '0')
        digits[i--] = '9';
    digits[i]--;
    if (digits[0] == '0') { /* 100..0 - 1 = 99..9 (p digits) one decade down */
        memmove(digits, digits + 1, (size_t)(p - 1));
        digits[p - 1] = '9';
        (*exp10)--;
    }
}

int gort_float_shortest(double v, int bits, char *digits, int *ndigits, int *decpt)
{
    if ((bits != 32 && bits != 64) || isnan(v) || isinf(v))
        return -EINVAL;
    v = fabs(v);
    if (v == 0) {
        digits[0] = 0;
        *ndigits = 0;
        *decpt = 0;
        return 0;
    }
    int maxp = bits == 32 ? 9 : GORT_FLOAT_DIGITS;
    for (int p = 1; p <= maxp; p++) {
        char s[64], d[GORT_FLOAT_DIGITS + 1];
        snprintf(s, sizeof(s), "%.*e", p - 1, v);
        /* "D.DDDe+XX": collect the digits (skipping the locale's radix point), then the exponent.
         */
        int n = 0;
        const char *q = s;
        for (; *q && *q != 'e'; q++)
            if (*q >= '0' && *q <= '9' && n < p)
                d[n++] = *q;
        if (*q != 'e' || n != p)
            return -EINVAL; /* not reached with a conforming printf */
        int exp10 = (int)strtol(q + 1, NULL, 10);
        d[n] = 0;
        bool ok = reads_back(d, p, exp10, v, bits);
        for (int dir = 1; !ok && dir >= -1; dir -= 2) {
            char t[GORT_FLOAT_DIGITS + 1];
            int e = exp10;
            memcpy(t, d, (size_t)p + 1);
            neighbour(t, p, &e, dir);
            if (reads_back(t, p, e, v, bits)) {
                memcpy(d, t, (size_t)p + 1);
                exp10 = e;
                ok = true;
            }
        }
        if (!ok)
            continue;
        while (n > 1 && d[n - 1] == '0')
            n--;
        memcpy(digits, d, (size_t)n);
        digits[n] = 0;
        *ndigits = n;
        *decpt = exp10 + 1;
        return 0;
    }
    return -EINVAL; /* not reached: 17 (9) digits always read back */
}

/* %e: d.ddde±XX (at least two exponent digits), as strconv's fmtE. */
static int add_exp_form(struct rsp_buf *b, const char *d, int nd, int decpt)
{
    int rc = rsp_buf_addc(b, nd ? d[0] : '0');
    if (rc == 0 && nd > 1) {
        rc = rsp_buf_addc(b, '.');
        if (rc == 0)
            rc = rsp_buf_add(b, d + 1, (size_t)nd - 1);
    }
    int exp = nd ? decpt - 1 : 0;
    if (rc == 0)
        rc = rsp_buf_addf(b, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    return rc;
}

/* %f with exactly the digits needed: the integer part (zero-padded past the digits), then the
 * fraction, as strconv's fmtF with precision max(nd - decpt, 0). */
static int add_fixed_form(struct rsp_buf *b, const char *d, int nd, int decpt)
{
    int rc = 0;
    if (decpt > 0) {
        int m = decpt < nd ? decpt : nd;
        rc = rsp_buf_add(b, d, (size_t)m);
        for (int i = m; i < decpt && rc == 0; i++)
            rc = rsp_buf_addc(b, '0');
    } else {
        rc = rsp_buf_addc(b, '0');
    }
    int prec = nd - decpt;
    if (rc == 0 && prec > 0) {
        rc = rsp_buf_addc(b, '.');
        for (int i = 1; i <= prec && rc == 0; i++) {
            int j = decpt + i - 1;
            rc = rsp_buf_addc(b, j >= 0 && j < nd ? d[j] : '0');
        }
    }
    return rc;
}

int gort_fmt_float(struct rsp_buf *b, double v, int bits, char fmt)
{
    if ((bits != 32 && bits != 64) || (fmt != 'g' && fmt != 'e' && fmt != 'f'))
        return -EINVAL;
    if (isnan(v))
        return rsp_buf_adds(b, "NaN");
    if (isinf(v))
        return rsp_buf_adds(b, v < 0 ? "-Inf" : "+Inf");
    char d[GORT_FLOAT_DIGITS + 1];
    int nd, decpt;
    int rc = gort_float_shortest(v, bits, d, &nd, &decpt);
    if (rc == 0 && signbit(v))
        rc = rsp_buf_addc(b, '-');
    if (rc != 0)
        return rc;
    if (fmt == 'g') {
        /* Shortest %g uses %e when the exponent is below -4 or at least 6 (ftoa.go: eprec = 6). */
        int exp = decpt - 1;
        fmt = exp < -4 || exp >= 6 ? 'e' : 'f';
    }
    return fmt == 'e' ? add_exp_form(b, d, nd, decpt) : add_fixed_form(b, d, nd, decpt);
}

int gort_fmt_complex(struct rsp_buf *b, double re, double im, int bits)
{
    int rc = rsp_buf_addc(b, '(');
    if (rc == 0)
        rc = gort_fmt_float(b, re, bits, 'f');
    if (rc == 0)
        rc = rsp_buf_adds(b, " + ");
    if (rc == 0)
        rc = gort_fmt_float(b, im, bits, 'f');
    if (rc == 0)
        rc = rsp_buf_adds(b, "i)");
    return rc;
}

/* ------------------------------------------------------------------ integers, bools, pointers */

int gort_fmt_int(struct rsp_buf *b, int64_t v)
{
    return rsp_buf_addf(b, "%" PRId64, v);
}

int gort_fmt_uint(struct rsp_buf *b, uint64_t v)
{
    return rsp_buf_addf(b, "%" PRIu64, v);
}

int gort_fmt_bool(struct rsp_buf *b, bool v)
{
    return rsp_buf_adds(b, v ? "true" : "false");
}

int gort_fmt_pointer(struct rsp_buf *b, const char *type_name, uint64_t addr)
{
    return rsp_buf_addf(b, "(%s)(0x%" PRIx64 ")", type_name, addr);
}
