/* sym/line.c - line tables. A unit's rows are decoded with libdwarf the first time they are needed
 * and kept as a compact array sorted by address (struct sym_lrow); its file table likewise (copied
 * strings). address -> line is a binary search; file:line -> addresses scans the units whose file
 * table names the file. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/sym/priv.h"

static int load_files(struct sym_image *img, struct sym_cu *cu)
{
    Dwarf_Die cudie;
    Dwarf_Error err = NULL;
    char **list = NULL;
    Dwarf_Signed n = 0;
    int rc = sym_die_at(img, cu->off, &cudie);
    if (rc != 0)
        return rc;
    int r = dwarf_srcfiles(cudie, &list, &n, &err);
    dwarf_dealloc_die(cudie);
    if (r == DW_DLV_NO_ENTRY)
        return 0;
    if (r != DW_DLV_OK)
        return sym_dw_fail(img, err);
    cu->files = calloc(n > 0 ? (size_t)n : 1, sizeof(char *));
    rc = cu->files ? 0 : -ENOMEM;
    for (Dwarf_Signed i = 0; i < n; i++) {
        if (rc == 0) {
            /* libdwarf joins relative names to DW_AT_comp_dir, which Go sets to ".": a -trimpath
             * build's "symtest/main.go" comes back as "./symtest/main.go". Go's own tools (and
             * dlv) show the name as recorded. */
            const char *name = list[i];
            while (name[0] == '.' && name[1] == '/')
                name += 2;
            cu->files[i] = strdup(name);
            if (cu->files[i] == NULL)
                rc = -ENOMEM;
            else
                cu->nfiles++;
        }
        dwarf_dealloc(img->dbg, list[i], DW_DLA_STRING);
    }
    dwarf_dealloc(img->dbg, list, DW_DLA_LIST);
    return rc;
}

int sym_cu_files(struct sym_image *img, uint32_t idx)
{
    struct sym_cu *cu = &img->cus[idx];
    if (!cu->files_tried) {
        cu->files_tried = true;
        cu->files_err = load_files(img, cu);
    }
    return cu->files_err;
}

static int cmp_row(const void *a, const void *b)
{
    const struct sym_lrow *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    /* An end_sequence at A closes the previous sequence: it sorts before rows starting at A. */
    int xe = (x->flags & SYM_LROW_END_SEQ) != 0, ye = (y->flags & SYM_LROW_END_SEQ) != 0;
    if (xe != ye)
        return ye - xe;
    return 0;
}

struct row_pos {
    struct sym_lrow row;
    size_t pos;
};

static int cmp_row_pos(const void *a, const void *b)
{
    const struct row_pos *x = a, *y = b;
    int c = cmp_row(&x->row, &y->row);
    return c ? c : x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Sequences may come in any order; sorting must keep each one's rows in program order (several
 * rows can share an address), so the sort is made stable by the original position. */
static int sort_rows(struct sym_cu *cu)
{
    size_t i;
    for (i = 1; i < cu->nrows; i++)
        if (cmp_row(&cu->rows[i - 1], &cu->rows[i]) > 0)
            break;
    if (i >= cu->nrows)
        return 0;
    struct row_pos *t = malloc(cu->nrows * sizeof(*t));
    if (t == NULL)
        return -ENOMEM;
    for (i = 0; i < cu->nrows; i++) {
        t[i].row = cu->rows[i];
        t[i].pos = i;
    }
    if (cu->nrows > 1) /* a NULL array is undefined for qsort even with 0 elements */
        qsort(t, cu->nrows, sizeof(*t), cmp_row_pos);
    for (i = 0; i < cu->nrows; i++)
        cu->rows[i] = t[i].row;
    free(t);
    return 0;
}

static int load_rows(struct sym_image *img, struct sym_cu *cu)
{
    Dwarf_Die cudie;
    Dwarf_Error err = NULL;
    Dwarf_Line_Context ctx = NULL;
    Dwarf_Line *lines = NULL;
    Dwarf_Signed n = 0;
    Dwarf_Unsigned version;
    Dwarf_Small tables;
    int rc = sym_die_at(img, cu->off, &cudie);
    if (rc != 0)
        return rc;
    int r = dwarf_srclines_b(cudie, &version, &tables, &ctx, &err);
    dwarf_dealloc_die(cudie);
    if (r == DW_DLV_NO_ENTRY)
        return 0;
    if (r != DW_DLV_OK)
        return sym_dw_fail(img, err);
    r = dwarf_srclines_from_linecontext(ctx, &lines, &n, &err);
    if (r != DW_DLV_OK) {
        rc = r == DW_DLV_NO_ENTRY ? 0 : sym_dw_fail(img, err);
        goto out;
    }
    if (n < 0 || n > SYM_MAX_ROWS) {
        rc = -E2BIG;
        goto out;
    }
    cu->rows = malloc((n ? (size_t)n : 1) * sizeof(*cu->rows));
    if (cu->rows == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    for (Dwarf_Signed i = 0; i < n; i++) {
        Dwarf_Addr addr;
        Dwarf_Unsigned lineno, fileno, col, isa, disc;
        Dwarf_Bool stmt, endseq, pend, ebegin;
        if (dwarf_lineaddr(lines[i], &addr, &err) != DW_DLV_OK ||
            dwarf_lineno(lines[i], &lineno, &err) != DW_DLV_OK ||
            dwarf_line_srcfileno(lines[i], &fileno, &err) != DW_DLV_OK ||
            dwarf_linebeginstatement(lines[i], &stmt, &err) != DW_DLV_OK ||
            dwarf_lineendsequence(lines[i], &endseq, &err) != DW_DLV_OK) {
            rc = sym_dw_fail(img, err);
            goto out;
        }
        if (dwarf_lineoff_b(lines[i], &col, &err) != DW_DLV_OK) {
            (void)sym_dw_fail(img, err);
            err = NULL;
            col = 0;
        }
        if (dwarf_prologue_end_etc(lines[i], &pend, &ebegin, &isa, &disc, &err) != DW_DLV_OK) {
            (void)sym_dw_fail(img, err);
            err = NULL;
            pend = 0;
        }
        struct sym_lrow *row = &cu->rows[cu->nrows++];
        row->addr = addr;
        row->file = fileno > UINT32_MAX ? 0 : (uint32_t)fileno;
        row->line = lineno > UINT32_MAX ? 0 : (uint32_t)lineno;
        row->col = col > UINT16_MAX ? 0 : (uint16_t)col;
        row->flags = (uint8_t)((stmt ? SYM_LROW_STMT : 0) | (pend ? SYM_LROW_PROLOGUE_END : 0) |
                               (endseq ? SYM_LROW_END_SEQ : 0));
    }
    rc = sort_rows(cu);
out:
    dwarf_srclines_dealloc_b(ctx);
    return rc;
}

static int cu_rows(struct sym_image *img, uint32_t idx)
{
    struct sym_cu *cu = &img->cus[idx];
    if (!cu->lines_tried) {
        cu->lines_tried = true;
        cu->lines_err = load_rows(img, cu);
        if (cu->lines_err == 0)
            cu->lines_err = sym_cu_files(img, idx);
    }
    return cu->lines_err;
}

static const char *row_file(const struct sym_cu *cu, const struct sym_lrow *row)
{
    return sym_cu_file(cu, row->file);
}

/* Index of the row covering ADDR in CU, or -1. */
static ssize_t row_for_addr(const struct sym_cu *cu, uint64_t addr)
{
    size_t lo = 0, hi = cu->nrows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cu->rows[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* lo-1 is the last row at or below addr; it must open a range (not end a sequence) that the
     * next row closes above addr. */
    if (lo == 0 || lo >= cu->nrows)
        return -1;
    const struct sym_lrow *r = &cu->rows[lo - 1];
    if (r->flags & SYM_LROW_END_SEQ)
        return -1;
    return (ssize_t)(lo - 1);
}

int sym_line_for_addr(struct sym_image *img, uint64_t addr, struct sym_line *out)
{
    uint32_t idx;
    int rc = sym_cu_by_addr(img, addr, &idx);
    if (rc != 0)
        return rc;
    rc = cu_rows(img, idx);
    if (rc != 0)
        return rc;
    const struct sym_cu *cu = &img->cus[idx];
    ssize_t i = row_for_addr(cu, addr);
    if (i < 0)
        return -ENOENT;
    const struct sym_lrow *r = &cu->rows[i];
    const char *file = row_file(cu, r);
    if (file == NULL)
        return -ENOENT;
    out->addr = r->addr;
    out->file = file;
    out->line = r->line;
    out->col = r->col;
    out->is_stmt = (r->flags & SYM_LROW_STMT) != 0;
    out->prologue_end = (r->flags & SYM_LROW_PROLOGUE_END) != 0;
    return 0;
}

/* FILE matches PATH: equal, or a suffix of PATH starting right after a '/'. */
static bool file_matches(const char *path, const char *file)
{
    size_t pl = strlen(path), fl = strlen(file);
    if (fl > pl || fl == 0)
        return false;
    if (strcmp(path + pl - fl, file) != 0)
        return false;
    return fl == pl || path[pl - fl - 1] == '/' || file[0] == '/';
}

int sym_func_body_addr(struct sym_image *img, uint64_t entry, uint64_t *addr)
{
    const struct sym_func *fn;
    uint32_t idx;
    int rc = sym_func_by_addr(img, entry, &fn);
    if (rc != 0)
        return rc;
    if (fn->lowpc != entry)
        return -ENOENT;
    if (sym_cu_by_addr(img, entry, &idx) != 0 || cu_rows(img, idx) != 0) {
        *addr = entry;
        return 0;
    }
    const struct sym_cu *cu = &img->cus[idx];
    ssize_t i = row_for_addr(cu, entry);
    uint64_t second_stmt = 0;
    int stmts = 0;
    for (size_t k = i < 0 ? cu->nrows : (size_t)i; k < cu->nrows; k++) {
        const struct sym_lrow *r = &cu->rows[k];
        if (r->addr >= fn->highpc || (r->flags & SYM_LROW_END_SEQ))
            break;
        if (r->flags & SYM_LROW_PROLOGUE_END) {
            *addr = r->addr;
            return 0;
        }
        if ((r->flags & SYM_LROW_STMT) && ++stmts == 2 && second_stmt == 0)
            second_stmt = r->addr;
    }
    *addr = second_stmt ? second_stmt : entry;
    return 0;
}

/* A candidate breakpoint address: a row on the line, or the start of an inlined call made from it.
 */
struct cand {
    uint64_t addr;
    uint64_t fn_die;   /* concrete function */
    uint64_t scope;    /* innermost inlined call containing addr, else fn_die */
    uint64_t fn_entry; /* its lowpc */
    bool stmt;
};

struct cand_set {
    struct cand *v;
    size_t n, cap;
};

static int cand_push(struct cand_set *s, uint64_t addr, bool stmt)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        if (cap > 1000000)
            return -E2BIG;
        struct cand *v = realloc(s->v, cap * sizeof(*v));
        if (v == NULL)
            return -ENOMEM;
        s->v = v;
        s->cap = cap;
    }
    struct cand *c = &s->v[s->n++];
    memset(c, 0, sizeof(*c));
    c->addr = addr;
    c->stmt = stmt;
    return 0;
}

static int cand_push_cb(void *ctx, uint64_t addr, bool stmt)
{
    return cand_push(ctx, addr, stmt);
}

/* Collects every row of CU on FILENO:LINE. */
static int collect(const struct sym_cu *cu, uint32_t fileno, uint32_t line, struct cand_set *set)
{
    for (size_t k = 0; k < cu->nrows; k++) {
        const struct sym_lrow *r = &cu->rows[k];
        if ((r->flags & SYM_LROW_END_SEQ) || r->file != fileno || r->line != line)
            continue;
        int rc = cand_push(set, r->addr, (r->flags & SYM_LROW_STMT) != 0);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int cmp_cand(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->fn_die != y->fn_die)
        return x->fn_die < y->fn_die ? -1 : 1;
    if (x->scope != y->scope)
        return x->scope < y->scope ? -1 : 1;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Go's compiler-generated wrappers (deferred/go'ed call wrappers) carry the line of their call
 * site; a breakpoint there is never what the user meant. */
static bool is_wrapper(const char *name)
{
    return name != NULL && strstr(name, "\xc2\xb7"
                                        "dwrap"
                                        "\xc2\xb7") != NULL;
}

/* Reduces candidates to one address per (function, inlined call): the first is_stmt address of the
 * group, else its first address; a function's own entry moves past the prologue while that is
 * still on LINE. Rows outside every function (and in wrappers) are dropped. Writes the sorted
 * addresses back into OUT (malloc'd). */
static int select_addrs(struct sym_image *img, struct cand_set *set, const char *file,
                        uint32_t line, uint64_t **out, size_t *nout)
{
    size_t w = 0;
    for (size_t i = 0; i < set->n; i++) {
        struct cand *c = &set->v[i];
        const struct sym_func *fn;
        struct sym_inline in;
        size_t depth = 0;
        if (sym_func_by_addr(img, c->addr, &fn) != 0 || is_wrapper(fn->name))
            continue;
        c->fn_die = fn->die;
        c->fn_entry = fn->lowpc;
        c->scope = fn->die;
        if (sym_inline_chain(img, c->addr, &in, 1, &depth) == 0 && depth > 0)
            c->scope = in.die;
        set->v[w++] = *c;
    }
    set->n = w;
    if (set->n > 0)
        qsort(set->v, set->n, sizeof(*set->v), cmp_cand);
    uint64_t *v = malloc((set->n ? set->n : 1) * sizeof(*v));
    if (v == NULL)
        return -ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < set->n;) {
        size_t j = i, pick = i;
        while (j < set->n && set->v[j].fn_die == set->v[i].fn_die &&
               set->v[j].scope == set->v[i].scope)
            j++;
        for (size_t k = i; k < j; k++)
            if (set->v[k].stmt) {
                pick = k;
                break;
            }
        uint64_t addr = set->v[pick].addr, body;
        struct sym_line l;
        if (set->v[pick].scope == set->v[pick].fn_die && addr == set->v[pick].fn_entry &&
            sym_func_body_addr(img, addr, &body) == 0 && body != addr &&
            sym_line_for_addr(img, body, &l) == 0 && l.line == line && strcmp(l.file, file) == 0)
            addr = body;
        v[n++] = addr;
        i = j;
    }
    if (n > 0)
        qsort(v, n, sizeof(*v), cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || v[u - 1] != v[i])
            v[u++] = v[i];
    *out = v;
    *nout = u;
    return 0;
}

/* Inlined calls made from FILENO:LINE of unit CU: the compiler may give the call line no row of its
 * own, only the DW_AT_call_file/call_line of the inlined body. Walks the unit's functions. */
static int collect_call_sites(struct sym_image *img, uint32_t cu, uint32_t fileno, uint32_t line,
                              struct cand_set *set)
{
    for (size_t i = 0; i < img->nfuncs; i++) {
        if (img->funcs[i].cu != cu)
            continue;
        int rc = sym_call_sites(img, &img->funcs[i], fileno, line, set, cand_push_cb);
        if (rc != 0 && rc != -EINVAL)
            return rc;
    }
    return 0;
}

int sym_line_addrs(struct sym_image *img, const char *file, uint32_t line, uint64_t *addrs,
                   size_t max, size_t *count, const char **file_out)
{
    int rc = sym_names_load(img);
    if (rc != 0)
        return rc;
    const char *matched = NULL;
    struct cand_set set = {NULL, 0, 0};
    *count = 0;
    for (int pass = 0; pass < 2 && rc == 0 && set.n == 0; pass++) {
        /* Pass 0: the line table. Pass 1, when it has nothing: inlined call sites. */
        for (uint32_t c = 0; c < img->ncus && rc == 0; c++) {
            if (sym_cu_files(img, c) != 0)
                continue;
            struct sym_cu *cu = &img->cus[c];
            for (size_t f = 0; f < cu->nfiles && rc == 0; f++) {
                if (!file_matches(cu->files[f], file))
                    continue;
                if (matched != NULL && strcmp(matched, cu->files[f]) != 0) {
                    rc = -EINVAL;
                    break;
                }
                matched = cu->files[f];
                if (pass == 0 && cu_rows(img, c) == 0)
                    rc = collect(cu, sym_cu_fileno(cu, f), line, &set);
                else if (pass == 1)
                    rc = collect_call_sites(img, c, sym_cu_fileno(cu, f), line, &set);
            }
        }
    }
    uint64_t *v = NULL;
    size_t n = 0;
    if (rc == 0 && matched == NULL)
        rc = -ENOENT;
    if (rc == 0)
        rc = select_addrs(img, &set, matched, line, &v, &n);
    if (rc == 0 && n == 0)
        rc = -ENOENT;
    if (rc == 0) {
        for (size_t i = 0; i < n && i < max; i++)
            addrs[i] = v[i];
        *count = n;
        if (file_out)
            *file_out = matched;
    }
    free(v);
    free(set.v);
    return rc;
}

int sym_files_foreach(struct sym_image *img, sym_file_cb cb, void *ctx)
{
    int rc = sym_dwarf_load(img);
    if (rc != 0)
        return rc;
    for (uint32_t c = 0; c < img->ncus; c++) {
        if (sym_cu_files(img, c) != 0)
            continue;
        for (size_t f = 0; f < img->cus[c].nfiles; f++) {
            rc = cb(img->cus[c].files[f], ctx);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}
