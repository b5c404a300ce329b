/* sym/func.c - functions by name and by address over the name index of dwarf.c, and the chain of
 * inlined subroutines at an address, found by walking only the one function's DIE subtree. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/sym/priv.h"

int sym_func_by_name(struct sym_image *img, const char *name, const struct sym_func **out)
{
    int rc = sym_names_load(img);
    if (rc != 0)
        return rc;
    size_t first, end;
    sym_names_equal_range(img, name, &first, &end);
    for (size_t i = first; i < end; i++) {
        if (img->names[i].tag != DW_TAG_subprogram)
            continue;
        /* Abstract (inlined-only) functions are named but have no code: only a DIE found among
         * the concrete functions counts. */
        size_t lo = 0, hi = img->nfuncs;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (img->funcs[img->funcs_by_die[mid]].die < img->names[i].off)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < img->nfuncs && img->funcs[img->funcs_by_die[lo]].die == img->names[i].off) {
            *out = &img->funcs[img->funcs_by_die[lo]];
            return 0;
        }
    }
    return -ENOENT;
}

int sym_func_by_addr(struct sym_image *img, uint64_t addr, const struct sym_func **out)
{
    int rc = sym_names_load(img);
    if (rc != 0)
        return rc;
    size_t lo = 0, hi = img->nfuncs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (img->funcs[mid].lowpc <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || addr >= img->funcs[lo - 1].highpc)
        return -ENOENT;
    *out = &img->funcs[lo - 1];
    return 0;
}

int sym_func_count(struct sym_image *img, size_t *count)
{
    int rc = sym_names_load(img);
    if (rc == 0)
        *count = img->nfuncs;
    return rc;
}

int sym_func_at(struct sym_image *img, size_t index, const struct sym_func **out)
{
    int rc = sym_names_load(img);
    if (rc != 0)
        return rc;
    if (index >= img->nfuncs)
        return -ENOENT;
    *out = &img->funcs[index];
    return 0;
}

/* Descends from DIE (a subprogram, lexical block or inlined subroutine) into the child containing
 * PC, recording inlined subroutines outermost first into CHAIN. */
static int walk_inlines(struct sym_image *img, uint32_t cu, Dwarf_Die die, uint64_t pc,
                        struct sym_inline *chain, size_t max, size_t *n, int depth)
{
    Dwarf_Error err = NULL;
    Dwarf_Die child = NULL;
    if (depth > SYM_MAX_DEPTH)
        return -EINVAL;
    int r = dwarf_child(die, &child, &err);
    if (r == DW_DLV_ERROR)
        return sym_dw_fail(img, err);
    int rc = 0;
    while (r == DW_DLV_OK) {
        Dwarf_Half tag = 0;
        if (dwarf_tag(child, &tag, &err) != DW_DLV_OK) {
            rc = sym_dw_fail(img, err);
            dwarf_dealloc_die(child);
            break;
        }
        bool none = false;
        if ((tag == DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block) &&
            sym_die_has_pc(img, cu, child, pc, &none)) {
            if (tag == DW_TAG_inlined_subroutine) {
                if (*n < max) {
                    struct sym_inline *e = &chain[*n];
                    memset(e, 0, sizeof(*e));
                    e->name = sym_die_name(img, child);
                    Dwarf_Off off = 0;
                    (void)dwarf_dieoffset(child, &off, &err);
                    e->die = off;
                    if (sym_die_range_at(img, cu, child, pc, &e->lowpc, &e->highpc) != 0)
                        e->lowpc = e->highpc = 0;
                    uint64_t file = 0, line = 0;
                    if (sym_die_udata(img, child, DW_AT_call_line, &line) == 0)
                        e->call_line = (uint32_t)line;
                    if (sym_die_udata(img, child, DW_AT_call_file, &file) == 0 &&
                        sym_cu_files(img, cu) == 0)
                        e->call_file = sym_cu_file(&img->cus[cu], file);
                }
                (*n)++;
            }
            rc = walk_inlines(img, cu, child, pc, chain, max, n, depth + 1);
            dwarf_dealloc_die(child);
            break;
        }
        Dwarf_Die next = NULL;
        r = dwarf_siblingof_b(img->dbg, child, 1, &next, &err);
        dwarf_dealloc_die(child);
        if (r == DW_DLV_ERROR)
            return sym_dw_fail(img, err);
        child = next;
    }
    return rc;
}

int sym_inline_chain(struct sym_image *img, uint64_t addr, struct sym_inline *out, size_t max,
                     size_t *count)
{
    const struct sym_func *fn;
    *count = 0;
    int rc = sym_func_by_addr(img, addr, &fn);
    if (rc != 0)
        return rc;
    Dwarf_Die die;
    rc = sym_die_at(img, fn->die, &die);
    if (rc != 0)
        return rc;
    /* The walk records outermost first; the depth is bounded by SYM_MAX_DEPTH. */
    struct sym_inline chain[SYM_MAX_DEPTH + 2];
    size_t n = 0;
    rc = walk_inlines(img, fn->cu, die, addr, chain, SYM_MAX_DEPTH + 2, &n, 0);
    dwarf_dealloc_die(die);
    if (rc != 0)
        return rc;
    if (n > SYM_MAX_DEPTH + 2)
        n = SYM_MAX_DEPTH + 2;
    for (size_t i = 0; i < n && i < max; i++)
        out[i] = chain[n - 1 - i];
    *count = n;
    return 0;
}

static int walk_calls(struct sym_image *img, uint32_t cu, Dwarf_Die die, uint32_t fileno,
                      uint32_t line, void *ctx, sym_addr_cb cb, int depth)
{
    Dwarf_Error err = NULL;
    Dwarf_Die child = NULL;
    if (depth > SYM_MAX_DEPTH)
        return -EINVAL;
    int r = dwarf_child(die, &child, &err);
    if (r == DW_DLV_ERROR)
        return sym_dw_fail(img, err);
    int rc = 0;
    while (r == DW_DLV_OK && rc == 0) {
        Dwarf_Half tag = 0;
        if (dwarf_tag(child, &tag, &err) != DW_DLV_OK) {
            rc = sym_dw_fail(img, err);
        } else if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block) {
            uint64_t f = 0, l = 0, lo;
            if (tag == DW_TAG_inlined_subroutine &&
                sym_die_udata(img, child, DW_AT_call_file, &f) == 0 &&
                sym_die_udata(img, child, DW_AT_call_line, &l) == 0 && f == fileno && l == line &&
                sym_die_low_pc(img, cu, child, &lo) == 0)
                rc = cb(ctx, lo, true);
            if (rc == 0)
                rc = walk_calls(img, cu, child, fileno, line, ctx, cb, depth + 1);
        }
        Dwarf_Die next = NULL;
        r = dwarf_siblingof_b(img->dbg, child, 1, &next, &err);
        if (r == DW_DLV_ERROR) {
            (void)sym_dw_fail(img, err);
            r = DW_DLV_NO_ENTRY;
        }
        dwarf_dealloc_die(child);
        child = next;
    }
    if (child != NULL && r == DW_DLV_OK)
        dwarf_dealloc_die(child);
    return rc;
}

int sym_call_sites(struct sym_image *img, const struct sym_func *fn, uint32_t fileno, uint32_t line,
                   void *ctx, sym_addr_cb cb)
{
    Dwarf_Die die;
    int rc = sym_die_at(img, fn->die, &die);
    if (rc != 0)
        return rc;
    rc = walk_calls(img, fn->cu, die, fileno, line, ctx, cb, 0);
    dwarf_dealloc_die(die);
    return rc;
}

/* ---------------------------------------------------------------- inlined calls by origin */

struct inl_builder {
    size_t cap;
};

static int inl_push(struct sym_image *img, struct inl_builder *b, uint64_t origin, uint64_t lowpc)
{
    if (img->ninl == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        if (cap > SYM_MAX_NAMES)
            return -E2BIG;
        struct sym_inl_call *v = realloc(img->inl, cap * sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        img->inl = v;
        b->cap = cap;
    }
    img->inl[img->ninl].origin = origin;
    img->inl[img->ninl].lowpc = lowpc;
    img->ninl++;
    return 0;
}

static int walk_inl_index(struct sym_image *img, struct inl_builder *b, uint32_t cu, Dwarf_Die die,
                          int depth)
{
    Dwarf_Error err = NULL;
    Dwarf_Die child = NULL;
    if (depth > SYM_MAX_DEPTH)
        return -EINVAL;
    int r = dwarf_child(die, &child, &err);
    if (r == DW_DLV_ERROR)
        return sym_dw_fail(img, err);
    int rc = 0;
    while (r == DW_DLV_OK && rc == 0) {
        Dwarf_Half tag = 0;
        if (dwarf_tag(child, &tag, &err) != DW_DLV_OK) {
            rc = sym_dw_fail(img, err);
        } else if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block) {
            Dwarf_Off origin;
            uint64_t lo;
            if (tag == DW_TAG_inlined_subroutine &&
                sym_die_ref(img, child, DW_AT_abstract_origin, &origin) == 0 &&
                sym_die_low_pc(img, cu, child, &lo) == 0)
                rc = inl_push(img, b, origin, lo);
            if (rc == 0)
                rc = walk_inl_index(img, b, cu, child, depth + 1);
        }
        Dwarf_Die next = NULL;
        r = dwarf_siblingof_b(img->dbg, child, 1, &next, &err);
        if (r == DW_DLV_ERROR) {
            (void)sym_dw_fail(img, err);
            r = DW_DLV_NO_ENTRY;
        }
        dwarf_dealloc_die(child);
        child = next;
    }
    if (child != NULL && r == DW_DLV_OK)
        dwarf_dealloc_die(child);
    return rc;
}

static int cmp_inl(const void *a, const void *b)
{
    const struct sym_inl_call *x = a, *y = b;
    if (x->origin != y->origin)
        return x->origin < y->origin ? -1 : 1;
    return x->lowpc < y->lowpc ? -1 : x->lowpc > y->lowpc;
}

static int load_inl(struct sym_image *img)
{
    int rc = sym_names_load(img);
    if (rc != 0)
        return rc;
    struct inl_builder b = {0};
    for (size_t i = 0; i < img->nfuncs && rc == 0; i++) {
        Dwarf_Die die;
        if (sym_die_at(img, img->funcs[i].die, &die) != 0)
            continue;
        rc = walk_inl_index(img, &b, img->funcs[i].cu, die, 0);
        dwarf_dealloc_die(die);
        if (rc == -EINVAL)
            rc = 0; /* one malformed function does not hide the others */
    }
    if (rc == -E2BIG)
        rc = 0;
    if (rc == 0 && img->ninl > 0)
        qsort(img->inl, img->ninl, sizeof(*img->inl), cmp_inl);
    return rc;
}

static int cmp_addr(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int sym_func_locations(struct sym_image *img, const char *name, uint64_t *addrs, size_t max,
                       size_t *count)
{
    int rc = sym_names_load(img);
    *count = 0;
    if (rc != 0)
        return rc;
    if (!img->inl_tried) {
        img->inl_tried = true;
        img->inl_err = load_inl(img);
    }
    if (img->inl_err != 0)
        return img->inl_err;
    uint64_t found[64];
    size_t n = 0;
    const struct sym_func *fn;
    uint64_t body;
    if (sym_func_by_name(img, name, &fn) == 0 && sym_func_body_addr(img, fn->lowpc, &body) == 0)
        found[n++] = body;
    size_t first, end;
    sym_names_equal_range(img, name, &first, &end);
    for (size_t i = first; i < end; i++) {
        if (img->names[i].tag != DW_TAG_subprogram)
            continue;
        uint64_t origin = img->names[i].off;
        size_t lo = 0, hi = img->ninl;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (img->inl[mid].origin < origin)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (; lo < img->ninl && img->inl[lo].origin == origin; lo++) {
            if (n < sizeof(found) / sizeof(found[0]))
                found[n] = img->inl[lo].lowpc;
            n++;
        }
    }
    if (n == 0)
        return -ENOENT;
    size_t w = n < sizeof(found) / sizeof(found[0]) ? n : sizeof(found) / sizeof(found[0]);
    qsort(found, w, sizeof(found[0]), cmp_addr);
    size_t u = 0;
    for (size_t i = 0; i < w; i++)
        if (u == 0 || found[u - 1] != found[i])
            found[u++] = found[i];
    for (size_t i = 0; i < u && i < max; i++)
        addrs[i] = found[i];
    *count = u + (n - w);
    return 0;
}
