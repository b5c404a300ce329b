/*
 * goruntime/value.c - loading Go values from target memory into a tree (value_priv.h) the way
 * dlv 1.20 loads them; value_print.c turns the tree into dlv's text (see value.h and
 * doc/internals/values.md).
 *
 * The loader follows dlv's rules (proc/variables.go: loadValueInternal, loadArrayValues, loadMap,
 * loadInterface): pointers are followed without raising the recursion level (unless they point to
 * an interface), structs, arrays, slices and map entries raise it, a struct or map past
 * max_recurse keeps only its length, an interface past it keeps only its data's address, a chan
 * loads its whole runtime.hchan. Integers of named types get their constants' names. Also the map
 * lookup that eval.c uses for m[key], walking buckets in the same order.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/goruntime/value.h"
#include "frontend/goruntime/value_priv.h"
#include "frontend/sym/func.h"

const struct gort_load_config gort_load_print = {true, 1, 64, 64, -1};
const struct gort_load_config gort_load_locals = {false, 0, 64, 0, 3};

#define KIND_DIRECT_IFACE 0x20 /* runtime/typekind.go: kindDirectIface */
#define MAX_ERR_COUNT 3        /* dlv's maxErrCount: elements unreadable before a walk stops */
#define TOPHASH_EMPTY_REST 0   /* runtime/map.go */
#define TOPHASH_EMPTY_ONE 1
#define TOPHASH_MIN 5

/* ------------------------------------------------------------------ the arena */

struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    max_align_t data[];
};

struct gconst {
    uint64_t type;
    int64_t value;
    const char *name; /* full ("main.Green"); belongs to the image */
};

struct gort_values {
    struct sym_image *img;
    const struct gomem *mem;
    bool types_read;
    int types_err;
    uint64_t types_base; /* runtime.firstmoduledata.types */
    uint64_t itab_type;  /* offset of _type in runtime.itab */
    uint64_t type_kind;  /* offset of kind in runtime._type */
    /* package constants by type, for dlv's names of values ("Green (1)") */
    struct gconst *consts;
    size_t nconsts, consts_cap;
    bool consts_read;
    /* per format call */
    struct arena_block *arena;
    size_t nnodes;
    int oom;
};

static void *alloc(struct gort_values *vs, size_t len)
{
    len = (len + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    struct arena_block *b = vs->arena;
    if (!b || b->cap - b->used < len) {
        size_t cap = len > 16384 ? len : 16384;
        b = malloc(sizeof(*b) + cap);
        if (!b) {
            vs->oom = 1;
            return NULL;
        }
        b->next = vs->arena;
        b->used = 0;
        b->cap = cap;
        vs->arena = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += len;
    memset(p, 0, len);
    return p;
}

static void arena_free(struct gort_values *vs)
{
    while (vs->arena) {
        struct arena_block *n = vs->arena->next;
        free(vs->arena);
        vs->arena = n;
    }
    vs->nnodes = 0;
    vs->oom = 0;
}

static const char *strf(struct gort_values *vs, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static const char *strf(struct gort_values *vs, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0)
        return "?";
    char *p = alloc(vs, strlen(tmp) + 1);
    if (!p)
        return "out of memory";
    memcpy(p, tmp, strlen(tmp) + 1);
    return p;
}

/* ------------------------------------------------------------------ types */

unsigned gort_type_kind(struct sym_image *img, const struct sym_type *t)
{
    for (int i = 0; t && i < 32; i++) {
        if (t->go_kind)
            return t->go_kind;
        switch (t->kind) {
        case SYM_TYPE_TYPEDEF: {
            const struct sym_type *n;
            if (!t->target || sym_type_by_id(img, t->target, &n) != 0)
                return 0;
            t = n;
            continue;
        }
        case SYM_TYPE_POINTER:
            return t->target ? SYM_GO_POINTER : SYM_GO_UNSAFE_POINTER;
        case SYM_TYPE_STRUCT:
            return SYM_GO_STRUCT;
        case SYM_TYPE_ARRAY:
            return SYM_GO_ARRAY;
        case SYM_TYPE_FUNC:
            return SYM_GO_FUNC;
        case SYM_TYPE_BASE:
            switch (t->encoding) {
            case 0x02: /* DW_ATE_boolean */
                return SYM_GO_BOOL;
            case 0x03: /* DW_ATE_complex_float */
                return t->size == 8 ? SYM_GO_COMPLEX64 : SYM_GO_COMPLEX128;
            case 0x04: /* DW_ATE_float */
                return t->size == 4 ? SYM_GO_FLOAT32 : SYM_GO_FLOAT64;
            case 0x05: /* DW_ATE_signed */
            case 0x06: /* DW_ATE_signed_char */
                return t->size == 1   ? SYM_GO_INT8
                       : t->size == 2 ? SYM_GO_INT16
                       : t->size == 4 ? SYM_GO_INT32
                                      : SYM_GO_INT64;
            case 0x07: /* DW_ATE_unsigned */
            case 0x08: /* DW_ATE_unsigned_char */
                return t->size == 1   ? SYM_GO_UINT8
                       : t->size == 2 ? SYM_GO_UINT16
                       : t->size == 4 ? SYM_GO_UINT32
                                      : SYM_GO_UINT64;
            default:
                return 0;
            }
        default:
            return 0;
        }
    }
    return 0;
}

static const struct sym_type *resolve(struct gort_values *vs, const struct sym_type *t)
{
    const struct sym_type *r;
    if (t && sym_type_resolve(vs->img, t, &r) == 0)
        return r;
    return t;
}

static uint64_t type_size(struct gort_values *vs, const struct sym_type *t)
{
    const struct sym_type *r = resolve(vs, t);
    if (!r)
        return 0;
    if (r->kind == SYM_TYPE_POINTER)
        return 8;
    if (r->size == 0 && r->kind == SYM_TYPE_ARRAY && r->count > 0) {
        const struct sym_type *e;
        if (sym_type_by_id(vs->img, r->target, &e) == 0)
            return type_size(vs, e) * (uint64_t)r->count;
    }
    return r->size;
}

static const struct sym_type *type_by_id(struct gort_values *vs, uint64_t id)
{
    const struct sym_type *t;
    return id && sym_type_by_id(vs->img, id, &t) == 0 ? t : NULL;
}

/* The field NAME of struct type RT (resolved). */
static const struct sym_field *field_named(const struct sym_type *rt, const char *name)
{
    if (!rt || rt->kind != SYM_TYPE_STRUCT)
        return NULL;
    for (size_t i = 0; i < rt->nfields; i++)
        if (rt->fields[i].name && strcmp(rt->fields[i].name, name) == 0)
            return &rt->fields[i];
    return NULL;
}

/* runtime.firstmoduledata.types and the offsets to read an interface's dynamic type. */
static int read_types(struct gort_values *vs)
{
    if (vs->types_read)
        return vs->types_err;
    vs->types_read = true;
    struct sym_global g;
    uint64_t off;
    uint8_t buf[8];
    int rc = sym_global_by_name(vs->img, "runtime.firstmoduledata", &g);
    if (rc == 0)
        rc = sym_field_offset(vs->img, "runtime.moduledata", "types", &off, NULL);
    if (rc == 0)
        rc = gomem_read(vs->mem, g.addr + off, buf, 8);
    if (rc == 0) {
        vs->types_base = gomem_le(buf, 8);
        rc = sym_field_offset(vs->img, "runtime.itab", "_type", &vs->itab_type, NULL);
    }
    if (rc == 0)
        rc = sym_field_offset(vs->img, "runtime._type", "kind", &vs->type_kind, NULL);
    vs->types_err = rc;
    return rc;
}

/* ------------------------------------------------------------------ reading */

static struct loc loc_at(const struct loc *l, uint64_t off)
{
    struct loc r = *l;
    if (l->bytes) {
        if (off > l->len) {
            r.bytes = NULL; /* outside the bytes: no location */
            r.addr = 0;
            r.len = 0;
        } else {
            r.bytes = l->bytes + off;
            r.len = l->len - off;
        }
        r.addr = l->addr ? l->addr + off : 0;
        return r;
    }
    r.addr = l->addr + off;
    return r;
}

static const char *read_err(struct gort_values *vs, int rc, uint64_t addr)
{
    (void)rc;
    return strf(vs, "could not read %#llx: input/output error", (unsigned long long)addr);
}

/* LEN bytes of the value at L: 0 or an error text (in the arena). */
static const char *read_loc(struct gort_values *vs, const struct loc *l, void *buf, size_t len)
{
    if (l->bytes) {
        if (len > l->len)
            return "value bytes too short";
        memcpy(buf, l->bytes, len);
        return NULL;
    }
    if (len > GORT_VALUE_MAX_STRING)
        return "value too large";
    int rc = gomem_read(vs->mem, l->addr, buf, len);
    return rc ? read_err(vs, rc, l->addr) : NULL;
}

static const char *read_uint(struct gort_values *vs, const struct loc *l, size_t size, uint64_t *v)
{
    uint8_t buf[8];
    if (size == 0 || size > 8)
        return strf(vs, "invalid size %zu", size);
    const char *err = read_loc(vs, l, buf, size);
    if (!err)
        *v = gomem_le(buf, size);
    return err;
}

static struct vnode *node_new(struct gort_values *vs, const char *name, const struct sym_type *t,
                              struct loc at)
{
    if (vs->nnodes >= GORT_VALUE_MAX_NODES) {
        vs->oom = 1; /* reported as -ENOMEM: a tree this large is not printed */
        return NULL;
    }
    struct vnode *n = alloc(vs, sizeof(*n));
    if (!n)
        return NULL;
    vs->nnodes++;
    n->name = name;
    n->t = t;
    n->rt = resolve(vs, t);
    n->tname = t && t->name ? t->name : (t ? "" : "void");
    n->kind = t ? gort_type_kind(vs->img, t) : 0;
    n->at = at;
    return n;
}

static bool add_kid(struct gort_values *vs, struct vnode *n, struct vnode *k)
{
    if (!k)
        return false;
    if (n->nkids == n->kids_cap) {
        size_t cap = n->kids_cap ? n->kids_cap * 2 : 4;
        struct vnode **kids = alloc(vs, cap * sizeof(*kids));
        if (!kids)
            return false;
        if (n->nkids)
            memcpy(kids, n->kids, n->nkids * sizeof(*kids));
        n->kids = kids;
        n->kids_cap = cap;
    }
    n->kids[n->nkids++] = k;
    return true;
}

/* dlv's maybeDereference: the value a pointer node points to. */
static struct vnode *deref(struct gort_values *vs, struct vnode *p, const struct sym_type *target)
{
    uint64_t ptr = 0;
    const char *err = read_uint(vs, &p->at, 8, &ptr);
    struct loc at = {err ? 0 : ptr, NULL, 0};
    struct vnode *n = node_new(vs, "", target, at);
    if (n && err)
        n->unreadable = err;
    return n;
}

/* Slices and strings: base, len (and cap) from the header, as dlv reads them when it creates the
 * variable. */
static void slice_info(struct gort_values *vs, struct vnode *n)
{
    const struct sym_type *rt = n->rt;
    const struct sym_field *arr = field_named(rt, n->kind == SYM_GO_STRING ? "str" : "array");
    const struct sym_field *len = field_named(rt, "len");
    const struct sym_field *cap = field_named(rt, "cap");
    if (!arr || !len || (n->kind == SYM_GO_SLICE && !cap)) {
        n->unreadable = "malformed slice or string type";
        return;
    }
    uint64_t v;
    struct loc l = loc_at(&n->at, arr->offset);
    const char *err = read_uint(vs, &l, 8, &v);
    if (err) {
        n->unreadable = err;
        return;
    }
    n->base = v;
    const struct sym_type *pt = resolve(vs, type_by_id(vs, arr->type));
    n->elem = pt && pt->kind == SYM_TYPE_POINTER ? type_by_id(vs, pt->target) : NULL;
    l = loc_at(&n->at, len->offset);
    if ((err = read_uint(vs, &l, 8, &v))) {
        n->unreadable = err;
        return;
    }
    n->len = (int64_t)v;
    if (cap) {
        l = loc_at(&n->at, cap->offset);
        if ((err = read_uint(vs, &l, 8, &v))) {
            n->unreadable = err;
            return;
        }
        n->cap = (int64_t)v;
    }
    if (n->kind == SYM_GO_STRING) {
        if (n->len < 0)
            n->unreadable = strf(vs, "invalid length: %lld", (long long)n->len);
        else if (n->base == 0)
            n->len = 0;
        return;
    }
    if (!n->elem) {
        n->unreadable = "malformed slice type";
        return;
    }
    n->stride = type_size(vs, n->elem);
}

static void load(struct gort_values *vs, struct vnode *n, int level,
                 const struct gort_load_config *cfg, int depth);

static void load_array(struct gort_values *vs, struct vnode *n, int level,
                       const struct gort_load_config *cfg, int depth)
{
    if (n->len < 0) {
        n->unreadable = "Negative array length";
        return;
    }
    int64_t count = n->len;
    if (count > cfg->max_array_values)
        count = cfg->max_array_values;
    if (count > GORT_VALUE_MAX_ELEMS)
        count = GORT_VALUE_MAX_ELEMS;
    int errs = 0;
    for (int64_t i = 0; i < count; i++) {
        struct loc at;
        if (n->kind == SYM_GO_ARRAY)
            at = loc_at(&n->at, (uint64_t)i * n->stride);
        else
            at = (struct loc){n->base + (uint64_t)i * n->stride, NULL, 0};
        struct vnode *e = node_new(vs, "", n->elem, at);
        if (!add_kid(vs, n, e))
            return;
        load(vs, e, level + 1, cfg, depth + 1);
        if (e->unreadable && ++errs > MAX_ERR_COUNT)
            break;
    }
}

static void load_struct(struct gort_values *vs, struct vnode *n, int level,
                        const struct gort_load_config *cfg, int depth)
{
    const struct sym_type *rt = n->rt;
    n->len = (int64_t)rt->nfields;
    if (level > cfg->max_recurse)
        return;
    for (size_t i = 0; i < rt->nfields; i++) {
        if (cfg->max_struct_fields >= 0 && n->nkids >= (size_t)cfg->max_struct_fields)
            break;
        const struct sym_field *f = &rt->fields[i];
        struct vnode *k = node_new(vs, f->name ? f->name : "", type_by_id(vs, f->type),
                                   loc_at(&n->at, f->offset));
        if (!add_kid(vs, n, k))
            return;
        load(vs, k, level + 1, cfg, depth + 1);
    }
}

static void load_interface(struct gort_values *vs, struct vnode *n, int level,
                           const struct gort_load_config *cfg, int depth)
{
    const struct sym_type *rt = n->rt;
    const struct sym_field *tab = field_named(rt, "tab"), *typ = field_named(rt, "_type");
    const struct sym_field *data = field_named(rt, "data");
    if ((!tab && !typ) || !data) {
        n->unreadable = "invalid interface type";
        return;
    }
    uint64_t w;
    struct loc l = loc_at(&n->at, tab ? tab->offset : typ->offset);
    const char *err = read_uint(vs, &l, 8, &w);
    if (err) {
        n->unreadable = err;
        return;
    }
    uint64_t rtype = w;
    if (tab && w) {
        if (read_types(vs) != 0) {
            n->unreadable = "runtime.itab not found in DWARF";
            return;
        }
        struct loc il = {w + vs->itab_type, NULL, 0};
        if ((err = read_uint(vs, &il, 8, &rtype))) {
            n->unreadable = strf(vs, "invalid interface type: %s", err);
            return;
        }
    }
    struct loc dl = loc_at(&n->at, data->offset);
    if (w == 0) {
        /* A nil interface: the data word, read as an untyped pointer. */
        struct vnode *tmp = node_new(vs, "data", NULL, dl);
        struct vnode *d = tmp ? deref(vs, tmp, NULL) : NULL;
        if (!add_kid(vs, n, d))
            return;
        load(vs, d, level, cfg, depth + 1);
        return;
    }
    const struct sym_type *dt = NULL;
    uint8_t kind = 0;
    if (read_types(vs) != 0) {
        n->unreadable = "runtime.firstmoduledata not found";
        return;
    }
    struct loc kl = {rtype + vs->type_kind, NULL, 0};
    if ((err = read_loc(vs, &kl, &kind, 1))) {
        n->unreadable = strf(vs, "invalid interface type: %s", err);
        return;
    }
    if (rtype < vs->types_base ||
        sym_type_by_runtime_type(vs->img, rtype - vs->types_base, &dt) != 0) {
        n->unreadable = strf(vs, "interface type %#llx not found", (unsigned long long)rtype);
        return;
    }
    struct vnode *d = node_new(vs, "data", dt, dl);
    if (!d)
        return;
    const struct sym_type *rdt = resolve(vs, dt);
    if (!(kind & KIND_DIRECT_IFACE) && !(rdt && rdt->kind == SYM_TYPE_POINTER)) {
        /* The data word points to the value (dlv: pointerTo(typ), then dereference). */
        d = deref(vs, d, dt);
        if (!d)
            return;
        d->name = "data";
    }
    if (!add_kid(vs, n, d))
        return;
    if (level <= cfg->max_recurse)
        load(vs, d, level, cfg, depth + 1);
    else
        d->only_addr = true;
}

/* ------------------------------------------------------------------ maps (runtime/map.go) */

struct map_iter {
    struct vnode *m;
    const struct sym_type *bucket; /* bucket<K,V> */
    uint64_t bsize, nbuckets, oldmask, buckets, oldbuckets, bidx;
    uint64_t b; /* current bucket address, 0: none */
    uint64_t overflow;
    const struct sym_field *ftop, *fkeys, *fvals, *fover;
    const struct sym_type *key, *val;
    uint64_t kstride, vstride, ntop;
    uint64_t idx;
    size_t visited;
};

static const struct sym_field *bucket_field(struct map_iter *it, const char *name)
{
    return field_named(it->bucket, name);
}

/* count, and the iterator over the buckets; false with m->unreadable set, or with a nil map. */
static bool map_start(struct gort_values *vs, struct vnode *m, struct map_iter *it)
{
    memset(it, 0, sizeof(*it));
    it->m = m;
    const struct sym_type *pt = m->rt; /* *hash<K,V> */
    if (!pt || pt->kind != SYM_TYPE_POINTER) {
        m->unreadable = "wrong real type for map";
        return false;
    }
    const struct sym_type *ht = resolve(vs, type_by_id(vs, pt->target));
    uint64_t h;
    const char *err = read_uint(vs, &m->at, 8, &h);
    if (err) {
        m->unreadable = err;
        return false;
    }
    m->base = h;
    if (h == 0)
        return false;
    const struct sym_field *fc = field_named(ht, "count"), *fb = field_named(ht, "B");
    const struct sym_field *fbk = field_named(ht, "buckets"), *fob = field_named(ht, "oldbuckets");
    if (!fc || !fb || !fbk || !fob) {
        m->unreadable = "wrong real type for map";
        return false;
    }
    struct loc hl = {h, NULL, 0};
    uint64_t count, b;
    struct loc l = loc_at(&hl, fc->offset);
    if ((err = read_uint(vs, &l, 8, &count)) ||
        (l = loc_at(&hl, fb->offset), err = read_uint(vs, &l, 1, &b)) ||
        (l = loc_at(&hl, fbk->offset), err = read_uint(vs, &l, 8, &it->buckets)) ||
        (l = loc_at(&hl, fob->offset), err = read_uint(vs, &l, 8, &it->oldbuckets))) {
        m->unreadable = err;
        return false;
    }
    m->len = (int64_t)count;
    it->nbuckets = b < 63 ? (uint64_t)1 << b : 0;
    it->oldmask = b >= 1 && b < 64 ? ((uint64_t)1 << (b - 1)) - 1 : ~(uint64_t)0;
    const struct sym_type *bp = resolve(vs, type_by_id(vs, fbk->type));
    it->bucket =
        bp && bp->kind == SYM_TYPE_POINTER ? resolve(vs, type_by_id(vs, bp->target)) : NULL;
    if (!it->bucket || it->bucket->kind != SYM_TYPE_STRUCT) {
        m->unreadable = "malformed map type: buckets, oldbuckets or overflow field not a struct";
        return false;
    }
    it->bsize = it->bucket->size;
    it->ftop = bucket_field(it, "tophash");
    it->fkeys = bucket_field(it, "keys");
    it->fvals = bucket_field(it, "values");
    it->fover = bucket_field(it, "overflow");
    if (!it->ftop || !it->fkeys || !it->fvals || !it->fover) {
        m->unreadable = "malformed map type";
        return false;
    }
    const struct sym_type *ta = resolve(vs, type_by_id(vs, it->ftop->type));
    const struct sym_type *ka = resolve(vs, type_by_id(vs, it->fkeys->type));
    const struct sym_type *va = resolve(vs, type_by_id(vs, it->fvals->type));
    if (!ta || !ka || !va || ta->kind != SYM_TYPE_ARRAY || ka->kind != SYM_TYPE_ARRAY ||
        va->kind != SYM_TYPE_ARRAY) {
        m->unreadable = "malformed map type: keys, values or tophash of a bucket is not an array";
        return false;
    }
    it->key = type_by_id(vs, ka->target);
    it->val = type_by_id(vs, va->target);
    it->kstride = type_size(vs, it->key);
    it->vstride = type_size(vs, it->val);
    it->ntop = ta->count > 0 && ta->count <= 256 ? (uint64_t)ta->count : 0;
    if (ka->count != ta->count || (it->vstride > 0 && va->count != ta->count)) {
        m->unreadable = "malformed map type: inconsistent array length in bucket";
        return false;
    }
    return true;
}

static bool evacuated(struct gort_values *vs, struct map_iter *it, uint64_t b)
{
    if (b == 0)
        return true;
    uint8_t t0;
    struct loc l = {b + it->ftop->offset, NULL, 0};
    if (read_loc(vs, &l, &t0, 1))
        return true;
    return t0 > TOPHASH_EMPTY_ONE && t0 < TOPHASH_MIN;
}

static bool next_bucket(struct gort_values *vs, struct map_iter *it)
{
    if (++it->visited > GORT_VALUE_MAX_BUCKETS) {
        it->m->unreadable = "map has too many buckets";
        return false;
    }
    if (it->overflow) {
        it->b = it->overflow;
    } else {
        it->b = 0;
        while (it->bidx < it->nbuckets) {
            it->b = it->buckets + it->bsize * it->bidx;
            if (it->oldbuckets == 0)
                break;
            /* Growing: a bucket not yet evacuated is read from its old bucket, once. */
            uint64_t oldbidx = it->bidx & it->oldmask;
            uint64_t oldb = it->oldbuckets + it->bsize * oldbidx;
            if (evacuated(vs, it, oldb))
                break;
            if (oldbidx == it->bidx) {
                it->b = oldb;
                break;
            }
            it->b = 0;
            it->bidx++;
        }
        if (it->b == 0)
            return false;
        it->bidx++;
    }
    struct loc l = {it->b + it->fover->offset, NULL, 0};
    const char *err = read_uint(vs, &l, 8, &it->overflow);
    if (err) {
        it->m->unreadable = err;
        return false;
    }
    return true;
}

/* The next occupied slot: it->b and it->idx - 1 name it. */
static bool map_next(struct gort_values *vs, struct map_iter *it)
{
    for (;;) {
        if (it->b == 0 || it->idx >= it->ntop) {
            if (!next_bucket(vs, it))
                return false;
            it->idx = 0;
        }
        uint8_t h;
        struct loc l = {it->b + it->ftop->offset + it->idx, NULL, 0};
        const char *err = read_loc(vs, &l, &h, 1);
        if (err) {
            it->m->unreadable = strf(vs, "unreadable tophash: %s", err);
            return false;
        }
        it->idx++;
        if (h != TOPHASH_EMPTY_REST && h != TOPHASH_EMPTY_ONE)
            return true;
    }
}

static void load_map(struct gort_values *vs, struct vnode *m, int level,
                     const struct gort_load_config *cfg, int depth)
{
    struct map_iter it;
    if (!map_start(vs, m, &it))
        return;
    if (level > cfg->max_recurse || m->len <= 0 || cfg->max_array_values <= 0)
        return;
    int64_t count = 0;
    int errs = 0;
    while (map_next(vs, &it)) {
        uint64_t i = it.idx - 1;
        struct loc kl = {it.b + it.fkeys->offset + i * it.kstride, NULL, 0};
        struct loc vl = {it.b + it.fvals->offset + i * it.vstride, NULL, 0};
        struct vnode *k = node_new(vs, "", it.key, kl), *v = node_new(vs, "", it.val, vl);
        if (!k || !v)
            return;
        load(vs, k, level + 1, cfg, depth + 1);
        load(vs, v, level + 1, cfg, depth + 1);
        if (k->unreadable || v->unreadable)
            errs++;
        if (!add_kid(vs, m, k) || !add_kid(vs, m, v))
            return;
        count++;
        if (errs > MAX_ERR_COUNT || count >= cfg->max_array_values || count >= m->len ||
            count >= GORT_VALUE_MAX_ELEMS)
            break;
    }
}

/* ------------------------------------------------------------------ scalars */

static void set_value(struct gort_values *vs, struct vnode *n, const struct rsp_buf *b)
{
    char *p = alloc(vs, b->len + 1);
    if (!p)
        return;
    memcpy(p, b->data, b->len);
    n->value = p;
    n->value_len = b->len;
    n->has_value = true;
}

static int add_const(const char *name, int64_t value, uint64_t type, void *ctx)
{
    struct gort_values *vs = ctx;
    if (type == 0)
        return 0;
    if (vs->nconsts == vs->consts_cap) {
        size_t cap = vs->consts_cap ? vs->consts_cap * 2 : 256;
        struct gconst *c = realloc(vs->consts, cap * sizeof(*c));
        if (!c)
            return -ENOMEM;
        vs->consts = c;
        vs->consts_cap = cap;
    }
    vs->consts[vs->nconsts++] = (struct gconst){type, value, name};
    return 0;
}

static int cmp_const(const void *a, const void *b)
{
    const struct gconst *x = a, *y = b;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    if (x->value != y->value)
        return x->value < y->value ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* The package constants of T, sorted by value: [*first, *first + *count). */
static void consts_of(struct gort_values *vs, const struct sym_type *t, size_t *first,
                      size_t *count)
{
    *count = 0;
    if (!vs->consts_read) {
        vs->consts_read = true;
        if (sym_consts_foreach(vs->img, add_const, vs) != 0)
            vs->nconsts = 0;
        qsort(vs->consts, vs->nconsts, sizeof(*vs->consts), cmp_const);
    }
    size_t lo = 0, hi = vs->nconsts;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (vs->consts[mid].type < t->id)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    while (lo < vs->nconsts && vs->consts[lo].type == t->id)
        lo++;
    *count = lo - *first;
}

/* A constant's name without the package of its type ("main.Green" -> "Green"). */
static const char *const_name(const struct sym_type *t, const char *name)
{
    const char *slash = strrchr(t->name, '/');
    const char *dot = strchr(slash ? slash : t->name, '.');
    size_t plen = dot ? (size_t)(dot - t->name) + 1 : 0;
    return plen && strncmp(name, t->name, plen) == 0 ? name + plen : name;
}

/* dlv's description of integer V of named type T by its constants: the constant's name, or the
 * single-bit constants ORed ("FlagA|FlagC"); false when there is none. */
static bool describe(struct gort_values *vs, const struct sym_type *t, int64_t v, struct rsp_buf *b)
{
    if (!t || !t->name || !strchr(t->name, '.') || strncmp(t->name, "C.", 2) == 0)
        return false;
    size_t first, count;
    consts_of(vs, t, &first, &count);
    if (count == 0)
        return false;
    const struct gconst *c = vs->consts + first;
    for (size_t i = 0; i < count; i++)
        if (c[i].value == v)
            return rsp_buf_adds(b, const_name(t, c[i].name)) == 0;
    if (v == 0)
        return false;
    uint64_t rest = (uint64_t)v;
    size_t mark = b->len;
    for (size_t i = 0; i < count; i++) {
        uint64_t bit = (uint64_t)c[i].value;
        if (bit == 0 || (bit & (bit - 1)) != 0 || !(rest & bit))
            continue;
        if ((b->len != mark && rsp_buf_addc(b, '|') != 0) ||
            rsp_buf_adds(b, const_name(t, c[i].name)) != 0)
            return false;
        rest &= ~bit;
    }
    if (rest != 0 || b->len == mark) {
        b->len = mark;
        return false;
    }
    return true;
}

static void load_scalar(struct gort_values *vs, struct vnode *n)
{
    uint8_t buf[16];
    uint64_t size = type_size(vs, n->t);
    if (size == 0 || size > 16) {
        n->unreadable = strf(vs, "invalid size (%llu) for %s", (unsigned long long)size, n->tname);
        return;
    }
    const char *err = read_loc(vs, &n->at, buf, size);
    if (err) {
        n->unreadable = err;
        return;
    }
    struct rsp_buf b;
    rsp_buf_init(&b, 256);
    int rc = 0;
    uint64_t u = size <= 8 ? gomem_le(buf, size) : 0;
    switch (n->kind) {
    case SYM_GO_BOOL:
        rc = gort_fmt_bool(&b, buf[0] != 0);
        break;
    case SYM_GO_INT:
    case SYM_GO_INT8:
    case SYM_GO_INT16:
    case SYM_GO_INT32:
    case SYM_GO_INT64: {
        int64_t s = size == 1   ? (int8_t)u
                    : size == 2 ? (int16_t)u
                    : size == 4 ? (int32_t)u
                                : (int64_t)u;
        rc = gort_fmt_int(&b, s);
        break;
    }
    case SYM_GO_FLOAT32:
    case SYM_GO_FLOAT64:
        if (size == 4) {
            float f;
            memcpy(&f, buf, 4);
            rc = gort_fmt_float(&b, f, 32, 'f');
        } else {
            double d;
            memcpy(&d, buf, 8);
            rc = gort_fmt_float(&b, d, 64, 'f');
        }
        break;
    case SYM_GO_COMPLEX64:
    case SYM_GO_COMPLEX128:
        if (size == 8) {
            float re, im;
            memcpy(&re, buf, 4);
            memcpy(&im, buf + 4, 4);
            rc = gort_fmt_complex(&b, re, im, 32);
        } else {
            double re, im;
            memcpy(&re, buf, 8);
            memcpy(&im, buf + 8, 8);
            rc = gort_fmt_complex(&b, re, im, 64);
        }
        break;
    default: /* the unsigned kinds */
        rc = gort_fmt_uint(&b, u);
        break;
    }
    bool integer = n->kind >= SYM_GO_INT && n->kind <= SYM_GO_UINTPTR;
    if (rc == 0 && integer) {
        struct rsp_buf d;
        rsp_buf_init(&d, 4096);
        int64_t v = n->kind <= SYM_GO_INT64 ? (size == 1   ? (int8_t)u
                                               : size == 2 ? (int16_t)u
                                               : size == 4 ? (int32_t)u
                                                           : (int64_t)u)
                                            : (int64_t)u;
        if (describe(vs, n->t, v, &d) && rsp_buf_addf(&d, " (%.*s)", (int)b.len, b.data) == 0) {
            rsp_buf_reset(&b);
            rc = rsp_buf_add(&b, d.data, d.len);
        }
        rsp_buf_fini(&d);
    }
    if (rc == 0)
        set_value(vs, n, &b);
    rsp_buf_fini(&b);
}

static void load_string(struct gort_values *vs, struct vnode *n, const struct gort_load_config *cfg)
{
    slice_info(vs, n);
    if (n->unreadable)
        return;
    int64_t count = n->len;
    if (count > cfg->max_string_len)
        count = cfg->max_string_len;
    if (count > GORT_VALUE_MAX_STRING)
        count = GORT_VALUE_MAX_STRING;
    if (count < 0)
        count = 0;
    char *p = alloc(vs, (size_t)count + 1);
    if (!p)
        return;
    if (count > 0 && gomem_read(vs->mem, n->base, p, (size_t)count) != 0) {
        n->unreadable = strf(vs, "could not read string at %#llx due to input/output error",
                             (unsigned long long)n->base);
        return;
    }
    n->value = p;
    n->value_len = (size_t)count;
    n->has_value = true;
}

static void load_func(struct gort_values *vs, struct vnode *n)
{
    uint64_t fv, pc;
    const char *err = read_uint(vs, &n->at, 8, &fv);
    if (err) {
        n->unreadable = err;
        return;
    }
    n->has_value = true;
    n->value = "";
    if (fv == 0)
        return;
    struct loc l = {fv, NULL, 0};
    if ((err = read_uint(vs, &l, 8, &pc))) {
        n->unreadable = err;
        return;
    }
    n->base = pc;
    const struct sym_func *fn;
    if (sym_func_by_addr(vs->img, pc, &fn) != 0 || !fn->name) {
        n->unreadable = strf(vs, "could not find function for %#llx", (unsigned long long)pc);
        return;
    }
    n->value = fn->name;
    n->value_len = strlen(fn->name);
}

/* The element type of a chan type (DW_AT_go_elem on the typedef "chan T"). */
static const struct sym_type *chan_elem(struct gort_values *vs, const struct sym_type *t)
{
    for (int i = 0; t && i < 32; i++) {
        if (t->go_elem)
            return type_by_id(vs, t->go_elem);
        if (t->kind != SYM_TYPE_TYPEDEF)
            break;
        t = type_by_id(vs, t->target);
    }
    return NULL;
}

/* A chan, as dlv loads it: its whole runtime.hchan (with dlv's print configuration, whatever the
 * caller's), the buf field shown as a pointer to an array of dataqsiz elements. The one-line form
 * uses the first two fields, qcount and dataqsiz. */
static void load_chan(struct gort_values *vs, struct vnode *n, int depth)
{
    const struct sym_type *pt = n->rt; /* *hchan<T> */
    if (!pt || pt->kind != SYM_TYPE_POINTER) {
        n->unreadable = "bad channel type";
        return;
    }
    uint64_t h;
    const char *err = read_uint(vs, &n->at, 8, &h);
    if (err) {
        n->unreadable = err;
        return;
    }
    n->base = h;
    if (h == 0)
        return;
    const struct sym_type *ht = resolve(vs, type_by_id(vs, pt->target));
    const struct sym_field *fq = field_named(ht, "qcount"), *fd = field_named(ht, "dataqsiz");
    const struct sym_field *fb = field_named(ht, "buf");
    const struct sym_type *elem = chan_elem(vs, n->t);
    if (!fq || !fd || !fb || !elem || ht->nfields < 2 || &ht->fields[0] != fq ||
        &ht->fields[1] != fd) {
        n->unreadable = "bad channel type";
        return;
    }
    struct vnode *hs = node_new(vs, "", ht, (struct loc){h, NULL, 0});
    if (!hs)
        return;
    hs->loaded = true;
    load_struct(vs, hs, 0, &gort_load_print, depth + 1);
    n->kids = hs->kids;
    n->nkids = hs->nkids;
    n->kids_cap = hs->kids_cap;
    n->len = hs->len;
    uint64_t size = 0;
    struct loc dl = {h + fd->offset, NULL, 0};
    if (read_uint(vs, &dl, 8, &size) || size > GORT_VALUE_MAX_ELEMS)
        return; /* buf keeps its unsafe.Pointer form */
    for (size_t i = 0; i < n->nkids; i++) {
        if (strcmp(n->kids[i]->name, "buf") != 0)
            continue;
        struct vnode *p = n->kids[i];
        p->kind = SYM_GO_POINTER;
        p->nkids = 0;
        p->tname = strf(vs, "*[%llu]%s", (unsigned long long)size, elem->name ? elem->name : "");
        uint64_t a = 0;
        if ((err = read_uint(vs, &p->at, 8, &a))) {
            p->unreadable = err;
            break;
        }
        struct vnode *arr = node_new(vs, "", NULL, (struct loc){a, NULL, 0});
        if (!add_kid(vs, p, arr))
            break;
        arr->kind = SYM_GO_ARRAY;
        arr->tname = p->tname + 1;
        arr->elem = elem;
        arr->len = (int64_t)size;
        arr->stride = type_size(vs, elem);
        arr->base = a;
        if (a) {
            arr->loaded = true;
            load_array(vs, arr, 1, &gort_load_print, depth + 2);
        }
        break;
    }
}

static void load(struct gort_values *vs, struct vnode *n, int level,
                 const struct gort_load_config *cfg, int depth)
{
    if (!n || n->unreadable || n->loaded || (!has_loc(&n->at) && n->base == 0) || vs->oom)
        return;
    n->loaded = true;
    if (depth > GORT_VALUE_MAX_DEPTH) {
        n->unreadable = "value nested too deeply";
        return;
    }
    switch (n->kind) {
    case SYM_GO_POINTER:
    case SYM_GO_UNSAFE_POINTER: {
        n->len = 1;
        const struct sym_type *target =
            n->kind == SYM_GO_POINTER && n->rt ? type_by_id(vs, n->rt->target) : NULL;
        struct vnode *k = deref(vs, n, target);
        if (!add_kid(vs, n, k))
            return;
        if (cfg->follow_pointers)
            load(vs, k, level + (k->kind == SYM_GO_INTERFACE), cfg, depth + 1);
        else
            k->only_addr = true;
        break;
    }
    case SYM_GO_CHAN:
        load_chan(vs, n, depth);
        break;
    case SYM_GO_MAP:
        load_map(vs, n, level, cfg, depth);
        break;
    case SYM_GO_STRING:
        load_string(vs, n, cfg);
        break;
    case SYM_GO_SLICE:
        slice_info(vs, n);
        if (!n->unreadable)
            load_array(vs, n, level, cfg, depth);
        break;
    case SYM_GO_ARRAY:
        n->len = n->rt ? n->rt->count : -1;
        n->elem = n->rt ? type_by_id(vs, n->rt->target) : NULL;
        if (!n->elem) {
            n->unreadable = "malformed array type";
            return;
        }
        n->stride = type_size(vs, n->elem);
        n->base = n->at.addr;
        load_array(vs, n, level, cfg, depth);
        break;
    case SYM_GO_STRUCT:
        if (!n->rt || n->rt->kind != SYM_TYPE_STRUCT) {
            n->unreadable = "malformed struct type";
            return;
        }
        load_struct(vs, n, level, cfg, depth);
        break;
    case SYM_GO_INTERFACE:
        load_interface(vs, n, level, cfg, depth);
        break;
    case SYM_GO_FUNC:
        load_func(vs, n);
        break;
    case SYM_GO_BOOL:
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
    case SYM_GO_FLOAT32:
    case SYM_GO_FLOAT64:
    case SYM_GO_COMPLEX64:
    case SYM_GO_COMPLEX128:
        load_scalar(vs, n);
        break;
    default:
        n->unreadable = "unknown or unsupported kind: \"invalid\"";
        break;
    }
}

/* ------------------------------------------------------------------ API */

int gort_values_new(struct sym_image *img, const struct gomem *mem, struct gort_values **out)
{
    struct gort_values *vs = calloc(1, sizeof(*vs));
    if (!vs)
        return -ENOMEM;
    vs->img = img;
    vs->mem = mem;
    *out = vs;
    return 0;
}

void gort_values_free(struct gort_values *vs)
{
    if (!vs)
        return;
    arena_free(vs);
    free(vs->consts);
    free(vs);
}

int gort_value_format(struct gort_values *vs, uint64_t type_id, const struct gort_value_src *src,
                      const struct gort_load_config *cfg, bool multiline, struct rsp_buf *out)
{
    const struct sym_type *t;
    int rc = sym_type_by_id(vs->img, type_id, &t);
    if (rc)
        return rc == -EINVAL ? -ENOENT : rc;
    struct loc at = {src->addr, src->bytes, src->len};
    struct vnode *root = node_new(vs, "", t, at);
    if (root)
        load(vs, root, 0, cfg, 0);
    if (!root || vs->oom) {
        arena_free(vs);
        return -ENOMEM;
    }
    rc = gort_value_print(root, multiline, out);
    arena_free(vs);
    return rc;
}

int gort_type_name(struct gort_values *vs, uint64_t type_id, struct rsp_buf *out)
{
    const struct sym_type *t;
    int rc = sym_type_by_id(vs->img, type_id, &t);
    if (rc)
        return rc == -EINVAL ? -ENOENT : rc;
    return rsp_buf_adds(out, t->name ? t->name : "");
}

struct sym_image *gort_values_image(struct gort_values *vs)
{
    return vs->img;
}

const struct gomem *gort_values_mem(struct gort_values *vs)
{
    return vs->mem;
}

int gort_value_map_lookup(struct gort_values *vs, uint64_t map_type_id,
                          const struct gort_value_src *src, gort_key_match_fn match, void *ctx,
                          uint64_t *val_addr, uint64_t *val_type)
{
    const struct sym_type *t;
    int rc = sym_type_by_id(vs->img, map_type_id, &t);
    if (rc)
        return -ENOENT;
    struct loc at = {src->addr, src->bytes, src->len};
    struct vnode *m = node_new(vs, "", t, at);
    struct map_iter it;
    rc = -ENOENT;
    if (!m || m->kind != SYM_GO_MAP || !map_start(vs, m, &it)) {
        rc = m && m->unreadable ? -EIO : -ENOENT;
        goto out;
    }
    for (int64_t n = 0; n < GORT_VALUE_MAX_ELEMS && map_next(vs, &it); n++) {
        uint64_t i = it.idx - 1;
        if (match(ctx, it.key, it.b + it.fkeys->offset + i * it.kstride)) {
            *val_addr = it.b + it.fvals->offset + i * it.vstride;
            *val_type = it.val ? it.val->id : 0;
            rc = 0;
            goto out;
        }
    }
    if (m->unreadable)
        rc = -EIO;
out:
    arena_free(vs);
    return rc;
}
