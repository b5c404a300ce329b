/* sym/var.c - parameters and locals of one function: a walk of its DIE subtree (lexical blocks
 * included, inlined bodies not), with each variable's location chosen for a pc from its single
 * expression or from its DWARF 2-4 .debug_loc list, which is parsed here directly (bounded by the
 * section) so that the raw expression bytes can be handed out. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/sym/priv.h"
#include "frontend/sym/var.h"

/* Attribute lookups that fall back to the abstract origin (concrete copies of inlined functions
 * carry only their location and point at the abstract DIE for the rest). */
static int origin_die(struct sym_image *img, Dwarf_Die die, Dwarf_Die *out)
{
    Dwarf_Off off;
    int rc = sym_die_ref(img, die, DW_AT_abstract_origin, &off);
    return rc != 0 ? rc : sym_die_at(img, off, out);
}

static uint64_t attr_udata_o(struct sym_image *img, Dwarf_Die die, Dwarf_Die origin, Dwarf_Half at)
{
    uint64_t v;
    if (sym_die_udata(img, die, at, &v) == 0)
        return v;
    if (origin != NULL && sym_die_udata(img, origin, at, &v) == 0)
        return v;
    return 0;
}

static uint64_t attr_ref_o(struct sym_image *img, Dwarf_Die die, Dwarf_Die origin, Dwarf_Half at)
{
    Dwarf_Off v;
    if (sym_die_ref(img, die, at, &v) == 0)
        return v;
    if (origin != NULL && sym_die_ref(img, origin, at, &v) == 0)
        return v;
    return 0;
}

static bool attr_flag_o(struct sym_image *img, Dwarf_Die die, Dwarf_Die origin, Dwarf_Half at)
{
    bool v = false;
    if (sym_die_flag(img, die, at, &v) == 0)
        return v;
    if (origin != NULL && sym_die_flag(img, origin, at, &v) == 0)
        return v;
    return false;
}

struct pick_ctx {
    uint64_t pc;
    const struct sym_loc_entry *found;
    struct sym_loc_entry e;
};

static int pick_cb(const struct sym_loc_entry *e, void *ctx)
{
    struct pick_ctx *pk = ctx;
    if (pk->pc == 0 || (pk->pc >= e->lo && pk->pc < e->hi)) {
        pk->e = *e;
        pk->found = &pk->e;
        return 1;
    }
    return 0;
}

/* The location of DIE for PC: sets v->expr (NULL when none covers PC) and v->has_loclist. */
static int var_location(struct sym_image *img, uint32_t cu, Dwarf_Die die, uint64_t pc,
                        struct sym_var *v)
{
    const uint8_t *e;
    size_t len;
    int rc = sym_die_exprloc(img, die, DW_AT_location, &e, &len);
    if (rc == 0) {
        v->expr = e;
        v->expr_len = len;
        return 0;
    }
    if (rc != -ENOTSUP)
        return rc == -ENOENT ? 0 : rc;
    uint64_t off;
    rc = sym_die_list_off(img, die, DW_AT_location, &off);
    if (rc == -ENOTSUP)
        return 0; /* a loclistx index: treated as no location */
    if (rc != 0)
        return -EINVAL;
    v->has_loclist = true;
    struct pick_ctx pk = {pc, NULL, {0, 0, NULL, 0}};
    rc = sym_loclist_walk(img, img->cus[cu].version, img->cus[cu].base, off, pick_cb, &pk);
    if (rc == -ENOTSUP)
        return 0; /* a list we do not read (split DWARF): no location, the rest still answers */
    if (rc < 0)
        return rc;
    if (pk.found != NULL) {
        v->expr = pk.found->expr;
        v->expr_len = pk.found->expr_len;
    }
    return 0;
}

struct var_walk {
    struct sym_var *v;
    size_t n, cap;
    uint64_t pc;
    uint32_t cu;
};

static int add_var(struct sym_image *img, struct var_walk *w, Dwarf_Die die, Dwarf_Half tag,
                   uint32_t depth, uint64_t lo, uint64_t hi)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 16;
        if (cap > SYM_MAX_VARS)
            return -EINVAL;
        struct sym_var *nv = realloc(w->v, cap * sizeof(*nv));
        if (nv == NULL)
            return -ENOMEM;
        w->v = nv;
        w->cap = cap;
    }
    struct sym_var *v = &w->v[w->n];
    memset(v, 0, sizeof(*v));
    Dwarf_Die origin = NULL;
    if (origin_die(img, die, &origin) != 0)
        origin = NULL;
    v->name = sym_die_name(img, die);
    v->type = attr_ref_o(img, die, origin, DW_AT_type);
    v->is_param = tag == DW_TAG_formal_parameter;
    v->is_return = attr_flag_o(img, die, origin, DW_AT_variable_parameter);
    uint64_t line = attr_udata_o(img, die, origin, DW_AT_decl_line);
    v->decl_line = line > UINT32_MAX ? 0 : (uint32_t)line;
    v->depth = depth;
    v->scope_lo = lo;
    v->scope_hi = hi;
    Dwarf_Off off = 0;
    Dwarf_Error err = NULL;
    if (dwarf_dieoffset(die, &off, &err) != DW_DLV_OK)
        (void)sym_dw_fail(img, err);
    v->die = off;
    if (origin != NULL)
        dwarf_dealloc_die(origin);
    if (v->name == NULL)
        return 0; /* nameless: skip */
    int rc = var_location(img, w->cu, die, w->pc, v);
    if (rc != 0)
        return rc;
    w->n++;
    return 0;
}

/* The pc range of a block for sym_var.scope_*: low/high, else the DW_AT_ranges entry containing pc
 * (the first one when pc is 0). */
static void block_range(struct sym_image *img, uint32_t cu, Dwarf_Die die, uint64_t pc,
                        uint64_t *lo, uint64_t *hi)
{
    if (sym_die_range_at(img, cu, die, pc, lo, hi) != 0)
        *lo = *hi = 0;
}

static int walk_scope(struct sym_image *img, struct var_walk *w, Dwarf_Die die, uint32_t depth,
                      uint64_t lo, uint64_t hi)
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
        } else if (tag == DW_TAG_formal_parameter || tag == DW_TAG_variable) {
            rc = add_var(img, w, child, tag, depth, lo, hi);
        } else if (tag == DW_TAG_lexical_block) {
            bool none;
            if (w->pc == 0 || sym_die_has_pc(img, w->cu, child, w->pc, &none)) {
                uint64_t blo, bhi;
                block_range(img, w->cu, child, w->pc, &blo, &bhi);
                rc = walk_scope(img, w, child, depth + 1, blo, bhi);
            }
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

static int scope_vars(struct sym_image *img, uint64_t die_off, uint32_t cu, uint64_t pc,
                      struct sym_var **vars, size_t *count)
{
    Dwarf_Die die;
    *vars = NULL;
    *count = 0;
    int rc = sym_die_at(img, die_off, &die);
    if (rc != 0)
        return rc;
    struct var_walk w = {NULL, 0, 0, pc, cu};
    rc = walk_scope(img, &w, die, 0, 0, 0);
    dwarf_dealloc_die(die);
    if (rc != 0) {
        free(w.v);
        return rc;
    }
    *vars = w.v;
    *count = w.n;
    return 0;
}

int sym_func_vars(struct sym_image *img, const struct sym_func *fn, uint64_t pc,
                  struct sym_var **vars, size_t *count)
{
    return scope_vars(img, fn->die, fn->cu, pc, vars, count);
}

int sym_inline_vars(struct sym_image *img, const struct sym_inline *in, uint64_t pc,
                    struct sym_var **vars, size_t *count)
{
    uint32_t cu;
    *vars = NULL;
    *count = 0;
    int rc = sym_cu_by_off(img, in->die, &cu);
    return rc != 0 ? rc : scope_vars(img, in->die, cu, pc, vars, count);
}

int sym_func_frame_base(struct sym_image *img, const struct sym_func *fn, const uint8_t **expr,
                        size_t *len)
{
    Dwarf_Die die;
    int rc = sym_die_at(img, fn->die, &die);
    if (rc != 0)
        return rc;
    rc = sym_die_exprloc(img, die, DW_AT_frame_base, expr, len);
    dwarf_dealloc_die(die);
    return rc == -ENOTSUP ? -ENOENT : rc;
}

struct list_ctx {
    struct sym_loc_entry *out;
    size_t max, n;
};

static int list_cb(const struct sym_loc_entry *e, void *ctx)
{
    struct list_ctx *l = ctx;
    if (l->n < l->max)
        l->out[l->n] = *e;
    l->n++;
    return 0;
}

int sym_var_locations(struct sym_image *img, const struct sym_var *v, struct sym_loc_entry *out,
                      size_t max, size_t *count)
{
    Dwarf_Die die;
    uint32_t cu;
    *count = 0;
    int rc = sym_die_at(img, v->die, &die);
    if (rc != 0)
        return rc;
    const uint8_t *e;
    size_t len;
    uint64_t off;
    rc = sym_die_exprloc(img, die, DW_AT_location, &e, &len);
    if (rc == 0) {
        if (max > 0) {
            out[0].lo = 0;
            out[0].hi = UINT64_MAX;
            out[0].expr = e;
            out[0].expr_len = len;
        }
        *count = 1;
    } else if (rc == -ENOTSUP && sym_die_list_off(img, die, DW_AT_location, &off) == 0 &&
               sym_cu_by_off(img, v->die, &cu) == 0) {
        struct list_ctx l = {out, max, 0};
        rc = sym_loclist_walk(img, img->cus[cu].version, img->cus[cu].base, off, list_cb, &l);
        *count = l.n;
    }
    dwarf_dealloc_die(die);
    return rc;
}
