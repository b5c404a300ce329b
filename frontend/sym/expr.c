/* sym/expr.c - the DWARF expression evaluator of sym/expr.h: a bounded stack machine over the bytes
 * of one location expression (DWARF 5 section 2.5 and 2.6). Every operand read is checked against
 * the end of the expression; the stack, the pieces and the number of steps are capped. No libdwarf:
 * the expression bytes come from sym/var.h or sym/cfi.h. */
#include "config.h"

#include <dwarf.h>
#include <errno.h>
#include <string.h>

#include "frontend/sym/expr.h"

struct reader {
    const uint8_t *p, *end;
};

static int rd_u(struct reader *r, size_t n, uint64_t *v)
{
    if ((size_t)(r->end - r->p) < n)
        return -EINVAL;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++)
        x |= (uint64_t)r->p[i] << (8 * i);
    r->p += n;
    *v = x;
    return 0;
}

static int rd_s(struct reader *r, size_t n, int64_t *v)
{
    uint64_t u;
    int rc = rd_u(r, n, &u);
    if (rc != 0)
        return rc;
    if (n < 8 && (u >> (8 * n - 1)) & 1)
        u |= ~0ull << (8 * n);
    *v = (int64_t)u;
    return 0;
}

static int rd_uleb(struct reader *r, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; r->p < r->end; shift += 7) {
        uint8_t b = *r->p++;
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

static int rd_sleb(struct reader *r, int64_t *v)
{
    uint64_t x = 0;
    unsigned shift = 0;
    while (r->p < r->end) {
        uint8_t b = *r->p++;
        if (shift < 64)
            x |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) {
            if (shift < 64 && (b & 0x40))
                x |= ~0ull << shift;
            *v = (int64_t)x;
            return 0;
        }
        if (shift > 70)
            return -EINVAL;
    }
    return -EINVAL;
}

enum loc_state { LOC_NONE, LOC_REG, LOC_VALUE, LOC_IMPLICIT };

struct machine {
    uint64_t stack[SYM_EXPR_STACK];
    size_t sp;
    enum loc_state state;
    unsigned regno;
    const uint8_t *implicit;
    uint64_t implicit_len;
};

static int push(struct machine *m, uint64_t v)
{
    if (m->sp >= SYM_EXPR_STACK)
        return -EINVAL;
    m->stack[m->sp++] = v;
    return 0;
}

static int pop(struct machine *m, uint64_t *v)
{
    if (m->sp == 0)
        return -EINVAL;
    *v = m->stack[--m->sp];
    return 0;
}

static int read_reg(const struct sym_expr_ctx *c, unsigned regno, uint64_t *v)
{
    if (c->read_reg == NULL)
        return -ENODATA;
    return c->read_reg(c->ctx, regno, v);
}

/* Ends the current piece (or the whole location when SIZE is 0) into OUT. */
static int emit_piece(struct machine *m, uint64_t size, struct sym_expr_result *out)
{
    if (out->npieces >= SYM_EXPR_MAX_PIECES)
        return -E2BIG;
    struct sym_piece *p = &out->pieces[out->npieces];
    memset(p, 0, sizeof(*p));
    p->size = size;
    switch (m->state) {
    case LOC_REG:
        p->kind = SYM_PIECE_REG;
        p->regno = m->regno;
        break;
    case LOC_VALUE:
        p->kind = SYM_PIECE_VALUE;
        if (pop(m, &p->value) != 0)
            return -EINVAL;
        break;
    case LOC_IMPLICIT:
        p->kind = SYM_PIECE_IMPLICIT;
        p->bytes = m->implicit;
        if (size == 0)
            p->size = m->implicit_len;
        else if (size > m->implicit_len)
            return -EINVAL;
        break;
    case LOC_NONE:
        if (m->sp == 0) {
            p->kind = SYM_PIECE_EMPTY;
        } else {
            p->kind = SYM_PIECE_MEM;
            (void)pop(m, &p->addr);
        }
        break;
    }
    m->state = LOC_NONE;
    out->npieces++;
    return 0;
}

/* Binary operators: pops B then A, pushes A op B. */
static int binop(struct machine *m, uint8_t op)
{
    uint64_t a, b, r;
    if (pop(m, &b) != 0 || pop(m, &a) != 0)
        return -EINVAL;
    switch (op) {
    case DW_OP_and:
        r = a & b;
        break;
    case DW_OP_or:
        r = a | b;
        break;
    case DW_OP_xor:
        r = a ^ b;
        break;
    case DW_OP_plus:
        r = a + b;
        break;
    case DW_OP_minus:
        r = a - b;
        break;
    case DW_OP_mul:
        r = a * b;
        break;
    case DW_OP_shl:
        r = b >= 64 ? 0 : a << b;
        break;
    case DW_OP_shr:
        r = b >= 64 ? 0 : a >> b;
        break;
    case DW_OP_shra:
        r = (uint64_t)((int64_t)a >> (b >= 64 ? 63 : b));
        break;
    case DW_OP_div:
        if (b == 0 || ((int64_t)a == INT64_MIN && (int64_t)b == -1))
            return -EINVAL;
        r = (uint64_t)((int64_t)a / (int64_t)b);
        break;
    case DW_OP_mod:
        if (b == 0)
            return -EINVAL;
        r = a % b;
        break;
    case DW_OP_eq:
        r = a == b;
        break;
    case DW_OP_ne:
        r = a != b;
        break;
    case DW_OP_lt:
        r = (int64_t)a < (int64_t)b;
        break;
    case DW_OP_gt:
        r = (int64_t)a > (int64_t)b;
        break;
    case DW_OP_le:
        r = (int64_t)a <= (int64_t)b;
        break;
    case DW_OP_ge:
        r = (int64_t)a >= (int64_t)b;
        break;
    default:
        return -ENOTSUP;
    }
    return push(m, r);
}

static int deref(struct machine *m, const struct sym_expr_ctx *c, size_t n)
{
    uint64_t addr;
    uint8_t buf[8] = {0};
    if (n == 0 || n > 8)
        return -EINVAL;
    if (pop(m, &addr) != 0)
        return -EINVAL;
    if (c->read_mem == NULL)
        return -ENODATA;
    int rc = c->read_mem(c->ctx, addr, buf, n);
    if (rc != 0)
        return rc;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)buf[i] << (8 * i);
    return push(m, v);
}

static int step(struct machine *m, struct reader *r, const struct sym_expr_ctx *c,
                const uint8_t *start, struct sym_expr_result *out)
{
    uint8_t op = *r->p++;
    uint64_t u, v;
    int64_t s;
    int rc;
    size_t asz = c->addr_size ? c->addr_size : 8;
    /* After DW_OP_regN, DW_OP_stack_value or DW_OP_implicit_value only a piece (or the end) may
     * follow. */
    if (m->state != LOC_NONE && op != DW_OP_piece)
        return -EINVAL;
    if (op >= DW_OP_lit0 && op <= DW_OP_lit31)
        return push(m, (uint64_t)(op - DW_OP_lit0));
    if (op >= DW_OP_reg0 && op <= DW_OP_reg31) {
        m->state = LOC_REG;
        m->regno = op - DW_OP_reg0;
        return 0;
    }
    if (op >= DW_OP_breg0 && op <= DW_OP_breg31) {
        if ((rc = rd_sleb(r, &s)) != 0 || (rc = read_reg(c, op - DW_OP_breg0, &v)) != 0)
            return rc;
        return push(m, v + (uint64_t)s);
    }
    switch (op) {
    case DW_OP_addr:
        if ((rc = rd_u(r, asz, &u)) != 0)
            return rc;
        return push(m, u);
    case DW_OP_const1u:
    case DW_OP_const2u:
    case DW_OP_const4u:
    case DW_OP_const8u: {
        size_t n = op == DW_OP_const1u ? 1 : op == DW_OP_const2u ? 2 : op == DW_OP_const4u ? 4 : 8;
        if ((rc = rd_u(r, n, &u)) != 0)
            return rc;
        return push(m, u);
    }
    case DW_OP_const1s:
    case DW_OP_const2s:
    case DW_OP_const4s:
    case DW_OP_const8s: {
        size_t n = op == DW_OP_const1s ? 1 : op == DW_OP_const2s ? 2 : op == DW_OP_const4s ? 4 : 8;
        if ((rc = rd_s(r, n, &s)) != 0)
            return rc;
        return push(m, (uint64_t)s);
    }
    case DW_OP_constu:
        if ((rc = rd_uleb(r, &u)) != 0)
            return rc;
        return push(m, u);
    case DW_OP_consts:
        if ((rc = rd_sleb(r, &s)) != 0)
            return rc;
        return push(m, (uint64_t)s);
    case DW_OP_dup:
        if (m->sp == 0)
            return -EINVAL;
        return push(m, m->stack[m->sp - 1]);
    case DW_OP_drop:
        return pop(m, &u);
    case DW_OP_over:
        if (m->sp < 2)
            return -EINVAL;
        return push(m, m->stack[m->sp - 2]);
    case DW_OP_pick:
        if ((rc = rd_u(r, 1, &u)) != 0)
            return rc;
        if (u >= m->sp)
            return -EINVAL;
        return push(m, m->stack[m->sp - 1 - u]);
    case DW_OP_swap:
        if (m->sp < 2)
            return -EINVAL;
        u = m->stack[m->sp - 1];
        m->stack[m->sp - 1] = m->stack[m->sp - 2];
        m->stack[m->sp - 2] = u;
        return 0;
    case DW_OP_rot:
        if (m->sp < 3)
            return -EINVAL;
        u = m->stack[m->sp - 1];
        m->stack[m->sp - 1] = m->stack[m->sp - 2];
        m->stack[m->sp - 2] = m->stack[m->sp - 3];
        m->stack[m->sp - 3] = u;
        return 0;
    case DW_OP_deref:
        return deref(m, c, asz);
    case DW_OP_deref_size:
        if ((rc = rd_u(r, 1, &u)) != 0)
            return rc;
        return deref(m, c, (size_t)u);
    case DW_OP_abs:
        if (m->sp == 0)
            return -EINVAL;
        if ((int64_t)m->stack[m->sp - 1] < 0)
            m->stack[m->sp - 1] = -m->stack[m->sp - 1];
        return 0;
    case DW_OP_neg:
        if (m->sp == 0)
            return -EINVAL;
        m->stack[m->sp - 1] = -m->stack[m->sp - 1];
        return 0;
    case DW_OP_not:
        if (m->sp == 0)
            return -EINVAL;
        m->stack[m->sp - 1] = ~m->stack[m->sp - 1];
        return 0;
    case DW_OP_plus_uconst:
        if ((rc = rd_uleb(r, &u)) != 0)
            return rc;
        if (m->sp == 0)
            return -EINVAL;
        m->stack[m->sp - 1] += u;
        return 0;
    case DW_OP_and:
    case DW_OP_or:
    case DW_OP_xor:
    case DW_OP_plus:
    case DW_OP_minus:
    case DW_OP_mul:
    case DW_OP_shl:
    case DW_OP_shr:
    case DW_OP_shra:
    case DW_OP_div:
    case DW_OP_mod:
    case DW_OP_eq:
    case DW_OP_ne:
    case DW_OP_lt:
    case DW_OP_gt:
    case DW_OP_le:
    case DW_OP_ge:
        return binop(m, op);
    case DW_OP_skip:
    case DW_OP_bra: {
        if ((rc = rd_s(r, 2, &s)) != 0)
            return rc;
        if (op == DW_OP_bra) {
            if ((rc = pop(m, &u)) != 0)
                return rc;
            if (u == 0)
                return 0;
        }
        ptrdiff_t target = (r->p - start) + s;
        if (target < 0 || target > r->end - start)
            return -EINVAL;
        r->p = start + target;
        return 0;
    }
    case DW_OP_regx:
        if ((rc = rd_uleb(r, &u)) != 0)
            return rc;
        if (u > 0xffff)
            return -EINVAL;
        m->state = LOC_REG;
        m->regno = (unsigned)u;
        return 0;
    case DW_OP_bregx:
        if ((rc = rd_uleb(r, &u)) != 0 || (rc = rd_sleb(r, &s)) != 0)
            return rc;
        if (u > 0xffff)
            return -EINVAL;
        if ((rc = read_reg(c, (unsigned)u, &v)) != 0)
            return rc;
        return push(m, v + (uint64_t)s);
    case DW_OP_fbreg:
        if ((rc = rd_sleb(r, &s)) != 0)
            return rc;
        if (!c->has_frame_base)
            return -ENODATA;
        return push(m, c->frame_base + (uint64_t)s);
    case DW_OP_call_frame_cfa:
        if (!c->has_cfa)
            return -ENODATA;
        return push(m, c->cfa);
    case DW_OP_piece:
        if ((rc = rd_uleb(r, &u)) != 0)
            return rc;
        if (u == 0)
            return -EINVAL;
        return emit_piece(m, u, out);
    case DW_OP_stack_value:
        if (m->sp == 0)
            return -EINVAL;
        m->state = LOC_VALUE;
        return 0;
    case DW_OP_implicit_value:
        if ((rc = rd_uleb(r, &u)) != 0)
            return rc;
        if (u > (uint64_t)(r->end - r->p))
            return -EINVAL;
        m->state = LOC_IMPLICIT;
        m->implicit = r->p;
        m->implicit_len = u;
        r->p += u;
        return 0;
    case DW_OP_nop:
        return 0;
    default:
        return -ENOTSUP;
    }
}

int sym_expr_eval(const uint8_t *expr, size_t len, const struct sym_expr_ctx *ctx,
                  struct sym_expr_result *out)
{
    struct machine m;
    struct reader r = {expr, expr + len};
    memset(&m, 0, sizeof(m));
    memset(out, 0, sizeof(*out));
    if (expr == NULL && len != 0)
        return -EINVAL;
    if (ctx->push_cfa) {
        if (!ctx->has_cfa)
            return -ENODATA;
        m.stack[m.sp++] = ctx->cfa;
    }
    for (unsigned steps = 0; r.p < r.end; steps++) {
        if (steps >= SYM_EXPR_MAX_STEPS)
            return -E2BIG;
        int rc = step(&m, &r, ctx, expr, out);
        if (rc != 0) {
            out->npieces = 0;
            return rc;
        }
    }
    if (out->npieces == 0)
        return emit_piece(&m, 0, out);
    /* Pieces were emitted: a location left after the last piece is malformed. */
    if (m.state != LOC_NONE) {
        out->npieces = 0;
        return -EINVAL;
    }
    return 0;
}
