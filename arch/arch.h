/*
 * arch/arch.h - instruction-set facts as constant tables: the register list in target-description
 * order (what 'g', 'p' and stop replies use), each register's width, DWARF and lldb numbers, where
 * Linux keeps it (user_regs_struct / FXSAVE / XSAVE offsets), the target.xml text, the trap
 * instruction and the PC after a trap, and x86 debug-register encodings. x86_64 and aarch64. No OS
 * calls, no I/O.
 */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where Linux keeps a register (for the stub's ptrace code). Offsets are bytes into that structure.
 */
enum arch_regset {
    ARCH_REGSET_NONE = 0, /* not readable: sent as 'xx' */
    ARCH_REGSET_GPR,      /* x86_64: struct user_regs_struct; aarch64: struct user_pt_regs */
    ARCH_REGSET_FPR,      /* x86_64: FXSAVE area (PTRACE_GETFPREGS); aarch64: user_fpsimd_state */
    ARCH_REGSET_XSTATE,   /* x86_64: XSAVE area (NT_X86_XSTATE), e.g. the AVX upper halves at 576 */
    ARCH_REGSET_FTAG, /* x86_64 ftag: FXSAVE's abridged tag at FPR offset 4, expanded to 16 bits */
};

/* lldb's qRegisterInfo encoding/format/generic vocabulary. */
enum arch_lldb_encoding { ARCH_ENC_UINT, ARCH_ENC_SINT, ARCH_ENC_IEEE754, ARCH_ENC_VECTOR };
enum arch_lldb_format { ARCH_FMT_HEX, ARCH_FMT_DECIMAL, ARCH_FMT_FLOAT, ARCH_FMT_VECTOR_UINT8 };

struct arch_reg {
    const char *name;     /* as in target.xml */
    const char *alt_name; /* lldb "alt-name" or NULL */
    const char *generic;  /* lldb "generic": "pc", "sp", "fp", "ra", "flags", "arg1".. or NULL */
    const char *set;      /* lldb register set name */
    unsigned size_bits;
    int dwarf_regno;   /* -1 when none */
    int ehframe_regno; /* "gcc" number for lldb, -1 when none */
    enum arch_lldb_encoding encoding;
    enum arch_lldb_format format;
    enum arch_regset regset;
    unsigned regset_off; /* byte offset inside the regset */
    unsigned regset_len; /* bytes taken from the regset (<= size_bits/8; the rest is zero) */
    unsigned g_off;      /* byte offset in the 'g' packet */
};

struct arch_desc {
    const char *name;     /* "x86_64", "aarch64" */
    const char *gdb_arch; /* "i386:x86-64", "aarch64" */
    const char *triple;   /* "x86_64-pc-linux-gnu" (lldb qHostInfo/qProcessInfo) */
    unsigned elf_machine; /* EM_X86_64, EM_AARCH64 */
    const struct arch_reg *regs;
    unsigned nregs;
    unsigned g_len;                   /* bytes of the 'g' packet: sum of every register's size */
    int pc_regno, sp_regno, fp_regno; /* target description numbers */
    const int *expedite;              /* regnos sent in T stop replies, -1 terminated */
    const char *target_xml;           /* complete document, includes inlined */
    const uint8_t *trap;              /* breakpoint instruction bytes */
    unsigned trap_len;
    unsigned bp_kind;            /* the kind gdb sends in Z0 for this trap (x86: 1, aarch64: 4) */
    bool pc_after_trap_advanced; /* x86: PC is past the int3 after a trap; aarch64: PC is at the brk
                                  */
    unsigned ptr_size;
};

/* x86_64 without AVX (560-byte 'g'), with AVX upper halves (ymm0h-ymm15h, 816-byte 'g'). */
extern const struct arch_desc arch_x86_64;
extern const struct arch_desc arch_x86_64_avx;
extern const struct arch_desc arch_aarch64;

/* By ELF e_machine; for x86_64 xcr0 picks the AVX variant (bit 2). NULL when unknown. */
const struct arch_desc *arch_by_elf_machine(unsigned machine, uint64_t xcr0);
/* By name ("x86_64", "aarch64", "i386:x86-64"); NULL when unknown. */
const struct arch_desc *arch_by_name(const char *name);
/* Target-description number of a register name, or -1. */
int arch_regno_by_name(const struct arch_desc *a, const char *name);
/* Target-description number of a DWARF register number, or -1. */
int arch_regno_by_dwarf(const struct arch_desc *a, int dwarf_regno);

/* ------------------------------------------------------------------ x86 debug registers */

/* DR7 condition (R/W) bits for one slot: 00 execute, 01 write, 11 read/write (no read-only on x86).
 */
enum arch_x86_dr_type { ARCH_DR_EXEC = 0, ARCH_DR_WRITE = 1, ARCH_DR_ACCESS = 3 };

#define ARCH_X86_DR_SLOTS 4
#define ARCH_X86_DR6_HIT_MASK 0xfu /* B0..B3 */
#define ARCH_X86_DR6_BS (1u << 14) /* single step */

/* DR7 with slot's local-enable bit, type and length set (len 1, 2, 4 or 8; exec needs len 1). */
uint64_t arch_x86_dr7_set(uint64_t dr7, unsigned slot, enum arch_x86_dr_type type, unsigned len);
uint64_t arch_x86_dr7_clear(uint64_t dr7, unsigned slot);
bool arch_x86_dr7_slot_enabled(uint64_t dr7, unsigned slot);
/* Splits [addr, addr+len) into aligned pieces of 1, 2, 4 or 8 bytes, as x86 requires. Writes at
 * most max pieces; returns the number needed (may exceed max: then the range does not fit). */
unsigned arch_x86_dr_split(uint64_t addr, uint64_t len, uint64_t *piece_addr, unsigned *piece_len,
                           unsigned max);

#endif
