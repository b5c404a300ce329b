/* sym/type.c - Go types from DWARF, decoded on first use and cached by DIE offset (the cache owns
 * them until sym_image_free), plus package constants and package variables through the name index.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/sym/priv.h"

#define MAX_FIELDS 100000

static struct sym_type *cache_get(const struct sym_image *img, uint64_t id)
{
    if (img->tcache_cap == 0)
        return NULL;
    for (size_t i = (id * 0x9e3779b97f4a7c15ull) & (img->tcache_cap - 1);;
         i = (i + 1) & (img->tcache_cap - 1)) {
        if (img->tcache[i].type == NULL)
            return NULL;
        if (img->tcache[i].off == id)
            return img->tcache[i].type;
    }
}

static int cache_put(struct sym_image *img, struct sym_type *t)
{
    if ((img->tcache_n + 1) * 2 > img->tcache_cap) {
        size_t cap = img->tcache_cap ? img->tcache_cap * 2 : 256;
        struct sym_tcache_slot *v = calloc(cap, sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        for (size_t k = 0; k < img->tcache_cap; k++) {
            struct sym_type *old = img->tcache[k].type;
            if (old == NULL)
                continue;
            size_t i = (old->id * 0x9e3779b97f4a7c15ull) & (cap - 1);
            while (v[i].type != NULL)
                i = (i + 1) & (cap - 1);
            v[i].off = old->id;
            v[i].type = old;
        }
        free(img->tcache);
        img->tcache = v;
        img->tcache_cap = cap;
    }
    size_t i = (t->id * 0x9e3779b97f4a7c15ull) & (img->tcache_cap - 1);
    while (img->tcache[i].type != NULL)
        i = (i + 1) & (img->tcache_cap - 1);
    img->tcache[i].off = t->id;
    img->tcache[i].type = t;
    img->tcache_n++;
    return 0;
}

/* DW_AT_data_member_location: a constant, or (DWARF 2 style) DW_OP_plus_uconst ULEB. */
static int member_offset(struct sym_image *img, Dwarf_Die die, uint64_t *off)
{
    if (sym_die_udata(img, die, DW_AT_data_member_location, off) == 0)
        return 0;
    const uint8_t *e;
    size_t len;
    if (sym_die_exprloc(img, die, DW_AT_data_member_location, &e, &len) != 0 || len < 2 ||
        e[0] != DW_OP_plus_uconst)
        return -EINVAL;
    uint64_t v = 0;
    unsigned shift = 0;
    for (size_t i = 1; i < len && shift < 64; i++, shift += 7) {
        v |= (uint64_t)(e[i] & 0x7f) << shift;
        if (!(e[i] & 0x80)) {
            *off = v;
            return 0;
        }
    }
    return -EINVAL;
}

/* Reads the children of a struct or subroutine type into T. */
static int read_children(struct sym_image *img, Dwarf_Die die, struct sym_type *t)
{
    Dwarf_Error err = NULL;
    Dwarf_Die child = NULL;
    size_t cap = 0;
    int r = dwarf_child(die, &child, &err);
    if (r == DW_DLV_ERROR)
        return sym_dw_fail(img, err);
    int rc = 0;
    struct sym_field *fields = NULL;
    uint64_t *params = NULL;
    size_t n = 0;
    while (r == DW_DLV_OK && rc == 0) {
        Dwarf_Half tag = 0;
        if (dwarf_tag(child, &tag, &err) != DW_DLV_OK) {
            rc = sym_dw_fail(img, err);
        } else if ((t->kind == SYM_TYPE_STRUCT && tag == DW_TAG_member) ||
                   (t->kind == SYM_TYPE_FUNC && tag == DW_TAG_formal_parameter) ||
                   (t->kind == SYM_TYPE_ARRAY && tag == DW_TAG_subrange_type)) {
            Dwarf_Off ref = 0;
            if (tag == DW_TAG_subrange_type) {
                uint64_t c;
                int64_t ub;
                if (sym_die_udata(img, child, DW_AT_count, &c) == 0 && c <= INT64_MAX)
                    t->count = (int64_t)c;
                else if (sym_die_sdata(img, child, DW_AT_upper_bound, &ub) == 0 && ub >= -1 &&
                         ub < INT64_MAX)
                    t->count = ub + 1;
            } else if (n == cap) {
                cap = cap ? cap * 2 : 8;
                if (cap > MAX_FIELDS) {
                    rc = -EINVAL;
                } else if (t->kind == SYM_TYPE_STRUCT) {
                    struct sym_field *v = realloc(fields, cap * sizeof(*v));
                    rc = v ? 0 : -ENOMEM;
                    if (v)
                        fields = v;
                } else {
                    uint64_t *v = realloc(params, cap * sizeof(*v));
                    rc = v ? 0 : -ENOMEM;
                    if (v)
                        params = v;
                }
            }
            if (rc == 0 && tag != DW_TAG_subrange_type) {
                if (sym_die_ref(img, child, DW_AT_type, &ref) != 0)
                    ref = 0;
                if (t->kind == SYM_TYPE_STRUCT) {
                    struct sym_field *f = &fields[n];
                    memset(f, 0, sizeof(*f));
                    f->name = sym_die_name(img, child);
                    if (f->name == NULL)
                        f->name = "";
                    f->type = ref;
                    if (member_offset(img, child, &f->offset) != 0)
                        f->offset = 0;
                    bool emb = false;
                    if (sym_die_flag(img, child, SYM_DW_AT_GO_EMBEDDED_FIELD, &emb) == 0)
                        f->embedded = emb;
                } else {
                    params[n] = ref;
                }
                n++;
            }
        }
        Dwarf_Die next = NULL;
        r = dwarf_siblingof_b(img->dbg, child, 1, &next, &err);
        if (r == DW_DLV_ERROR)
            rc = sym_dw_fail(img, err);
        dwarf_dealloc_die(child);
        child = next;
    }
    if (r == DW_DLV_OK && child != NULL)
        dwarf_dealloc_die(child);
    if (t->kind == SYM_TYPE_STRUCT) {
        t->fields = fields;
        t->nfields = n;
        free(params);
    } else {
        t->params = params;
        t->nparams = n;
        free(fields);
    }
    return rc;
}

/* DW_AT_go_runtime_type: DW_FORM_addr (the offset of the runtime._type from moduledata.types, as
 * Go 1.19's linker writes it) or a constant. */
static uint64_t runtime_type(struct sym_image *img, Dwarf_Die die)
{
    Dwarf_Attribute attr;
    Dwarf_Error err = NULL;
    Dwarf_Addr a;
    uint64_t v = 0;
    if (dwarf_attr(die, SYM_DW_AT_GO_RUNTIME_TYPE, &attr, &err) != DW_DLV_OK) {
        (void)sym_dw_fail(img, err);
        return 0;
    }
    if (dwarf_formaddr(attr, &a, &err) == DW_DLV_OK) {
        v = a;
    } else {
        (void)sym_dw_fail(img, err);
        dwarf_dealloc_attribute(attr);
        return sym_die_udata(img, die, SYM_DW_AT_GO_RUNTIME_TYPE, &v) == 0 ? v : 0;
    }
    dwarf_dealloc_attribute(attr);
    return v;
}

static int decode_type(struct sym_image *img, uint64_t id, struct sym_type **out)
{
    Dwarf_Die die;
    Dwarf_Error err = NULL;
    Dwarf_Half tag;
    int rc = sym_die_at(img, id, &die);
    if (rc != 0)
        return rc;
    if (dwarf_tag(die, &tag, &err) != DW_DLV_OK) {
        rc = sym_dw_fail(img, err);
        goto out;
    }
    struct sym_type *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    t->id = id;
    t->count = -1;
    switch (tag) {
    case DW_TAG_base_type:
        t->kind = SYM_TYPE_BASE;
        break;
    case DW_TAG_pointer_type:
        t->kind = SYM_TYPE_POINTER;
        break;
    case DW_TAG_structure_type:
        t->kind = SYM_TYPE_STRUCT;
        break;
    case DW_TAG_array_type:
        t->kind = SYM_TYPE_ARRAY;
        break;
    case DW_TAG_typedef:
        t->kind = SYM_TYPE_TYPEDEF;
        break;
    case DW_TAG_subroutine_type:
        t->kind = SYM_TYPE_FUNC;
        break;
    case DW_TAG_unspecified_type:
        t->kind = SYM_TYPE_UNSPECIFIED;
        break;
    case DW_TAG_union_type:
    case DW_TAG_enumeration_type:
    case DW_TAG_const_type:
    case DW_TAG_volatile_type:
        t->kind = SYM_TYPE_OTHER;
        break;
    default:
        free(t);
        rc = -EINVAL;
        goto out;
    }
    t->name = sym_die_name(img, die);
    Dwarf_Off ref;
    uint64_t u;
    if (sym_die_udata(img, die, DW_AT_byte_size, &u) == 0)
        t->size = u;
    else if (t->kind == SYM_TYPE_POINTER)
        t->size = img->ptr_size;
    if (sym_die_udata(img, die, SYM_DW_AT_GO_KIND, &u) == 0 && u < 256)
        t->go_kind = (unsigned)u;
    if (sym_die_ref(img, die, DW_AT_type, &ref) == 0)
        t->target = ref;
    if (sym_die_ref(img, die, SYM_DW_AT_GO_ELEM, &ref) == 0)
        t->go_elem = ref;
    if (sym_die_ref(img, die, SYM_DW_AT_GO_KEY, &ref) == 0)
        t->go_key = ref;
    if (sym_die_udata(img, die, DW_AT_encoding, &u) == 0 && u < 256)
        t->encoding = (unsigned)u;
    t->runtime_type = runtime_type(img, die);
    if (t->kind == SYM_TYPE_STRUCT || t->kind == SYM_TYPE_FUNC || t->kind == SYM_TYPE_ARRAY)
        rc = read_children(img, die, t);
    if (rc == 0)
        rc = cache_put(img, t);
    if (rc != 0) {
        free((void *)t->fields);
        free((void *)t->params);
        free(t);
    } else {
        *out = t;
    }
out:
    dwarf_dealloc_die(die);
    return rc;
}

int sym_type_by_id(struct sym_image *img, uint64_t id, const struct sym_type **out)
{
    int rc = sym_dwarf_load(img);
    if (rc != 0)
        return rc;
    if (id == 0)
        return -ENOENT;
    struct sym_type *t = cache_get(img, id);
    if (t == NULL) {
        rc = decode_type(img, id, &t);
        if (rc != 0)
            return rc;
    }
    *out = t;
    return 0;
}

static bool is_type_tag(uint16_t tag)
{
    return tag == DW_TAG_base_type || tag == DW_TAG_pointer_type || tag == DW_TAG_structure_type ||
           tag == DW_TAG_array_type || tag == DW_TAG_typedef || tag == DW_TAG_subroutine_type ||
           tag == DW_TAG_unspecified_type;
}

int sym_type_by_name(struct sym_image *img, const char *name, const struct sym_type **out)
{
    int rc = sym_names_load(img);
    if (rc != 0)
        return rc;
    size_t first, end, pick = SIZE_MAX;
    sym_names_equal_range(img, name, &first, &end);
    for (size_t i = first; i < end; i++) {
        if (!is_type_tag(img->names[i].tag))
            continue;
        if (pick == SIZE_MAX ||
            (img->names[pick].tag == DW_TAG_typedef && img->names[i].tag != DW_TAG_typedef))
            pick = i;
    }
    if (pick == SIZE_MAX)
        return -ENOENT;
    return sym_type_by_id(img, img->names[pick].off, out);
}

static int cmp_rt(const void *a, const void *b)
{
    const struct sym_rt_entry *x = a, *y = b;
    if (x->rt != y->rt)
        return x->rt < y->rt ? -1 : 1;
    /* A type and a typedef with one descriptor: the type first. */
    if (x->typedef_ != y->typedef_)
        return x->typedef_ ? 1 : -1;
    return x->die < y->die ? -1 : x->die > y->die;
}

static int load_rt(struct sym_image *img)
{
    int rc = sym_names_load(img);
    if (rc != 0)
        return rc;
    size_t cap = 0;
    for (size_t i = 0; i < img->nnames; i++) {
        /* Typedefs too: maps, chans and interfaces are typedefs carrying their descriptor. */
        if (!is_type_tag(img->names[i].tag))
            continue;
        Dwarf_Die die;
        if (sym_die_at(img, img->names[i].off, &die) != 0)
            continue;
        uint64_t rt = runtime_type(img, die);
        dwarf_dealloc_die(die);
        if (rt == 0) /* absent: the linker writes 0 for types without a descriptor */
            continue;
        if (img->nrt == cap) {
            cap = cap ? cap * 2 : 1024;
            if (cap > SYM_MAX_NAMES)
                return -E2BIG;
            struct sym_rt_entry *v = realloc(img->rt, cap * sizeof(*v));
            if (v == NULL)
                return -ENOMEM;
            img->rt = v;
        }
        img->rt[img->nrt].rt = rt;
        img->rt[img->nrt].die = img->names[i].off;
        img->rt[img->nrt].typedef_ = img->names[i].tag == DW_TAG_typedef;
        img->nrt++;
    }
    if (img->nrt > 0)
        qsort(img->rt, img->nrt, sizeof(*img->rt), cmp_rt);
    return 0;
}

int sym_type_by_runtime_type(struct sym_image *img, uint64_t rt, const struct sym_type **out)
{
    if (!img->rt_tried) {
        img->rt_tried = true;
        img->rt_err = load_rt(img);
    }
    if (img->rt_err != 0)
        return img->rt_err;
    size_t lo = 0, hi = img->nrt;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (img->rt[mid].rt < rt)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= img->nrt || img->rt[lo].rt != rt || rt == 0)
        return -ENOENT;
    return sym_type_by_id(img, img->rt[lo].die, out);
}

int sym_type_resolve(struct sym_image *img, const struct sym_type *t, const struct sym_type **out)
{
    for (int depth = 0; depth < SYM_MAX_DEPTH; depth++) {
        if (t->kind != SYM_TYPE_TYPEDEF) {
            *out = t;
            return 0;
        }
        int rc = sym_type_by_id(img, t->target, &t);
        if (rc != 0)
            return rc;
    }
    return -ELOOP;
}

int sym_type_field(struct sym_image *img, const struct sym_type *t, const char *path,
                   uint64_t *offset, const struct sym_type **type)
{
    uint64_t total = 0;
    const char *p = path;
    const struct sym_type *cur = t;
    for (int depth = 0; depth < SYM_MAX_DEPTH; depth++) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        int rc = sym_type_resolve(img, cur, &cur);
        if (rc != 0)
            return rc;
        if (cur->kind != SYM_TYPE_STRUCT)
            return -ENOENT;
        const struct sym_field *f = NULL;
        for (size_t i = 0; i < cur->nfields; i++)
            if (strlen(cur->fields[i].name) == len && memcmp(cur->fields[i].name, p, len) == 0) {
                f = &cur->fields[i];
                break;
            }
        if (f == NULL)
            return -ENOENT;
        total += f->offset;
        rc = sym_type_by_id(img, f->type, &cur);
        if (rc != 0)
            return rc;
        if (dot == NULL) {
            *offset = total;
            if (type)
                *type = cur;
            return 0;
        }
        p = dot + 1;
    }
    return -ENOENT;
}

int sym_field_offset(struct sym_image *img, const char *type_name, const char *path,
                     uint64_t *offset, const struct sym_type **type)
{
    const struct sym_type *t;
    int rc = sym_type_by_name(img, type_name, &t);
    if (rc != 0)
        return rc;
    return sym_type_field(img, t, path, offset, type);
}

/* The first index entry named NAME with tag TAG. */
static int find_tag(struct sym_image *img, const char *name, uint16_t tag, size_t *at)
{
    int rc = sym_names_load(img);
    if (rc != 0)
        return rc;
    size_t first, end;
    sym_names_equal_range(img, name, &first, &end);
    for (size_t i = first; i < end; i++)
        if (img->names[i].tag == tag) {
            *at = i;
            return 0;
        }
    return -ENOENT;
}

int sym_const_by_name(struct sym_image *img, const char *name, int64_t *value, uint64_t *type)
{
    size_t at;
    Dwarf_Die die;
    int rc = find_tag(img, name, DW_TAG_constant, &at);
    if (rc != 0)
        return rc;
    rc = sym_die_at(img, img->names[at].off, &die);
    if (rc != 0)
        return rc;
    rc = sym_die_sdata(img, die, DW_AT_const_value, value);
    Dwarf_Off ref = 0;
    if (rc == 0 && type != NULL)
        *type = sym_die_ref(img, die, DW_AT_type, &ref) == 0 ? ref : 0;
    dwarf_dealloc_die(die);
    return rc;
}

int sym_consts_foreach(struct sym_image *img, sym_const_cb cb, void *ctx)
{
    int rc = sym_names_load(img);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < img->nnames; i++) {
        if (img->names[i].tag != DW_TAG_constant)
            continue;
        Dwarf_Die die;
        int64_t value;
        Dwarf_Off ref = 0;
        if (sym_die_at(img, img->names[i].off, &die) != 0)
            continue;
        bool ok = sym_die_sdata(img, die, DW_AT_const_value, &value) == 0;
        uint64_t type = ok && sym_die_ref(img, die, DW_AT_type, &ref) == 0 ? ref : 0;
        dwarf_dealloc_die(die);
        if (ok && (rc = cb(img->names[i].name, value, type, ctx)) != 0)
            return rc;
    }
    return 0;
}

static int global_at(struct sym_image *img, size_t at, struct sym_global *out)
{
    Dwarf_Die die;
    const uint8_t *e;
    size_t len;
    int rc = sym_die_at(img, img->names[at].off, &die);
    if (rc != 0)
        return rc;
    rc = sym_die_exprloc(img, die, DW_AT_location, &e, &len);
    if (rc == 0 && (len != 1 + img->ptr_size || e[0] != DW_OP_addr))
        rc = -ENOTSUP;
    if (rc == 0) {
        out->name = img->names[at].name;
        out->addr = 0;
        for (size_t k = 0; k < img->ptr_size; k++)
            out->addr |= (uint64_t)e[1 + k] << (8 * k);
        Dwarf_Off ref = 0;
        out->type = sym_die_ref(img, die, DW_AT_type, &ref) == 0 ? ref : 0;
        out->die = img->names[at].off;
    }
    dwarf_dealloc_die(die);
    return rc;
}

int sym_global_by_name(struct sym_image *img, const char *name, struct sym_global *out)
{
    size_t at;
    int rc = find_tag(img, name, DW_TAG_variable, &at);
    return rc != 0 ? rc : global_at(img, at, out);
}

int sym_globals_foreach(struct sym_image *img, sym_global_cb cb, void *ctx)
{
    int rc = sym_names_load(img);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < img->nnames; i++) {
        struct sym_global g;
        if (img->names[i].tag != DW_TAG_variable || global_at(img, i, &g) != 0)
            continue;
        rc = cb(&g, ctx);
        if (rc != 0)
            return rc;
    }
    return 0;
}
