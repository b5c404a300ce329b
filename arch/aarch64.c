/*
 * arch/aarch64.c - the AArch64 GNU/Linux register list as gdbserver and QEMU number it (features
 * org.gnu.gdb.aarch64.core and org.gnu.gdb.aarch64.fpu: x0-x30, sp, pc, cpsr, v0-v31, fpsr, fpcr),
 * with DWARF numbers (AADWARF64: x0-x30 0-30, sp 31, pc 32, v0-v31 64-95), lldb fields, and where
 * Linux keeps each register: struct user_pt_regs (NT_PRSTATUS) or struct user_fpsimd_state
 * (NT_PRFPREG). The trap is "brk #0"; after it the PC still points at the brk. Not for SVE, pointer
 * authentication or MTE.
 */
#include <elf.h>

#include "arch/arch.h"

/* struct user_pt_regs: regs[31] at 8i, sp 248, pc 256, pstate 264 (cpsr is its low 32 bits). */
#define PT_X(i) (8u * (i))
#define PT_SP 248u
#define PT_PC 256u
#define PT_PSTATE 264u
/* struct user_fpsimd_state: vregs[32] (__uint128_t) at 16i, fpsr 512, fpcr 516. */
#define FP_V(i) (16u * (i))
#define FP_FPSR 512u
#define FP_FPCR 516u
/* 'g' packet: x0-x30, sp, pc (8 bytes each), cpsr (4), v0-v31 (16 each), fpsr, fpcr (4 each). */
#define G_X(i) (8u * (i))
#define G_V(i) (268u + 16u * (i))

#define SET_GPR "General Purpose Registers"
#define SET_FPR "Floating Point Registers"

// clang-format off
#define X(i, alt, gen) \
    { "x" #i, alt, gen, SET_GPR, 64, i, i, ARCH_ENC_UINT, ARCH_FMT_HEX, ARCH_REGSET_GPR, PT_X(i), 8, G_X(i) }
#define V(i) \
    { "v" #i, NULL, NULL, SET_FPR, 128, 64 + (i), 64 + (i), ARCH_ENC_VECTOR, ARCH_FMT_VECTOR_UINT8, \
      ARCH_REGSET_FPR, FP_V(i), 16, G_V(i) }

static const struct arch_reg aarch64_regs[] = {
    X(0, NULL, "arg1"), X(1, NULL, "arg2"), X(2, NULL, "arg3"), X(3, NULL, "arg4"),
    X(4, NULL, "arg5"), X(5, NULL, "arg6"), X(6, NULL, "arg7"), X(7, NULL, "arg8"),
    X(8, NULL, NULL), X(9, NULL, NULL), X(10, NULL, NULL), X(11, NULL, NULL),
    X(12, NULL, NULL), X(13, NULL, NULL), X(14, NULL, NULL), X(15, NULL, NULL),
    X(16, NULL, NULL), X(17, NULL, NULL), X(18, NULL, NULL), X(19, NULL, NULL),
    X(20, NULL, NULL), X(21, NULL, NULL), X(22, NULL, NULL), X(23, NULL, NULL),
    X(24, NULL, NULL), X(25, NULL, NULL), X(26, NULL, NULL), X(27, NULL, NULL),
    X(28, NULL, NULL), X(29, "fp", "fp"), X(30, "lr", "ra"),
    { "sp", NULL, "sp", SET_GPR, 64, 31, 31, ARCH_ENC_UINT, ARCH_FMT_HEX, ARCH_REGSET_GPR, PT_SP, 8, 248 },
    { "pc", NULL, "pc", SET_GPR, 64, 32, 32, ARCH_ENC_UINT, ARCH_FMT_HEX, ARCH_REGSET_GPR, PT_PC, 8, 256 },
    /* cpsr has no AADWARF64 number (33 is ELR_mode) */
    { "cpsr", NULL, "flags", SET_GPR, 32, -1, -1, ARCH_ENC_UINT, ARCH_FMT_HEX, ARCH_REGSET_GPR, PT_PSTATE, 4,
      264 },
    V(0), V(1), V(2), V(3), V(4), V(5), V(6), V(7),
    V(8), V(9), V(10), V(11), V(12), V(13), V(14), V(15),
    V(16), V(17), V(18), V(19), V(20), V(21), V(22), V(23),
    V(24), V(25), V(26), V(27), V(28), V(29), V(30), V(31),
    { "fpsr", NULL, NULL, SET_FPR, 32, -1, -1, ARCH_ENC_UINT, ARCH_FMT_HEX, ARCH_REGSET_FPR, FP_FPSR, 4, 780 },
    { "fpcr", NULL, NULL, SET_FPR, 32, -1, -1, ARCH_ENC_UINT, ARCH_FMT_HEX, ARCH_REGSET_FPR, FP_FPCR, 4, 784 },
};

#define REG(nm, bits, num) "<reg name=\"" nm "\" bitsize=\"" #bits "\" regnum=\"" #num "\"/>\n"
#define REGT(nm, bits, type, num) \
    "<reg name=\"" nm "\" bitsize=\"" #bits "\" type=\"" type "\" regnum=\"" #num "\"/>\n"
#define VREG(i, num) REGT("v" #i, 128, "aarch64v", num)
#define FIELD(nm, s, e) "<field name=\"" nm "\" start=\"" #s "\" end=\"" #e "\"/>\n"

static const char aarch64_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target>\n"
    "<architecture>aarch64</architecture>\n"
    "<osabi>GNU/Linux</osabi>\n"
    "<feature name=\"org.gnu.gdb.aarch64.core\">\n"
    REG("x0", 64, 0) REG("x1", 64, 1) REG("x2", 64, 2) REG("x3", 64, 3) REG("x4", 64, 4)
    REG("x5", 64, 5) REG("x6", 64, 6) REG("x7", 64, 7) REG("x8", 64, 8) REG("x9", 64, 9)
    REG("x10", 64, 10) REG("x11", 64, 11) REG("x12", 64, 12) REG("x13", 64, 13) REG("x14", 64, 14)
    REG("x15", 64, 15) REG("x16", 64, 16) REG("x17", 64, 17) REG("x18", 64, 18) REG("x19", 64, 19)
    REG("x20", 64, 20) REG("x21", 64, 21) REG("x22", 64, 22) REG("x23", 64, 23) REG("x24", 64, 24)
    REG("x25", 64, 25) REG("x26", 64, 26) REG("x27", 64, 27) REG("x28", 64, 28) REG("x29", 64, 29)
    REG("x30", 64, 30)
    REGT("sp", 64, "data_ptr", 31)
    REGT("pc", 64, "code_ptr", 32)
    "<flags id=\"cpsr_flags\" size=\"4\">\n"
    FIELD("SP", 0, 0) FIELD("EL", 2, 3) FIELD("nRW", 4, 4) FIELD("F", 6, 6) FIELD("I", 7, 7)
    FIELD("A", 8, 8) FIELD("D", 9, 9) FIELD("IL", 20, 20) FIELD("SS", 21, 21)
    FIELD("V", 28, 28) FIELD("C", 29, 29) FIELD("Z", 30, 30) FIELD("N", 31, 31)
    "</flags>\n"
    REGT("cpsr", 32, "cpsr_flags", 33)
    "</feature>\n"
    "<feature name=\"org.gnu.gdb.aarch64.fpu\">\n"
    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
    "<vector id=\"v2u\" type=\"uint64\" count=\"2\"/>\n"
    "<vector id=\"v2i\" type=\"int64\" count=\"2\"/>\n"
    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
    "<vector id=\"v4u\" type=\"uint32\" count=\"4\"/>\n"
    "<vector id=\"v4i\" type=\"int32\" count=\"4\"/>\n"
    "<vector id=\"v8f\" type=\"ieee_half\" count=\"8\"/>\n"
    "<vector id=\"v8u\" type=\"uint16\" count=\"8\"/>\n"
    "<vector id=\"v8i\" type=\"int16\" count=\"8\"/>\n"
    "<vector id=\"v16u\" type=\"uint8\" count=\"16\"/>\n"
    "<vector id=\"v16i\" type=\"int8\" count=\"16\"/>\n"
    "<vector id=\"v1u\" type=\"uint128\" count=\"1\"/>\n"
    "<vector id=\"v1i\" type=\"int128\" count=\"1\"/>\n"
    "<union id=\"vnd\">\n<field name=\"f\" type=\"v2d\"/>\n<field name=\"u\" type=\"v2u\"/>\n"
    "<field name=\"s\" type=\"v2i\"/>\n</union>\n"
    "<union id=\"vns\">\n<field name=\"f\" type=\"v4f\"/>\n<field name=\"u\" type=\"v4u\"/>\n"
    "<field name=\"s\" type=\"v4i\"/>\n</union>\n"
    "<union id=\"vnh\">\n<field name=\"f\" type=\"v8f\"/>\n<field name=\"u\" type=\"v8u\"/>\n"
    "<field name=\"s\" type=\"v8i\"/>\n</union>\n"
    "<union id=\"vnb\">\n<field name=\"u\" type=\"v16u\"/>\n<field name=\"s\" type=\"v16i\"/>\n</union>\n"
    "<union id=\"vnq\">\n<field name=\"u\" type=\"v1u\"/>\n<field name=\"s\" type=\"v1i\"/>\n</union>\n"
    "<union id=\"aarch64v\">\n<field name=\"d\" type=\"vnd\"/>\n<field name=\"s\" type=\"vns\"/>\n"
    "<field name=\"h\" type=\"vnh\"/>\n<field name=\"b\" type=\"vnb\"/>\n<field name=\"q\" type=\"vnq\"/>\n"
    "</union>\n"
    VREG(0, 34) VREG(1, 35) VREG(2, 36) VREG(3, 37) VREG(4, 38) VREG(5, 39) VREG(6, 40) VREG(7, 41)
    VREG(8, 42) VREG(9, 43) VREG(10, 44) VREG(11, 45) VREG(12, 46) VREG(13, 47) VREG(14, 48)
    VREG(15, 49) VREG(16, 50) VREG(17, 51) VREG(18, 52) VREG(19, 53) VREG(20, 54) VREG(21, 55)
    VREG(22, 56) VREG(23, 57) VREG(24, 58) VREG(25, 59) VREG(26, 60) VREG(27, 61) VREG(28, 62)
    VREG(29, 63) VREG(30, 64) VREG(31, 65)
    REGT("fpsr", 32, "int", 66)
    REGT("fpcr", 32, "int", 67)
    "</feature>\n"
    "</target>\n";
// clang-format on

/* gdbserver's aarch64 expedite list: x29 (fp), sp, pc. */
static const int aarch64_expedite[] = {29, 31, 32, -1};

static const uint8_t aarch64_trap[] = {0x00, 0x00, 0x20, 0xd4}; /* brk #0, little-endian */

const struct arch_desc arch_aarch64 = {
    .name = "aarch64",
    .gdb_arch = "aarch64",
    .triple = "aarch64-unknown-linux-gnu",
    .elf_machine = EM_AARCH64,
    .regs = aarch64_regs,
    .nregs = sizeof aarch64_regs / sizeof aarch64_regs[0],
    .g_len = 788,
    .pc_regno = 32,
    .sp_regno = 31,
    .fp_regno = 29,
    .expedite = aarch64_expedite,
    .target_xml = aarch64_xml,
    .trap = aarch64_trap,
    .trap_len = sizeof aarch64_trap,
    .bp_kind = 4,
    .pc_after_trap_advanced = false,
    .ptr_size = 8,
};
