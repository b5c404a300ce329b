/*
 * stub/regcache.c - one stopped thread's registers through ptrace, in target-description numbering.
 * arch/arch.h says where Linux keeps each register; this file fetches those structures lazily and
 * converts between them and gdb's register formats:
 *   x86_64   GPRs   PTRACE_GETREGS/SETREGS (struct user_regs_struct)
 *            x87/SSE PTRACE_GETFPREGS/SETFPREGS (the FXSAVE image)
 *            AVX    PTRACE_GETREGSET/SETREGSET NT_X86_XSTATE (the XSAVE image: YMM upper halves at
 * 576) aarch64  GPRs   PTRACE_GETREGSET NT_PRSTATUS (struct user_pt_regs) FP/SIMD PTRACE_GETREGSET
 * NT_PRFPREG (struct user_fpsimd_state) Only the host's own architecture is served. Not for debug
 * registers (stub/hwdebug.c).
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

#include "stub/regcache.h"

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif

/* Offsets in the XSAVE image (Intel SDM vol. 1, 13.4): Linux stores XCR0 in the first 8 of the
 * software-reserved FXSAVE bytes 464-511 for ptrace and core dumps (arch/x86/include/asm/user.h);
 * the XSAVE header's XSTATE_BV is at 512. */
#define XSAVE_XCR0_OFF 464u
#define XSAVE_XSTATE_BV_OFF 512u
#define XSAVE_HDR_END 576u
#define XFEATURE_YMM (1ull << 2)
/* Bound on the XSAVE image the kernel may hand out (AMX tiles make it about 11 KiB). */
#define XSAVE_MAX_LEN (64u * 1024u)

/* FXSAVE fields the x87 conversions need. */
#define FX_FSW_OFF 2u
#define FX_FTW_OFF 4u
#define FX_FOP_OFF 6u
#define FX_ST_OFF 32u

/* After a failed fetch: EIO/EINVAL/ENODEV mean the kernel or CPU lacks this register set. */
static int ptrace_errno(void)
{
    int e = errno;
    if (e == ESRCH)
        return -ESRCH;
    if (e == EIO || e == EINVAL || e == ENODEV || e == EOPNOTSUPP)
        return -ENOENT;
    return e ? -e : -EIO;
}

/* After a failed store the set exists: EIO/EINVAL mean the kernel refused a value (a bad segment
 * selector, an fs_base outside user space). */
static int ptrace_store_errno(void)
{
    int e = errno;
    if (e == EIO || e == EINVAL)
        return -EINVAL;
    return e ? -e : -EIO;
}

static int get_regset(pid_t tid, int note, void *buf, size_t *len)
{
    struct iovec iov = {.iov_base = buf, .iov_len = *len};
    if (ptrace(PTRACE_GETREGSET, tid, (void *)(long)note, &iov) == -1)
        return ptrace_errno();
    *len = iov.iov_len;
    return 0;
}

static int set_regset(pid_t tid, int note, void *buf, size_t len)
{
    struct iovec iov = {.iov_base = buf, .iov_len = len};
    if (ptrace(PTRACE_SETREGSET, tid, (void *)(long)note, &iov) == -1)
        return ptrace_store_errno();
    return 0;
}

void regcache_init(struct regcache *rc, pid_t tid, const struct arch_desc *arch)
{
    memset(rc, 0, sizeof *rc);
    rc->tid = tid;
    rc->arch = arch;
}

void regcache_invalidate(struct regcache *rc)
{
    rc->gpr_valid = rc->fpr_valid = rc->xstate_valid = false;
    rc->xstate_len = 0;
}

/* ------------------------------------------------------------------ fetching and storing sets */

static int fetch_gpr(struct regcache *rc)
{
    if (rc->gpr_valid)
        return 0;
    errno = 0;
#if defined(__x86_64__)
    if (ptrace(PTRACE_GETREGS, rc->tid, NULL, rc->gpr) == -1)
        return ptrace_errno();
#else
    size_t len = sizeof rc->gpr;
    int err = get_regset(rc->tid, NT_PRSTATUS, rc->gpr, &len);
    if (err)
        return err;
#endif
    rc->gpr_valid = true;
    return 0;
}

static int store_gpr(struct regcache *rc)
{
    rc->gpr_valid = false; /* the kernel may sanitize what we wrote: read it back next time */
#if defined(__x86_64__)
    if (ptrace(PTRACE_SETREGS, rc->tid, NULL, rc->gpr) == -1)
        return ptrace_store_errno();
    return 0;
#else
    return set_regset(rc->tid, NT_PRSTATUS, rc->gpr, 272); /* sizeof(struct user_pt_regs) */
#endif
}

static int fetch_fpr(struct regcache *rc)
{
    if (rc->fpr_valid)
        return 0;
#if defined(__x86_64__)
    if (ptrace(PTRACE_GETFPREGS, rc->tid, NULL, rc->fpr) == -1)
        return ptrace_errno();
#else
    size_t len = sizeof rc->fpr;
    int err = get_regset(rc->tid, NT_PRFPREG, rc->fpr, &len);
    if (err)
        return err;
#endif
    rc->fpr_valid = true;
    return 0;
}

static int store_fpr(struct regcache *rc)
{
    /* FXSAVE and XSAVE images overlap (x87, XMM, MXCSR): both are stale after a write. */
    rc->fpr_valid = rc->xstate_valid = false;
#if defined(__x86_64__)
    if (ptrace(PTRACE_SETFPREGS, rc->tid, NULL, rc->fpr) == -1)
        return ptrace_store_errno();
    return 0;
#else
    return set_regset(rc->tid, NT_PRFPREG, rc->fpr, 528); /* sizeof(struct user_fpsimd_state) */
#endif
}

static int fetch_xstate(struct regcache *rc)
{
    if (rc->xstate_valid)
        return 0;
#if defined(__x86_64__)
    /* The kernel copies at most iov_len bytes, so the first 4 KiB (all we read) fit even when the
     * whole image is larger. */
    size_t len = sizeof rc->xstate;
    int err = get_regset(rc->tid, NT_X86_XSTATE, rc->xstate, &len);
    if (err)
        return err;
    rc->xstate_len = len;
    rc->xstate_valid = true;
    return 0;
#else
    return -ENOENT;
#endif
}

/* Read-modify-write of the whole XSAVE image: SETREGSET NT_X86_XSTATE only accepts the full size,
 * which can exceed the cached 4 KiB. */
static int store_xstate_bytes(struct regcache *rc, unsigned off, const uint8_t *src, size_t len,
                              uint64_t set_bv)
{
#if defined(__x86_64__)
    size_t img_len = XSAVE_MAX_LEN;
    uint8_t *img = malloc(img_len);
    int err;

    if (img == NULL)
        return -ENOMEM;
    rc->fpr_valid = rc->xstate_valid = false;
    err = get_regset(rc->tid, NT_X86_XSTATE, img, &img_len);
    if (err)
        goto out;
    if (img_len < XSAVE_HDR_END || off + len > img_len) {
        err = -ENOENT;
        goto out;
    }
    memcpy(img + off, src, len);
    /* A component whose XSTATE_BV bit is clear is in its init state: XRSTOR ignores its bytes. */
    uint64_t bv;
    memcpy(&bv, img + XSAVE_XSTATE_BV_OFF, sizeof bv);
    bv |= set_bv;
    memcpy(img + XSAVE_XSTATE_BV_OFF, &bv, sizeof bv);
    err = set_regset(rc->tid, NT_X86_XSTATE, img, img_len);
out:
    free(img);
    return err;
#else
    (void)rc, (void)off, (void)src, (void)len, (void)set_bv;
    return -ENOENT;
#endif
}

/* ------------------------------------------------------------------ x87 tag word */

/*
 * FXSAVE keeps an abridged tag: one bit per physical register, 1 = not empty. gdb wants the full
 * 16-bit tag word (2 bits per physical register: 00 valid, 01 zero, 10 special, 11 empty), so the
 * kind of each non-empty register is rebuilt from its contents (Intel SDM vol. 1, 8.1.7 and table
 * 10-2). Physical register i is ST((i - TOP) mod 8), and FXSAVE stores the ST(j) in stack order.
 */
static unsigned x87_tag_of(const uint8_t *st)
{
    unsigned exponent = (unsigned)(st[8] | (st[9] << 8)) & 0x7fffu;
    bool integer_bit = (st[7] & 0x80u) != 0;
    bool fraction_zero = (st[7] & 0x7fu) == 0;
    for (int k = 0; k < 7; k++)
        fraction_zero = fraction_zero && st[k] == 0;

    if (exponent == 0x7fff)
        return 2; /* infinity, NaN */
    if (exponent == 0)
        return (!integer_bit && fraction_zero) ? 1 : 2; /* zero, or denormal */
    return integer_bit ? 0 : 2;                         /* valid, or unnormal */
}

static uint16_t x87_full_tag(const uint8_t *fx)
{
    unsigned abridged = fx[FX_FTW_OFF];
    unsigned top = ((unsigned)(fx[FX_FSW_OFF] | (fx[FX_FSW_OFF + 1] << 8)) >> 11) & 7u;
    unsigned tag = 0;

    for (unsigned phys = 0; phys < 8; phys++) {
        unsigned t = 3;
        if (abridged & (1u << phys))
            t = x87_tag_of(fx + FX_ST_OFF + 16u * ((phys - top) & 7u));
        tag |= t << (2 * phys);
    }
    return (uint16_t)tag;
}

static uint8_t x87_abridged_tag(uint16_t full)
{
    uint8_t abridged = 0;
    for (unsigned phys = 0; phys < 8; phys++)
        if (((full >> (2 * phys)) & 3u) != 3u)
            abridged |= (uint8_t)(1u << phys);
    return abridged;
}

/* ------------------------------------------------------------------ registers */

static bool is_x86_fop(const struct regcache *rc, const struct arch_reg *r)
{
    return rc->arch->elf_machine == EM_X86_64 && r->regset == ARCH_REGSET_FPR &&
           r->regset_off == FX_FOP_OFF;
}

int regcache_read(struct regcache *rc, unsigned regno, uint8_t *buf, size_t len)
{
    if (regno >= rc->arch->nregs)
        return -EINVAL;
    const struct arch_reg *r = &rc->arch->regs[regno];
    if (len != r->size_bits / 8)
        return -EINVAL;
    memset(buf, 0, len);

    int err;
    switch (r->regset) {
    case ARCH_REGSET_GPR:
        if ((err = fetch_gpr(rc)) != 0)
            return err;
        memcpy(buf, rc->gpr + r->regset_off, r->regset_len);
        return 0;
    case ARCH_REGSET_FPR:
        if ((err = fetch_fpr(rc)) != 0)
            return err;
        memcpy(buf, rc->fpr + r->regset_off, r->regset_len);
        if (is_x86_fop(rc, r))
            buf[1] &= 0x07; /* FOP is the low 11 bits of the word */
        return 0;
    case ARCH_REGSET_FTAG:
        if ((err = fetch_fpr(rc)) != 0)
            return err;
        uint16_t tag = x87_full_tag(rc->fpr);
        buf[0] = (uint8_t)tag;
        buf[1] = (uint8_t)(tag >> 8);
        return 0;
    case ARCH_REGSET_XSTATE: {
        if ((err = fetch_xstate(rc)) != 0)
            return err;
        uint64_t xcr0, bv;
        if (rc->xstate_len < XSAVE_HDR_END || r->regset_off + r->regset_len > rc->xstate_len)
            return -ENOENT;
        memcpy(&xcr0, rc->xstate + XSAVE_XCR0_OFF, sizeof xcr0);
        memcpy(&bv, rc->xstate + XSAVE_XSTATE_BV_OFF, sizeof bv);
        if (!(xcr0 & XFEATURE_YMM))
            return -ENOENT;
        /* XSTATE_BV bit clear: the component is in its init state (all zero), whatever the bytes
         * say. */
        if (bv & XFEATURE_YMM)
            memcpy(buf, rc->xstate + r->regset_off, r->regset_len);
        return 0;
    }
    case ARCH_REGSET_NONE:
    default:
        return -ENOENT;
    }
}

int regcache_write(struct regcache *rc, unsigned regno, const uint8_t *buf, size_t len)
{
    if (regno >= rc->arch->nregs)
        return -EINVAL;
    const struct arch_reg *r = &rc->arch->regs[regno];
    if (len != r->size_bits / 8)
        return -EINVAL;

    int err;
    switch (r->regset) {
    case ARCH_REGSET_GPR:
        /* Writes go straight through: refetch so that nothing stale is written back. */
        rc->gpr_valid = false;
        if ((err = fetch_gpr(rc)) != 0)
            return err;
        memcpy(rc->gpr + r->regset_off, buf, r->regset_len);
        return store_gpr(rc);
    case ARCH_REGSET_FPR:
    case ARCH_REGSET_FTAG:
        rc->fpr_valid = false;
        if ((err = fetch_fpr(rc)) != 0)
            return err;
        if (r->regset == ARCH_REGSET_FTAG) {
            rc->fpr[FX_FTW_OFF] = x87_abridged_tag((uint16_t)(buf[0] | (buf[1] << 8)));
        } else {
            memcpy(rc->fpr + r->regset_off, buf, r->regset_len);
            if (is_x86_fop(rc, r))
                rc->fpr[r->regset_off + 1] &= 0x07;
        }
        return store_fpr(rc);
    case ARCH_REGSET_XSTATE:
        return store_xstate_bytes(rc, r->regset_off, buf, r->regset_len, XFEATURE_YMM);
    case ARCH_REGSET_NONE:
    default:
        return -ENOENT;
    }
}

int regcache_get_pc(struct regcache *rc, uint64_t *pc)
{
    uint8_t b[8];
    int err = regcache_read(rc, (unsigned)rc->arch->pc_regno, b, sizeof b);
    if (err)
        return err;
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) /* target byte order is little-endian on both architectures */
        v = (v << 8) | b[i];
    *pc = v;
    return 0;
}

int regcache_set_pc(struct regcache *rc, uint64_t pc)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(pc >> (8 * i));
    return regcache_write(rc, (unsigned)rc->arch->pc_regno, b, sizeof b);
}

int regcache_xcr0(pid_t tid, uint64_t *xcr0)
{
    *xcr0 = 0;
#if defined(__x86_64__)
    uint8_t img[XSAVE_HDR_END];
    size_t len = sizeof img;
    int err = get_regset(tid, NT_X86_XSTATE, img, &len);
    if (err == -ENOENT)
        return 0; /* no XSAVE: unknown, treated as x87/SSE only */
    if (err)
        return err;
    if (len >= XSAVE_XCR0_OFF + sizeof *xcr0)
        memcpy(xcr0, img + XSAVE_XCR0_OFF, sizeof *xcr0);
#else
    (void)tid;
#endif
    return 0;
}

const struct arch_desc *regcache_host_arch(pid_t tid)
{
#if defined(__x86_64__)
    uint64_t xcr0 = 0;
    if (regcache_xcr0(tid, &xcr0) != 0)
        xcr0 = 0;
    return arch_by_elf_machine(EM_X86_64, xcr0);
#elif defined(__aarch64__)
    (void)tid;
    return &arch_aarch64;
#else
    (void)tid;
    return NULL;
#endif
}
