/* sym/lists.c - DWARF range lists and location lists, read straight from the section bytes so that
 * expression bytes can be handed out and every read is bounded by the section: DWARF 2-4
 * .debug_ranges and .debug_loc (Go's own units), DWARF 5 .debug_rnglists and .debug_loclists (the
 * gcc-compiled units of a cgo binary). Entries that index .debug_addr (split DWARF) are refused
 * with -ENOTSUP rather than guessed. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/sym/priv.h"
#include "frontend/sym/var.h"

#define MAX_ENTRIES 1000000

struct cursor {
    const uint8_t *p, *end;
};

static int rd_addr(struct cursor *c, size_t w, uint64_t *v)
{
    if ((size_t)(c->end - c->p) < w)
        return -EINVAL;
    uint64_t x = 0;
    for (size_t k = 0; k < w; k++)
        x |= (uint64_t)c->p[k] << (8 * k);
    c->p += w;
    *v = x;
    return 0;
}

static int rd_uleb(struct cursor *c, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; c->p < c->end; shift += 7) {
        uint8_t b = *c->p++;
        if (shift < 64)
            x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return 0;
        }
        if (shift > 70)
            return -EINVAL;
    }
    return -EINVAL;
}

/* The loaded section NAME with the cursor at OFF. */
static int open_list(struct sym_image *img, const char *name, uint64_t off, struct cursor *c)
{
    struct sym_sec *s = (struct sym_sec *)sym_sec_by_name(img, name);
    if (s == NULL)
        return -ENOENT;
    int rc = sym_sec_load(img, s);
    if (rc != 0)
        return rc;
    if (off >= s->pub.size)
        return -EINVAL;
    c->p = s->data + off;
    c->end = s->data + s->pub.size;
    return 0;
}

struct range_vec {
    struct sym_range *v;
    size_t n, cap;
};

static int range_push(struct range_vec *r, uint64_t lo, uint64_t hi)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8;
        if (cap > MAX_ENTRIES)
            return -EINVAL;
        struct sym_range *v = realloc(r->v, cap * sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        r->v = v;
        r->cap = cap;
    }
    r->v[r->n].lo = lo;
    r->v[r->n].hi = hi;
    r->n++;
    return 0;
}

/* DWARF 2-4: pairs of addresses relative to the base; (0, 0) ends; (max, X) sets the base to X. */
static int ranges_v4(struct cursor *c, size_t w, uint64_t base, struct range_vec *r)
{
    uint64_t maxaddr = w == 8 ? UINT64_MAX : UINT32_MAX;
    for (unsigned n = 0; n < MAX_ENTRIES; n++) {
        uint64_t a, b;
        int rc;
        if ((rc = rd_addr(c, w, &a)) != 0 || (rc = rd_addr(c, w, &b)) != 0)
            return rc;
        if (a == 0 && b == 0)
            return 0;
        if (a == maxaddr) {
            base = b;
            continue;
        }
        if ((rc = range_push(r, base + a, base + b)) != 0)
            return rc;
    }
    return -EINVAL;
}

/* DWARF 5 section 2.17.3 and 7.25: DW_RLE_* entries. */
static int ranges_v5(struct cursor *c, size_t w, uint64_t base, struct range_vec *r)
{
    for (unsigned n = 0; n < MAX_ENTRIES; n++) {
        if (c->p >= c->end)
            return -EINVAL;
        uint8_t kind = *c->p++;
        uint64_t a = 0, b = 0;
        int rc = 0;
        switch (kind) {
        case DW_RLE_end_of_list:
            return 0;
        case DW_RLE_base_address:
            rc = rd_addr(c, w, &base);
            break;
        case DW_RLE_offset_pair:
            if ((rc = rd_uleb(c, &a)) == 0 && (rc = rd_uleb(c, &b)) == 0)
                rc = range_push(r, base + a, base + b);
            break;
        case DW_RLE_start_end:
            if ((rc = rd_addr(c, w, &a)) == 0 && (rc = rd_addr(c, w, &b)) == 0)
                rc = range_push(r, a, b);
            break;
        case DW_RLE_start_length:
            if ((rc = rd_addr(c, w, &a)) == 0 && (rc = rd_uleb(c, &b)) == 0)
                rc = range_push(r, a, a + b);
            break;
        case DW_RLE_base_addressx:
        case DW_RLE_startx_endx:
        case DW_RLE_startx_length:
            return -ENOTSUP; /* needs .debug_addr */
        default:
            return -EINVAL;
        }
        if (rc != 0)
            return rc;
    }
    return -EINVAL;
}

int sym_ranges_read(struct sym_image *img, unsigned version, uint64_t base, uint64_t off,
                    struct sym_range **out, size_t *count)
{
    struct cursor c;
    struct range_vec r = {NULL, 0, 0};
    *out = NULL;
    *count = 0;
    int rc = open_list(img, version >= 5 ? ".debug_rnglists" : ".debug_ranges", off, &c);
    if (rc == 0)
        rc = version >= 5 ? ranges_v5(&c, img->ptr_size, base, &r)
                          : ranges_v4(&c, img->ptr_size, base, &r);
    if (rc != 0) {
        free(r.v);
        return rc;
    }
    *out = r.v;
    *count = r.n;
    return 0;
}

/* DWARF 2-4 .debug_loc: address pairs as in .debug_ranges, each followed by a 2-byte length and
 * the expression. */
static int loc_v4(struct cursor *c, size_t w, uint64_t base, sym_loc_cb cb, void *ctx)
{
    uint64_t maxaddr = w == 8 ? UINT64_MAX : UINT32_MAX;
    for (unsigned n = 0; n < MAX_ENTRIES; n++) {
        uint64_t a, b, len;
        int rc;
        if ((rc = rd_addr(c, w, &a)) != 0 || (rc = rd_addr(c, w, &b)) != 0)
            return rc;
        if (a == 0 && b == 0)
            return 0;
        if (a == maxaddr) {
            base = b;
            continue;
        }
        if ((rc = rd_addr(c, 2, &len)) != 0)
            return rc;
        if ((uint64_t)(c->end - c->p) < len)
            return -EINVAL;
        struct sym_loc_entry e = {base + a, base + b, c->p, (size_t)len};
        c->p += len;
        if (cb(&e, ctx) != 0)
            return 1;
    }
    return -EINVAL;
}

/* DWARF 5 section 2.6.2 and 7.29: DW_LLE_* entries, expressions counted by a ULEB. */
static int loc_v5(struct cursor *c, size_t w, uint64_t base, sym_loc_cb cb, void *ctx)
{
    for (unsigned n = 0; n < MAX_ENTRIES; n++) {
        if (c->p >= c->end)
            return -EINVAL;
        uint8_t kind = *c->p++;
        uint64_t a = 0, b = 0, len;
        int rc = 0;
        struct sym_loc_entry e;
        switch (kind) {
        case DW_LLE_end_of_list:
            return 0;
        case DW_LLE_base_address:
            if ((rc = rd_addr(c, w, &base)) != 0)
                return rc;
            continue;
        case DW_LLE_offset_pair:
            if ((rc = rd_uleb(c, &a)) != 0 || (rc = rd_uleb(c, &b)) != 0)
                return rc;
            e.lo = base + a;
            e.hi = base + b;
            break;
        case DW_LLE_start_end:
            if ((rc = rd_addr(c, w, &a)) != 0 || (rc = rd_addr(c, w, &b)) != 0)
                return rc;
            e.lo = a;
            e.hi = b;
            break;
        case DW_LLE_start_length:
            if ((rc = rd_addr(c, w, &a)) != 0 || (rc = rd_uleb(c, &b)) != 0)
                return rc;
            e.lo = a;
            e.hi = a + b;
            break;
        case DW_LLE_default_location:
            e.lo = 0;
            e.hi = UINT64_MAX;
            break;
        case DW_LLE_base_addressx:
        case DW_LLE_startx_endx:
        case DW_LLE_startx_length:
            return -ENOTSUP; /* needs .debug_addr */
        default:
            return -EINVAL;
        }
        if ((rc = rd_uleb(c, &len)) != 0)
            return rc;
        if ((uint64_t)(c->end - c->p) < len)
            return -EINVAL;
        e.expr = c->p;
        e.expr_len = (size_t)len;
        c->p += len;
        if (cb(&e, ctx) != 0)
            return 1;
    }
    return -EINVAL;
}

int sym_loclist_walk(struct sym_image *img, unsigned version, uint64_t base, uint64_t off,
                     sym_loc_cb cb, void *ctx)
{
    struct cursor c;
    int rc = open_list(img, version >= 5 ? ".debug_loclists" : ".debug_loc", off, &c);
    if (rc != 0)
        return rc;
    return version >= 5 ? loc_v5(&c, img->ptr_size, base, cb, ctx)
                        : loc_v4(&c, img->ptr_size, base, cb, ctx);
}
