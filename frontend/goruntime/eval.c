/*
 * goruntime/eval.c - Go expressions evaluated against a stopped process (see eval.h): names are
 * resolved as dlv resolves them (a package variable `pkg.Name` before a field of a local named
 * pkg; a bare name: the frame's innermost visible variable, then a variable of the function's
 * package), values are located through DWARF location expressions (sym/expr.h) with the frame's
 * CFA and registers, and arithmetic follows Go's rules on the operand kinds it covers.
 */
#include <elf.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/goruntime/eval.h"
#include "frontend/goruntime/expr.h"
#include "frontend/sym/expr.h"
#include "frontend/sym/var.h"

struct ev {
    struct gort_values *vs;
    struct sym_image *img;
    const struct gomem *mem;
    const struct gort_eval_frame *fr;
    const struct gort_expr *e;
    char *err;
    size_t errlen;
};

static int fail(struct ev *ev, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct ev *ev, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ev->err, ev->errlen, fmt, ap);
    va_end(ap);
    return rc;
}

static const struct sym_type *type_of(struct ev *ev, uint64_t id)
{
    const struct sym_type *t;
    return id && sym_type_by_id(ev->img, id, &t) == 0 ? t : NULL;
}

static const struct sym_type *resolved(struct ev *ev, const struct sym_type *t)
{
    const struct sym_type *r;
    return t && sym_type_resolve(ev->img, t, &r) == 0 ? r : t;
}

static void set_value(struct gort_eval_result *r, uint64_t type_id, uint64_t addr)
{
    memset(r, 0, sizeof(*r));
    r->kind = GORT_EVAL_VALUE;
    r->type_id = type_id;
    r->addr = addr;
}

static void set_bytes(struct gort_eval_result *r, uint64_t type_id, const void *p, size_t len)
{
    memset(r, 0, sizeof(*r));
    r->kind = GORT_EVAL_VALUE;
    r->type_id = type_id;
    r->has_bytes = true;
    r->len = len < GORT_EVAL_MAX_BYTES ? len : GORT_EVAL_MAX_BYTES;
    memcpy(r->bytes, p, r->len);
}

/* LEN bytes of a VALUE result from OFF. */
static int read_res(struct ev *ev, const struct gort_eval_result *r, uint64_t off, void *buf,
                    size_t len)
{
    if (r->has_bytes) {
        if (off > r->len || len > r->len - off)
            return fail(ev, -EIO, "value is not available (too short)");
        memcpy(buf, r->bytes + off, len);
        return 0;
    }
    if (r->addr == 0)
        return fail(ev, -EIO, "nil pointer dereference");
    int rc = gomem_read(ev->mem, r->addr + off, buf, len);
    return rc ? fail(ev, rc, "could not read %#llx: input/output error",
                     (unsigned long long)(r->addr + off))
              : 0;
}

static uint64_t le(const uint8_t *p, size_t n)
{
    return gomem_le(p, n);
}

/* ------------------------------------------------------------------ variables */

struct loc_ctx {
    struct ev *ev;
};

static int loc_reg(void *ctx, unsigned regno, uint64_t *v)
{
    struct ev *ev = ((struct loc_ctx *)ctx)->ev;
    if (!ev->fr->read_reg)
        return -ENODATA;
    return ev->fr->read_reg(ev->fr->reg_ctx, regno, v);
}

static int loc_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
    struct ev *ev = ((struct loc_ctx *)ctx)->ev;
    return gomem_read(ev->mem, addr, buf, len);
}

static uint64_t size_of(struct ev *ev, const struct sym_type *t)
{
    const struct sym_type *r = resolved(ev, t);
    if (!r)
        return 0;
    return r->kind == SYM_TYPE_POINTER ? 8 : r->size;
}

static int deref(struct ev *ev, const struct gort_eval_result *p, struct gort_eval_result *out);

/* A name as the user sees it: Go calls a local that escaped to the heap "&x" in DWARF. */
static const char *user_name(const struct sym_var *v)
{
    return v->name[0] == '&' ? v->name + 1 : v->name;
}

/* The value of variable V of the frame, as located. */
static int var_value_raw(struct ev *ev, const struct sym_var *v, struct gort_eval_result *out)
{
    if (!v->expr)
        return fail(ev, -ENODATA, "%s is optimized away", user_name(v));
    struct loc_ctx lc = {ev};
    struct sym_expr_ctx c = {loc_reg, loc_mem, &lc, ev->fr->cfa, ev->fr->cfa, 1, 1, 0, 8};
    struct sym_expr_result res;
    int rc = sym_expr_eval(v->expr, v->expr_len, &c, &res);
    if (rc)
        return fail(ev, rc, "could not find location of %s: %s", user_name(v), strerror(-rc));
    if (res.npieces == 1 && res.pieces[0].kind == SYM_PIECE_MEM) {
        set_value(out, v->type, res.pieces[0].addr);
        return 0;
    }
    uint8_t buf[GORT_EVAL_MAX_BYTES] = {0};
    size_t total = size_of(ev, type_of(ev, v->type)), off = 0;
    if (total > sizeof(buf))
        return fail(ev, -E2BIG, "%s is too large to read from registers", user_name(v));
    for (size_t i = 0; i < res.npieces; i++) {
        const struct sym_piece *p = &res.pieces[i];
        size_t n = p->size ? p->size : total - off;
        if (n > sizeof(buf) - off)
            n = sizeof(buf) - off;
        uint64_t w;
        switch (p->kind) {
        case SYM_PIECE_MEM:
            if (gomem_read(ev->mem, p->addr, buf + off, n))
                return fail(ev, -EIO, "could not read %s", user_name(v));
            break;
        case SYM_PIECE_REG:
            if (loc_reg(&lc, p->regno, &w))
                return fail(ev, -ENODATA, "%s: register %u not available", user_name(v), p->regno);
            memcpy(buf + off, &w, n < 8 ? n : 8);
            break;
        case SYM_PIECE_VALUE:
            memcpy(buf + off, &p->value, n < 8 ? n : 8);
            break;
        case SYM_PIECE_IMPLICIT:
            memcpy(buf + off, p->bytes, n);
            break;
        default:
            return fail(ev, -ENODATA, "%s is optimized away", user_name(v));
        }
        off += n;
    }
    set_bytes(out, v->type, buf, total);
    return 0;
}

/* The value of variable V; an escaped "&x" is the value it points to, as dlv shows it. */
static int var_value(struct ev *ev, const struct sym_var *v, struct gort_eval_result *out)
{
    int rc = var_value_raw(ev, v, out);
    if (rc || v->name[0] != '&')
        return rc;
    struct gort_eval_result p = *out;
    return deref(ev, &p, out);
}

/* The innermost visible variable NAME of the frame. */
static int frame_var(struct ev *ev, const char *name, struct gort_eval_result *out)
{
    if (!ev->fr->fn)
        return -ENOENT;
    struct sym_var *vars;
    size_t n;
    if (sym_func_vars(ev->img, ev->fr->fn, ev->fr->pc, &vars, &n) != 0)
        return -ENOENT;
    const struct sym_var *best = NULL;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(user_name(&vars[i]), name) != 0)
            continue;
        if (ev->fr->line && vars[i].decl_line > ev->fr->line && !vars[i].is_param)
            continue;
        if (!best || vars[i].depth >= best->depth)
            best = &vars[i];
    }
    int rc = best ? var_value(ev, best, out) : -ENOENT;
    free(vars);
    return rc;
}

static int package_var(struct ev *ev, const char *full, struct gort_eval_result *out)
{
    struct sym_global g;
    if (sym_global_by_name(ev->img, full, &g) != 0)
        return -ENOENT;
    set_value(out, g.type, g.addr);
    return 0;
}

/* runtime.curg: a *runtime.g holding the current goroutine's address. */
static int curg(struct ev *ev, struct gort_eval_result *out)
{
    const struct sym_type *t;
    if (!ev->fr->curg)
        return fail(ev, -ENOENT, "no current goroutine");
    if (sym_type_by_name(ev->img, "*runtime.g", &t) != 0)
        return fail(ev, -ENOENT, "could not find type *runtime.g");
    set_bytes(out, t->id, &ev->fr->curg, 8);
    return 0;
}

/* ------------------------------------------------------------------ helpers on results */

static unsigned kind_of(struct ev *ev, const struct gort_eval_result *r)
{
    if (r->addr_of)
        return SYM_GO_POINTER;
    return gort_type_kind(ev->img, type_of(ev, r->type_id));
}

/* Follows a pointer value to the value it points to. */
static int deref(struct ev *ev, const struct gort_eval_result *p, struct gort_eval_result *out)
{
    if (p->addr_of) {
        set_value(out, p->type_id, p->addr);
        return 0;
    }
    const struct sym_type *t = resolved(ev, type_of(ev, p->type_id));
    if (!t || t->kind != SYM_TYPE_POINTER || !t->target)
        return fail(ev, -EINVAL, "expression is not a pointer");
    uint8_t b[8];
    int rc = read_res(ev, p, 0, b, 8);
    if (rc)
        return rc;
    uint64_t a = le(b, 8);
    if (a == 0)
        return fail(ev, -EINVAL, "nil pointer dereference");
    set_value(out, t->target, a);
    return 0;
}

/* A sub-value at OFF of type TYPE_ID: in memory, or a slice of the bytes. */
static void sub_value(const struct gort_eval_result *r, uint64_t off, uint64_t type_id,
                      struct gort_eval_result *out)
{
    if (r->has_bytes) {
        struct gort_eval_result t = *r;
        size_t o = off < t.len ? (size_t)off : t.len;
        set_bytes(out, type_id, t.bytes + o, t.len - o);
    } else {
        set_value(out, type_id, r->addr + off);
    }
}

/* Field NAME of a struct value (through pointers and embedded structs). */
static int field(struct ev *ev, struct gort_eval_result *r, const char *name, int depth)
{
    for (int i = 0; i < 8 && kind_of(ev, r) == SYM_GO_POINTER; i++) {
        struct gort_eval_result d;
        int rc = deref(ev, r, &d);
        if (rc)
            return rc;
        *r = d;
    }
    const struct sym_type *t = resolved(ev, type_of(ev, r->type_id));
    if (!t || t->kind != SYM_TYPE_STRUCT || kind_of(ev, r) != SYM_GO_STRUCT)
        return -ENOTDIR;
    for (size_t i = 0; i < t->nfields; i++)
        if (t->fields[i].name && strcmp(t->fields[i].name, name) == 0) {
            struct gort_eval_result f;
            sub_value(r, t->fields[i].offset, t->fields[i].type, &f);
            *r = f;
            return 0;
        }
    if (depth < 4)
        for (size_t i = 0; i < t->nfields; i++)
            if (t->fields[i].embedded) {
                struct gort_eval_result f;
                sub_value(r, t->fields[i].offset, t->fields[i].type, &f);
                if (field(ev, &f, name, depth + 1) == 0) {
                    *r = f;
                    return 0;
                }
            }
    return -ENOENT;
}

/* A scalar operand as a number: INT, UINT, FLOAT or BOOL result. */
static int scalar(struct ev *ev, const struct gort_eval_result *r, struct gort_eval_result *out)
{
    if (r->kind != GORT_EVAL_VALUE) {
        *out = *r;
        return 0;
    }
    if (r->addr_of) {
        memset(out, 0, sizeof(*out));
        out->kind = GORT_EVAL_UINT;
        out->u = r->addr;
        return 0;
    }
    unsigned k = kind_of(ev, r);
    uint64_t size = size_of(ev, type_of(ev, r->type_id));
    uint8_t b[16];
    if (size == 0 || size > 16)
        return fail(ev, -EINVAL, "operand is not a number");
    int rc = read_res(ev, r, 0, b, size);
    if (rc)
        return rc;
    memset(out, 0, sizeof(*out));
    uint64_t u = size <= 8 ? le(b, size) : 0;
    switch (k) {
    case SYM_GO_BOOL:
        out->kind = GORT_EVAL_BOOL;
        out->b = b[0] != 0;
        return 0;
    case SYM_GO_INT:
    case SYM_GO_INT8:
    case SYM_GO_INT16:
    case SYM_GO_INT32:
    case SYM_GO_INT64:
        out->kind = GORT_EVAL_INT;
        out->i = size == 1   ? (int8_t)u
                 : size == 2 ? (int16_t)u
                 : size == 4 ? (int32_t)u
                             : (int64_t)u;
        return 0;
    case SYM_GO_UINT:
    case SYM_GO_UINT8:
    case SYM_GO_UINT16:
    case SYM_GO_UINT32:
    case SYM_GO_UINT64:
    case SYM_GO_UINTPTR:
    case SYM_GO_POINTER:
    case SYM_GO_UNSAFE_POINTER:
        out->kind = GORT_EVAL_UINT;
        out->u = u;
        return 0;
    case SYM_GO_FLOAT32: {
        float f;
        memcpy(&f, b, 4);
        out->kind = GORT_EVAL_FLOAT;
        out->f = f;
        return 0;
    }
    case SYM_GO_FLOAT64:
        out->kind = GORT_EVAL_FLOAT;
        memcpy(&out->f, b, 8);
        return 0;
    default:
        return fail(ev, -EINVAL, "operand is not a number");
    }
}

/* Strings: base and length of a string value or constant. */
static int string_hdr(struct ev *ev, const struct gort_eval_result *r, uint64_t *base, int64_t *len)
{
    uint8_t b[16];
    int rc = read_res(ev, r, 0, b, 16);
    if (rc)
        return rc;
    *base = le(b, 8);
    *len = (int64_t)le(b + 8, 8);
    return *len < 0 ? fail(ev, -EINVAL, "invalid string length") : 0;
}

/* Up to sizeof(out->str) bytes of a string operand into a STRING result. */
static int string_val(struct ev *ev, const struct gort_eval_result *r, struct gort_eval_result *out)
{
    if (r->kind == GORT_EVAL_STRING) {
        *out = *r;
        return 0;
    }
    if (kind_of(ev, r) != SYM_GO_STRING)
        return fail(ev, -EINVAL, "operand is not a string");
    uint64_t base;
    int64_t len;
    int rc = string_hdr(ev, r, &base, &len);
    if (rc)
        return rc;
    memset(out, 0, sizeof(*out));
    out->kind = GORT_EVAL_STRING;
    out->str_len = (size_t)len < sizeof(out->str) - 1 ? (size_t)len : sizeof(out->str) - 1;
    if (out->str_len && gomem_read(ev->mem, base, out->str, out->str_len))
        return fail(ev, -EIO, "could not read string");
    out->u = (uint64_t)len; /* the whole length, for comparisons */
    out->addr = base;       /* where the rest is, for comparisons past str */
    return 0;
}

/* Go's string comparison of two STRING results: the held prefixes, then the rest from memory
 * (for strings read from the target) in bounded chunks, then the lengths. -2 when the rest could
 * not be read. A constant longer than str was cut when parsed: its rest compares as absent. */
static int str_cmp(struct ev *ev, const struct gort_eval_result *x,
                   const struct gort_eval_result *y)
{
    size_t n = x->str_len < y->str_len ? x->str_len : y->str_len;
    int c = memcmp(x->str, y->str, n);
    if (c)
        return c < 0 ? -1 : 1;
    uint64_t lx = x->addr ? x->u : x->str_len, ly = y->addr ? y->u : y->str_len;
    uint64_t common = lx < ly ? lx : ly, off = n;
    for (int rounds = 0; off < common && rounds < 4096; rounds++) {
        uint8_t a[256], b[256];
        size_t k = common - off < sizeof(a) ? (size_t)(common - off) : sizeof(a);
        if (gomem_read(ev->mem, x->addr + off, a, k) || gomem_read(ev->mem, y->addr + off, b, k))
            return -2;
        if ((c = memcmp(a, b, k)))
            return c < 0 ? -1 : 1;
        off += k;
    }
    return lx < ly ? -1 : lx > ly;
}

/* ------------------------------------------------------------------ the walk */

static int eval(struct ev *ev, const struct gort_expr_node *n, struct gort_eval_result *out);

/* dlv's register pseudo-variables: the DWARF number of NAME on the image's machine, or -1. */
static int register_number(struct ev *ev, const char *name)
{
    static const char *const amd64[] = {"RAX", "RDX", "RCX", "RBX", "RSI", "RDI",
                                        "RBP", "RSP", "R8",  "R9",  "R10", "R11",
                                        "R12", "R13", "R14", "R15", "RIP"};
    if (sym_image_elf_machine(ev->img) == EM_X86_64) {
        for (int i = 0; i < (int)(sizeof(amd64) / sizeof(amd64[0])); i++)
            if (strcmp(name, amd64[i]) == 0)
                return i;
        return -1;
    }
    if (sym_image_elf_machine(ev->img) == EM_AARCH64) {
        if (strcmp(name, "SP") == 0)
            return 31;
        if (strcmp(name, "PC") == 0)
            return 32;
        char *end;
        if (name[0] == 'X' && name[1] >= '0' && name[1] <= '9') {
            long n = strtol(name + 1, &end, 10);
            if (*end == '\0' && n >= 0 && n <= 30)
                return (int)n;
        }
    }
    return -1;
}

static int ident(struct ev *ev, const char *name, struct gort_eval_result *out)
{
    int rc = frame_var(ev, name, out);
    if (rc != -ENOENT)
        return rc;
    int regno = register_number(ev, name);
    if (regno >= 0) {
        uint64_t v;
        if (!ev->fr->read_reg || ev->fr->read_reg(ev->fr->reg_ctx, (unsigned)regno, &v) != 0)
            return fail(ev, -ENODATA, "register %s is not available in this frame", name);
        memset(out, 0, sizeof(*out));
        out->kind = GORT_EVAL_UINT;
        out->u = v;
        out->is_reg = true;
        return 0;
    }
    if (ev->fr->fn && ev->fr->fn->cu_name) {
        char full[512];
        snprintf(full, sizeof(full), "%s.%s", ev->fr->fn->cu_name, name);
        if (package_var(ev, full, out) == 0)
            return 0;
    }
    return fail(ev, -ENOENT, "could not find symbol value for %s", name);
}

static int selector(struct ev *ev, const struct gort_expr_node *n, struct gort_eval_result *out)
{
    const char *pkg, *name;
    size_t pkg_len;
    if (gort_expr_pkg_selector(n, &pkg, &pkg_len, &name)) {
        char full[512];
        snprintf(full, sizeof(full), "%.*s.%s", (int)pkg_len, pkg, name);
        if (strcmp(full, "runtime.curg") == 0)
            return curg(ev, out);
        if (package_var(ev, full, out) == 0)
            return 0;
        if (n->kid[0]->kind != GORT_EXPR_IDENT)
            return fail(ev, -ENOENT, "could not find symbol value for %s", full);
    }
    int rc = eval(ev, n->kid[0], out);
    if (rc)
        return rc;
    rc = field(ev, out, n->name, 0);
    if (rc == -ENOTDIR) {
        size_t len;
        const char *text = gort_expr_text(ev->e, n->kid[0], &len);
        const struct sym_type *t = type_of(ev, out->type_id);
        return fail(ev, -EINVAL, "%.*s (type %s) is not a struct", (int)len, text,
                    t && t->name ? t->name : "?");
    }
    if (rc == -ENOENT) {
        const struct sym_type *t = type_of(ev, out->type_id);
        return fail(ev, -ENOENT, "%s has no member %s", t && t->name ? t->name : "value", n->name);
    }
    return rc;
}

struct key_ctx {
    struct ev *ev;
    const struct gort_eval_result *key;
};

static bool key_match(void *ctx, const struct sym_type *kt, uint64_t addr)
{
    struct key_ctx *kc = ctx;
    struct gort_eval_result k, a, b;
    set_value(&k, kt->id, addr);
    if (kc->key->kind == GORT_EVAL_STRING) {
        if (string_val(kc->ev, &k, &a) != 0)
            return false;
        return str_cmp(kc->ev, &a, kc->key) == 0;
    }
    if (scalar(kc->ev, &k, &a) != 0 || scalar(kc->ev, kc->key, &b) != 0)
        return false;
    if (a.kind == GORT_EVAL_FLOAT || b.kind == GORT_EVAL_FLOAT)
        return (a.kind == GORT_EVAL_FLOAT ? a.f : (double)a.i) ==
               (b.kind == GORT_EVAL_FLOAT ? b.f : (double)b.i);
    uint64_t x = a.kind == GORT_EVAL_INT ? (uint64_t)a.i : a.kind == GORT_EVAL_BOOL ? a.b : a.u;
    uint64_t y = b.kind == GORT_EVAL_INT ? (uint64_t)b.i : b.kind == GORT_EVAL_BOOL ? b.b : b.u;
    return x == y;
}

static int to_index(struct ev *ev, const struct gort_eval_result *r, int64_t *i)
{
    struct gort_eval_result s;
    int rc = scalar(ev, r, &s);
    if (rc)
        return rc;
    if (s.kind == GORT_EVAL_INT)
        *i = s.i;
    else if (s.kind == GORT_EVAL_UINT && s.u <= INT64_MAX)
        *i = (int64_t)s.u;
    else
        return fail(ev, -EINVAL, "index is not an integer");
    return 0;
}

static int index_expr(struct ev *ev, const struct gort_expr_node *n, struct gort_eval_result *out)
{
    struct gort_eval_result x, k;
    int rc = eval(ev, n->kid[0], &x);
    if (!rc)
        rc = eval(ev, n->kid[1], &k);
    if (rc)
        return rc;
    if (x.kind == GORT_EVAL_VALUE && kind_of(ev, &x) == SYM_GO_POINTER) {
        struct gort_eval_result d;
        if ((rc = deref(ev, &x, &d)))
            return rc;
        x = d;
    }
    unsigned kind = x.kind == GORT_EVAL_VALUE ? kind_of(ev, &x) : 0;
    const struct sym_type *t = resolved(ev, type_of(ev, x.type_id));
    if (kind == SYM_GO_MAP) {
        struct gort_eval_result key = k;
        if (k.kind == GORT_EVAL_VALUE && kind_of(ev, &k) == SYM_GO_STRING &&
            (rc = string_val(ev, &k, &key)))
            return rc;
        struct key_ctx kc = {ev, &key};
        uint64_t va, vt;
        struct gort_value_src src = {x.addr, x.has_bytes ? x.bytes : NULL, x.len};
        rc = gort_value_map_lookup(ev->vs, x.type_id, &src, key_match, &kc, &va, &vt);
        if (rc == -ENOENT)
            return fail(ev, rc, "key not found");
        if (rc)
            return fail(ev, rc, "could not read map");
        set_value(out, vt, va);
        return 0;
    }
    int64_t i = 0;
    if ((rc = to_index(ev, &k, &i)))
        return rc;
    if (kind == SYM_GO_ARRAY && t) {
        if (i < 0 || i >= t->count)
            return fail(ev, -ERANGE, "index out of bounds");
        const struct sym_type *et = type_of(ev, t->target);
        sub_value(&x, (uint64_t)i * size_of(ev, et), t->target, out);
        return 0;
    }
    if (kind == SYM_GO_SLICE && t) {
        uint8_t b[24];
        if ((rc = read_res(ev, &x, 0, b, 24)))
            return rc;
        int64_t len = (int64_t)le(b + 8, 8);
        if (i < 0 || i >= len)
            return fail(ev, -ERANGE, "index out of bounds");
        const struct sym_type *at =
            t->nfields ? resolved(ev, type_of(ev, t->fields[0].type)) : NULL;
        if (!at || at->kind != SYM_TYPE_POINTER)
            return fail(ev, -EINVAL, "malformed slice type");
        set_value(out, at->target, le(b, 8) + (uint64_t)i * size_of(ev, type_of(ev, at->target)));
        return 0;
    }
    if (kind == SYM_GO_STRING || x.kind == GORT_EVAL_STRING) {
        struct gort_eval_result s;
        uint64_t base;
        int64_t len;
        uint8_t c;
        if (x.kind == GORT_EVAL_STRING) {
            if (i < 0 || (size_t)i >= x.str_len)
                return fail(ev, -ERANGE, "index out of bounds");
            c = (uint8_t)x.str[i];
        } else {
            if ((rc = string_hdr(ev, &x, &base, &len)))
                return rc;
            if (i < 0 || i >= len)
                return fail(ev, -ERANGE, "index out of bounds");
            if (gomem_read(ev->mem, base + (uint64_t)i, &c, 1))
                return fail(ev, -EIO, "could not read string");
        }
        const struct sym_type *bt;
        if (sym_type_by_name(ev->img, "uint8", &bt) == 0) {
            set_bytes(out, bt->id, &c, 1);
        } else {
            memset(&s, 0, sizeof(s));
            s.kind = GORT_EVAL_UINT;
            s.u = c;
            *out = s;
        }
        return 0;
    }
    size_t len;
    const char *text = gort_expr_text(ev->e, n->kid[0], &len);
    return fail(ev, -EINVAL, "expression \"%.*s\" (%s) does not support indexing", (int)len, text,
                t && t->name ? t->name : "?");
}

/* x[lo:hi] of a slice, string or array (or pointer to array): a new header in bytes. */
static int slice_expr(struct ev *ev, const struct gort_expr_node *n, struct gort_eval_result *out)
{
    if (n->slice3)
        return fail(ev, -ENOTSUP, "3-index slice not supported");
    struct gort_eval_result x, b;
    int rc = eval(ev, n->kid[0], &x);
    if (rc)
        return rc;
    if (x.kind != GORT_EVAL_VALUE)
        return fail(ev, -EINVAL, "can not slice a constant");
    if (kind_of(ev, &x) == SYM_GO_POINTER) {
        struct gort_eval_result d;
        if ((rc = deref(ev, &x, &d)))
            return rc;
        x = d;
    }
    unsigned k = kind_of(ev, &x);
    const struct sym_type *t = resolved(ev, type_of(ev, x.type_id)), *st = NULL;
    uint64_t base = 0, stride = 1, type_id = x.type_id;
    int64_t len = 0, cap = 0;
    uint8_t h[24];
    if (k == SYM_GO_SLICE) {
        const struct sym_type *at =
            t && t->nfields ? resolved(ev, type_of(ev, t->fields[0].type)) : NULL;
        if (!at || at->kind != SYM_TYPE_POINTER || (rc = read_res(ev, &x, 0, h, 24)))
            return rc ? rc : fail(ev, -EINVAL, "malformed slice type");
        base = le(h, 8);
        len = (int64_t)le(h + 8, 8);
        cap = (int64_t)le(h + 16, 8);
        stride = size_of(ev, type_of(ev, at->target));
    } else if (k == SYM_GO_STRING) {
        if ((rc = string_hdr(ev, &x, &base, &len)))
            return rc;
        cap = len;
    } else if (k == SYM_GO_ARRAY && t && !x.has_bytes && x.addr) {
        const struct sym_type *et = type_of(ev, t->target);
        char name[512];
        if (!et || !et->name ||
            (size_t)snprintf(name, sizeof(name), "[]%s", et->name) >= sizeof(name) ||
            sym_type_by_name(ev->img, name, &st) != 0)
            return fail(ev, -ENOENT, "could not find type []%s", et && et->name ? et->name : "?");
        base = x.addr;
        len = cap = t->count;
        stride = size_of(ev, et);
        type_id = st->id;
    } else {
        return fail(ev, -EINVAL, "can not slice this expression");
    }
    int64_t lo = 0, hi = len;
    if (n->kid[1] && ((rc = eval(ev, n->kid[1], &b)) || (rc = to_index(ev, &b, &lo))))
        return rc;
    if (n->kid[2] && ((rc = eval(ev, n->kid[2], &b)) || (rc = to_index(ev, &b, &hi))))
        return rc;
    /* dlv bounds hi by the length, not the capacity, and gives the result cap = len. */
    (void)cap;
    if (lo < 0 || hi < lo || hi > len)
        return fail(ev, -ERANGE, "index out of bounds");
    uint8_t r[24];
    uint64_t nb = base + (uint64_t)lo * stride, nl = (uint64_t)(hi - lo), nc = nl;
    if (hi - lo == 0 && k == SYM_GO_STRING)
        nb = base;
    memcpy(r, &nb, 8);
    memcpy(r + 8, &nl, 8);
    memcpy(r + 16, &nc, 8);
    set_bytes(out, type_id, r, k == SYM_GO_STRING ? 16 : 24);
    return 0;
}

static int builtin_len(struct ev *ev, const struct gort_expr_node *n, bool cap,
                       struct gort_eval_result *out)
{
    if (n->nargs != 1)
        return fail(ev, -EINVAL, "wrong number of arguments to %s", cap ? "cap" : "len");
    struct gort_eval_result x;
    int rc = eval(ev, n->args[0], &x);
    if (rc)
        return rc;
    int64_t v = 0;
    if (x.kind == GORT_EVAL_STRING && !cap) {
        v = (int64_t)x.str_len;
    } else if (x.kind != GORT_EVAL_VALUE) {
        return fail(ev, -EINVAL, "invalid argument for %s", cap ? "cap" : "len");
    } else {
        if (kind_of(ev, &x) == SYM_GO_POINTER) {
            struct gort_eval_result d;
            if (deref(ev, &x, &d) == 0 && kind_of(ev, &d) == SYM_GO_ARRAY)
                x = d;
        }
        const struct sym_type *t = resolved(ev, type_of(ev, x.type_id));
        uint8_t b[24];
        uint64_t h;
        switch (kind_of(ev, &x)) {
        case SYM_GO_ARRAY:
            v = t ? t->count : 0;
            break;
        case SYM_GO_STRING:
            if (cap)
                return fail(ev, -EINVAL, "invalid argument for cap");
            /* fall through */
        case SYM_GO_SLICE:
            if ((rc = read_res(ev, &x, 0, b, kind_of(ev, &x) == SYM_GO_SLICE ? 24 : 16)))
                return rc;
            v = (int64_t)le(b + (cap ? 16 : 8), 8);
            break;
        case SYM_GO_MAP:
        case SYM_GO_CHAN: {
            if ((rc = read_res(ev, &x, 0, b, 8)))
                return rc;
            h = le(b, 8);
            if (h == 0)
                break;
            if (kind_of(ev, &x) == SYM_GO_MAP && cap)
                return fail(ev, -EINVAL, "invalid argument for cap");
            const struct sym_type *st = t ? resolved(ev, type_of(ev, t->target)) : NULL;
            const char *fname = kind_of(ev, &x) == SYM_GO_MAP ? "count"
                                : cap                         ? "dataqsiz"
                                                              : "qcount";
            uint64_t off;
            if (!st || sym_type_field(ev->img, st, fname, &off, NULL) != 0)
                return fail(ev, -EINVAL, "malformed map or chan type");
            if (gomem_read(ev->mem, h + off, b, 8))
                return fail(ev, -EIO, "could not read %s", fname);
            v = (int64_t)le(b, 8);
            break;
        }
        default:
            return fail(ev, -EINVAL, "invalid argument for %s", cap ? "cap" : "len");
        }
    }
    memset(out, 0, sizeof(*out));
    out->kind = GORT_EVAL_INT;
    out->i = v;
    return 0;
}

/* The Go name of a type expression: "*main.T", "main.T", "int". */
static bool type_text(struct ev *ev, const struct gort_expr_node *n, char *buf, size_t len)
{
    while (n->kind == GORT_EXPR_PAREN)
        n = n->kid[0];
    if (n->kind == GORT_EXPR_STAR) {
        if (len < 2)
            return false;
        buf[0] = '*';
        return type_text(ev, n->kid[0], buf + 1, len - 1);
    }
    const char *pkg, *name;
    size_t pkg_len;
    if (n->kind == GORT_EXPR_SELECTOR && gort_expr_pkg_selector(n, &pkg, &pkg_len, &name))
        return (size_t)snprintf(buf, len, "%.*s.%s", (int)pkg_len, pkg, name) < len;
    if (n->kind == GORT_EXPR_IDENT)
        return (size_t)snprintf(buf, len, "%s", n->name) < len;
    size_t tl;
    const char *t = gort_expr_text(ev->e, n, &tl);
    return (size_t)snprintf(buf, len, "%.*s", (int)tl, t) < len;
}

static int call(struct ev *ev, const struct gort_expr_node *n, struct gort_eval_result *out)
{
    const struct gort_expr_node *f = n->kid[0];
    if (f->kind == GORT_EXPR_IDENT && strcmp(f->name, "len") == 0)
        return builtin_len(ev, n, false, out);
    if (f->kind == GORT_EXPR_IDENT && strcmp(f->name, "cap") == 0)
        return builtin_len(ev, n, true, out);
    char tname[512];
    const struct sym_type *t;
    if (n->nargs == 1 && type_text(ev, f, tname, sizeof(tname)) &&
        sym_type_by_name(ev->img, tname, &t) == 0) {
        struct gort_eval_result a, s;
        int rc = eval(ev, n->args[0], &a);
        if (rc)
            return rc;
        unsigned k = gort_type_kind(ev->img, t);
        if (a.kind == GORT_EVAL_VALUE &&
            (k == SYM_GO_STRUCT || k == SYM_GO_STRING || k == SYM_GO_SLICE ||
             k == SYM_GO_INTERFACE || k == SYM_GO_MAP || k == SYM_GO_ARRAY)) {
            a.type_id = t->id; /* a conversion between types of the same layout */
            *out = a;
            return 0;
        }
        if ((rc = scalar(ev, &a, &s)))
            return rc;
        uint64_t size = size_of(ev, t);
        uint8_t b[8] = {0};
        if (size == 0 || size > 8)
            return fail(ev, -EINVAL, "can not convert to %s", tname);
        if (k == SYM_GO_FLOAT64 || k == SYM_GO_FLOAT32) {
            double d = s.kind == GORT_EVAL_FLOAT ? s.f
                       : s.kind == GORT_EVAL_INT ? (double)s.i
                                                 : (double)s.u;
            if (size == 4) {
                float fl = (float)d;
                memcpy(b, &fl, 4);
            } else {
                memcpy(b, &d, 8);
            }
        } else {
            uint64_t u = s.kind == GORT_EVAL_FLOAT  ? (uint64_t)(int64_t)s.f
                         : s.kind == GORT_EVAL_INT  ? (uint64_t)s.i
                         : s.kind == GORT_EVAL_BOOL ? s.b
                                                    : s.u;
            memcpy(b, &u, size);
        }
        set_bytes(out, t->id, b, size);
        out->cast_ptr = k == SYM_GO_POINTER;
        return 0;
    }
    size_t tl;
    const char *text = gort_expr_text(ev->e, f, &tl);
    return fail(ev, -ENOTSUP, "function calls not allowed without using 'call': %.*s", (int)tl,
                text);
}

static double as_f(const struct gort_eval_result *r)
{
    return r->kind == GORT_EVAL_FLOAT ? r->f
           : r->kind == GORT_EVAL_INT ? (double)r->i
                                      : (double)r->u;
}

static int compare(struct ev *ev, enum gort_expr_op op, struct gort_eval_result *a,
                   struct gort_eval_result *b, struct gort_eval_result *out)
{
    int c = 0;
    bool eq_only = false;
    struct gort_eval_result x, y;
    if (a->kind == GORT_EVAL_NIL || b->kind == GORT_EVAL_NIL) {
        struct gort_eval_result *v = a->kind == GORT_EVAL_NIL ? b : a;
        uint8_t w[8] = {0};
        if (v->kind == GORT_EVAL_VALUE && v->addr_of) {
            w[0] = 1; /* &x is never nil */
        } else if (v->kind == GORT_EVAL_VALUE) {
            unsigned k = kind_of(ev, v);
            /* the word that is nil: data pointer of a slice, type/tab word of an interface */
            int rc = read_res(ev, v, 0, w, 8);
            if (rc)
                return rc;
            if (k != SYM_GO_POINTER && k != SYM_GO_SLICE && k != SYM_GO_MAP && k != SYM_GO_CHAN &&
                k != SYM_GO_FUNC && k != SYM_GO_INTERFACE && k != SYM_GO_UNSAFE_POINTER)
                return fail(ev, -EINVAL, "can not compare with nil");
        }
        c = le(w, 8) != 0;
        eq_only = true;
    } else if ((a->kind == GORT_EVAL_STRING ||
                (a->kind == GORT_EVAL_VALUE && kind_of(ev, a) == SYM_GO_STRING)) &&
               string_val(ev, a, &x) == 0 && string_val(ev, b, &y) == 0) {
        c = str_cmp(ev, &x, &y);
        if (c == -2)
            return fail(ev, -EIO, "could not read string");
    } else {
        int rc = scalar(ev, a, &x);
        if (!rc)
            rc = scalar(ev, b, &y);
        if (rc)
            return rc;
        if (x.kind == GORT_EVAL_BOOL || y.kind == GORT_EVAL_BOOL) {
            if (x.kind != y.kind)
                return fail(ev, -EINVAL, "mismatched types");
            c = x.b != y.b;
            eq_only = true;
        } else if (x.kind == GORT_EVAL_FLOAT || y.kind == GORT_EVAL_FLOAT) {
            double p = as_f(&x), q = as_f(&y);
            c = p < q ? -1 : p > q ? 1 : p == q ? 0 : 2; /* 2: unordered (NaN) */
        } else if (x.kind == GORT_EVAL_UINT || y.kind == GORT_EVAL_UINT) {
            uint64_t p = x.kind == GORT_EVAL_INT ? (uint64_t)x.i : x.u;
            uint64_t q = y.kind == GORT_EVAL_INT ? (uint64_t)y.i : y.u;
            c = p < q ? -1 : p > q;
        } else {
            c = x.i < y.i ? -1 : x.i > y.i;
        }
    }
    bool r;
    switch (op) {
    case GORT_OP_EQL:
        r = c == 0;
        break;
    case GORT_OP_NEQ:
        r = c != 0;
        break;
    default:
        if (eq_only)
            return fail(ev, -EINVAL, "operator %s not defined on these operands",
                        gort_expr_op_str(op));
        r = c != 2 && (op == GORT_OP_LSS   ? c < 0
                       : op == GORT_OP_LEQ ? c <= 0
                       : op == GORT_OP_GTR ? c == 1
                                           : c >= 0);
    }
    memset(out, 0, sizeof(*out));
    out->kind = GORT_EVAL_BOOL;
    out->b = r;
    return 0;
}

static int arith(struct ev *ev, enum gort_expr_op op, struct gort_eval_result *a,
                 struct gort_eval_result *b, struct gort_eval_result *out)
{
    struct gort_eval_result x, y;
    int rc = scalar(ev, a, &x);
    if (!rc)
        rc = scalar(ev, b, &y);
    if (rc)
        return rc;
    memset(out, 0, sizeof(*out));
    if (x.kind == GORT_EVAL_BOOL || y.kind == GORT_EVAL_BOOL)
        return fail(ev, -EINVAL, "operator %s not defined on bool", gort_expr_op_str(op));
    if (x.kind == GORT_EVAL_FLOAT || y.kind == GORT_EVAL_FLOAT) {
        double p = as_f(&x), q = as_f(&y);
        out->kind = GORT_EVAL_FLOAT;
        switch (op) {
        case GORT_OP_ADD:
            out->f = p + q;
            return 0;
        case GORT_OP_SUB:
            out->f = p - q;
            return 0;
        case GORT_OP_MUL:
            out->f = p * q;
            return 0;
        case GORT_OP_QUO:
            out->f = p / q;
            return 0;
        default:
            return fail(ev, -EINVAL, "operator %s not defined on float", gort_expr_op_str(op));
        }
    }
    bool uns = x.kind == GORT_EVAL_UINT || y.kind == GORT_EVAL_UINT;
    uint64_t p = x.kind == GORT_EVAL_INT ? (uint64_t)x.i : x.u;
    uint64_t q = y.kind == GORT_EVAL_INT ? (uint64_t)y.i : y.u;
    uint64_t r;
    if ((op == GORT_OP_QUO || op == GORT_OP_REM) && q == 0)
        return fail(ev, -EDOM, "division by zero");
    switch (op) {
    case GORT_OP_ADD:
        r = p + q;
        break;
    case GORT_OP_SUB:
        r = p - q;
        break;
    case GORT_OP_MUL:
        r = p * q;
        break;
    case GORT_OP_QUO:
        if (uns)
            r = p / q;
        else
            r = (int64_t)p == INT64_MIN && (int64_t)q == -1 ? p
                                                            : (uint64_t)((int64_t)p / (int64_t)q);
        break;
    case GORT_OP_REM:
        if (uns)
            r = p % q;
        else
            r = (int64_t)q == -1 ? 0 : (uint64_t)((int64_t)p % (int64_t)q);
        break;
    case GORT_OP_AND:
        r = p & q;
        break;
    case GORT_OP_OR:
        r = p | q;
        break;
    case GORT_OP_XOR:
        r = p ^ q;
        break;
    case GORT_OP_AND_NOT:
        r = p & ~q;
        break;
    case GORT_OP_SHL:
        r = q >= 64 ? 0 : p << q;
        break;
    case GORT_OP_SHR:
        r = q >= 64 ? (uns || (int64_t)p >= 0 ? 0 : ~(uint64_t)0)
            : uns   ? p >> q
                    : (uint64_t)((int64_t)p >> q);
        break;
    default:
        return fail(ev, -EINVAL, "operator %s not supported", gort_expr_op_str(op));
    }
    out->kind = uns ? GORT_EVAL_UINT : GORT_EVAL_INT;
    out->u = r;
    out->i = (int64_t)r;
    return 0;
}

static int binary(struct ev *ev, const struct gort_expr_node *n, struct gort_eval_result *out)
{
    struct gort_eval_result a, b, s;
    int rc = eval(ev, n->kid[0], &a);
    if (rc)
        return rc;
    if (n->op == GORT_OP_LAND || n->op == GORT_OP_LOR) {
        if ((rc = scalar(ev, &a, &s)))
            return rc;
        if (s.kind != GORT_EVAL_BOOL)
            return fail(ev, -EINVAL, "operator %s not defined on non-bool",
                        gort_expr_op_str(n->op));
        if (s.b == (n->op == GORT_OP_LOR)) {
            *out = s;
            return 0;
        }
        if ((rc = eval(ev, n->kid[1], &b)) || (rc = scalar(ev, &b, out)))
            return rc;
        if (out->kind != GORT_EVAL_BOOL)
            return fail(ev, -EINVAL, "operator %s not defined on non-bool",
                        gort_expr_op_str(n->op));
        return 0;
    }
    if ((rc = eval(ev, n->kid[1], &b)))
        return rc;
    switch (n->op) {
    case GORT_OP_EQL:
    case GORT_OP_NEQ:
    case GORT_OP_LSS:
    case GORT_OP_LEQ:
    case GORT_OP_GTR:
    case GORT_OP_GEQ:
        return compare(ev, n->op, &a, &b, out);
    case GORT_OP_ADD:
        if (a.kind == GORT_EVAL_STRING ||
            (a.kind == GORT_EVAL_VALUE && kind_of(ev, &a) == SYM_GO_STRING)) {
            struct gort_eval_result x, y;
            if ((rc = string_val(ev, &a, &x)) || (rc = string_val(ev, &b, &y)))
                return rc;
            *out = x;
            out->addr = 0;
            out->u = x.u + y.u;
            /* Only what is held is joined: a cut left side ends the held text. */
            if (x.u == x.str_len) {
                size_t room = sizeof(out->str) - 1 - out->str_len;
                size_t k = y.str_len < room ? y.str_len : room;
                memcpy(out->str + out->str_len, y.str, k);
                out->str_len += k;
            }
            out->str[out->str_len] = '\0';
            return 0;
        }
        /* fall through */
    default:
        return arith(ev, n->op, &a, &b, out);
    }
}

static int unary(struct ev *ev, const struct gort_expr_node *n, struct gort_eval_result *out)
{
    struct gort_eval_result a, s;
    int rc = eval(ev, n->kid[0], &a);
    if (rc)
        return rc;
    if (n->op == GORT_OP_AND) {
        if (a.kind != GORT_EVAL_VALUE || a.has_bytes || a.addr == 0)
            return fail(ev, -EINVAL, "can not take address of this expression");
        const struct sym_type *t = type_of(ev, a.type_id), *pt;
        char name[512];
        if (t && t->name && (size_t)snprintf(name, sizeof(name), "*%s", t->name) < sizeof(name) &&
            sym_type_by_name(ev->img, name, &pt) == 0) {
            set_bytes(out, pt->id, &a.addr, 8);
        } else {
            set_value(out, a.type_id, a.addr); /* a pointer type Go did not emit: *[3]int */
            out->addr_of = true;
        }
        out->cast_ptr = true; /* dlv prints &x unfollowed: (*int)(0x5212d8) */
        return 0;
    }
    if (n->op == GORT_OP_ARROW)
        return fail(ev, -ENOTSUP, "expression <- not supported");
    if ((rc = scalar(ev, &a, &s)))
        return rc;
    *out = s;
    switch (n->op) {
    case GORT_OP_NOT:
        if (s.kind != GORT_EVAL_BOOL)
            return fail(ev, -EINVAL, "operator ! not defined on non-bool");
        out->b = !s.b;
        return 0;
    case GORT_OP_SUB:
        if (s.kind == GORT_EVAL_FLOAT)
            out->f = -s.f;
        else if (s.kind == GORT_EVAL_BOOL)
            return fail(ev, -EINVAL, "operator - not defined on bool");
        else {
            out->u = (uint64_t)0 - s.u;
            out->i = (int64_t)((uint64_t)0 - (uint64_t)s.i);
        }
        return 0;
    case GORT_OP_XOR:
        if (s.kind == GORT_EVAL_FLOAT || s.kind == GORT_EVAL_BOOL)
            return fail(ev, -EINVAL, "operator ^ not defined on this operand");
        out->u = ~s.u;
        out->i = ~s.i;
        return 0;
    default:
        return 0;
    }
}

static int eval(struct ev *ev, const struct gort_expr_node *n, struct gort_eval_result *out)
{
    memset(out, 0, sizeof(*out));
    switch (n->kind) {
    case GORT_EXPR_IDENT:
        return ident(ev, n->name, out);
    case GORT_EXPR_INT:
    case GORT_EXPR_RUNE:
        out->kind = GORT_EVAL_INT;
        out->i = (int64_t)n->lit.u;
        out->u = n->lit.u;
        if (n->lit.u > INT64_MAX)
            out->kind = GORT_EVAL_UINT;
        return 0;
    case GORT_EXPR_FLOAT:
        out->kind = GORT_EVAL_FLOAT;
        out->f = n->lit.f;
        return 0;
    case GORT_EXPR_BOOL:
        out->kind = GORT_EVAL_BOOL;
        out->b = n->lit.u != 0;
        return 0;
    case GORT_EXPR_STRING:
        out->kind = GORT_EVAL_STRING;
        out->str_len = n->str_len < sizeof(out->str) - 1 ? n->str_len : sizeof(out->str) - 1;
        memcpy(out->str, n->str, out->str_len);
        out->u = n->str_len;
        return 0;
    case GORT_EXPR_NIL:
        out->kind = GORT_EVAL_NIL;
        return 0;
    case GORT_EXPR_PAREN:
        return eval(ev, n->kid[0], out);
    case GORT_EXPR_SELECTOR:
        return selector(ev, n, out);
    case GORT_EXPR_INDEX:
        return index_expr(ev, n, out);
    case GORT_EXPR_SLICE:
        return slice_expr(ev, n, out);
    case GORT_EXPR_STAR: {
        struct gort_eval_result p;
        int rc = eval(ev, n->kid[0], &p);
        if (rc)
            return rc;
        if (p.kind != GORT_EVAL_VALUE)
            return fail(ev, -EINVAL, "expression is not a pointer");
        return deref(ev, &p, out);
    }
    case GORT_EXPR_UNARY:
        return unary(ev, n, out);
    case GORT_EXPR_BINARY:
        return binary(ev, n, out);
    case GORT_EXPR_CALL:
        return call(ev, n, out);
    default: {
        size_t len;
        const char *text = gort_expr_text(ev->e, n, &len);
        return fail(ev, -ENOTSUP, "expression %.*s is not supported", (int)len, text);
    }
    }
}

int gort_eval(struct gort_values *vs, const struct gort_eval_frame *fr, const char *text,
              struct gort_eval_result *out, char *err, size_t errlen)
{
    struct gort_expr *e;
    struct gort_expr_error perr;
    int rc = gort_expr_parse(text, strlen(text), &e, &perr);
    if (rc) {
        snprintf(err, errlen, "%s", perr.msg);
        return rc;
    }
    struct ev ev = {vs, gort_values_image(vs), gort_values_mem(vs), fr, e, err, errlen};
    err[0] = '\0';
    rc = eval(&ev, gort_expr_root(e), out);
    gort_expr_free(e);
    return rc;
}

int gort_eval_format(struct gort_values *vs, const struct gort_eval_result *r,
                     const struct gort_load_config *cfg, bool multiline, struct rsp_buf *out)
{
    switch (r->kind) {
    case GORT_EVAL_VALUE: {
        const struct sym_type *t;
        if (r->addr_of) {
            char name[512];
            if (sym_type_by_id(gort_values_image(vs), r->type_id, &t) != 0)
                return -ENOENT;
            snprintf(name, sizeof(name), "*%s", t->name ? t->name : "");
            return gort_fmt_pointer(out, name, r->addr);
        }
        if (r->cast_ptr && r->len >= 8 &&
            sym_type_by_id(gort_values_image(vs), r->type_id, &t) == 0)
            return gort_fmt_pointer(out, t->name ? t->name : "", gomem_le(r->bytes, 8));
        struct gort_value_src src = {r->addr, r->has_bytes ? r->bytes : NULL, r->len};
        return gort_value_format(vs, r->type_id, &src, cfg, multiline, out);
    }
    case GORT_EVAL_INT:
        return gort_fmt_int(out, r->i);
    case GORT_EVAL_UINT:
        return gort_fmt_uint(out, r->u);
    case GORT_EVAL_FLOAT:
        return gort_fmt_float(out, r->f, 64, 'f');
    case GORT_EVAL_BOOL:
        return gort_fmt_bool(out, r->b);
    case GORT_EVAL_STRING:
        return gort_fmt_quote_trunc(out, r->str, r->str_len, r->u);
    case GORT_EVAL_NIL:
        return rsp_buf_adds(out, "nil");
    }
    return -EINVAL;
}

/* dlv orders locals by block depth, then declaration line (stable). */
static int cmp_locals(const void *a, const void *b)
{
    const struct sym_var *x = *(const struct sym_var *const *)a,
                         *y = *(const struct sym_var *const *)b;
    if (x->depth != y->depth)
        return x->depth < y->depth ? -1 : 1;
    if (x->decl_line != y->decl_line)
        return x->decl_line < y->decl_line ? -1 : 1;
    return x < y ? -1 : x > y;
}

int gort_eval_locals(struct gort_values *vs, const struct gort_eval_frame *fr, bool args,
                     const struct gort_load_config *cfg, struct rsp_buf *out)
{
    struct sym_var *vars = NULL;
    size_t n = 0;
    char err[256];
    struct ev ev = {vs, gort_values_image(vs), gort_values_mem(vs), fr, NULL, err, sizeof(err)};
    int rc = fr->fn ? sym_func_vars(ev.img, fr->fn, fr->pc, &vars, &n) : 0;
    if (rc)
        return rc;
    const struct sym_var **sel = calloc(n ? n : 1, sizeof(*sel));
    size_t m = 0;
    if (!sel) {
        free(vars);
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if ((vars[i].is_param || vars[i].is_return) != args)
            continue;
        if (!args && fr->line && vars[i].decl_line > fr->line)
            continue;
        sel[m++] = &vars[i];
    }
    if (!args)
        qsort(sel, m, sizeof(*sel), cmp_locals);
    for (size_t i = 0; i < m && rc == 0; i++) {
        bool shadowed = false;
        for (size_t j = i + 1; j < m; j++)
            shadowed |= strcmp(user_name(sel[j]), user_name(sel[i])) == 0;
        rc = rsp_buf_addf(out, shadowed ? "(%s) = " : "%s = ", user_name(sel[i]));
        struct gort_eval_result r;
        err[0] = '\0';
        if (rc == 0) {
            if (var_value(&ev, sel[i], &r) == 0)
                rc = gort_eval_format(vs, &r, cfg, false, out);
            else
                rc = rsp_buf_addf(out, "(unreadable %s)", err);
        }
        if (rc == 0)
            rc = rsp_buf_addc(out, '\n');
    }
    if (rc == 0 && m == 0)
        rc = rsp_buf_adds(out, args ? "(no args)\n" : "(no locals)\n");
    free(sel);
    free(vars);
    return rc;
}

int gort_eval_set(struct gort_values *vs, const struct gort_eval_frame *fr, const char *lhs,
                  const char *rhs, gort_write_mem_fn write, void *wctx, char *err, size_t errlen)
{
    struct gort_eval_result l, r, s;
    int rc = gort_eval(vs, fr, lhs, &l, err, errlen);
    if (rc)
        return rc;
    if ((rc = gort_eval(vs, fr, rhs, &r, err, errlen)))
        return rc;
    struct ev ev = {vs, gort_values_image(vs), gort_values_mem(vs), fr, NULL, err, errlen};
    if (l.kind != GORT_EVAL_VALUE || l.has_bytes || l.addr == 0)
        return fail(&ev, -EINVAL, "can not set %s: not a variable in memory", lhs);
    const struct sym_type *t = type_of(&ev, l.type_id);
    unsigned k = gort_type_kind(ev.img, t);
    uint64_t size = size_of(&ev, t);
    uint8_t b[8] = {0};
    const char *tn = t && t->name ? t->name : lhs;
    if (k == SYM_GO_STRING && r.kind == GORT_EVAL_STRING)
        return fail(&ev, -ENOTSUP,
                    "literal string can not be allocated because function calls "
                    "are not allowed without using 'call'");
    if (size == 0 || size > 8)
        return fail(&ev, -EINVAL, "can not set %s: not a number, bool or pointer", lhs);
    if (r.kind == GORT_EVAL_NIL) {
        if (k != SYM_GO_POINTER && k != SYM_GO_UNSAFE_POINTER)
            return fail(&ev, -EINVAL, "can not assign nil to %s", t->name ? t->name : lhs);
        return write(wctx, l.addr, b, size) ? fail(&ev, -EIO, "could not write %s", lhs) : 0;
    }
    if (r.kind == GORT_EVAL_VALUE && (k == SYM_GO_POINTER || k == SYM_GO_UNSAFE_POINTER)) {
        unsigned rk = kind_of(&ev, &r);
        if (rk != SYM_GO_POINTER && rk != SYM_GO_UNSAFE_POINTER && rk != SYM_GO_UINTPTR)
            return fail(&ev, -EINVAL, "can not assign to %s: mismatched types", lhs);
        const struct sym_type *rt = type_of(&ev, r.type_id);
        bool same = !rt || !t->name || !rt->name ||
                    (r.addr_of ? t->name[0] == '*' && strcmp(rt->name, t->name + 1) == 0
                               : strcmp(rt->name, t->name) == 0);
        if (rk == SYM_GO_POINTER && k == SYM_GO_POINTER && !same)
            return fail(&ev, -EINVAL, "can not convert value of type %s%s to %s",
                        r.addr_of ? "*" : "", rt->name, t->name);
    }
    if ((rc = scalar(&ev, &r, &s)))
        return rc;
    /* dlv's words for a value that does not fit: "can not convert 1.5 constant to int". */
    char what[128];
    const struct sym_type *rt = r.kind == GORT_EVAL_VALUE ? type_of(&ev, r.type_id) : NULL;
    if (r.kind == GORT_EVAL_VALUE)
        snprintf(what, sizeof(what), "value of type %s", rt && rt->name ? rt->name : "?");
    else if (s.kind == GORT_EVAL_FLOAT)
        snprintf(what, sizeof(what), "%g constant", s.f);
    else if (s.kind == GORT_EVAL_BOOL)
        snprintf(what, sizeof(what), "%s constant", s.b ? "true" : "false");
    else if (s.kind == GORT_EVAL_INT)
        snprintf(what, sizeof(what), "%lld constant", (long long)s.i);
    else
        snprintf(what, sizeof(what), "%llu constant", (unsigned long long)s.u);
    switch (k) {
    case SYM_GO_BOOL:
        if (s.kind != GORT_EVAL_BOOL)
            return fail(&ev, -EINVAL, "can not convert %s to %s", what, tn);
        b[0] = s.b;
        break;
    case SYM_GO_FLOAT32:
    case SYM_GO_FLOAT64: {
        if (s.kind == GORT_EVAL_BOOL)
            return fail(&ev, -EINVAL, "can not convert %s to %s", what, tn);
        double d = as_f(&s);
        if (size == 4) {
            float f = (float)d;
            memcpy(b, &f, 4);
        } else {
            memcpy(b, &d, 8);
        }
        break;
    }
    case SYM_GO_INT:
    case SYM_GO_INT8:
    case SYM_GO_INT16:
    case SYM_GO_INT32:
    case SYM_GO_INT64:
    case SYM_GO_UINT:
    case SYM_GO_UINT8:
    case SYM_GO_UINT16:
    case SYM_GO_UINT32:
    case SYM_GO_UINT64:
    case SYM_GO_UINTPTR:
    case SYM_GO_POINTER:
    case SYM_GO_UNSAFE_POINTER: {
        if (s.kind == GORT_EVAL_BOOL)
            return fail(&ev, -EINVAL, "can not convert %s to %s", what, tn);
        if (s.kind == GORT_EVAL_FLOAT && s.f != (double)(int64_t)s.f)
            return fail(&ev, -EINVAL, "can not convert %s to %s", what, tn);
        uint64_t u = s.kind == GORT_EVAL_FLOAT ? (uint64_t)(int64_t)s.f
                     : s.kind == GORT_EVAL_INT ? (uint64_t)s.i
                                               : s.u;
        for (size_t i = 0; i < size; i++)
            b[i] = (uint8_t)(u >> (8 * i));
        break;
    }
    default:
        return fail(&ev, -EINVAL, "can not set %s: not a number, bool or pointer", lhs);
    }
    return write(wctx, l.addr, b, size) ? fail(&ev, -EIO, "could not write %s", lhs) : 0;
}

int gort_eval_whatis(struct gort_values *vs, const struct gort_eval_result *r, struct rsp_buf *out)
{
    static const char *const names[] = {"", "int", "uint", "float64", "bool", "string", "nil"};
    if (r->is_reg)
        return rsp_buf_adds(out, "CPU Register\n");
    if (r->kind != GORT_EVAL_VALUE)
        return rsp_buf_addf(out, "%s\n", names[r->kind]);
    const struct sym_type *t;
    struct sym_image *img = gort_values_image(vs);
    if (sym_type_by_id(img, r->type_id, &t) != 0)
        return -ENOENT;
    int rc = rsp_buf_addf(out, "%s%s\n", r->addr_of ? "*" : "", t->name ? t->name : "");
    if (rc || r->addr_of || gort_type_kind(img, t) != SYM_GO_INTERFACE)
        return rc;
    /* The dynamic type, from the interface's one-line text "T(D) ...". */
    struct rsp_buf b;
    rsp_buf_init(&b, 1 << 16);
    struct gort_value_src src = {r->addr, r->has_bytes ? r->bytes : NULL, r->len};
    struct gort_load_config cfg = gort_load_locals;
    cfg.max_string_len = 0;
    rc = gort_value_format(vs, r->type_id, &src, &cfg, false, &b);
    size_t n = t->name ? strlen(t->name) : 0;
    if (rc == 0 && b.len > n + 1 && b.data[n] == '(') {
        size_t depth = 0, end = n;
        for (; end < b.len; end++) {
            depth += b.data[end] == '(';
            if (b.data[end] == ')' && --depth == 0)
                break;
        }
        if (end < b.len)
            rc = rsp_buf_addf(out, "Concrete type: %.*s\n", (int)(end - n - 1),
                              (const char *)b.data + n + 1);
    } else if (rc == 0 && b.len == n + 4 && memcmp(b.data + n, " nil", 4) == 0) {
        rc = rsp_buf_adds(out, "Concrete type: void\n"); /* dlv's words for a nil interface */
    }
    rsp_buf_fini(&b);
    return rc;
}

int gort_eval_var(struct gort_values *vs, const struct gort_eval_frame *fr, const struct sym_var *v,
                  struct gort_eval_result *out, char *err, size_t errlen)
{
    struct ev ev = {vs, gort_values_image(vs), gort_values_mem(vs), fr, NULL, err, errlen};
    err[0] = '\0';
    return var_value(&ev, v, out);
}
