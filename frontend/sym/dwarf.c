/* sym/dwarf.c - libdwarf over our libelf image: a custom object access interface (so that the file
 * is read once, by libelf, and compressed DWARF sections - SHF_COMPRESSED or GNU .zdebug - are
 * inflated here with zlib, bounded, on first use), the compile unit list with address ranges, the
 * name index of top-level DIEs, and small DIE attribute helpers used by line.c, func.c, type.c and
 * var.c.
 *
 * libdwarf 20210528 cannot see section flags through dwarf_object_init_b, so it would hand Go's
 * compressed .debug_* bytes to its parsers as they are: decompressing is our job. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "frontend/sym/priv.h"

/* ---------------------------------------------------------------- sections */

static int inflate_section(struct sym_image *img, struct sym_sec *s)
{
    const uint8_t *src = img->map + s->pub.file_offset;
    GElf_Shdr sh;
    if (gelf_getshdr(s->scn, &sh) == NULL)
        return -EINVAL;
    size_t src_len = sh.sh_size; /* inside the file: checked in read_sections */
    size_t hdr = s->zdebug ? 12 : img->ptr_size == 8 ? sizeof(Elf64_Chdr) : sizeof(Elf32_Chdr);
    if (src_len < hdr)
        return -EINVAL;
    src += hdr;
    src_len -= hdr;
    size_t out_len = s->pub.size;
    s->buf = malloc(out_len ? out_len : 1);
    if (s->buf == NULL)
        return -ENOMEM;
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    if (inflateInit(&zs) != Z_OK) {
        free(s->buf);
        s->buf = NULL;
        return -ENOMEM;
    }
    int rc = 0;
    size_t in_done = 0, out_done = 0;
    /* zlib counts in uInt: feed in bounded chunks. */
    for (;;) {
        size_t in_chunk = src_len - in_done > (1u << 30) ? (1u << 30) : src_len - in_done;
        size_t out_chunk = out_len - out_done > (1u << 30) ? (1u << 30) : out_len - out_done;
        zs.next_in = (Bytef *)(uintptr_t)(src + in_done);
        zs.avail_in = (uInt)in_chunk;
        zs.next_out = s->buf + out_done;
        zs.avail_out = (uInt)out_chunk;
        int zr = inflate(&zs, Z_NO_FLUSH);
        in_done += in_chunk - zs.avail_in;
        out_done += out_chunk - zs.avail_out;
        if (zr == Z_STREAM_END)
            break;
        if (zr != Z_OK || (zs.avail_in == in_chunk && zs.avail_out == out_chunk)) {
            rc = -EINVAL;
            break;
        }
    }
    inflateEnd(&zs);
    if (rc == 0 && out_done != out_len)
        rc = -EINVAL; /* the header lied about the size */
    if (rc != 0) {
        free(s->buf);
        s->buf = NULL;
    }
    return rc;
}

int sym_sec_load(struct sym_image *img, struct sym_sec *s)
{
    if (s->loaded)
        return s->data ? 0 : -EINVAL;
    s->loaded = true;
    if (s->pub.type == SHT_NULL || s->pub.type == SHT_NOBITS)
        return -ENOENT;
    if (s->compressed) {
        int rc = inflate_section(img, s);
        if (rc != 0)
            return rc;
        s->data = s->buf;
    } else {
        s->data = img->map + s->pub.file_offset; /* bounds checked in read_sections */
    }
    return 0;
}

/* ---------------------------------------------------------------- object access for libdwarf */

static int acc_section_info(void *obj, Dwarf_Half index, Dwarf_Obj_Access_Section *ret, int *error)
{
    struct sym_image *img = obj;
    (void)error;
    if (index >= img->nsecs)
        return DW_DLV_NO_ENTRY;
    const struct sym_sec *s = &img->secs[index];
    memset(ret, 0, sizeof(*ret));
    /* Range and location lists are ours (lists.c). libdwarf 20210528 would load DWARF 5's eagerly
     * with the first unit, and frees a malformed .debug_rnglists twice (found by test_image_cgo
     * under AddressSanitizer): it never sees them. */
    if (strcmp(s->pub.name, ".debug_rnglists") == 0 ||
        strcmp(s->pub.name, ".debug_loclists") == 0) {
        ret->name = "";
        return DW_DLV_OK;
    }
    ret->name = s->pub.name;
    ret->type = s->pub.type;
    ret->addr = s->pub.addr;
    /* libdwarf only wants the DWARF sections; giving others size 0 keeps it from touching them. */
    ret->size =
        strncmp(s->pub.name, ".debug_", 7) == 0 && s->pub.type != SHT_NOBITS ? s->pub.size : 0;
    return DW_DLV_OK;
}

static Dwarf_Endianness acc_byte_order(void *obj)
{
    (void)obj;
    return DW_OBJECT_LSB;
}

static Dwarf_Small acc_length_size(void *obj)
{
    (void)obj;
    return 4;
}

static Dwarf_Small acc_pointer_size(void *obj)
{
    return (Dwarf_Small)((struct sym_image *)obj)->ptr_size;
}

static Dwarf_Unsigned acc_section_count(void *obj)
{
    return ((struct sym_image *)obj)->nsecs;
}

static int acc_load_section(void *obj, Dwarf_Half index, Dwarf_Small **data, int *error)
{
    struct sym_image *img = obj;
    if (index >= img->nsecs)
        return DW_DLV_NO_ENTRY;
    int rc = sym_sec_load(img, &img->secs[index]);
    if (rc != 0) {
        *error = DW_DLE_MDE; /* generic "bad data" */
        return rc == -ENOENT ? DW_DLV_NO_ENTRY : DW_DLV_ERROR;
    }
    *data = (Dwarf_Small *)(uintptr_t)img->secs[index].data;
    return DW_DLV_OK;
}

static const Dwarf_Obj_Access_Methods acc_methods = {
    .get_section_info = acc_section_info,
    .get_byte_order = acc_byte_order,
    .get_length_size = acc_length_size,
    .get_pointer_size = acc_pointer_size,
    .get_section_count = acc_section_count,
    .load_section = acc_load_section,
    .relocate_a_section = NULL,
};

int sym_dw_fail(struct sym_image *img, Dwarf_Error err)
{
    if (err != NULL)
        dwarf_dealloc_error(img->dbg, err);
    return -EINVAL;
}

/* ---------------------------------------------------------------- DIE helpers */

static int get_attr(struct sym_image *img, Dwarf_Die die, Dwarf_Half at, Dwarf_Attribute *attr)
{
    Dwarf_Error err = NULL;
    int r = dwarf_attr(die, at, attr, &err);
    if (r == DW_DLV_NO_ENTRY)
        return -ENOENT;
    if (r != DW_DLV_OK)
        return sym_dw_fail(img, err);
    return 0;
}

int sym_die_udata(struct sym_image *img, Dwarf_Die die, Dwarf_Half at, uint64_t *val)
{
    Dwarf_Attribute attr;
    Dwarf_Error err = NULL;
    int rc = get_attr(img, die, at, &attr);
    if (rc != 0)
        return rc;
    Dwarf_Unsigned u;
    Dwarf_Signed sv;
    if (dwarf_formudata(attr, &u, &err) == DW_DLV_OK) {
        *val = u;
    } else {
        if (err)
            dwarf_dealloc_error(img->dbg, err);
        err = NULL;
        Dwarf_Off off;
        if (dwarf_formsdata(attr, &sv, &err) == DW_DLV_OK) {
            *val = (uint64_t)sv;
        } else {
            /* DW_FORM_sec_offset (ranges, location lists) is neither udata nor sdata to libdwarf.
             */
            if (err)
                dwarf_dealloc_error(img->dbg, err);
            err = NULL;
            if (dwarf_global_formref(attr, &off, &err) == DW_DLV_OK)
                *val = off;
            else
                rc = sym_dw_fail(img, err);
        }
    }
    dwarf_dealloc_attribute(attr);
    return rc;
}

int sym_die_sdata(struct sym_image *img, Dwarf_Die die, Dwarf_Half at, int64_t *val)
{
    Dwarf_Attribute attr;
    Dwarf_Error err = NULL;
    int rc = get_attr(img, die, at, &attr);
    if (rc != 0)
        return rc;
    Dwarf_Half form = 0;
    Dwarf_Signed sv;
    Dwarf_Unsigned u;
    if (dwarf_whatform(attr, &form, &err) != DW_DLV_OK) {
        rc = sym_dw_fail(img, err);
    } else if (form == DW_FORM_udata) {
        if (dwarf_formudata(attr, &u, &err) == DW_DLV_OK)
            *val = (int64_t)u;
        else
            rc = sym_dw_fail(img, err);
    } else if (dwarf_formsdata(attr, &sv, &err) == DW_DLV_OK) {
        *val = sv;
    } else {
        rc = sym_dw_fail(img, err);
    }
    dwarf_dealloc_attribute(attr);
    return rc;
}

int sym_die_list_off(struct sym_image *img, Dwarf_Die die, Dwarf_Half at, uint64_t *off)
{
    Dwarf_Attribute attr;
    Dwarf_Error err = NULL;
    Dwarf_Half form = 0;
    int rc = get_attr(img, die, at, &attr);
    if (rc != 0)
        return rc;
    if (dwarf_whatform(attr, &form, &err) != DW_DLV_OK)
        rc = sym_dw_fail(img, err);
    else if (form == DW_FORM_rnglistx || form == DW_FORM_loclistx)
        rc = -ENOTSUP; /* an index into the unit's offset table (split DWARF): not read */
    dwarf_dealloc_attribute(attr);
    return rc != 0 ? rc : sym_die_udata(img, die, at, off);
}

int sym_die_ref(struct sym_image *img, Dwarf_Die die, Dwarf_Half at, Dwarf_Off *off)
{
    Dwarf_Attribute attr;
    Dwarf_Error err = NULL;
    int rc = get_attr(img, die, at, &attr);
    if (rc != 0)
        return rc;
    if (dwarf_global_formref(attr, off, &err) != DW_DLV_OK)
        rc = sym_dw_fail(img, err);
    dwarf_dealloc_attribute(attr);
    return rc;
}

int sym_die_flag(struct sym_image *img, Dwarf_Die die, Dwarf_Half at, bool *flag)
{
    Dwarf_Attribute attr;
    Dwarf_Error err = NULL;
    int rc = get_attr(img, die, at, &attr);
    if (rc != 0)
        return rc;
    Dwarf_Bool b;
    if (dwarf_formflag(attr, &b, &err) == DW_DLV_OK)
        *flag = b != 0;
    else
        rc = sym_dw_fail(img, err);
    dwarf_dealloc_attribute(attr);
    return rc;
}

int sym_die_exprloc(struct sym_image *img, Dwarf_Die die, Dwarf_Half at, const uint8_t **expr,
                    size_t *len)
{
    Dwarf_Attribute attr;
    Dwarf_Error err = NULL;
    int rc = get_attr(img, die, at, &attr);
    if (rc != 0)
        return rc;
    Dwarf_Half form = 0;
    if (dwarf_whatform(attr, &form, &err) != DW_DLV_OK) {
        rc = sym_dw_fail(img, err);
    } else if (form == DW_FORM_exprloc) {
        Dwarf_Unsigned n;
        Dwarf_Ptr p;
        if (dwarf_formexprloc(attr, &n, &p, &err) == DW_DLV_OK) {
            *expr = p;
            *len = n;
        } else {
            rc = sym_dw_fail(img, err);
        }
    } else if (form == DW_FORM_block1 || form == DW_FORM_block2 || form == DW_FORM_block4 ||
               form == DW_FORM_block) {
        Dwarf_Block *b;
        if (dwarf_formblock(attr, &b, &err) == DW_DLV_OK) {
            /* bl_data points into .debug_info; only the descriptor is freed. */
            *expr = b->bl_data;
            *len = b->bl_len;
            dwarf_dealloc(img->dbg, b, DW_DLA_BLOCK);
        } else {
            rc = sym_dw_fail(img, err);
        }
    } else {
        rc = -ENOTSUP; /* a location list or a constant */
    }
    dwarf_dealloc_attribute(attr);
    return rc;
}

int sym_die_at(struct sym_image *img, Dwarf_Off off, Dwarf_Die *die)
{
    Dwarf_Error err = NULL;
    int r = dwarf_offdie_b(img->dbg, off, 1, die, &err);
    if (r == DW_DLV_NO_ENTRY)
        return -ENOENT;
    return r == DW_DLV_OK ? 0 : sym_dw_fail(img, err);
}

/* The name stays valid until dwarf_finish: libdwarf points into .debug_info or .debug_str, which we
 * own. */
static const char *own_name(Dwarf_Die die, struct sym_image *img)
{
    char *name = NULL;
    Dwarf_Error err = NULL;
    int r = dwarf_diename(die, &name, &err);
    if (r == DW_DLV_ERROR)
        (void)sym_dw_fail(img, err);
    return r == DW_DLV_OK ? name : NULL;
}

const char *sym_die_name(struct sym_image *img, Dwarf_Die die)
{
    Dwarf_Die cur = die;
    const char *name = NULL;
    for (int depth = 0; depth < 4; depth++) {
        name = own_name(cur, img);
        Dwarf_Off origin;
        if (name != NULL || (sym_die_ref(img, cur, DW_AT_abstract_origin, &origin) != 0 &&
                             sym_die_ref(img, cur, DW_AT_specification, &origin) != 0))
            break;
        Dwarf_Die next;
        if (sym_die_at(img, origin, &next) != 0)
            break;
        if (cur != die)
            dwarf_dealloc_die(cur);
        cur = next;
    }
    if (cur != die)
        dwarf_dealloc_die(cur);
    return name;
}

int sym_die_pc_range(struct sym_image *img, Dwarf_Die die, uint64_t *lo, uint64_t *hi)
{
    Dwarf_Error err = NULL;
    Dwarf_Addr low, high;
    Dwarf_Half form;
    enum Dwarf_Form_Class cls;
    int r = dwarf_lowpc(die, &low, &err);
    if (r != DW_DLV_OK)
        return r == DW_DLV_NO_ENTRY ? -ENOENT : sym_dw_fail(img, err);
    r = dwarf_highpc_b(die, &high, &form, &cls, &err);
    if (r != DW_DLV_OK)
        return r == DW_DLV_NO_ENTRY ? -ENOENT : sym_dw_fail(img, err);
    if (cls == DW_FORM_CLASS_CONSTANT)
        high += low;
    if (high < low)
        return -EINVAL;
    *lo = low;
    *hi = high;
    return 0;
}

bool sym_die_has_pc(struct sym_image *img, uint32_t cu, Dwarf_Die die, uint64_t pc, bool *none)
{
    uint64_t lo, hi, off;
    *none = false;
    if (sym_die_pc_range(img, die, &lo, &hi) == 0)
        return pc >= lo && pc < hi;
    int rc = sym_die_list_off(img, die, DW_AT_ranges, &off);
    if (rc == -ENOENT) {
        *none = true;
        return false;
    }
    struct sym_range *r;
    size_t n;
    if (rc != 0 || cu >= img->ncus ||
        sym_ranges_read(img, img->cus[cu].version, img->cus[cu].base, off, &r, &n) != 0)
        return false;
    bool hit = false;
    for (size_t i = 0; i < n && !hit; i++)
        hit = pc >= r[i].lo && pc < r[i].hi;
    free(r);
    return hit;
}

int sym_die_range_at(struct sym_image *img, uint32_t cu, Dwarf_Die die, uint64_t pc, uint64_t *lo,
                     uint64_t *hi)
{
    uint64_t off;
    if (sym_die_pc_range(img, die, lo, hi) == 0)
        return 0;
    if (cu >= img->ncus || sym_die_list_off(img, die, DW_AT_ranges, &off) != 0)
        return -ENOENT;
    struct sym_range *r;
    size_t n;
    if (sym_ranges_read(img, img->cus[cu].version, img->cus[cu].base, off, &r, &n) != 0)
        return -ENOENT;
    if (n == 0) {
        free(r);
        return -ENOENT;
    }
    size_t pick = 0;
    for (size_t i = 0; i < n; i++)
        if (pc >= r[i].lo && pc < r[i].hi) {
            pick = i;
            break;
        }
    *lo = r[pick].lo;
    *hi = r[pick].hi;
    free(r);
    return 0;
}

int sym_die_low_pc(struct sym_image *img, uint32_t cu, Dwarf_Die die, uint64_t *lo)
{
    uint64_t hi, off;
    if (sym_die_pc_range(img, die, lo, &hi) == 0)
        return 0;
    if (cu >= img->ncus || sym_die_list_off(img, die, DW_AT_ranges, &off) != 0)
        return -ENOENT;
    struct sym_range *r;
    size_t n;
    if (sym_ranges_read(img, img->cus[cu].version, img->cus[cu].base, off, &r, &n) != 0)
        return -ENOENT;
    if (n == 0) {
        free(r);
        return -ENOENT;
    }
    *lo = r[0].lo;
    for (size_t i = 1; i < n; i++)
        if (r[i].lo < *lo)
            *lo = r[i].lo;
    free(r);
    return 0;
}

/* A string attribute, or "" (pointing into .debug_info/.debug_str: valid until dwarf_finish). */
static const char *die_string(struct sym_image *img, Dwarf_Die die, Dwarf_Half at)
{
    Dwarf_Attribute attr;
    Dwarf_Error err = NULL;
    char *str = NULL;
    if (dwarf_attr(die, at, &attr, &err) != DW_DLV_OK) {
        (void)sym_dw_fail(img, err);
        return "";
    }
    if (dwarf_formstring(attr, &str, &err) != DW_DLV_OK) {
        (void)sym_dw_fail(img, err);
        str = NULL;
    }
    dwarf_dealloc_attribute(attr);
    return str ? str : "";
}

/* ---------------------------------------------------------------- compile units */

static int add_cu(struct sym_image *img, Dwarf_Die cudie, unsigned version, size_t *cap)
{
    Dwarf_Error err = NULL;
    if (img->ncus == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        if (ncap > SYM_MAX_CUS)
            return -E2BIG;
        struct sym_cu *v = realloc(img->cus, ncap * sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        img->cus = v;
        *cap = ncap;
    }
    struct sym_cu *cu = &img->cus[img->ncus];
    memset(cu, 0, sizeof(*cu));
    if (dwarf_dieoffset(cudie, &cu->off, &err) != DW_DLV_OK)
        return sym_dw_fail(img, err);
    img->ncus++;
    cu->version = (uint16_t)version;
    cu->name = own_name(cudie, img);
    if (cu->name == NULL)
        cu->name = "";
    cu->producer = die_string(img, cudie, DW_AT_producer);
    /* As Delve judges it: only "-N -l" (no optimization, no inlining) counts as unoptimized. */
    cu->optimized = !(strstr(cu->producer, "-N") != NULL && strstr(cu->producer, "-l") != NULL);
    Dwarf_Addr low;
    if (dwarf_lowpc(cudie, &low, &err) == DW_DLV_OK)
        cu->base = low;
    else if (err)
        dwarf_dealloc_error(img->dbg, err);
    uint64_t lo, hi, off;
    if (sym_die_pc_range(img, cudie, &lo, &hi) == 0) {
        cu->ranges = malloc(sizeof(*cu->ranges));
        if (cu->ranges == NULL)
            return -ENOMEM;
        cu->ranges[0].lo = lo;
        cu->ranges[0].hi = hi;
        cu->nranges = 1;
    } else if (sym_die_list_off(img, cudie, DW_AT_ranges, &off) == 0) {
        int rc = sym_ranges_read(img, cu->version, cu->base, off, &cu->ranges, &cu->nranges);
        if (rc == -ENOMEM)
            return rc;
    }
    return 0;
}

static int cmp_range_idx(const void *a, const void *b, void *ctx)
{
    const struct sym_range *ranges = ctx;
    const struct sym_range *x = &ranges[*(const uint32_t *)a];
    const struct sym_range *y = &ranges[*(const uint32_t *)b];
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return 0;
}

/* The flat, sorted address map of all CU ranges. */
static int build_cu_addr(struct sym_image *img)
{
    size_t n = 0;
    for (size_t i = 0; i < img->ncus; i++)
        n += img->cus[i].nranges;
    struct sym_range *r = malloc((n ? n : 1) * sizeof(*r));
    uint32_t *cu_of = malloc((n ? n : 1) * sizeof(*cu_of));
    uint32_t *idx = malloc((n ? n : 1) * sizeof(*idx));
    if (r == NULL || cu_of == NULL || idx == NULL) {
        free(r);
        free(cu_of);
        free(idx);
        return -ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < img->ncus; i++)
        for (size_t j = 0; j < img->cus[i].nranges; j++) {
            r[k] = img->cus[i].ranges[j];
            cu_of[k] = (uint32_t)i;
            idx[k] = (uint32_t)k;
            k++;
        }
    if (n > 1) /* a NULL array is undefined for qsort even with 0 elements */
        qsort_r(idx, n, sizeof(*idx), cmp_range_idx, r);
    img->cu_addr = malloc((n ? n : 1) * sizeof(*img->cu_addr));
    img->cu_of = malloc((n ? n : 1) * sizeof(*img->cu_of));
    if (img->cu_addr == NULL || img->cu_of == NULL) {
        free(r);
        free(cu_of);
        free(idx);
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        img->cu_addr[i] = r[idx[i]];
        img->cu_of[i] = cu_of[idx[i]];
    }
    img->ncu_addr = n;
    free(r);
    free(cu_of);
    free(idx);
    return 0;
}

static int load_dwarf(struct sym_image *img)
{
    Dwarf_Error err = NULL;
    if (sym_sec_by_name(img, ".debug_info") == NULL)
        return -ENOENT;
    img->dw_iface.object = img;
    img->dw_iface.methods = &acc_methods;
    int r = dwarf_object_init_b(&img->dw_iface, NULL, NULL, DW_GROUPNUMBER_ANY, &img->dbg, &err);
    if (r != DW_DLV_OK) {
        if (err != NULL && img->dbg != NULL)
            dwarf_dealloc_error(img->dbg, err);
        img->dbg = NULL;
        return r == DW_DLV_NO_ENTRY ? -ENOENT : -EINVAL;
    }
    size_t cap = 0;
    int rc = 0;
    for (;;) {
        Dwarf_Unsigned hdr_len, typeoff, next;
        Dwarf_Half version, addr_size, len_size, ext_size, cu_type;
        Dwarf_Off abbrev;
        Dwarf_Sig8 sig;
        r = dwarf_next_cu_header_d(img->dbg, 1, &hdr_len, &version, &abbrev, &addr_size, &len_size,
                                   &ext_size, &sig, &typeoff, &next, &cu_type, &err);
        if (r == DW_DLV_NO_ENTRY)
            break;
        if (r != DW_DLV_OK) {
            /* A broken unit: keep those read so far (libdwarf cannot skip past it). */
            (void)sym_dw_fail(img, err);
            break;
        }
        Dwarf_Die cudie = NULL;
        r = dwarf_siblingof_b(img->dbg, NULL, 1, &cudie, &err);
        if (r == DW_DLV_ERROR) {
            (void)sym_dw_fail(img, err);
            break;
        }
        if (r != DW_DLV_OK)
            continue;
        if (rc != 0) {
            /* Out of memory earlier: finish the walk (libdwarf keeps its position) without
             * adding. */
            dwarf_dealloc_die(cudie);
            continue;
        }
        rc = add_cu(img, cudie, version, &cap);
        dwarf_dealloc_die(cudie);
        if (rc == -E2BIG)
            break;
    }
    if (rc == -ENOMEM)
        return rc;
    return build_cu_addr(img);
}

int sym_dwarf_load(struct sym_image *img)
{
    if (!img->dw_tried) {
        img->dw_tried = true;
        img->dw_err = load_dwarf(img);
    }
    return img->dw_err;
}

int sym_cu_by_addr(struct sym_image *img, uint64_t addr, uint32_t *cu)
{
    int rc = sym_dwarf_load(img);
    if (rc != 0)
        return rc;
    size_t lo = 0, hi = img->ncu_addr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (img->cu_addr[mid].lo <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* Ranges of different units do not overlap in Go binaries; still, look back a little. */
    for (size_t i = lo; i > 0 && lo - i < 8; i--) {
        if (addr >= img->cu_addr[i - 1].lo && addr < img->cu_addr[i - 1].hi) {
            *cu = img->cu_of[i - 1];
            return 0;
        }
    }
    return -ENOENT;
}

int sym_cu_by_off(struct sym_image *img, Dwarf_Off off, uint32_t *cu)
{
    int rc = sym_dwarf_load(img);
    if (rc != 0)
        return rc;
    size_t lo = 0, hi = img->ncus;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (img->cus[mid].off <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return -ENOENT;
    *cu = (uint32_t)(lo - 1);
    return 0;
}

/* ---------------------------------------------------------------- name index */

static int cmp_name(const void *a, const void *b)
{
    const struct sym_name *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c != 0)
        return c;
    return x->off < y->off ? -1 : x->off > y->off;
}

static int cmp_func(const void *a, const void *b)
{
    const struct sym_func *x = a, *y = b;
    if (x->lowpc != y->lowpc)
        return x->lowpc < y->lowpc ? -1 : 1;
    return 0;
}

static int cmp_func_die(const void *a, const void *b, void *ctx)
{
    const struct sym_func *funcs = ctx;
    uint64_t x = funcs[*(const uint32_t *)a].die, y = funcs[*(const uint32_t *)b].die;
    return x < y ? -1 : x > y;
}

struct name_builder {
    size_t names_cap, funcs_cap;
};

static int push_name(struct sym_image *img, struct name_builder *b, const struct sym_name *n)
{
    if (img->nnames == b->names_cap) {
        size_t cap = b->names_cap ? b->names_cap * 2 : 1024;
        if (cap > SYM_MAX_NAMES)
            return -E2BIG;
        struct sym_name *v = realloc(img->names, cap * sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        img->names = v;
        b->names_cap = cap;
    }
    img->names[img->nnames++] = *n;
    return 0;
}

static int push_func(struct sym_image *img, struct name_builder *b, const struct sym_func *f)
{
    if (img->nfuncs == b->funcs_cap) {
        size_t cap = b->funcs_cap ? b->funcs_cap * 2 : 1024;
        if (cap > SYM_MAX_NAMES)
            return -E2BIG;
        struct sym_func *v = realloc(img->funcs, cap * sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        img->funcs = v;
        b->funcs_cap = cap;
    }
    img->funcs[img->nfuncs++] = *f;
    return 0;
}

static int index_die(struct sym_image *img, struct name_builder *b, uint32_t cu, Dwarf_Die die)
{
    Dwarf_Error err = NULL;
    Dwarf_Half tag;
    Dwarf_Off off;
    if (dwarf_tag(die, &tag, &err) != DW_DLV_OK || dwarf_dieoffset(die, &off, &err) != DW_DLV_OK)
        return sym_dw_fail(img, err);
    switch (tag) {
    case DW_TAG_subprogram:
    case DW_TAG_variable:
    case DW_TAG_constant:
    case DW_TAG_base_type:
    case DW_TAG_pointer_type:
    case DW_TAG_structure_type:
    case DW_TAG_array_type:
    case DW_TAG_typedef:
    case DW_TAG_subroutine_type:
    case DW_TAG_unspecified_type:
        break;
    default:
        return 0;
    }
    const char *name = tag == DW_TAG_subprogram ? sym_die_name(img, die) : own_name(die, img);
    if (name == NULL)
        return 0;
    struct sym_name n = {.name = name, .off = off, .cu = cu, .tag = tag};
    int rc = push_name(img, b, &n);
    if (rc != 0 || tag != DW_TAG_subprogram)
        return rc;
    struct sym_func f = {.name = name,
                         .die = off,
                         .cu = cu,
                         .cu_name = img->cus[cu].name,
                         .optimized = img->cus[cu].optimized};
    if (sym_die_pc_range(img, die, &f.lowpc, &f.highpc) != 0)
        return 0; /* abstract (inlined-only) function: no code of its own */
    bool tramp = false;
    if (sym_die_flag(img, die, DW_AT_trampoline, &tramp) == 0)
        f.trampoline = tramp;
    return push_func(img, b, &f);
}

static int load_names(struct sym_image *img)
{
    int rc = sym_dwarf_load(img);
    if (rc != 0)
        return rc;
    struct name_builder b = {0, 0};
    for (uint32_t i = 0; i < img->ncus && rc == 0; i++) {
        Dwarf_Die cudie, die = NULL;
        Dwarf_Error err = NULL;
        if (sym_die_at(img, img->cus[i].off, &cudie) != 0)
            continue;
        int r = dwarf_child(cudie, &die, &err);
        dwarf_dealloc_die(cudie);
        if (r == DW_DLV_ERROR)
            (void)sym_dw_fail(img, err);
        while (r == DW_DLV_OK && rc == 0) {
            rc = index_die(img, &b, i, die);
            if (rc == -EINVAL)
                rc = 0; /* one malformed entry does not hide the rest */
            Dwarf_Die next = NULL;
            r = dwarf_siblingof_b(img->dbg, die, 1, &next, &err);
            if (r == DW_DLV_ERROR)
                (void)sym_dw_fail(img, err);
            dwarf_dealloc_die(die);
            die = next;
        }
    }
    if (rc == -E2BIG)
        rc = 0; /* keep what fits */
    if (rc != 0)
        return rc;
    if (img->nnames > 0)
        qsort(img->names, img->nnames, sizeof(*img->names), cmp_name);
    if (img->nfuncs > 0)
        qsort(img->funcs, img->nfuncs, sizeof(*img->funcs), cmp_func);
    img->funcs_by_die = malloc((img->nfuncs ? img->nfuncs : 1) * sizeof(uint32_t));
    if (img->funcs_by_die == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < img->nfuncs; i++)
        img->funcs_by_die[i] = (uint32_t)i;
    if (img->nfuncs > 0)
        qsort_r(img->funcs_by_die, img->nfuncs, sizeof(uint32_t), cmp_func_die, img->funcs);
    return 0;
}

int sym_names_load(struct sym_image *img)
{
    if (!img->names_tried) {
        img->names_tried = true;
        img->names_err = load_names(img);
    }
    return img->names_err;
}

void sym_names_equal_range(const struct sym_image *img, const char *name, size_t *first,
                           size_t *end)
{
    size_t lo = 0, hi = img->nnames;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(img->names[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    while (lo < img->nnames && strcmp(img->names[lo].name, name) == 0)
        lo++;
    *end = lo;
}
