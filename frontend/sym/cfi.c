/* sym/cfi.c - .debug_frame through libdwarf's frame interface (the "reg3" calls, which keep the CFA
 * out of the register table): the FDE list is read on first use, then each query finds the FDE for
 * the pc and asks libdwarf to run its CIE and FDE instructions up to that pc. Go's CFI is small
 * (the CFA is SP plus an offset, the return address is at CFA-8 on x86-64), so no row cache. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/sym/priv.h"

static int load_cfi(struct sym_image *img)
{
    Dwarf_Error err = NULL;
    int rc = sym_dwarf_load(img);
    if (rc != 0)
        return rc;
    if (sym_sec_by_name(img, ".debug_frame") == NULL)
        return -ENOENT;
    /* Registers a CIE never mentions keep their value: Go describes only the CFA and the return
     * address (the frame pointer is the unwinder's business). */
    dwarf_set_frame_rule_initial_value(img->dbg, DW_FRAME_SAME_VAL);
    /* libdwarf allocates and clears a table of this many columns on every query: most of a
     * query's cost. Go's CFI names only the stack pointer and return address (x86-64: 7, 16;
     * arm64: 29-31). */
    dwarf_set_frame_rule_table_size(img->dbg, SYM_CFI_MAX_REGNO + 1);
    int r = dwarf_get_fde_list(img->dbg, &img->cies, &img->ncies, &img->fdes, &img->nfdes, &err);
    if (r == DW_DLV_NO_ENTRY)
        return -ENOENT;
    if (r != DW_DLV_OK) {
        img->cies = NULL;
        img->fdes = NULL;
        return sym_dw_fail(img, err);
    }
    return 0;
}

static int need_cfi(struct sym_image *img)
{
    if (!img->cfi_tried) {
        img->cfi_tried = true;
        img->cfi_err = load_cfi(img);
    }
    return img->cfi_err;
}

static int fde_at(struct sym_image *img, uint64_t pc, Dwarf_Fde *fde, uint64_t *lo, uint64_t *hi)
{
    Dwarf_Error err = NULL;
    Dwarf_Addr l, h;
    int rc = need_cfi(img);
    if (rc != 0)
        return rc;
    int r = dwarf_get_fde_at_pc(img->fdes, pc, fde, &l, &h, &err);
    if (r == DW_DLV_NO_ENTRY)
        return -ENOENT;
    if (r != DW_DLV_OK)
        return sym_dw_fail(img, err);
    /* libdwarf reports the last byte of the FDE's range, not its end. */
    *lo = l;
    *hi = h + 1;
    return 0;
}

/* Translates libdwarf's reg3 answer into a rule. */
static int to_rule(Dwarf_Small value_type, Dwarf_Signed offset_relevant, Dwarf_Signed reg,
                   Dwarf_Signed offset, Dwarf_Ptr block, struct sym_cfi_rule *out)
{
    memset(out, 0, sizeof(*out));
    switch (value_type) {
    case DW_EXPR_OFFSET:
        if (reg == DW_FRAME_SAME_VAL) {
            out->kind = SYM_CFI_SAME;
        } else if (reg == DW_FRAME_UNDEFINED_VAL) {
            out->kind = SYM_CFI_UNDEFINED;
        } else if (offset_relevant) {
            out->kind = SYM_CFI_OFFSET; /* reg is the CFA column */
            out->offset = offset;
        } else {
            if (reg < 0 || reg > 0xffff)
                return -EINVAL;
            out->kind = SYM_CFI_REGISTER;
            out->regno = (unsigned)reg;
        }
        return 0;
    case DW_EXPR_VAL_OFFSET:
        out->kind = SYM_CFI_VAL_OFFSET;
        out->offset = offset;
        return 0;
    case DW_EXPR_EXPRESSION:
    case DW_EXPR_VAL_EXPRESSION:
        if (offset < 0 || block == NULL)
            return -EINVAL;
        out->kind = value_type == DW_EXPR_EXPRESSION ? SYM_CFI_EXPR : SYM_CFI_VAL_EXPR;
        out->expr = block;
        out->expr_len = (size_t)offset;
        return 0;
    default:
        return -EINVAL;
    }
}

static int reg_rule(struct sym_image *img, Dwarf_Fde fde, uint64_t pc, unsigned regno,
                    struct sym_cfi_rule *out, uint64_t *row_lo, uint64_t *row_hi)
{
    Dwarf_Error err = NULL;
    Dwarf_Small vt;
    Dwarf_Signed rel, reg, off;
    Dwarf_Ptr block = NULL;
    Dwarf_Addr row_pc, next_pc = 0;
    Dwarf_Bool more = 0;
    if (regno > SYM_CFI_MAX_REGNO)
        return -EINVAL;
    int r = dwarf_get_fde_info_for_reg3_b(fde, (Dwarf_Half)regno, pc, &vt, &rel, &reg, &off, &block,
                                          &row_pc, &more, &next_pc, &err);
    if (r == DW_DLV_NO_ENTRY)
        return -ENOENT;
    if (r != DW_DLV_OK)
        return sym_dw_fail(img, err);
    if (row_lo != NULL) {
        *row_lo = row_pc;
        if (more && next_pc > row_pc)
            *row_hi = next_pc;
    }
    return to_rule(vt, rel, reg, off, block, out);
}

static int cfi_at(struct sym_image *img, uint64_t pc, struct sym_cfi_row *out);

int sym_cfi_at(struct sym_image *img, uint64_t pc, struct sym_cfi_row *out)
{
    if (img->cfi_cache == NULL) {
        img->cfi_cache = calloc(SYM_CFI_CACHE, sizeof(*img->cfi_cache));
        if (img->cfi_cache == NULL)
            return cfi_at(img, pc, out);
    }
    struct sym_cfi_slot *slot = &img->cfi_cache[(pc ^ (pc >> 12)) & (SYM_CFI_CACHE - 1)];
    if (slot->valid && slot->pc == pc) {
        *out = slot->row;
        return 0;
    }
    int rc = cfi_at(img, pc, out);
    if (rc == 0) {
        slot->valid = true;
        slot->pc = pc;
        slot->row = *out;
    }
    return rc;
}

static int cfi_at(struct sym_image *img, uint64_t pc, struct sym_cfi_row *out)
{
    Dwarf_Fde fde;
    Dwarf_Cie cie;
    Dwarf_Error err = NULL;
    uint64_t lo, hi;
    memset(out, 0, sizeof(*out));
    int rc = fde_at(img, pc, &fde, &lo, &hi);
    if (rc != 0)
        return rc;
    out->fde_lo = lo;
    out->fde_hi = hi;
    /* The return address column comes from the CIE. */
    Dwarf_Unsigned cie_len, caf, init_len;
    Dwarf_Small version;
    char *aug;
    Dwarf_Signed daf;
    Dwarf_Half ra, offset_size;
    Dwarf_Ptr init;
    if (dwarf_get_cie_of_fde(fde, &cie, &err) != DW_DLV_OK ||
        dwarf_get_cie_info_b(cie, &cie_len, &version, &aug, &caf, &daf, &ra, &init, &init_len,
                             &offset_size, &err) != DW_DLV_OK)
        return sym_dw_fail(img, err);
    out->ra_regno = ra;

    Dwarf_Small vt;
    Dwarf_Signed rel, reg, off;
    Dwarf_Ptr block = NULL;
    Dwarf_Addr row_pc, next_pc = 0;
    Dwarf_Bool more = 0;
    int r = dwarf_get_fde_info_for_cfa_reg3_b(fde, pc, &vt, &rel, &reg, &off, &block, &row_pc,
                                              &more, &next_pc, &err);
    if (r != DW_DLV_OK)
        return r == DW_DLV_NO_ENTRY ? -ENOENT : sym_dw_fail(img, err);
    out->lo = row_pc;
    out->hi = more && next_pc > row_pc ? next_pc : hi;
    if (vt == DW_EXPR_OFFSET || vt == DW_EXPR_VAL_OFFSET) {
        if (reg < 0 || reg > 0xffff)
            return -EINVAL;
        out->cfa.kind = SYM_CFI_CFA_REG;
        out->cfa.regno = (unsigned)reg;
        out->cfa.offset = off;
    } else if (vt == DW_EXPR_EXPRESSION || vt == DW_EXPR_VAL_EXPRESSION) {
        if (off < 0 || block == NULL)
            return -EINVAL;
        out->cfa.kind = SYM_CFI_CFA_EXPR;
        out->cfa.expr = block;
        out->cfa.expr_len = (size_t)off;
    } else {
        return -EINVAL;
    }
    uint64_t rlo = out->lo, rhi = out->hi;
    rc = reg_rule(img, fde, pc, ra, &out->ra, &rlo, &rhi);
    if (rc != 0)
        return rc;
    /* The row is where both the CFA rule and the return address rule hold. */
    if (rlo > out->lo)
        out->lo = rlo;
    if (rhi < out->hi)
        out->hi = rhi;
    return 0;
}

int sym_cfi_reg_rule(struct sym_image *img, uint64_t pc, unsigned regno, struct sym_cfi_rule *out)
{
    Dwarf_Fde fde;
    uint64_t lo, hi;
    int rc = fde_at(img, pc, &fde, &lo, &hi);
    if (rc != 0)
        return rc;
    return reg_rule(img, fde, pc, regno, out, NULL, NULL);
}

/* ---------------------------------------------------------------- applying rules */

static int read_word(const struct sym_expr_ctx *ctx, uint64_t addr, uint64_t *value)
{
    uint8_t buf[8] = {0};
    size_t n = ctx->addr_size ? ctx->addr_size : 8;
    if (n > 8)
        return -EINVAL;
    if (ctx->read_mem == NULL)
        return -ENODATA;
    int rc = ctx->read_mem(ctx->ctx, addr, buf, n);
    if (rc != 0)
        return rc;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)buf[i] << (8 * i);
    *value = v;
    return 0;
}

static int read_reg(const struct sym_expr_ctx *ctx, unsigned regno, uint64_t *value)
{
    return ctx->read_reg ? ctx->read_reg(ctx->ctx, regno, value) : -ENODATA;
}

/* Evaluates a rule's or CFA's expression to one value (memory location address or stack value). */
static int eval_rule_expr(const struct sym_cfi_rule *rule, uint64_t cfa, bool push_cfa,
                          const struct sym_expr_ctx *ctx, uint64_t *out)
{
    struct sym_expr_ctx c = *ctx;
    struct sym_expr_result res;
    c.cfa = cfa;
    c.has_cfa = push_cfa;
    c.push_cfa = push_cfa;
    int rc = sym_expr_eval(rule->expr, rule->expr_len, &c, &res);
    if (rc != 0)
        return rc;
    if (res.npieces != 1)
        return -EINVAL;
    if (res.pieces[0].kind == SYM_PIECE_MEM)
        *out = res.pieces[0].addr;
    else if (res.pieces[0].kind == SYM_PIECE_VALUE)
        *out = res.pieces[0].value;
    else if (res.pieces[0].kind == SYM_PIECE_REG)
        return read_reg(ctx, res.pieces[0].regno, out);
    else
        return -EINVAL;
    return 0;
}

int sym_cfi_cfa(const struct sym_cfi_row *row, const struct sym_expr_ctx *ctx, uint64_t *cfa)
{
    uint64_t v;
    int rc;
    switch (row->cfa.kind) {
    case SYM_CFI_CFA_REG:
        rc = read_reg(ctx, row->cfa.regno, &v);
        if (rc != 0)
            return rc;
        *cfa = v + (uint64_t)row->cfa.offset;
        return 0;
    case SYM_CFI_CFA_EXPR:
        return eval_rule_expr(&row->cfa, 0, false, ctx, cfa);
    default:
        return -EINVAL;
    }
}

int sym_cfi_recover(const struct sym_cfi_rule *rule, unsigned regno, uint64_t cfa,
                    const struct sym_expr_ctx *ctx, uint64_t *value)
{
    uint64_t addr;
    int rc;
    switch (rule->kind) {
    case SYM_CFI_UNDEFINED:
        return -ENODATA;
    case SYM_CFI_SAME:
        return read_reg(ctx, regno, value);
    case SYM_CFI_OFFSET:
        return read_word(ctx, cfa + (uint64_t)rule->offset, value);
    case SYM_CFI_VAL_OFFSET:
        *value = cfa + (uint64_t)rule->offset;
        return 0;
    case SYM_CFI_REGISTER:
        return read_reg(ctx, rule->regno, value);
    case SYM_CFI_EXPR:
        rc = eval_rule_expr(rule, cfa, true, ctx, &addr);
        return rc != 0 ? rc : read_word(ctx, addr, value);
    case SYM_CFI_VAL_EXPR:
        return eval_rule_expr(rule, cfa, true, ctx, value);
    default:
        return -EINVAL;
    }
}
