/*
 * arch/arch.c - lookups over the per-architecture tables (by ELF machine, by name, by register
 * name, by DWARF number) and the x86 debug-register encodings: DR7 control bits and the split of a
 * watched range into the aligned 1/2/4/8-byte pieces the hardware can watch. Pure functions; the
 * ptrace side is stub/hwdebug.c.
 */
#include <elf.h>
#include <string.h>

#include "arch/arch.h"

/* XCR0 bit 2: the OS saves and restores the AVX state, so ymmNh exist (Intel SDM vol. 1, 13.3). */
#define XCR0_AVX (1u << 2)

const struct arch_desc *arch_by_elf_machine(unsigned machine, uint64_t xcr0)
{
    switch (machine) {
    case EM_X86_64:
        return (xcr0 & XCR0_AVX) ? &arch_x86_64_avx : &arch_x86_64;
    case EM_AARCH64:
        return &arch_aarch64;
    default:
        return NULL;
    }
}

const struct arch_desc *arch_by_name(const char *name)
{
    if (name == NULL)
        return NULL;
    if (strcmp(name, "x86_64") == 0 || strcmp(name, "i386:x86-64") == 0 ||
        strcmp(name, "amd64") == 0)
        return &arch_x86_64;
    if (strcmp(name, "aarch64") == 0 || strcmp(name, "arm64") == 0)
        return &arch_aarch64;
    return NULL;
}

int arch_regno_by_name(const struct arch_desc *a, const char *name)
{
    if (a == NULL || name == NULL)
        return -1;
    for (unsigned i = 0; i < a->nregs; i++)
        if (strcmp(a->regs[i].name, name) == 0)
            return (int)i;
    return -1;
}

int arch_regno_by_dwarf(const struct arch_desc *a, int dwarf_regno)
{
    if (a == NULL || dwarf_regno < 0)
        return -1;
    for (unsigned i = 0; i < a->nregs; i++)
        if (a->regs[i].dwarf_regno == dwarf_regno)
            return (int)i;
    return -1;
}

/* ------------------------------------------------------------------ x86 debug registers */

/*
 * DR7 layout (Intel SDM vol. 3B, 18.2.4): L<n> (local enable) at bit 2n, G<n> at 2n+1; LE at bit 8;
 * R/W<n> at 16+4n (2 bits); LEN<n> at 18+4n (2 bits: 00 one byte, 01 two, 11 four, 10 eight).
 */
#define DR7_LOCAL_ENABLE(slot) (1ull << (2u * (slot)))
#define DR7_ENABLE_MASK 0xffull     /* L0-L3 and G0-G3 */
#define DR7_LOCAL_EXACT (1ull << 8) /* LE: "exact" data breakpoints; gdb and Linux set it too */
#define DR7_RW_SHIFT(slot) (16u + 4u * (slot))
#define DR7_LEN_SHIFT(slot) (18u + 4u * (slot))

static int dr7_len_bits(unsigned len)
{
    switch (len) {
    case 1:
        return 0;
    case 2:
        return 1;
    case 4:
        return 3;
    case 8:
        return 2;
    default:
        return -1;
    }
}

uint64_t arch_x86_dr7_set(uint64_t dr7, unsigned slot, enum arch_x86_dr_type type, unsigned len)
{
    if (slot >= ARCH_X86_DR_SLOTS)
        return dr7;
    /* An execute breakpoint must have LEN 00 whatever length was asked for (SDM 18.2.5). */
    int len_bits = type == ARCH_DR_EXEC ? 0 : dr7_len_bits(len);
    if (len_bits < 0)
        return dr7;
    dr7 &= ~(0xfull << DR7_RW_SHIFT(slot)); /* R/W and LEN together */
    dr7 |= (uint64_t)type << DR7_RW_SHIFT(slot);
    dr7 |= (uint64_t)len_bits << DR7_LEN_SHIFT(slot);
    dr7 |= DR7_LOCAL_ENABLE(slot) | DR7_LOCAL_EXACT;
    return dr7;
}

uint64_t arch_x86_dr7_clear(uint64_t dr7, unsigned slot)
{
    if (slot >= ARCH_X86_DR_SLOTS)
        return dr7;
    dr7 &= ~(DR7_LOCAL_ENABLE(slot) | (DR7_LOCAL_ENABLE(slot) << 1));
    dr7 &= ~(0xfull << DR7_RW_SHIFT(slot));
    if ((dr7 & DR7_ENABLE_MASK) == 0)
        dr7 &= ~DR7_LOCAL_EXACT;
    return dr7;
}

bool arch_x86_dr7_slot_enabled(uint64_t dr7, unsigned slot)
{
    if (slot >= ARCH_X86_DR_SLOTS)
        return false;
    return (dr7 & (DR7_LOCAL_ENABLE(slot) | (DR7_LOCAL_ENABLE(slot) << 1))) != 0;
}

unsigned arch_x86_dr_split(uint64_t addr, uint64_t len, uint64_t *piece_addr, unsigned *piece_len,
                           unsigned max)
{
    unsigned n = 0;

    /* Greedy: at each address take the largest size it is aligned to that does not overrun the
     * range. This gives the fewest pieces, because a larger aligned piece never prevents a later
     * one. */
    while (len > 0) {
        /* The aligned middle of a long range, counted at once so that a huge length cannot spin. */
        if ((addr & 7) == 0 && len >= 16 && n >= max) {
            n += (unsigned)(len / 8 > ~0u / 2 ? ~0u / 2 : len / 8);
            addr += len & ~7ull;
            len &= 7;
            continue;
        }
        unsigned size = 8;
        while (size > 1 && ((addr & (size - 1)) != 0 || size > len))
            size /= 2;
        if (n < max) {
            if (piece_addr)
                piece_addr[n] = addr;
            if (piece_len)
                piece_len[n] = size;
        }
        n++;
        addr += size;
        len -= size;
    }
    return n;
}
